/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * watch and top share the run (lib/watch) and most options; top draws
 * each interval through the hooks of struct dl_watch_opts.
 */
#ifndef DL_APP_WATCH_H
#define DL_APP_WATCH_H

#include <stdbool.h>

#include "watch/watch_session.h"

int watch_parse(int argc, char **argv, struct dl_watch_opts *o, bool top);
/* Capabilities, signals, the run; the command's exit code. */
int watch_run(struct dl_watch_opts *o, const char *ready_file);

#endif
