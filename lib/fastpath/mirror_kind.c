// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mirror ring kinds by name: kept apart from mirror.c (libbpf, the
 * skeleton) so option tables and the fuzz build use them alone.
 */
#include <errno.h>
#include <string.h>

#include "fastpath/mirror.h"

const struct dl_param_enum dl_mirror__kinds[] = {
	{ "percpu", DL_MIRROR_PERCPU },
	{ "ringbuf", DL_MIRROR_RINGBUF },
	{ NULL, 0 },
};

const char *dl_mirror__kind_name(enum dl_mirror_kind kind)
{
	const struct dl_param_enum *k;

	for (k = dl_mirror__kinds; k->name; k++)
		if (k->value == (int)kind)
			return k->name;
	return dl_mirror__kinds[0].name;	/* DL_MIRROR_DEFAULT */
}

int dl_mirror__parse_kind(const char *s, enum dl_mirror_kind *kind)
{
	const struct dl_param_enum *k;

	if (!s || !kind)
		return -EINVAL;
	for (k = dl_mirror__kinds; k->name; k++) {
		if (!strcmp(s, k->name)) {
			*kind = (enum dl_mirror_kind)k->value;
			return 0;
		}
	}
	return -EINVAL;
}
