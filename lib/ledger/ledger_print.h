/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ledger printed (ledger_print.c): one compact JSON object per line,
 * or aligned text tables for people. Absent counters: null, "n/a".
 */
#ifndef DL_LEDGER_PRINT_H
#define DL_LEDGER_PRINT_H

#include <stdio.h>

#include <jansson.h>

struct dl_ledger;

/* The ledger as a new JSON object (caller owns it), for adding sections. */
json_t *dl_ledger__to_json(const struct dl_ledger *l);
/* Compact, one line, newline-terminated, as every report prints it. */
int dl_ledger__dump_json(json_t *root, FILE *out);
/* One JSON object, newline-terminated. */
int dl_ledger__print_json(const struct dl_ledger *l, FILE *out);
/* Aligned text tables for people. */
int dl_ledger__print_text(const struct dl_ledger *l, FILE *out);

#endif
