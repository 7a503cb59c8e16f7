// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checked output; see output.h. glibc keeps the stream's error flag, not
 * its errno: the errno of the failing flush is what we keep, EIO when the
 * flag was set by an earlier write we could not see.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/log.h"
#include "util/output.h"

struct dl_output dl_stdout = { .name = "stdout" };

static bool complained;

static int fail(struct dl_output *o, int err)
{
	if (!o->err)
		o->err = err ? err : -EIO;
	return o->err;
}

int dl_output__check(struct dl_output *o)
{
	if (!o->f)
		o->f = stdout;
	if (o->err)
		return o->err;
	errno = 0;
	if (fflush(o->f) == EOF || ferror(o->f))
		return fail(o, -errno);
	return 0;
}

int dl_output__write(struct dl_output *o, const void *buf, size_t n)
{
	if (!o->f)
		o->f = stdout;
	if (o->err)
		return o->err;
	errno = 0;
	if (fwrite(buf, 1, n, o->f) != n)
		return fail(o, -errno);
	return 0;
}

int dl_output__json(struct dl_output *o, const char *command, json_t *body)
{
	json_t *line;
	char *s;
	int err = 0;

	if (!o->f)
		o->f = stdout;
	if (o->err)
		return o->err;
	line = dl_json__envelope(command, body);
	if (!line)
		return -ENOMEM;
	s = dl_json__line(line, o->json_flags, DL_JSON_LINE_MAX);
	if (!s)
		err = -errno;
	json_decref(line);
	if (err)
		return err;	/* not the output's fault: the caller says so */
	errno = 0;
	if (fputs(s, o->f) == EOF || fputc('\n', o->f) == EOF) {
		free(s);
		return fail(o, -errno);
	}
	free(s);
	return dl_output__check(o);
}

int dl_output__close(struct dl_output *o)
{
	int err;

	if (!o->f)
		o->f = stdout;
	err = dl_output__check(o);
	errno = 0;
	if (fclose(o->f) == EOF && !err)
		err = fail(o, -errno);
	o->f = NULL;
	return err;
}

bool dl_output__gone(struct dl_output *o)
{
	struct pollfd p;

	if (!o->f)
		o->f = stdout;
	if (o->err)
		return o->err == -EPIPE;
	p.fd = fileno(o->f);
	p.events = 0;
	p.revents = 0;
	/* Regular files and ttys never report these; pipes and sockets do. */
	if (p.fd < 0 || poll(&p, 1, 0) != 1 || !(p.revents & (POLLERR | POLLHUP)))
		return false;
	fail(o, -EPIPE);
	return true;
}

void dl_output__complain(struct dl_output *o, const char *cmd)
{
	if (!o->err || complained)
		return;
	complained = true;
	if (o->err == -EPIPE)
		pr_debug("%s: output closed by its reader: stopped\n", o->name);
	else
		pr_info("dropledger%s%s: cannot write to %s: %s\n", cmd[0] ? " " : "",
			cmd, o->name, strerror(-o->err));
}
