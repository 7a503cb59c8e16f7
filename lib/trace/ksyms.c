// SPDX-License-Identifier: GPL-2.0-only
/* Kernel symbol table; see ksyms.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/ksyms.h"
#include "util/log.h"

struct dl_ksym {
	uint64_t addr;
	char *name;
};

struct dl_ksyms {
	struct dl_ksym *syms;
	size_t n;
	size_t cap;
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct dl_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int ksyms_add(struct dl_ksyms *ks, uint64_t addr, const char *name)
{
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;
		struct dl_ksym *s = realloc(ks->syms, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		ks->syms = s;
		ks->cap = cap;
	}
	ks->syms[ks->n].addr = addr;
	ks->syms[ks->n].name = strdup(name);
	if (!ks->syms[ks->n].name)
		return -ENOMEM;
	ks->n++;
	return 0;
}

struct dl_ksyms *dl_ksyms__load(const char *path)
{
	struct dl_ksyms *ks = calloc(1, sizeof(*ks));
	bool all_zero = true;
	char line[512];
	int err = 0;
	FILE *f;

	if (!ks)
		return NULL;
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		pr_debug("cannot open %s: %s\n", path, strerror(errno));
		goto fail;
	}
	while (fgets(line, sizeof(line), f)) {
		char type, name[256];
		uint64_t addr;

		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3)
			continue;
		/* Text symbols only: drop locations are return addresses. */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (addr)
			all_zero = false;
		err = ksyms_add(ks, addr, name);
		if (err)
			goto fail_close;
	}
	fclose(f);
	if (!ks->n) {
		err = -EBADMSG;
		goto fail;
	}
	if (all_zero) {
		err = -EPERM;
		goto fail;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
	return ks;

fail_close:
	fclose(f);
fail:
	dl_ksyms__free(ks);
	errno = -err;
	return NULL;
}

void dl_ksyms__free(struct dl_ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->n; i++)
		free(ks->syms[i].name);
	free(ks->syms);
	free(ks);
}

size_t dl_ksyms__count(const struct dl_ksyms *ks)
{
	return ks ? ks->n : 0;
}

int dl_ksyms__resolve(const struct dl_ksyms *ks, uint64_t addr,
		      const char **name, uint64_t *off)
{
	size_t lo = 0, hi;

	if (!ks || !ks->n || addr < ks->syms[0].addr)
		return -ENOENT;
	hi = ks->n - 1;
	/* Last symbol whose address is <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid - 1;
	}
	*name = ks->syms[lo].name;
	*off = addr - ks->syms[lo].addr;
	return 0;
}

void dl_ksyms__format(const struct dl_ksyms *ks, uint64_t addr, char *buf,
		      size_t len)
{
	const char *name;
	uint64_t off;

	if (dl_ksyms__resolve(ks, addr, &name, &off))
		snprintf(buf, len, "0x%" PRIx64, addr);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, name, off);
}
