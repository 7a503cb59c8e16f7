/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the lab checks: namespaces, the generator CLI, checks. */
#ifndef DL_LABUTIL_H
#define DL_LABUTIL_H

#include <stdio.h>

#include <jansson.h>

extern int lab_failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		lab_failures++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

/* Move the calling thread into the network namespace at @path. */
int lab_enter_ns(const char *path);
/* Run the generator CLI (@gargv, NULL-terminated) in @tx_ns; its --json. */
json_t *lab_run_gen(const char *tx_ns, char **gargv);

#endif
