// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the configuration file loader (report -c FILE, [report] section).
 */
#include "fuzz.h"
#include "ledger/report_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_report_conf conf;
	char err[256];

	dl_report_conf__load(fuzz_file("dropledger.conf", data, size), &conf,
			     err, sizeof(err));
	dl_report_conf__release(&conf);
	return 0;
}
