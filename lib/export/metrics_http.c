// SPDX-License-Identifier: GPL-2.0-only
/*
 * /metrics over libmicrohttpd; see metrics_http.h. We bind the socket
 * ourselves so a port in use or a non-local address comes back as its real
 * errno, then hand it to MHD.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "export/metrics_http.h"
#include "util/log.h"

struct dl_metrics_http {
	struct MHD_Daemon *d;
	int fd;
	pthread_mutex_t lock;
	char *snap;		/* last published exposition */
	size_t snap_len;
	unsigned long scrapes;
};

static const char CT[] = "text/plain; version=0.0.4; charset=utf-8";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int code,
			     const char *body, size_t len, bool copy)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
					    copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				code == MHD_HTTP_OK ? CT : "text/plain");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *upload, size_t *upload_len, void **state)
{
	static const char nf[] = "not found: only /metrics is served\n";
	static const char na[] = "method not allowed: GET /metrics\n";
	static const char wait[] = "no interval accounted yet\n";
	struct dl_metrics_http *h = cls;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, nf, sizeof(nf) - 1, false);
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, na, sizeof(na) - 1, false);
	/* Ignore any request body; answer on the first call. */
	if (*upload_len) {
		*upload_len = 0;
		return MHD_YES;
	}
	(void)state;
	/* Copying under the lock is a memcpy; the scraper's pace never matters. */
	pthread_mutex_lock(&h->lock);
	if (h->snap) {
		ret = reply(c, MHD_HTTP_OK, h->snap, h->snap_len, true);
		h->scrapes++;
	} else {
		ret = reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, wait, sizeof(wait) - 1, false);
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[128] = DL_METRICS_DEFAULT_ADDR;
	const char *port = s, *colon;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	unsigned long p;
	char *end;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, rb - s - 1);
		host[rb - s - 1] = '\0';
		port = rb + 2;
	} else if ((colon = strrchr(s, ':'))) {
		if ((size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		if (colon > s) {
			memcpy(host, s, colon - s);
			host[colon - s] = '\0';
		}
		port = colon + 1;
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno || end == port || *end || p < 1 || p > 65535)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(p);
		*sl = sizeof(*a4);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(p);
		*sl = sizeof(*a6);
	} else {
		return -EINVAL;
	}
	return 0;
}

struct dl_metrics_http *dl_metrics_http__start(const char *addr, char *why, size_t why_len)
{
	struct dl_metrics_http *h;
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, err;

	if (parse_listen(addr, &ss, &sl)) {
		snprintf(why, why_len,
			 "bad --metrics-listen '%s' (PORT, ADDR:PORT or [ADDR6]:PORT)", addr);
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		goto fail;
	setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(h->fd, (struct sockaddr *)&ss, sl) || listen(h->fd, 16))
		goto fail;
	/*
	 * Own thread, 5 s per connection, 16 at once: a scraper that never
	 * reads is cut off and cannot pile up connections.
	 */
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
				NULL, NULL, handle, h,
				MHD_OPTION_LISTEN_SOCKET, h->fd,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)5,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
				MHD_OPTION_END);
	if (!h->d) {
		errno = EIO;
		goto fail;
	}
	return h;
fail:
	err = errno;
	snprintf(why, why_len, "cannot serve metrics on %s: %s%s", addr, strerror(err),
		 err == EADDRNOTAVAIL ? " (not an address of this host)" :
		 err == EADDRINUSE ? " (another process listens there)" : "");
	if (h->fd >= 0)
		close(h->fd);
	pthread_mutex_destroy(&h->lock);
	free(h);
	errno = err;
	return NULL;
}

int dl_metrics_http__publish(struct dl_metrics_http *h, const char *text, size_t len)
{
	char *copy = malloc(len + 1), *old;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	pthread_mutex_lock(&h->lock);
	old = h->snap;
	h->snap = copy;
	h->snap_len = len;
	pthread_mutex_unlock(&h->lock);
	free(old);
	return 0;
}

unsigned long dl_metrics_http__scrapes(struct dl_metrics_http *h)
{
	unsigned long n;

	pthread_mutex_lock(&h->lock);
	n = h->scrapes;
	pthread_mutex_unlock(&h->lock);
	return n;
}

void dl_metrics_http__stop(struct dl_metrics_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	close(h->fd);
	pthread_mutex_destroy(&h->lock);
	free(h->snap);
	free(h);
}
