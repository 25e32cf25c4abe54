/*
 * The handler's sandbox, as umd-exec applies it: namespaces, a private
 * /dev/kmsg and /proc, resource limits, an unprivileged uid/gid without
 * capabilities, no_new_privs and the seccomp allow-list. The daemon asks
 * only for what `umd-exec --probe` said this system has; anything asked for
 * that then fails is fatal (exit 126), never silently skipped.
 */
#ifndef UMD_SANDBOX_H
#define UMD_SANDBOX_H

#include <sys/resource.h>
#include <sys/types.h>

#define SANDBOX_MAX_LIMITS 8
#define SANDBOX_MAX_PATHS 64
#define SANDBOX_MAX_CGROUPS 4

struct sandbox {
	int enabled;
	int userns;           /* create a user namespace first (the daemon is not root) */
	int unshare_flags;    /* CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWNS, CLONE_NEWUTS */
	int proc;             /* mount a /proc of the handler's PID namespace */
	const char *kmsg;     /* a FIFO to bind over /dev/kmsg */
	int kmsg_fd;          /* with a private root: the FIFO, opened O_PATH before /tmp is covered */
	int root;             /* pivot into a private read-only root (root.h) */
	int npaths;
	struct {
		const char *path;
		int link;     /* copy the host's symbolic link rather than bind what it points to */
	} paths[SANDBOX_MAX_PATHS];
	unsigned long long scratch; /* bytes of a private /tmp; 0: none */
	int ncgroups;
	const char *cgroups[SANDBOX_MAX_CGROUPS]; /* cgroup.procs files the launcher joins first */
	int set_user;
	uid_t uid;
	gid_t gid;
	int nlimits;
	struct {
		int resource;
		rlim_t value;
	} limits[SANDBOX_MAX_LIMITS];
	int seccomp;
	const char *syscalls; /* extra allowed names, comma-separated */
	int blob_fd;
	int prepared;         /* sandbox_prepare() ran: bounding set empty, signals default */
};

/*
 * Parses one sandbox option (`--user`, `--userns`, `--unshare`, `--proc`,
 * `--kmsg`, `--root`, `--ro`, `--ro-link`, `--scratch`, `--cgroup`,
 * `--rlimit`, `--seccomp`); returns how many argv words it took (1 or 2), 0
 * when `argv[0]` is not one, -1 on a bad value.
 */
int sandbox_option(struct sandbox *sb, char **argv);

/* Reports `what` and errno on stderr and exits 126: a protection asked for could not be had. */
void sandbox_fail(const char *what) __attribute__((noreturn));

/* In the launcher, before anything else: joins the cgroups (their limits then bind all it forks). */
void sandbox_join_cgroups(const struct sandbox *sb);

/* Opens the blob to execute later through its fd (the handler's uid cannot reach its directory). */
void sandbox_open_blob(struct sandbox *sb, const char *path);

/* In the launcher: user namespace, then the other namespaces (and PID if `pidns`), then the mounts. */
void sandbox_enter(struct sandbox *sb, int pidns);

/* In the PID namespace's first process (or the launcher, without one): /proc, or the whole private root. */
void sandbox_enter_pidns(struct sandbox *sb, int in_pidns);

/*
 * In a stock's handler process, while it waits for its configuration: what
 * does not depend on it (an empty capability bounding set, every signal
 * back to its default), so that sandbox_exec skips it once it comes.
 */
void sandbox_prepare(struct sandbox *sb);

/* In the process that becomes the handler: limits, credentials, no_new_privs, filter, exec. */
void sandbox_exec(struct sandbox *sb, char **argv) __attribute__((noreturn));

/* Every signal back to its default, none blocked: how a handler starts. */
void reset_signals(void);

/* `umd-exec --probe`: prints which protections this system grants, one per line. */
int sandbox_probe(void);

/* `umd-exec --mkfifo PATH`: the FIFO a handler's private /dev/kmsg will be. */
int sandbox_mkfifo(const char *path);

#endif
