/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dropledger_shared.h for userspace builds with gcc: the header carries a
 * clang `#pragma unroll` (for the BPF side) that gcc would warn about, and
 * warnings are errors here.
 */
#ifndef DL_SHARED_USER_H
#define DL_SHARED_USER_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#include "dropledger_shared.h"
#pragma GCC diagnostic pop

#endif
