// SPDX-License-Identifier: GPL-2.0-only
/*
 * netdev generic netlink qstats reader on libmnl; see qstats.h. Debian's
 * kernel headers may predate linux/netdev.h's qstats, so the few ids we need
 * are spelled out here; they are uapi and never renumbered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "util/log.h"
#include "util/nl.h"
#include "counters/qstats.h"

#define NETDEV_FAMILY_NAME "netdev"
#define NETDEV_FAMILY_VERSION 1
#define NETDEV_CMD_QSTATS_GET 12
#define NETDEV_A_QSTATS_IFINDEX 1
#define NETDEV_A_QSTATS_QUEUE_TYPE 2
#define NETDEV_A_QSTATS_QUEUE_ID 3
#define NETDEV_A_QSTATS_SCOPE 4
#define NETDEV_A_QSTATS_RX_PACKETS 8	/* first statistic; then DL_QSTAT_* order */
#define NETDEV_QSTATS_SCOPE_QUEUE 1

static const char *const names[DL_QSTAT__NR] = {
	"rx-packets", "rx-bytes", "tx-packets", "tx-bytes", "rx-alloc-fail",
	"rx-hw-drops", "rx-hw-drop-overruns", "rx-csum-complete",
	"rx-csum-unnecessary", "rx-csum-none", "rx-csum-bad", "rx-hw-gro-packets",
	"rx-hw-gro-bytes", "rx-hw-gro-wire-packets", "rx-hw-gro-wire-bytes",
	"rx-hw-drop-ratelimits", "tx-hw-drops", "tx-hw-drop-errors", "tx-csum-none",
	"tx-needs-csum", "tx-hw-gso-packets", "tx-hw-gso-bytes",
	"tx-hw-gso-wire-packets", "tx-hw-gso-wire-bytes", "tx-hw-drop-ratelimits",
	"tx-stop", "tx-wake",
};

const char *dl_qstat__name(enum dl_qstat s)
{
	return (unsigned int)s < DL_QSTAT__NR ? names[s] : NULL;
}

struct dl_qstats *dl_qstats__new(void)
{
	struct dl_qstats *qs = calloc(1, sizeof(*qs));

	if (!qs)
		errno = ENOMEM;
	return qs;
}

void dl_qstats__free(struct dl_qstats *qs)
{
	if (!qs)
		return;
	free(qs->rec);
	free(qs);
}

const struct dl_qstats_rec *dl_qstats__find(const struct dl_qstats *qs, int ifindex,
					    int kind, unsigned int queue)
{
	for (unsigned int i = 0; qs && i < qs->nr; i++) {
		const struct dl_qstats_rec *r = &qs->rec[i];

		if (r->ifindex == ifindex && r->kind == kind &&
		    (kind == DL_QSTATS_DEVICE || r->queue == queue))
			return r;
	}
	return NULL;
}

/* NLA_UINT: 4 or 8 bytes, whichever the value needs. */
static int get_uint(const struct nlattr *a, uint64_t *v)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 4:
		*v = mnl_attr_get_u32(a);
		return 0;
	case 8:
		*v = mnl_attr_get_u64(a);
		return 0;
	}
	return -EBADMSG;
}

struct parse_ctx {
	struct dl_qstats *qs;
	struct dl_qstats_rec rec;
	int err;
	int done_err;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct parse_ctx *ctx = data;
	struct dl_qstats_rec *r = &ctx->rec;
	unsigned int type = mnl_attr_get_type(a);
	uint64_t v;

	if (type >= NETDEV_A_QSTATS_RX_PACKETS &&
	    type < NETDEV_A_QSTATS_RX_PACKETS + DL_QSTAT__NR) {
		if (get_uint(a, &v))
			goto bad;
		r->v[type - NETDEV_A_QSTATS_RX_PACKETS] = v;
		r->have |= 1u << (type - NETDEV_A_QSTATS_RX_PACKETS);
		return MNL_CB_OK;
	}
	switch (type) {
	case NETDEV_A_QSTATS_IFINDEX:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			goto bad;
		r->ifindex = mnl_attr_get_u32(a);
		break;
	case NETDEV_A_QSTATS_QUEUE_TYPE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0 || mnl_attr_get_u32(a) > 1)
			goto bad;
		r->kind = mnl_attr_get_u32(a);
		break;
	case NETDEV_A_QSTATS_QUEUE_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			goto bad;
		r->queue = mnl_attr_get_u32(a);
		break;
	default:
		/* Newer kernels add statistics: ignore what we do not know. */
		break;
	}
	return MNL_CB_OK;
