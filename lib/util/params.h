/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One option table per command (after xdp-tools' lib/util/params.c): typed
 * options parsed one way for the command line and the configuration file,
 * help generated from the table, one-line errors. Values land in the
 * command's own options struct through offsetof().
 *
 * How a command declares its options (copy this):
 *
 *	struct top_opts {
 *		struct dl_common_opts c;	// -i -d --json -v -c --ready-file
 *		unsigned int rows;
 *		bool sort;
 *	};
 *
 *	static const struct dl_param top_opt_table[] = {
 *		DL_OPT_UINT("rows", 'n', struct top_opts, rows, 1, 1000, "N",
 *			    "rows to show (default 20)"),
 *		DL_OPT_FLAG("sort", 0, struct top_opts, sort,
 *			    "sort by drops (--no-sort: by queue)"),
 *		{}
 *	};
 *
 *	static const struct dl_cmd top_cmd = {
 *		.name = "top", .args = "-i IFACE [options]",
 *		.doc = "What this command does, one paragraph.",
 *		.opts = top_opt_table,
 *		.common = DL_COMMON_REPORTING | DL_COMMON_NEED_IFACE,
 *		.common_off = offsetof(struct top_opts, c),
 *		.examples = "dropledger top -i eth1\n",
 *	};
 *
 *	struct top_opts o = { .rows = 20, .c.duration = 10 };	// defaults
 *	static struct dl_params ps;	// owns strings read from -c FILE
 *	int err;
 *
 *	// app/cli.h: prints --help or the one-line error
 *	err = cli_params(&ps, &top_cmd, &o, argc, argv);
 *	if (err)
 *		return cli_parse_exit(err);	// 0 after --help, 1 or 2
 *	// o.c.ifindex is resolved, o.c.json set, ...
 *
 * A command option with the same long name as a shared one replaces it
 * (report's -d accepts 0). Every DL_OPT_FLAG gets a --no-NAME twin, so the
 * command line can turn off what the -c FILE turned on; the command line
 * always wins over the file. Config files: INI, section [COMMAND], keys are
 * long option names ('_' and '-' alike), the first error cited file:line.
 */
#ifndef DL_PARAMS_H
#define DL_PARAMS_H

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum dl_param_type {
	DL_OPT_FLAG,	/* bool; --no-NAME clears it */
	DL_OPT_COUNT,	/* int, +1 each time (-v -v) */
	DL_OPT_STRING,	/* const char * (argv, or kept by struct dl_params) */
	DL_OPT_STRINGS,	/* repeatable: const char *[N] + unsigned int count */
	DL_OPT_IFNAME,	/* char[IF_NAMESIZE]; resolved to ifindex at the end */
	DL_OPT_SECONDS,	/* double seconds in [min, max] */
	DL_OPT_DOUBLE,	/* double in [min, max] */
	DL_OPT_UINT,	/* unsigned integer of the field's width, in [min, max] */
	DL_OPT_CPULIST,	/* int * (malloc'ed, caller frees) + int count */
	DL_OPT_ENUM,	/* int-sized field, value from a dl_opt_enum list */
	DL_OPT_MAC,	/* uint8_t[6] */
	DL_OPT_IPV4,	/* struct in_addr or a __u32 in network order */
	DL_OPT_IPV6,	/* struct in6_addr */
};

/* dl_opt.flags */
#define DL_OPTF_HIDDEN	0x1u	/* not in --help (--ready-file) */
#define DL_OPTF_POW2	0x2u	/* UINT: a power of two */
#define DL_OPTF_USABLE	0x4u	/* CPULIST: online and in our affinity mask */
#define DL_OPTF_NOCONF	0x8u	/* command line only, not a config key */
#define DL_OPTF_GT_MIN	0x10u	/* DOUBLE/SECONDS: strictly above min */
#define DL_OPTF_ZERO	0x20u	/* SECONDS: 0 allowed besides [min, max] */
#define DL_OPTF_ALL	0x40u	/* IFNAME: "all" is every interface (ifindex 0) */
#define DL_OPTF_IFNAMES	0x80u	/* STRINGS: each an interface name, not resolved */

struct dl_param_enum {
	const char *name;
	int value;
};

struct dl_param {
	const char *name;	/* long name; NULL ends a table */
	int short_name;		/* 'i', or 0 */
	enum dl_param_type type;
	size_t off;		/* offsetof the field in the command's struct */
	size_t size;		/* sizeof the field */
	size_t off2;		/* CPULIST, STRINGS: offsetof the count */
	double min, max;	/* SECONDS, DOUBLE, UINT */
	const struct dl_param_enum *enums;	/* ENUM: ends with { NULL } */
	const char *metavar;	/* "SECONDS"; NULL for FLAG and COUNT */
	const char *help;	/* wrapped at 80 columns; '\n' breaks */
	unsigned int flags;	/* DL_OPTF_* */
};

/*
 * Declaring options. T is the options struct type, F the field (nested
 * fields like ing.skb_mode work). The field's type is checked at compile
 * time where the C type says enough. Extra designators may follow the
 * help text: DL_OPT_UINT(..., "help", .flags = DL_OPTF_POW2).
 */
#define DL__STR_(x) #x
#define DL__STR(x) DL__STR_(x)
#define DL__OFF(T, F) offsetof(T, F)
#define DL__SZ(T, F) sizeof(((T *)0)->F)
#define DL__CHECK(T, F, ...) (0 * sizeof(_Generic(((T *)0)->F, __VA_ARGS__)))

#define DL_OPT_FLAG(n, s, T, F, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_FLAG, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, bool: 1), .help = h, __VA_ARGS__ }
#define DL_OPT_COUNT(n, s, T, F, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_COUNT, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, int: 1), .help = h, __VA_ARGS__ }
#define DL_OPT_STRING(n, s, T, F, mv, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_STRING, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, const char *: 1), .metavar = mv, \
	  .help = h, __VA_ARGS__ }
#define DL_OPT_STRINGS(n, s, T, F, CNT, mv, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_STRINGS, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, const char **: 1) + \
		  DL__CHECK(T, CNT, unsigned int: 1), \
	  .off2 = DL__OFF(T, CNT), .metavar = mv, .help = h, __VA_ARGS__ }
