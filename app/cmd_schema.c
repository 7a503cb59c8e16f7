// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger schema: the JSON Schema (draft 2020-12) of a report line, from
 * config/report.schema.json, the one place it is kept (the unit tests check
 * the code's lines against the same file).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util/config_path.h"
#include "util/output.h"
#include "util/params.h"

#define SCHEMA_FILE "report.schema.json"

static const struct dl_cmd schema_cmd = {
	.name = "schema",
	.args = "",
	.doc = "Print the JSON Schema (draft 2020-12) of the lines of 'report --json': "
	       "the envelope every JSON line starts with (schema, tool, version, command, "
	       "time, host, boot_id, seq) and the ledger's fields.",
	.examples = "dropledger schema > report.schema.json\n"
		    "dropledger schema | jq .required\n",
};

int do_schema(int argc, char **argv)
{
	static struct dl_params ps;
	char path[512], buf[4096];
	size_t n;
	FILE *f;
	int err;

	/* No options: the table gives --help and the one-line errors. */
	err = cli_params(&ps, &schema_cmd, &ps, argc, argv);
	if (err)
		return cli_parse_exit(err);
	if (dl_config__path(SCHEMA_FILE, path, sizeof(path))) {
		fprintf(stderr, "dropledger schema: %s not found (set DL_CONFIGDIR)\n", path);
		return DL_EXIT_FAIL;
	}
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "dropledger schema: %s: %s\n", path, strerror(errno));
		return DL_EXIT_FAIL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (dl_output__write(&dl_stdout, buf, n))
			break;
	if (ferror(f)) {
		fprintf(stderr, "dropledger schema: %s: read error\n", path);
		fclose(f);
		return DL_EXIT_FAIL;
	}
	fclose(f);
	if (dl_output__check(&dl_stdout)) {
		dl_output__complain(&dl_stdout, "schema");
		return DL_EXIT_FAIL;
	}
	return DL_EXIT_OK;
}