bad:
	pr_warn("qstats: malformed attribute %u\n", type);
	ctx->err = -EBADMSG;
	return MNL_CB_ERROR;
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct parse_ctx *ctx = data;
	struct dl_qstats *qs = ctx->qs;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr)) {
		pr_warn("qstats: message shorter than its genetlink header\n");
		ctx->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	memset(&ctx->rec, 0, sizeof(ctx->rec));
	ctx->rec.kind = DL_QSTATS_DEVICE;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, ctx) < 0) {
		if (!ctx->err) {
			pr_warn("qstats: attributes overrun the message\n");
			ctx->err = -EBADMSG;
		}
		return MNL_CB_ERROR;
	}
	if (!ctx->rec.ifindex) {
		pr_warn("qstats: record without ifindex\n");
		ctx->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (qs->nr == qs->cap) {
		unsigned int cap = qs->cap ? qs->cap * 2 : 16;
		struct dl_qstats_rec *nr = realloc(qs->rec, cap * sizeof(*nr));

		if (!nr) {
			ctx->err = -ENOMEM;
			return MNL_CB_ERROR;
		}
		qs->rec = nr;
		qs->cap = cap;
	}
	qs->rec[qs->nr++] = ctx->rec;
	return MNL_CB_OK;
}

/*
 * A dump's errors come in the payload of NLMSG_DONE (netlink_dump()), which
 * libmnl's default handler ignores: catch them here.
 */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct parse_ctx *ctx = data;
	int e;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
		if (e < 0)	/* callers negate it: keep it an errno */
			ctx->done_err = e > -4096 ? e : -EBADMSG;
	}
	return MNL_CB_STOP;
}

/* Our control table replaces libmnl's defaults, so NLMSG_ERROR is ours too. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!e->error)
		return MNL_CB_STOP;
	/* A kernel errno is 1..4095; anything else (INT_MIN) is not one. */
	errno = e->error < 0 && e->error > -4096 ? -e->error :
		e->error > 0 && e->error < 4096 ? e->error : EBADMSG;
	return MNL_CB_ERROR;
}

/*
 * Run the callbacks over @buf. Returns 1 while more messages of the dump
 * follow, 0 at its end (*done_err: the error NLMSG_DONE carried, or 0),
 * -errno for a malformed buffer or an NLMSG_ERROR.
 */
static int parse_buf(struct dl_qstats *qs, const void *buf, size_t len,
		     unsigned int seq, unsigned int portid, int *done_err)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct parse_ctx ctx = { .qs = qs };
	const struct nlmsghdr *nlh = buf;
	int rem = len, ret;

	/*
	 * libmnl stops silently at a cut message: refuse it instead. Lengths
	 * are checked unsigned here: mnl_nlmsg_ok() compares them as int, so
	 * a length >= 2^31 passed and sent the walk far off the buffer. And
	 * libmnl reads attributes up to a message's 4-byte aligned end: the
	 * kernel pads every message, so a last one short of its padding (rem
	 * ends below 0) is refused too.
	 */
	while (rem >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)rem)
		nlh = mnl_nlmsg_next(nlh, &rem);
	if (rem) {
		pr_warn("qstats: %zu bytes read do not end on a whole netlink message\n", len);
		return -EBADMSG;
	}
	errno = 0;
	ret = mnl_cb_run2(buf, len, seq, portid, msg_cb, &ctx, ctl, NLMSG_MIN_TYPE);
	if (ret == MNL_CB_ERROR) {
		if (ctx.err)
			return ctx.err;
		/* NLMSG_ERROR from the kernel sets errno. */
		return errno ? -errno : -EBADMSG;
	}
	*done_err = ctx.done_err;
	return ret == MNL_CB_STOP ? 0 : 1;
}

