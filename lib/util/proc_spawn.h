/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running helper programs (ip, tc, ourselves in another namespace) from an
 * argv, never through a shell, so names and addresses cannot be injected.
 */
#ifndef DL_PROC_SPAWN_H
#define DL_PROC_SPAWN_H

#include <sys/types.h>

/* Start argv[0] (PATH search); returns the pid or -errno. */
pid_t dl_spawn__start(char *const argv[], int quiet);
/* Wait for @pid; returns its exit code, 128+signal, or -errno. */
int dl_spawn__wait(pid_t pid);
/* Start and wait; output discarded when @quiet. Returns the exit code. */
int dl_spawn__run(char *const argv[], int quiet);

#endif
