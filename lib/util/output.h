/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one checked output path of every command: each write, flush and close
 * is looked at, the first failure is kept, and the policy is one place:
 * a reader that went away (EPIPE) ends the run quietly, anything else
 * (ENOSPC, EIO, EBADF) is one line naming the output; the commands exit 1
 * either way (app/main.c checks stdout once more at exit).
 */
#ifndef DL_OUTPUT_H
#define DL_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

struct dl_output {
	FILE *f;
	const char *name;	/* "stdout", or the file's path */
	unsigned int json_flags;	/* DL_JSON_PRETTY */
	int err;		/* first failure (-errno), 0 while all went out */
};

/* Standard output, the output of every command. */
extern struct dl_output dl_stdout;

/*
 * One JSON line: the envelope for @command in front of @body (not
 * consumed), newline, flushed. 0 or the -errno of the first failure.
 */
int dl_output__json(struct dl_output *o, const char *command, json_t *body);
/* @n bytes of @buf, checked (the errno of a short write is kept). */
int dl_output__write(struct dl_output *o, const void *buf, size_t n);
/* After text went to o->f: flush and look at the stream's error flag. */
int dl_output__check(struct dl_output *o);
/* Close (the last check of buffered text); o->f is gone afterwards. */
int dl_output__close(struct dl_output *o);
/*
 * Nobody will read: the reader of a pipe or socket is gone (POLLERR/HUP
 * on the descriptor). Sets o->err to -EPIPE then, so a run stops before
 * it writes, not only when it does.
 */
bool dl_output__gone(struct dl_output *o);
/* A failure already recorded? */
static inline bool dl_output__failed(const struct dl_output *o)
{
	return o->err != 0;
}

/*
 * The policy, said once per output: EPIPE at debug level only, anything
 * else "dropledger CMD: cannot write to NAME: why". No-op without failure.
 */
void dl_output__complain(struct dl_output *o, const char *cmd);

#endif