int dl_qstats__parse(struct dl_qstats *qs, const void *buf, size_t len)
{
	int ret, done_err = 0;

	if (!qs || !buf)
		return -EINVAL;
	ret = parse_buf(qs, buf, len, 0, 0, &done_err);
	if (ret < 0)
		return ret;
	return done_err;
}

static int family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
		*(int *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_cb, data);
	return MNL_CB_OK;
}

static struct nlmsghdr *put_genl(char *buf, uint16_t type, uint16_t flags,
				 uint8_t cmd, uint8_t version, unsigned int seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* One reply of a request: seq and port to check, what the parse fills. */
struct reply {
	unsigned int seq, portid;
	int *family;
	struct dl_qstats *qs;
	int done_err;
};

static int parse_family(const char *buf, size_t n, void *ctx)
{
	struct reply *r = ctx;
	int ret;

	errno = 0;
	ret = mnl_cb_run(buf, n, r->seq, r->portid, family_msg_cb, r->family);
	if (ret == MNL_CB_ERROR)
		return errno == ENOENT ? -EOPNOTSUPP : (errno ? -errno : -EBADMSG);
	return ret;
}

static int parse_dump(const char *buf, size_t n, void *ctx)
{
	struct reply *r = ctx;

	return parse_buf(r->qs, buf, n, r->seq, r->portid, &r->done_err);
}

static int resolve_family(struct mnl_socket *nl, char *buf, size_t size,
			  unsigned int seq, int *family)
{
	struct reply r = { seq, mnl_socket_get_portid(nl), family, NULL, 0 };
	struct nlmsghdr *nlh;
	int ret;

	nlh = put_genl(buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1, seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME);
	*family = 0;
	ret = dl_nl__request(nl, nlh, buf, size, parse_family, &r);
	if (ret)
		return ret;
	return *family ? 0 : -EOPNOTSUPP;
}

static int dump(struct mnl_socket *nl, char *buf, size_t size, int family,
		int ifindex, bool per_queue, unsigned int seq, struct dl_qstats *qs)
{
	struct reply r = { seq, mnl_socket_get_portid(nl), NULL, qs, 0 };
	struct nlmsghdr *nlh;
	int ret;

	nlh = put_genl(buf, family, NLM_F_DUMP, NETDEV_CMD_QSTATS_GET,
		       NETDEV_FAMILY_VERSION, seq);
	if (ifindex)
		mnl_attr_put_u32(nlh, NETDEV_A_QSTATS_IFINDEX, ifindex);
	if (per_queue)
		mnl_attr_put_u32(nlh, NETDEV_A_QSTATS_SCOPE, NETDEV_QSTATS_SCOPE_QUEUE);
	ret = dl_nl__request(nl, nlh, buf, size, parse_dump, &r);
	/* An NLMSG_ERROR: kernels with the family but without the command. */
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		return -EOPNOTSUPP;
	if (ret)
		return ret;
	/* The dump itself failed: for one device, "its driver has no qstats". */
	if (r.done_err == -EOPNOTSUPP && ifindex)
		return 0;
	return r.done_err;
}

int dl_qstats__read(int ifindex, struct dl_qstats **out)
{
	struct mnl_socket *nl;
	struct dl_qstats *qs;
	unsigned int seq = time(NULL);
	size_t size = MNL_SOCKET_BUFFER_SIZE;
	char *buf;
	int family, err;

	if (ifindex < 0 || !out)
		return -EINVAL;
	qs = dl_qstats__new();
	buf = malloc(size);
	if (!qs || !buf) {
		err = -ENOMEM;
		goto out_free;
	}
	nl = dl_nl__open(NETLINK_GENERIC, 0, SOCK_CLOEXEC);
	if (!nl) {
		err = -errno;
		goto out_free;
	}
	err = resolve_family(nl, buf, size, seq++, &family);
	if (!err)
		err = dump(nl, buf, size, family, ifindex, true, seq++, qs);
	if (!err)
		err = dump(nl, buf, size, family, ifindex, false, seq++, qs);
	mnl_socket_close(nl);
out_free:
	free(buf);
	if (err) {
		dl_qstats__free(qs);
		return err;
	}
	*out = qs;
	return 0;
}
