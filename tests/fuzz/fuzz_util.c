// SPDX-License-Identifier: GPL-2.0-only
/*
 * Input helpers of the fuzz targets; see fuzz.h. Files live in one
 * private temporary directory, rewritten per input, removed at exit.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[64];
static char *cbuf;
static size_t ccap;

static void rm_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	if (size + 1 > ccap) {
		free(cbuf);
		ccap = size + 1;
		cbuf = malloc(ccap);
		if (!cbuf)
			abort();
	}
	memcpy(cbuf, data, size);
	cbuf[size] = '\0';
	return cbuf;
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[160];
	int fd;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/dl-fuzz.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		atexit(rm_dir);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	return path;
}
