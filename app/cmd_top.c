// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger top: the watch loop drawn for people. On a terminal it redraws
 * every interval (default 1 s) with plain ANSI: rates per second, causes by
 * rate, hot queues; f and a toggle flows and advice, q quits and detaches.
 * Elsewhere it prints one compact line per device per interval.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "export/fail_on.h"
#include "fastpath/flow.h"
#include "ledger/ledger.h"
#include "rss/rss_report.h"
#include "watch.h"

#define TOP_DEVS 32
#define TOP_CAUSES 5

struct top_cause {
	char reason[64];
	double rate;
	uint64_t count;
	bool tx;
	char flow[128];
	char advice[1024];
};

struct top_dev {
	char name[32];
	double secs;
	double seen, stack, delivered, nic;
	bool has_nic;
	long long residual;
	unsigned int ncauses;
	struct top_cause c[TOP_CAUSES];
	char hot[96];		/* "q2 61%, q0 30%" */
	double jain;
	bool has_jain;
};

struct top {
	bool tty;
	bool flows, advice;
	struct top_dev d[TOP_DEVS];
	unsigned int n;
	unsigned int frame;
	struct termios saved;
	bool raw;
};

static struct top_dev *slot(struct top *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->d[i].name, name))
			return &t->d[i];
	if (t->n == TOP_DEVS)
		return NULL;
	snprintf(t->d[t->n].name, sizeof(t->d[0].name), "%s", name);
	return &t->d[t->n++];
}

static void hot_queues(const struct dl_ledger *l, char *buf, size_t len)
{
	unsigned int q, off = 0;

	buf[0] = '\0';
	if (!l->xdp_seen || l->nqueues < 2)
		return;
	for (q = 0; q < l->nqueues && off < len; q++) {
		double share = (double)l->q[q].arrived / (double)l->xdp_seen;

		/* Above 1.5 x the even share, as the rss section calls hot. */
		if (share > 1.5 / l->nqueues)
			off += snprintf(buf + off, len - off, "%sq%u %.0f%%", off ? ", " : "",
					q, 100 * share);
	}
}

static void on_interval(void *ctx, const struct dl_ledger *l)
{
	struct top *t = ctx;
	struct top_dev *d;
	unsigned int i;
	double s = l->duration_s > 0 ? l->duration_s : 1;

	if (!t->tty) {
		dl_watch__print_line(l, NULL, stdout);
		return;
	}
	d = slot(t, l->ifname);
	if (!d)
		return;
	d->secs = s;
	d->seen = (double)l->xdp_seen / s;
	d->stack = (double)l->stack_dropped / s;
	d->delivered = (double)l->delivered / s;
	d->has_nic = l->nic_dropped.have;
	d->nic = l->nic_dropped.have ? (double)l->nic_dropped.v / s : 0;
	d->residual = (long long)l->residual;
	d->ncauses = 0;
	/* Causes arrive biggest first: the first few by rate. */
	for (i = 0; i < l->ncauses && d->ncauses < TOP_CAUSES; i++) {
		const struct dl_ledger_cause *c = &l->causes[i];
		struct top_cause *tc = &d->c[d->ncauses];

		if (c->category && !strcmp(c->category, "rss"))
			continue;
		snprintf(tc->reason, sizeof(tc->reason), "%s", c->reason_name);
		tc->count = c->count;
		tc->rate = (double)c->count / s;
		tc->tx = c->tx;
		tc->flow[0] = '\0';
		if (c->nflows)
			dl_flow__str(&c->flows[0].flow, tc->flow, sizeof(tc->flow));
		snprintf(tc->advice, sizeof(tc->advice), "%s", c->advice);
		d->ncauses++;
	}
	hot_queues(l, d->hot, sizeof(d->hot));
	d->has_jain = l->rss && l->rss->skew.enough;
	d->jain = d->has_jain ? l->rss->skew.jain : 0;
}

static void draw(void *ctx)
{
	struct top *t = ctx;
	unsigned int i, k;

	if (!t->tty)
		return;
	t->frame++;
	/* Home, clear: one write per frame keeps the terminal from flickering. */
	printf("\033[H\033[2J");
	printf("dropledger top  (q quit, f flows %s, a advice %s)  frame %u\r\n\r\n",
	       t->flows ? "on" : "off", t->advice ? "on" : "off", t->frame);
	printf("%-12s %10s %10s %10s %10s %9s\r\n", "DEVICE", "SEEN/s", "NIC DROP/s",
	       "STACK/s", "DELIV/s", "RESIDUAL");
	for (i = 0; i < t->n; i++) {
		struct top_dev *d = &t->d[i];
		char nic[16] = "n/a";

		if (d->has_nic)
			snprintf(nic, sizeof(nic), "%.1f", d->nic);
		printf("%-12s %10.1f %10s %10.1f %10.1f %9lld\r\n", d->name, d->seen, nic,
		       d->stack, d->delivered, d->residual);
		for (k = 0; k < d->ncauses; k++) {
			struct top_cause *c = &d->c[k];

			printf("    %-28s %9.1f/s %8llu%s\r\n", c->reason, c->rate,
			       (unsigned long long)c->count, c->tx ? " (tx)" : "");
			if (t->flows && c->flow[0])
				printf("        flow %s\r\n", c->flow);
			if (t->advice && c->advice[0])
				printf("        fix: %.200s\r\n", c->advice);
		}
		if (d->hot[0])
			printf("    hot queues: %s%s\r\n", d->hot, d->has_jain ? "" : "");
	}
	fflush(stdout);
}

static bool on_key(void *ctx)
{
	struct top *t = ctx;
	char c;

	if (read(STDIN_FILENO, &c, 1) != 1)
		return false;
	if (c == 'q' || c == 'Q' || c == 3)
		return true;
	if (c == 'f')
		t->flows = !t->flows;
	else if (c == 'a')
		t->advice = !t->advice;
	draw(t);
	return false;
}

int do_top(int argc, char **argv)
{
	struct dl_watch_opts o = { .key_fd = -1 };
	struct top *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return DL_EXIT_FAIL;
	o.top = true;
	if (watch_parse(argc, argv, &o, true)) {
		free(t);
		return DL_EXIT_USAGE;
	}
	t->tty = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	o.render = on_interval;
	o.render_done = draw;
	o.render_ctx = t;
	if (t->tty) {
		struct termios raw;

		/* Keys without Enter, no echo; restored on every way out. */
		if (!tcgetattr(STDIN_FILENO, &t->saved)) {
			raw = t->saved;
			raw.c_lflag &= ~(ICANON | ECHO);
			raw.c_cc[VMIN] = 0;
			raw.c_cc[VTIME] = 0;
			t->raw = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		}
		o.key_fd = STDIN_FILENO;
		o.on_key = on_key;
		printf("\033[H\033[2Jdropledger top: attaching...\r\n");
		fflush(stdout);
	}
	rc = watch_run(&o, NULL);
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
	if (t->tty)
		printf("\r\ndropledger top: detached\n");
	dl_fail_on__free(o.fail_on);
	free(t);
	return rc;
}
