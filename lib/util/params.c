// SPDX-License-Identifier: GPL-2.0-only
/*
 * One option table per command: getopt_long built from the table, typed
 * values parsed one way for argv and the config file, help generated from
 * the table; see params.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cpulist.h"
#include "util/log.h"
#include "util/params.h"

#define SECS_MAX (86400.0 * 365)
#define CONF_MAX_BYTES (64u << 10)
#define HELP_COL 26
#define HELP_WIDTH 80

#define VAL_LONG 0x1000		/* getopt val: long option idx */
#define VAL_NO 0x2000		/* getopt val: --no-NAME of idx */
#define VAL_HELP 0x3000

struct common_view {
	struct dl_common_opts c;
};

static const struct dl_param common_table[] = {
	DL_OPT_IFNAME("interface", 'i', struct common_view, c.ifname,
		      "interface to watch (in this network namespace)"),
	DL_OPT_SECONDS("duration", 'd', struct common_view, c.duration, 0, SECS_MAX,
		       "how long (default 10; Ctrl-C stops early)", .flags = DL_OPTF_GT_MIN),
	DL_OPT_FLAG("json", 'j', struct common_view, c.json,
		    "one JSON object instead of text"),
	DL_OPT_COUNT("verbose", 'v', struct common_view, c.verbose,
		     "more detail on stderr (-vv: libbpf too)"),
	DL_OPT_STRING("config", 'c', struct common_view, c.config, "FILE",
		      "defaults from the [COMMAND] section of FILE; the command line wins",
		      .flags = DL_OPTF_NOCONF),
	DL_OPT_STRING("ready-file", 0, struct common_view, c.ready_file, "FILE",
		      "write 'ready' to FILE once counting (tests)",
		      .flags = DL_OPTF_HIDDEN | DL_OPTF_NOCONF),
};

/* Which DL_COMMON_* bit each common_table row needs. */
static const unsigned int common_bit[] = {
	DL_COMMON_IFACE, DL_COMMON_DURATION, DL_COMMON_JSON, DL_COMMON_VERBOSE,
	DL_COMMON_CONFIG, DL_COMMON_READY,
};

/* ---- typed parsers ---------------------------------------------------- */

/* Decimal only: [-]digits[.digits][e[+-]digits]; no nan, inf, 0x, blanks. */
static bool decimal_syntax(const char *s)
{
	bool digits = false;

	if (*s == '-')
		s++;
	while (isdigit((unsigned char)*s)) {
		s++;
		digits = true;
	}
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			s++;
			digits = true;
		}
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