#define DL_OPT_IFNAME(n, s, T, F, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_IFNAME, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, char *: 1), .metavar = "IFACE", \
	  .help = h, __VA_ARGS__ }
#define DL_OPT_SECONDS(n, s, T, F, lo, hi, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_SECONDS, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, double: 1), .min = lo, .max = hi, \
	  .metavar = "SECONDS", .help = h, __VA_ARGS__ }
#define DL_OPT_DOUBLE(n, s, T, F, lo, hi, mv, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_DOUBLE, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, double: 1), .min = lo, .max = hi, \
	  .metavar = mv, .help = h, __VA_ARGS__ }
#define DL_OPT_UINT(n, s, T, F, lo, hi, mv, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_UINT, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, unsigned char: 1, unsigned short: 1, \
		unsigned int: 1, unsigned long: 1, unsigned long long: 1, int: 1), \
	  .min = lo, .max = hi, .metavar = mv, .help = h, __VA_ARGS__ }
#define DL_OPT_CPULIST(n, s, T, F, CNT, mv, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_CPULIST, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, int *: 1) + DL__CHECK(T, CNT, int: 1), \
	  .off2 = DL__OFF(T, CNT), .metavar = mv, .help = h, __VA_ARGS__ }
#define DL_OPT_ENUM(n, s, T, F, list, mv, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_ENUM, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F), .enums = list, .metavar = mv, .help = h, __VA_ARGS__ }
#define DL_OPT_MAC(n, s, T, F, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_MAC, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, unsigned char *: 1), .metavar = "MAC", \
	  .help = h, __VA_ARGS__ }
#define DL_OPT_IPV4(n, s, T, F, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_IPV4, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, struct in_addr: 1, unsigned int: 1), \
	  .metavar = "IPV4", \
	  .help = h, __VA_ARGS__ }
#define DL_OPT_IPV6(n, s, T, F, h, ...) \
	{ .name = n, .short_name = s, .type = DL_OPT_IPV6, .off = DL__OFF(T, F), \
	  .size = DL__SZ(T, F) + DL__CHECK(T, F, struct in6_addr: 1), .metavar = "IPV6", \
	  .help = h, __VA_ARGS__ }

/* The shared block: every command that reports embeds one. */
struct dl_common_opts {
	char ifname[IF_NAMESIZE];	/* -i; "" when not given */
	int ifindex;			/* resolved after parsing; 0: none */
	double duration;		/* -d; the command sets its default */
	bool json;			/* --json (-j) */
	int verbose;			/* -v, repeatable */
	const char *ready_file;		/* hidden --ready-file */
	const char *config;		/* -c FILE */
};

/* dl_cmd.common: which shared options a command takes. */
#define DL_COMMON_IFACE		0x1u
#define DL_COMMON_DURATION	0x2u
#define DL_COMMON_JSON		0x4u
#define DL_COMMON_VERBOSE	0x8u
#define DL_COMMON_READY		0x10u
#define DL_COMMON_CONFIG	0x20u
#define DL_COMMON_REPORTING	0x3fu	/* all of the above */
#define DL_COMMON_NEED_IFACE	0x100u	/* no interface is a usage error */

