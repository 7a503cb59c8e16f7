// SPDX-License-Identifier: GPL-2.0-only
/* The [report] section of a configuration file; see report_conf.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "ledger/report_conf.h"

struct parse_ctx {
	struct dl_report_conf *conf;
	char msg[200];		/* first error; inih gives its line */
};

/* Keep the first error's text; inih reports its line. Returns 0 (error). */
__attribute__((format(printf, 2, 3)))
static int fail(struct parse_ctx *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->msg[0]) {
		va_start(ap, fmt);
		vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

static int parse_secs(const char *v, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || d < 0 || d > 86400.0 * 365)
		return -EINVAL;
	*out = d;
	return 0;
}

static int on_kv(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *p = user;
	struct dl_report_conf *c = p->conf;

	if (strcmp(section, "report"))
		return fail(p, "unknown section [%s] (only [report])", section);
	if (!strcmp(name, "interface")) {
		if (!*value || strlen(value) >= sizeof(c->interface))
			return fail(p, "bad interface name '%s'", value);
		snprintf(c->interface, sizeof(c->interface), "%s", value);
	} else if (!strcmp(name, "duration")) {
		if (parse_secs(value, &c->duration))
			return fail(p, "bad duration '%s' (seconds, 0: until stopped)", value);
	} else if (!strcmp(name, "interval")) {
		if (parse_secs(value, &c->interval) || (c->interval && c->interval < 0.1))
			return fail(p, "bad interval '%s' (seconds >= 0.1, 0: none)", value);
	} else if (!strcmp(name, "json") || !strcmp(name, "flows") || !strcmp(name, "skb_mode")) {
		int *dst = !strcmp(name, "json") ? &c->json :
			   !strcmp(name, "flows") ? &c->flows : &c->skb_mode;

		if (parse_bool(value, dst))
			return fail(p, "%s wants true or false, not '%s'", name, value);
	} else if (!strcmp(name, "attach")) {
		if (strcmp(value, "libxdp") && strcmp(value, "link"))
			return fail(p, "attach wants libxdp or link, not '%s'", value);
		snprintf(c->attach, sizeof(c->attach), "%s", value);
	} else {
		return fail(p, "unknown key '%s'", name);
	}
	return 1;
}

int dl_report_conf__load(const char *path, struct dl_report_conf *conf,
			 char *err, size_t err_len)
{
	struct parse_ctx p = { .conf = conf };
	FILE *f;
	int line;

	memset(conf, 0, sizeof(*conf));
	conf->duration = conf->interval = -1;
	conf->json = conf->flows = conf->skb_mode = -1;
	f = fopen(path, "re");
	if (!f) {
		int e = -errno;

		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return e;
	}
	line = ini_parse_file(f, on_kv, &p);
	fclose(f);
	if (!line)
		return 0;
	snprintf(err, err_len, "%s:%d: %s", path, line,
		 p.msg[0] ? p.msg : "not a key = value line or [section]");
	return -EINVAL;
}
