/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the advice rules shared by the table (advice_rules.c) and
 * the condition language (advice_cond.c); the public API is advice_rules.h.
 */
#ifndef DL_ADVICE_COND_H
#define DL_ADVICE_COND_H

#include <stdbool.h>
#include <stddef.h>

/* Whether a name (@len bytes, not NUL-terminated) may be read. */
typedef bool (*dl_advice_known_fn)(const char *name, size_t len, void *arg);

/* Check @when's syntax and its names: 0, or -EINVAL with why in @err. */
int dl_advice_cond__check(const char *when, dl_advice_known_fn known, void *arg,
			  char *err, size_t err_len);

/* @v equals one of the comma-separated @list (@len bytes). */
bool dl_advice_cond__in_list(const char *v, const char *list, size_t len);

/* a-z, 0-9, '_': the characters of a name. */
bool dl_advice_cond__is_name_char(char ch);

#endif