int dl_parse__double(const char *s, double min, double max, double *out)
{
	double v;

	if (!s || !decimal_syntax(s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, NULL);
	if (errno || !isfinite(v) || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int dl_parse__u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int dl_parse__bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; s && i < 4; i++) {
		if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
			*out = !strcasecmp(s, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

int dl_parse__mac(const char *s, uint8_t mac[6])
{
	int i, j;

	for (i = 0; i < 6; i++) {
		unsigned int v = 0;

		for (j = 0; j < 2 && isxdigit((unsigned char)*s); j++, s++)
			v = v * 16 + (unsigned int)(isdigit((unsigned char)*s) ?
				*s - '0' : tolower((unsigned char)*s) - 'a' + 10);
		if (!j || *s != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		mac[i] = (uint8_t)v;
		if (i < 5)
			s++;
	}
	return 0;
}

/* Length of a valid UTF-8 sequence at @s (no C1 controls, no overlongs), else 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < 0xa0 || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

const char *dl_params__escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (!len)
		return buf;
	while (p && *p) {
		size_t n = *p >= 0x20 && *p < 0x7f ? 1 : utf8_len(p);

		if (n && o + n < len) {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		} else if (!n && o + 4 < len) {
			snprintf(buf + o, len - o, "\\x%02x", *p);
			o += 4;
			p++;
		} else {
			break;
		}
	}
	buf[o] = '\0';
	return buf;
}

int dl_params__read_small(const char *path, size_t max, char **buf, size_t *len,
			  char *why, size_t why_len)
{
	struct stat st;
	ssize_t n;
	char *b;
	int fd, err;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		err = -errno;
		snprintf(why, why_len, "%s", strerror(errno));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		snprintf(why, why_len, "%s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		snprintf(why, why_len, "is a directory, not a file");
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		snprintf(why, why_len, "not a regular file");
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		err = -EFBIG;
		snprintf(why, why_len, "too big (%lld bytes; at most %zu)",
			 (long long)st.st_size, max);
		goto fail;
	}
	b = malloc((size_t)st.st_size + 2);
	if (!b) {
		err = -ENOMEM;
		snprintf(why, why_len, "%s", strerror(ENOMEM));
		goto fail;
	}
	/* One byte more than stat said: a file that grew is refused too. */
	n = read(fd, b, (size_t)st.st_size + 1);
	if (n < 0 || (size_t)n > max) {
		err = n < 0 ? -errno : -EFBIG;
		snprintf(why, why_len, "%s", n < 0 ? strerror(errno) : "too big");
		free(b);
		goto fail;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = (size_t)n;
	return 0;
fail:
	close(fd);
	return err;
}

/* ---- the merged table ------------------------------------------------- */

static bool opt_takes_arg(const struct dl_param *o)
{
	return o->type != DL_OPT_FLAG && o->type != DL_OPT_COUNT;
}

static int find_long(const struct dl_params *ps, const char *name, size_t len)
{
	int i;

	for (i = 0; i < ps->nopts; i++)
		if (strlen(ps->opt[i]->name) == len && !strncmp(ps->opt[i]->name, name, len))
			return i;
	return -1;
}

static int add_opt(struct dl_params *ps, const struct dl_param *o, void *base)
{
	if (ps->nopts >= DL_PARAMS_MAX_OPTS)
		return -E2BIG;
	ps->opt[ps->nopts] = o;
	ps->base[ps->nopts] = base;
	ps->nopts++;
	return 0;
}

static bool cmd_has(const struct dl_cmd *cmd, const char *name)
{
	const struct dl_param *o;

	for (o = cmd->opts; o && o->name; o++)
		if (!strcmp(o->name, name))
			return true;
	return false;
}

static int build(struct dl_params *ps, const struct dl_cmd *cmd, void *opts)
{
	const struct dl_param *o;
	size_t i;

	memset(ps, 0, sizeof(*ps));
	ps->cmd = cmd;
	for (o = cmd->opts; o && o->name; o++)
		if (add_opt(ps, o, opts))
			return -E2BIG;
	for (i = 0; i < sizeof(common_table) / sizeof(common_table[0]); i++) {
		if (!(cmd->common & common_bit[i]) || cmd_has(cmd, common_table[i].name))
			continue;
		if (add_opt(ps, &common_table[i], (char *)opts + cmd->common_off))
			return -E2BIG;
	}
	return 0;
}

/* "-d/--duration" or "--hot-factor" */
static const char *opt_label(const struct dl_param *o, char *buf, size_t len)
{
	if (o->short_name)
		snprintf(buf, len, "-%c/--%s", o->short_name, o->name);
	else
		snprintf(buf, len, "--%s", o->name);
	return buf;
}

/* A number for messages: integers without exponent. */
static const char *num(double v, char *buf, size_t len)
{
	if (v == floor(v) && fabs(v) < 1e18)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%g", v);
	return buf;
}

/* What the option accepts, for "is not ..." messages. */
static void describe(const struct dl_param *o, char *buf, size_t len)
{
	char a[32], b[32];
	const struct dl_param_enum *e;
	size_t used;

	switch (o->type) {
	case DL_OPT_SECONDS:
	case DL_OPT_DOUBLE:
		snprintf(buf, len, "%s %s %s%s%s%s",
			 o->type == DL_OPT_SECONDS ? "seconds" : "a number",
			 o->flags & DL_OPTF_GT_MIN ? "above" : "in", num(o->min, a, sizeof(a)),
			 o->flags & DL_OPTF_GT_MIN ? ", up to " : "..", num(o->max, b, sizeof(b)),
			 o->flags & DL_OPTF_ZERO ? ", or 0" : "");
		break;
	case DL_OPT_UINT:
		snprintf(buf, len, "a whole number %s..%s%s", num(o->min, a, sizeof(a)),
			 num(o->max, b, sizeof(b)),
			 o->flags & DL_OPTF_POW2 ? ", a power of two" : "");
		break;
	case DL_OPT_CPULIST:
		snprintf(buf, len, "%s", o->flags & DL_OPTF_USABLE ?
			 "a list of online CPUs this process may use, e.g. 0-1,3" :
			 "a list like 0-3,6");
		break;
	case DL_OPT_ENUM:
		used = (size_t)snprintf(buf, len, "one of");
		for (e = o->enums; e && e->name && used < len; e++)
			used += (size_t)snprintf(buf + used, len - used, "%s %s",
						 e == o->enums ? "" : ",", e->name);
		break;
	case DL_OPT_MAC:
		snprintf(buf, len, "a MAC address like 02:00:00:00:00:01");
		break;
	case DL_OPT_IPV4:
		snprintf(buf, len, "an IPv4 address like 198.18.0.1");
		break;
	case DL_OPT_IPV6:
		snprintf(buf, len, "an IPv6 address like 2001:db8::1");
		break;
	case DL_OPT_IFNAME:
		snprintf(buf, len, "an interface name of 1..%d bytes", IF_NAMESIZE - 1);
		break;
	case DL_OPT_STRINGS:
		snprintf(buf, len, "%s, at most %zu of them",
			 o->flags & DL_OPTF_IFNAMES ? "an interface name of 1..15 bytes" :
			 "a non-empty value", o->size / sizeof(char *));
		break;
	case DL_OPT_FLAG:
		snprintf(buf, len, "true or false");
		break;
	default:
		snprintf(buf, len, "a non-empty value");
		break;
	}
}

static void write_uint(void *p, size_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = v; break;
	}
}

/* Swallow lib warnings (the CPU list parser's) while we phrase our own. */
static void quiet_sink(enum dl_log_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
}

static const char *keep(struct dl_params *ps, const char *s)
{
	char **n, *d;

	d = strdup(s);
	if (!d)
		return NULL;
	n = realloc(ps->strings, sizeof(*n) * (size_t)(ps->nstrings + 1));
	if (!n) {
		free(d);
		return NULL;
	}
	ps->strings = n;
	ps->strings[ps->nstrings++] = d;
	return d;
}

/*
 * Parse @val for option @i into @base (its struct). @copy: the string
 * does not outlive parsing (config file). Returns 0 or -EINVAL.
 */
static int set_value(struct dl_params *ps, int i, void *base, const char *val, bool copy)
{
	const struct dl_param *o = ps->opt[i];
	void *p = (char *)base + o->off;
	const struct dl_param_enum *e;
	uint64_t u;
	double d;
	bool b;
	int err, *cnt;

	switch (o->type) {
	case DL_OPT_FLAG:
		if (dl_parse__bool(val, &b))
			return -EINVAL;
		*(bool *)p = b;
		return 0;
	case DL_OPT_COUNT:
		if (dl_parse__u64(val, 0, 9, &u))
			return -EINVAL;
		*(int *)p = (int)u;
		return 0;
	case DL_OPT_STRING:
		if (!*val)
			return -EINVAL;
		*(const char **)p = copy ? keep(ps, val) : val;
		return *(const char **)p ? 0 : -ENOMEM;
	case DL_OPT_IFNAME:
		if (!*val || strlen(val) >= o->size)
			return -EINVAL;
		snprintf(p, o->size, "%s", val);
		return 0;
	case DL_OPT_STRINGS: {
		unsigned int *n = (unsigned int *)((char *)base + o->off2);
		const char **arr = p;

		if (!*val || *n >= o->size / sizeof(*arr) ||
		    (o->flags & DL_OPTF_IFNAMES && strlen(val) >= IF_NAMESIZE))
			return -EINVAL;
		arr[*n] = copy ? keep(ps, val) : val;
		if (!arr[*n])
			return -ENOMEM;
		++*n;
		return 0;
	}
	case DL_OPT_SECONDS:
	case DL_OPT_DOUBLE:
		if (o->flags & DL_OPTF_ZERO && !strcmp(val, "0")) {
			*(double *)p = 0;
			return 0;
		}
		if (dl_parse__double(val, o->min, o->max, &d) ||
		    (o->flags & DL_OPTF_GT_MIN && d <= o->min))
			return -EINVAL;
		*(double *)p = d;
		return 0;
	case DL_OPT_UINT:
		if (dl_parse__u64(val, (uint64_t)o->min, (uint64_t)o->max, &u) ||
		    (o->flags & DL_OPTF_POW2 && (u & (u - 1))))
			return -EINVAL;
		write_uint(p, o->size, u);
		return 0;
	case DL_OPT_CPULIST:
		cnt = (int *)((char *)base + o->off2);
		free(*(int **)p);
		*(int **)p = NULL;
		*cnt = 0;
		dl_log__set_sink(quiet_sink);
		err = o->flags & DL_OPTF_USABLE ? dl_cpulist__parse_usable(val, p, cnt) :
						  dl_cpulist__parse(val, p, cnt);
		dl_log__set_sink(NULL);
		return err ? -EINVAL : 0;
	case DL_OPT_ENUM:
		if (o->size != sizeof(int))
			return -EINVAL;
		for (e = o->enums; e && e->name; e++) {
			if (!strcmp(e->name, val)) {
				*(int *)p = e->value;
				return 0;
			}
		}
		return -EINVAL;
	case DL_OPT_MAC:
		return dl_parse__mac(val, p) ? -EINVAL : 0;
	case DL_OPT_IPV4:
		return inet_pton(AF_INET, val, p) == 1 ? 0 : -EINVAL;
	case DL_OPT_IPV6:
		return inet_pton(AF_INET6, val, p) == 1 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* "'nan' is not seconds: from 0 to 60" with the value escaped and cut. */
static void bad_value(const struct dl_param *o, const char *val, char *buf, size_t len)
{
	char esc[64], what[160];

	describe(o, what, sizeof(what));
	if (o->type == DL_OPT_IFNAME && *val && strlen(val) >= IF_NAMESIZE)
		snprintf(what, sizeof(what), "an interface name: at most %d bytes",
			 IF_NAMESIZE - 1);
	snprintf(buf, len, "'%s' is not %s", dl_params__escape(val, esc, sizeof(esc)), what);
}

__attribute__((format(printf, 2, 3)))
static int usage_error(struct dl_params *ps, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = (size_t)snprintf(ps->err, sizeof(ps->err), "dropledger %s: ", ps->cmd->name);
	if (n < sizeof(ps->err))
		vsnprintf(ps->err + n, sizeof(ps->err) - n, fmt, ap);
	va_end(ap);
	n = strlen(ps->err);
	snprintf(ps->err + n, sizeof(ps->err) - n, "; see 'dropledger %s --help'",
		 ps->cmd->name);
	return -EINVAL;
}

/* ---- config file ------------------------------------------------------ */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Validate a value for an option the command line already set. */
static int check_value(struct dl_params *ps, int i, const char *val)
{
	const struct dl_param *o = ps->opt[i];
	size_t need = o->off + o->size;
	char *scratch;
	int err;

	if ((o->type == DL_OPT_CPULIST || o->type == DL_OPT_STRINGS) &&
	    o->off2 + sizeof(int) > need)
		need = o->off2 + sizeof(int);
	scratch = calloc(1, need);
	if (!scratch)
		return -ENOMEM;
	err = set_value(ps, i, scratch, val, false);
	if (o->type == DL_OPT_CPULIST)
		free(*(int **)(scratch + o->off));
	free(scratch);
	return err;
}

/*
 * Apply @path's [NAME] section to what the command line left unset. The
 * first bad line ends it: "file:line: why".
 */
static int load_file(struct dl_params *ps, const char *path)
{
	char esc[256], why[320], *buf, *line, *next;
	unsigned int lineno = 0;
	bool in_section = false;
	size_t len;
	int err = 0;

	dl_params__escape(path, esc, sizeof(esc));
	err = dl_params__read_small(path, CONF_MAX_BYTES, &buf, &len, why, sizeof(why));
	if (err) {
		snprintf(ps->err, sizeof(ps->err), "%.200s: %.290s", esc, why);
		return err;
	}
	if (strlen(buf) != len) {
		snprintf(ps->err, sizeof(ps->err), "%s: not a text file (NUL byte)", esc);
		free(buf);
		return -EINVAL;
	}
	for (line = buf; line && !err; line = next) {
		char *s, *eq, *key, *val, *k;
		int i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end || end[1]) {
				err = -EINVAL;
				snprintf(why, sizeof(why), "a section is [NAME]");
				break;
			}
			*end = '\0';
			in_section = !strcmp(s + 1, ps->cmd->name);
			if (!in_section) {
				char e2[40];

				err = -EINVAL;
				snprintf(why, sizeof(why),
					 "unknown section [%s] (this file is read by '%s': [%s])",
					 dl_params__escape(s + 1, e2, sizeof(e2)), ps->cmd->name,
					 ps->cmd->name);
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			err = -EINVAL;
			snprintf(why, sizeof(why), "not a key = value line or [section]");
			break;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!in_section) {
			err = -EINVAL;
			snprintf(why, sizeof(why), "key outside a [%s] section", ps->cmd->name);
			break;
		}
		for (k = key; *k; k++)
			if (*k == '_')
				*k = '-';
		i = find_long(ps, key, strlen(key));
		if (i < 0 || ps->opt[i]->flags & DL_OPTF_NOCONF) {
			char e2[40];

			err = -EINVAL;
			snprintf(why, sizeof(why), "unknown key '%s'",
				 dl_params__escape(key, e2, sizeof(e2)));
			break;
		}
		err = ps->given[i] ? check_value(ps, i, val) :
				     set_value(ps, i, ps->base[i], val, true);
		if (err) {
			char e2[256];

			bad_value(ps->opt[i], val, e2, sizeof(e2));
			snprintf(why, sizeof(why), "%.40s: %s", key, e2);
		}
	}
	if (err)
		snprintf(ps->err, sizeof(ps->err), "%.200s:%u: %.290s", esc, lineno, why);
	free(buf);
	return err;
}

/* ---- help ------------------------------------------------------------- */

/*
 * @text wrapped to HELP_WIDTH from column @col, continuation lines indented
 * by @indent; '\n' breaks, and blanks after it are kept (indented lines).
 */
static void wrap(FILE *out, const char *text, int col, int indent)
{
	const char *p = text;
	bool space = false;

	while (*p) {
		const char *w;
		int wl;

		if (*p == '\n') {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			space = false;
			for (p++; *p == ' '; p++, col++)
				fputc(' ', out);
			continue;
		}
		if (*p == ' ') {
			space = true;
			p++;
			continue;
		}
		for (w = p; *w && *w != ' ' && *w != '\n'; w++)
			;
		wl = (int)(w - p);
		if (col + (space ? 1 : 0) + wl > HELP_WIDTH && col > indent) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (space) {
			fputc(' ', out);
			col++;
		}
		space = false;
		fwrite(p, 1, (size_t)wl, out);
		col += wl;
		p = w;
	}
	fputc('\n', out);
}

static void print_opt(FILE *out, const struct dl_cmd *cmd, const struct dl_param *o)
{
	char lhs[64], help[512];
	const char *h = o->help ? o->help : "", *at = strstr(h, "[COMMAND]");
	int n;

	if (at)
		snprintf(help, sizeof(help), "%.*s[%s]%s", (int)(at - h), h, cmd->name, at + 9);
	else
		snprintf(help, sizeof(help), "%s", h);

	n = snprintf(lhs, sizeof(lhs), "  %s%c%s--%s%s%s%s",
		     o->short_name ? "-" : "  ", o->short_name ? o->short_name : ' ',
		     o->short_name ? ", " : "  ", o->type == DL_OPT_FLAG ? "[no-]" : "",
		     o->name, opt_takes_arg(o) ? " " : "",
		     opt_takes_arg(o) ? (o->metavar ? o->metavar : "VALUE") : "");
	if (!o->short_name)
		memmove(lhs + 2, lhs + 3, strlen(lhs + 3) + 1), n--;
	fputs(lhs, out);
	if (n + 1 >= HELP_COL) {
		fprintf(out, "\n%*s", HELP_COL, "");
	} else {
		fprintf(out, "%*s", HELP_COL - n, "");
	}
	wrap(out, help, HELP_COL, HELP_COL);
}

void dl_params__usage(const struct dl_cmd *cmd, FILE *out)
{
	struct dl_params ps;
	static const struct dl_param help = {
		.name = "help", .short_name = 'h', .type = DL_OPT_COUNT, .help = "this text",
	};
	const char *p;
	int i;

	fprintf(out, "Usage: dropledger %s%s%s\n", cmd->name, cmd->args && !*cmd->args ? "" : " ",
		cmd->args ? cmd->args : "[options]");
	if (cmd->doc)
		wrap(out, cmd->doc, 0, 0);
	/* Shared options come after the command's own, as in the table. */
	/* Only the table is used: any base will do. */
	if (!build(&ps, cmd, &ps)) {
		fprintf(out, "\nOPTIONS\n");
		for (i = 0; i < ps.nopts; i++)
			if (!(ps.opt[i]->flags & DL_OPTF_HIDDEN))
				print_opt(out, cmd, ps.opt[i]);
		print_opt(out, cmd, &help);
	}
	if (cmd->examples) {
		fprintf(out, "\nEXAMPLES\n");
		for (p = cmd->examples; *p;) {
			const char *e = strchr(p, '\n');
			size_t l = e ? (size_t)(e - p) : strlen(p);

			fprintf(out, "  %.*s\n", (int)l, p);
			p += l + (e ? 1 : 0);
		}
	}
	if (cmd->notes) {
		fputc('\n', out);
		wrap(out, cmd->notes, 0, 0);
	}
	fprintf(out, "\nEXIT CODES\n  ");
	wrap(out, cmd->exit_codes ? cmd->exit_codes :
	     "0 ok, 1 runtime failure, 2 usage or a bad input file", 2, 2);
}

/* ---- parse ------------------------------------------------------------ */

int dl_params__parse(struct dl_params *ps, const struct dl_cmd *cmd, void *opts,
		     int argc, char **argv)
{
	struct option lo[2 * DL_PARAMS_MAX_OPTS + 2];
	char shorts[2 * DL_PARAMS_MAX_OPTS + 4], label[64], why[256];
	struct dl_common_opts *co = NULL;
	int i, n = 0, s = 0, c, idx;

	if (build(ps, cmd, opts))
		return usage_error(ps, "too many options (internal)");
	if (cmd->common)
		co = (struct dl_common_opts *)((char *)opts + cmd->common_off);
	/* ':' first: a missing value is told apart from an unknown option. */
	shorts[s++] = ':';
	for (i = 0; i < ps->nopts; i++) {
		const struct dl_param *o = ps->opt[i];

		lo[n++] = (struct option){ o->name, opt_takes_arg(o) ? required_argument :
					   no_argument, NULL, VAL_LONG + i };
		if (o->type == DL_OPT_FLAG) {
			/* "no-" + name, kept for the whole parse */
			static char names[DL_PARAMS_MAX_OPTS][48];

			snprintf(names[i], sizeof(names[i]), "no-%s", o->name);
			lo[n++] = (struct option){ names[i], no_argument, NULL, VAL_NO + i };
		}
		if (o->short_name) {
			shorts[s++] = (char)o->short_name;
			if (opt_takes_arg(o))
				shorts[s++] = ':';
		}
	}
	lo[n++] = (struct option){ "help", no_argument, NULL, VAL_HELP };
	lo[n] = (struct option){ 0 };
	shorts[s++] = 'h';
	shorts[s] = '\0';

	opterr = 0;
	/* 0, not 1: glibc then forgets a bundle a previous parse stopped in. */
	optind = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		const char *arg = argv[optind - 1];
		char esc[64];

		if (c == 'h' || c == VAL_HELP)
			return DL_PARAMS_HELP;
		if (c == '?' || c == ':') {
			const char *name = arg;
			size_t nl;

			if (optopt > 0 && optopt < 0x100) {
				snprintf(esc, sizeof(esc), "-%c", isprint(optopt) ? optopt : '?');
				name = esc;
			} else {
				nl = strcspn(arg, "=");
				snprintf(label, sizeof(label), "%.*s", (int)(nl < 40 ? nl : 40), arg);
				name = dl_params__escape(label, esc, sizeof(esc));
			}
			if (c == ':')
				return usage_error(ps, "option '%s' needs a value", name);
			if (optopt >= VAL_LONG)
				return usage_error(ps, "option '%s' takes no value", name);
			return usage_error(ps, "unknown option '%s'", name);
		}
		if (c >= VAL_NO) {
			i = c - VAL_NO;
			*(bool *)((char *)ps->base[i] + ps->opt[i]->off) = false;
			ps->given[i] = true;
			continue;
		}
		if (c >= VAL_LONG) {
			i = c - VAL_LONG;
		} else {
			for (i = 0; i < ps->nopts; i++)
				if (ps->opt[i]->short_name == c)
					break;
		}
		if (i >= ps->nopts)
			return usage_error(ps, "unknown option '-%c'", c);
		ps->given[i] = true;
		if (ps->opt[i]->type == DL_OPT_FLAG) {
			*(bool *)((char *)ps->base[i] + ps->opt[i]->off) = true;
			continue;
		}
		if (ps->opt[i]->type == DL_OPT_COUNT) {
			++*(int *)((char *)ps->base[i] + ps->opt[i]->off);
			continue;
		}
		if (set_value(ps, i, ps->base[i], optarg, false)) {
			bad_value(ps->opt[i], optarg, why, sizeof(why));
			return usage_error(ps, "%s: %s",
					   opt_label(ps->opt[i], label, sizeof(label)), why);
		}
	}
	ps->first_arg = optind;
	ps->nargs = argc - optind;
	if (ps->nargs > cmd->max_args) {
		char esc[64];

		return usage_error(ps, "unexpected argument '%s'",
				   dl_params__escape(argv[optind + cmd->max_args], esc,
						     sizeof(esc)));
	}
	if (co && co->config && load_file(ps, co->config)) {
		char line[sizeof(ps->err)];

		snprintf(line, sizeof(line), "%s", ps->err);
		snprintf(ps->err, sizeof(ps->err), "dropledger %s: %.480s", cmd->name, line);
		return -EINVAL;
	}
	if (co && cmd->common & DL_COMMON_IFACE) {
		char esc[IF_NAMESIZE * 4 + 1];
		int i = find_long(ps, "interface", 9);
		bool all = i >= 0 && ps->opt[i]->flags & DL_OPTF_ALL &&
			   !strcmp(co->ifname, "all");

		if (!co->ifname[0] && cmd->common & DL_COMMON_NEED_IFACE)
			return usage_error(ps, "which interface? (-i IFACE)");
		if (co->ifname[0] && !all) {
			co->ifindex = (int)if_nametoindex(co->ifname);
			if (!co->ifindex) {
				snprintf(ps->err, sizeof(ps->err),
					 "dropledger %s: no interface '%s' in this network namespace",
					 cmd->name, dl_params__escape(co->ifname, esc, sizeof(esc)));
				return DL_PARAMS_NO_IFACE;
			}
		}
	}
	if (co)
		dl_log__set_level(co->verbose >= 2 ? DL_LOG_LIBBPF :
				  co->verbose == 1 ? DL_LOG_DEBUG : DL_LOG_INFO);
	return 0;
}

int dl_params__load_file(struct dl_params *ps, const struct dl_cmd *cmd, void *opts,
			 const char *path)
{
	int err = build(ps, cmd, opts);

	if (err) {
		snprintf(ps->err, sizeof(ps->err), "too many options (internal)");
		return err;
	}
	return load_file(ps, path);
}

bool dl_params__given(const struct dl_params *ps, const char *name)
{
	int i = find_long(ps, name, strlen(name));

	return i >= 0 && ps->given[i];
}

void dl_params__free(struct dl_params *ps)
{
	int i;

	for (i = 0; i < ps->nstrings; i++)
		free(ps->strings[i]);
	free(ps->strings);
	ps->strings = NULL;
	ps->nstrings = 0;
}
