/*
 * The handler's private root: a read-only tmpfs holding the read-only binds
 * the sandbox lists (`--ro`, `--ro-link`), /dev with null, zero, urandom and
 * the driver's kmsg FIFO, its own /proc, and a scratch /tmp when asked.
 */
#ifndef UMD_ROOT_H
#define UMD_ROOT_H

#include "sandbox.h"

/*
 * In the private mount namespace (and, for /proc, in the handler's PID
 * namespace): builds the tree, pivots into it, detaches the host's root and
 * makes the tmpfs read-only; cwd is then "/". Any failure ends the process
 * (exit 126). `with_proc`: mount the PID namespace's own /proc.
 */
void root_build(const struct sandbox *sb, int with_proc);

/* In a throwaway process: can a root be built here (in a mount namespace of its own)? 0 or the errno. */
int root_probe(void);

#endif
