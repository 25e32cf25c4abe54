/*
 * A stock launcher (umd-exec --stock FD ... -- BLOBS_DIR): started ahead by
 * the daemon, it joins its own fresh cgroups, makes the namespaces and
 * builds the private root (with its own /dev/kmsg FIFO) before any driver
 * is known; its reaper forks the handler's process at once (so its pid is
 * reported ahead), which waits, root still but not dumpable, on the control
 * descriptor FD. The daemon
 * hands the stock to exactly one driver by writing the rest of the
 * configuration there and closing it: NUL-terminated words
 *
 *   [--user UID:GID] [--rlimit SPEC] [--seccomp LIST|-] [--pipe-size N]
 *   [--env NAME=VALUE]... -- DRIVER/HANDLER
 *
 * and nothing else (no namespace, root, cgroup or path option: those are
 * fixed when the stock starts). The blob is opened beneath BLOBS_DIR (a
 * descriptor the launcher took before it entered the namespaces; closed
 * right after), following no link. Anything else, or more than 16 KiB, ends
 * the stock with exit 126 and one line on stderr; the control descriptor
 * closed without a byte ends it with 0. Then the handler starts as any
 * other: limits, user, capabilities, no_new_privs, filter, exec through
 * the blob's descriptor.
 */
#ifndef UMD_STOCK_H
#define UMD_STOCK_H

#include "sandbox.h"

/* In the handler's process: reads and checks the configuration, applies it to `sb`, opens the blob; returns the handler's argv. */
char **stock_configure(struct sandbox *sb, int control, int blobs_dir);

#endif
