// SPDX-License-Identifier: GPL-2.0-only
/* Drop-reason names from BTF; see drop_reasons.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "trace/drop_reasons.h"
#include "util/log.h"

#define PREFIX "SKB_DROP_REASON_"

struct dl_reason {
	uint32_t value;
	char *name;
};

struct dl_reasons {
	struct dl_reason *v;
	unsigned int n;
};

struct dl_reasons *dl_reasons__load(const char *btf_path)
{
	struct dl_reasons *r = NULL;
	const struct btf_enum *e;
	const struct btf_type *t;
	struct btf *btf;
	int id, err = 0;
	unsigned int i;

	btf = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	if (!btf) {
		err = -errno;
		pr_debug("cannot read BTF %s: %s\n", btf_path ?: "vmlinux", strerror(errno));
		goto out;
	}
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id < 0) {
		err = -ENOENT;
		goto out;
	}
	t = btf__type_by_id(btf, id);
	r = calloc(1, sizeof(*r));
	if (!r || !(r->v = calloc(btf_vlen(t), sizeof(*r->v)))) {
		err = -ENOMEM;
		goto out;
	}
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++, e++) {
		const char *name = btf__name_by_offset(btf, e->name_off);

		if (!name)
			continue;
		if (!strncmp(name, PREFIX, strlen(PREFIX)))
			name += strlen(PREFIX);
		r->v[r->n].value = (uint32_t)e->val;
		r->v[r->n].name = strdup(name);
		if (!r->v[r->n].name) {
			err = -ENOMEM;
			goto out;
		}
		r->n++;
	}
out:
	btf__free(btf);
	if (err) {
		dl_reasons__free(r);
		errno = -err;
		return NULL;
	}
	return r;
}

void dl_reasons__free(struct dl_reasons *r)
{
	unsigned int i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		free(r->v[i].name);
	free(r->v);
	free(r);
}

const char *dl_reasons__name(const struct dl_reasons *r, uint32_t value)
{
	unsigned int i;

	if (!r)
		return NULL;
	for (i = 0; i < r->n; i++)
		if (r->v[i].value == value)
			return r->v[i].name;
	return NULL;
}

int dl_reasons__value(const struct dl_reasons *r, const char *name,
		      uint32_t *value)
{
	unsigned int i;

	if (!r)
		return -ENOENT;
	if (!strncmp(name, PREFIX, strlen(PREFIX)))
		name += strlen(PREFIX);
	for (i = 0; i < r->n; i++) {
		if (!strcasecmp(r->v[i].name, name)) {
			*value = r->v[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

unsigned int dl_reasons__count(const struct dl_reasons *r)
{
	return r ? r->n : 0;
}
