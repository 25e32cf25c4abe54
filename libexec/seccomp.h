/*
 * The handler's system call allow-list, as a seccomp BPF filter built here
 * from the syscall numbers of <sys/syscall.h>: no libseccomp needed.
 */
#ifndef UMD_SECCOMP_H
#define UMD_SECCOMP_H

#include <stdio.h>
#include <sys/types.h>

/* The architecture the filter is built for ("x86_64", "aarch64"), or NULL when umd-exec has no filter for it. */
const char *seccomp_arch(void);

/* Looks a system call up by name; returns its number, or -1 if this architecture has none by that name. */
long seccomp_lookup(const char *name);

/* Prints the default allow-list (what exists of it here), comma-separated. */
void seccomp_print_default(FILE *out);

/* Prints every system call name this architecture has, comma-separated. */
void seccomp_print_known(FILE *out);

/*
 * Installs the filter on the calling process: the default allow-list, plus
 * `extra` (comma-separated names, may be NULL), plus execveat(exec_fd,
 * exec_path, ..., AT_EMPTY_PATH) with exactly these argument values so that
 * the launcher can start the handler and the handler can start nothing.
 * Signals only to `self`. Anything else kills the process (SIGSYS).
 * no_new_privs must be set. Returns 0, or -1 with errno set (EINVAL for an
 * unknown name in `extra`, reported on stderr).
 */
int seccomp_install(const char *extra, int exec_fd, const char *exec_path, pid_t self);

#endif