struct dl_cmd {
	const char *name;	/* "report": messages, help, [report] section */
	const char *args;	/* usage after the name: "-i IFACE [options]" */
	const char *doc;	/* what it does; wrapped at 80 columns */
	const struct dl_param *opts;	/* the command's own; may be NULL */
	unsigned int common;	/* DL_COMMON_* */
	size_t common_off;	/* offsetof the struct dl_common_opts */
	int max_args;		/* positional arguments allowed (default 0) */
	const char *examples;	/* lines, each ending in '\n' */
	const char *notes;	/* after the examples (root, what it needs) */
	const char *exit_codes;	/* NULL: "0 ok, 1 runtime failure, 2 usage" */
};

#define DL_PARAMS_MAX_OPTS 64
#define DL_PARAMS_ERRLEN 512

/* Parser state: what was given, strings read from a config file. */
struct dl_params {
	const struct dl_cmd *cmd;
	const struct dl_param *opt[DL_PARAMS_MAX_OPTS];	/* merged table */
	void *base[DL_PARAMS_MAX_OPTS];			/* struct each writes to */
	bool given[DL_PARAMS_MAX_OPTS];			/* on the command line */
	int nopts;
	int first_arg;		/* index in argv of the first positional */
	int nargs;		/* how many positionals */
	char **strings;		/* strdup'ed config values; freed by __free */
	int nstrings;
	char err[DL_PARAMS_ERRLEN];	/* the one-line error */
};

/* dl_params__parse() results besides 0 and -EINVAL. */
#define DL_PARAMS_HELP		1	/* --help printed to stdout */
#define DL_PARAMS_NO_IFACE	(-ENODEV)	/* -i names no interface here */

/*
 * Parse @argv (argv[0] is the command name) into @opts; then, with -c
 * FILE, fill what the command line left unset from the file's [NAME]
 * section; then resolve the interface and set the log level from -v.
 * Returns 0, DL_PARAMS_HELP (--help asked: print dl_params__usage), or
 * -EINVAL / DL_PARAMS_NO_IFACE with the one line to print in ps->err
 * ("dropledger NAME: ...; see 'dropledger NAME --help'" for usage errors).
 * Prints nothing. Positionals: ps->nargs of them from argv[ps->first_arg]
 * (argv is permuted).
 */
int dl_params__parse(struct dl_params *ps, const struct dl_cmd *cmd, void *opts,
		     int argc, char **argv);
/*
 * Only the config file: fill @opts from @path's [NAME] section. Returns 0
 * or -errno with "file:line: why" (the first error) in ps->err; prints
 * nothing.
 */
int dl_params__load_file(struct dl_params *ps, const struct dl_cmd *cmd, void *opts,
			 const char *path);
/* Was option @name given on the command line (after a successful parse)? */
bool dl_params__given(const struct dl_params *ps, const char *name);
/* Free strings kept from a config file. */
void dl_params__free(struct dl_params *ps);

/* Help from the table: Usage line, OPTIONS, EXAMPLES, EXIT CODES. */
void dl_params__usage(const struct dl_cmd *cmd, FILE *out);

/*
 * The typed parsers behind the table, for other input (data files). Each
 * returns 0, -EINVAL (not that kind of value) or -ERANGE (outside [min,
 * max]). Numbers are decimal: no NaN, no infinity, no hex, no sign where it
 * is not allowed (u64: none), no blanks, no trailing characters.
 */
int dl_parse__double(const char *s, double min, double max, double *out);
int dl_parse__u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int dl_parse__bool(const char *s, bool *out);
int dl_parse__mac(const char *s, uint8_t mac[6]);

/*
 * @s made safe to print: printable ASCII and valid UTF-8 (no C1 controls)
 * as they are, every other byte as \xNN, cut to fit @len. Returns @buf.
 */
const char *dl_params__escape(const char *s, char *buf, size_t len);

/*
 * Read a small configuration or data file: refuses directories, devices,
 * FIFOs and files above @max bytes before reading anything, so `-c
 * /dev/zero` cannot hang. NUL-terminated malloc'ed *@buf. Returns 0 or
 * -errno (-EISDIR, -EINVAL not a regular file, -EFBIG too big) with the
 * reason in @why.
 */
int dl_params__read_small(const char *path, size_t max, char **buf, size_t *len,
			  char *why, size_t why_len);

#endif
