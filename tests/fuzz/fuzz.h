/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared bits of the fuzz targets: each is a LLVMFuzzerTestOneInput over
 * one parser or loader. Loaders that take a path read the input from a
 * memfd through /proc/self/fd, so the real file-reading code is fuzzed too.
 */
#ifndef DL_FUZZ_H
#define DL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of @data (static buffer, reused per input). */
char *fuzz_cstr(const uint8_t *data, size_t size);

/*
 * Write @data to a file named @name in a private directory and return its
 * path (valid until the next call with the same name).
 */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);

#endif
