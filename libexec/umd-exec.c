/*
 * umd-exec: starts one umd handler so that it cannot outlive the daemon and,
 * when asked, so that it cannot hurt anything else.
 *
 *   umd-exec [--no-pidns] [--info-fd N] [SANDBOX OPTIONS] -- HANDLER [ARG...]
 *   umd-exec --stock FD [--info-fd N] SANDBOX OPTIONS -- BLOBS_DIR
 *                             a launcher started ahead (see stock.h): sandbox
 *                             made, the rest read from FD when a driver takes it
 *   umd-exec --probe          which protections this system grants
 *   umd-exec --mkfifo PATH    make the FIFO a handler's /dev/kmsg will be
 *   umd-exec --mkpipes PATH...  make FIFOs (0600, new) the daemon opens as
 *                             handlers' stdin and stdout (Node has no mkfifo)
 *
 * The daemon spawns umd-exec (the "launcher") as the leader of a new process
 * group. The launcher asks the kernel to SIGKILL it when the daemon dies
 * (PR_SET_PDEATHSIG), then, where it may, creates a PID namespace whose init
 * is a small reaper; the reaper forks the handler and execs it. So:
 *
 *  - daemon dies (even by SIGKILL) -> launcher killed -> reaper killed ->
 *    the kernel kills every process in the namespace: no orphan survives,
 *    however many children the handler forked or whatever groups they made;
 *  - daemon sends SIGUSR1 to the launcher -> the launcher SIGKILLs the
 *    reaper (so the namespace), reaps it and exits "killed by SIGKILL":
 *    umd's way to kill a handler without leaving the reaper to init;
 *  - daemon signals the process group -> the handler gets the signal
 *    directly; the launcher ignores SIGTERM/SIGINT/SIGHUP and the reaper
 *    forwards them inside the namespace;
 *  - the handler exits -> the reaper reports its wait status to the
 *    launcher over a pipe and exits (ending the namespace); the launcher
 *    exits the same way (same code, or killed by the same signal), so the
 *    daemon logs the handler's own end.
 *
 * With --info-fd N the launcher writes `pid <PID>\n` to fd N once the
 * handler runs, PID being the handler's own pid as the daemon sees it (like
 * bubblewrap's --info-fd), and closes it; it closes it without a line when
 * the handler never got that far. In a PID namespace the handler, right
 * after the fork, sends one byte over a socket pair whose other end has
 * SO_PASSCRED: the kernel attaches its pid, translated into the launcher's
 * namespace.
 *
 * Without the privilege to create a PID namespace (or with --no-pidns) the
 * launcher sets the death signal and execs the handler itself: the handler
 * still dies with the daemon, but children it forks may not.
 *
 * With --pipe-size BYTES the launcher asks the kernel (F_SETPIPE_SZ) for a
 * pipe of at least BYTES on its stdout, which the handler inherits, so that
 * a reply of that size is written and read in one go; where that is refused
 * (above /proc/sys/fs/pipe-max-size, or stdout not a pipe) nothing changes
 * but the number of reads.
 *
 * Sandbox options (any of them turns the sandbox on; see sandbox.h):
 *   --sandbox              no_new_privs, no capabilities, exec through an fd
 *   --user UID:GID         run as UID:GID with no supplementary groups (root)
 *   --userns               first a user namespace mapping our own ids (not root)
 *   --unshare net,ipc,mnt,uts  new namespaces besides the PID one (uts: host name "umd")
 *   --proc                 mount the PID namespace's own /proc (needs mnt)
 *   --kmsg FIFO            bind FIFO over /dev/kmsg (needs mnt)
 *   --root                 pivot into a private read-only root (needs mnt, see root.h):
 *   --ro PATH              ... with PATH bound read-only (repeatable)
 *   --ro-link PATH         ... with the host's symbolic link PATH copied (repeatable)
 *   --scratch BYTES        ... with a private tmpfs of BYTES at /tmp
 *   --cgroup FILE          join the cgroup whose cgroup.procs is FILE first (repeatable)
 *   --rlimit as=N,nofile=N,cpu=N,core=N,fsize=N,nproc=N   ("inf": leave it)
 *   --seccomp NAME,...|-   the allow-list, plus these names
 * In the sandbox the PID namespace is not optional: if it cannot be made,
 * the launch fails (exit 126, the reason on stderr) rather than run the
 * handler with less than the daemon asked for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"
#include "stock.h"

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT };
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

static struct sandbox sb;
static char **all_argv;
static int all_argc;
/* A stock launcher's control descriptor and blobs directory (see stock.h); -1 otherwise. */
static int stock_fd = -1, stock_dir = -1;

static void die(const char *what)
{
	fprintf(stderr, "umd-exec: %s: %s\n", what, strerror(errno));
	_exit(127);
}

/* Closes descriptors lo..hi; close_range(2) where the kernel has it, else one by one. */
static void close_from(unsigned int lo, unsigned int hi)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return;
#endif
	for (unsigned int fd = lo; fd <= hi && fd < 65536; fd++)
		close((int)fd);
}

/*
 * Only stdio (and the blob's descriptor, which a script's interpreter
 * reads) reach the handler: nothing the daemon, or whoever started it,
 * left open without close-on-exec. A directory or a writable file passed
 * down that way would reach through the private root.
 */
static void close_inherited(int keep)
{
	if (keep > 3)
		close_from(3, (unsigned int)keep - 1);
	close_from(keep >= 3 ? (unsigned int)keep + 1 : 3, ~0U);
}

static void exec_handler(char **argv)
{
	close_inherited(sb.enabled ? sb.blob_fd : -1);
	if (sb.enabled)
		sandbox_exec(&sb, argv);
	reset_signals();
	execv(argv[0], argv);
	fprintf(stderr, "umd-exec: cannot execute %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Ends this process the way `status` says the handler ended. */
static void mirror(int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		reset_signals();
		raise(sig);
		_exit(128 + sig);
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static pid_t reaper_pid;

/*
 * The launcher's SIGUSR1, from the daemon ("kill it now") or as the death
 * signal: kill the reaper, which ends the whole namespace. The launcher then
 * reaps it and exits, so nothing is left for init to reap.
 */
static void stop_reaper(int sig)
{
	(void)sig;
	kill(reaper_pid, SIGKILL);
}

static void forward(int sig)
{
	kill(-1, sig); /* inside the namespace: every process but us */
}

/* `pid <pid>\n` on the info fd (when there is one), then closed. */
static void report_pid(int info_fd, pid_t pid)
{
	char line[32];
	int len = snprintf(line, sizeof(line), "pid %ld\n", (long)pid);

	if (info_fd < 0)
		return;
	if (pid > 0 && write(info_fd, line, (size_t)len) != len)
		die("write the handler's pid");
	close(info_fd);
}

/* The pid of whoever sent the one byte on `sock` (SO_PASSCRED), in our namespace; 0 if none came. */
static pid_t receive_pid(int sock)
{
	char byte, control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control) };
	struct ucred cred;
	ssize_t n;

	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			return cred.pid;
		}
	}
	return 0;
}

/*
 * The handler's argv (its name only, not the host path of the private copy)
 * and the seccomp list, copied; then this process's own command line, which
 * the handler can read as /proc/1/cmdline, is blanked to "umd-exec": it
 * names host paths (the runtime dir, the FIFO, the cgroups).
 */
static char **hide_command_line(char **argv)
{
	int n = 0;
	char **copy;
	char *end = all_argv[all_argc - 1] + strlen(all_argv[all_argc - 1]);

	while (argv && argv[n])
		n++;
	copy = calloc((size_t)n + 1, sizeof(*copy));
	if (!copy)
		die("calloc");
	for (int k = 0; k < n; k++)
		copy[k] = strdup(k == 0 && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[k]);
	if (sb.syscalls)
		sb.syscalls = strdup(sb.syscalls);
	memset(all_argv[0], 0, (size_t)(end - all_argv[0]));
	memcpy(all_argv[0], "umd-exec", end - all_argv[0] >= 8 ? 8 : 0);
	return copy;
}

/* PID 1 of the namespace: fork the handler, reap everything, report its end. */
static void reaper(char **argv, int report_fd, int pid_sock)
{
	pid_t handler;
	int status = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("prctl");
	if (sb.enabled) {
		sandbox_enter_pidns(&sb, 1);
		argv = hide_command_line(stock_fd >= 0 ? NULL : argv);
		/*
		 * Under a daemon that is not root the handler has our uid; the
		 * kernel already refuses it our memory and descriptors through
		 * /proc/1 because we hold capabilities (in the user namespace) it
		 * lacks. Not dumpable makes that refusal not depend on them. The
		 * handler's exec makes it dumpable again.
		 */
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			die("prctl");
	}
	handler = fork();
	if (handler < 0)
		die("fork");
	if (handler == 0) {
		close(report_fd);
		/* The kernel attaches our pid; the launcher reads it as its namespace numbers it. */
		if (send(pid_sock, "p", 1, 0) != 1)
			die("send the handler's pid");
		close(pid_sock);
		/*
		 * A stock's handler is forked (and its pid reported) ahead: it waits
		 * here, still root, not dumpable, in the finished root, until the
		 * daemon hands the stock to a driver.
		 */
		if (stock_fd >= 0) {
			sandbox_prepare(&sb);
			argv = stock_configure(&sb, stock_fd, stock_dir);
		}
		exec_handler(argv);
	}
	close(pid_sock);
	/* Only the handler reads a stock's configuration and opens its blob. */
	if (stock_fd >= 0) {
		close(stock_fd);
		close(stock_dir);
	}
	/* Only the handler holds the pipes, so their ends are its own. */
	close(0);
	close(1);
	for (size_t i = 0; i < NFORWARDED; i++)
		signal(forwarded[i], forward);
	for (;;) {
		int st;
		pid_t pid = wait(&st);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == handler) {
			status = st;
			break;
		}
	}
	if (write(report_fd, &status, sizeof(status)) != (ssize_t)sizeof(status))
		_exit(1);
	_exit(0); /* the kernel now kills what is left in the namespace */
}

static int usage(void)
{
	fprintf(stderr, "usage: umd-exec [--no-pidns] [--info-fd N] [--pipe-size BYTES] [SANDBOX OPTIONS] -- HANDLER [ARG...]\n"
			"       umd-exec --stock FD [--info-fd N] SANDBOX OPTIONS --root ... -- BLOBS_DIR\n"
			"       umd-exec --probe | --mkfifo PATH | --mkpipes PATH...\n");
	return 2;
}

/* `--mkpipes PATH...`: new FIFOs only the daemon may open; the handler gets them as open fds. */
static int make_pipes(int count, char **paths)
{
	int i;

	for (i = 0; i < count; i++) {
		if (mkfifo(paths[i], 0600) < 0) {
			fprintf(stderr, "umd-exec: mkfifo %s: %s\n", paths[i], strerror(errno));
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int use_pidns = 1, i = 1, report[2], pid_sock[2], status, reported, info_fd = -1, one = 1;
	pid_t ppid = getppid(), child;

	all_argv = argv;
	all_argc = argc;

	if (argc == 2 && strcmp(argv[1], "--probe") == 0)
		return sandbox_probe();
	if (argc == 3 && strcmp(argv[1], "--mkfifo") == 0)
		return sandbox_mkfifo(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "--mkpipes") == 0)
		return make_pipes(argc - 2, argv + 2);
	for (; i < argc && strcmp(argv[i], "--") != 0; ) {
		int used = strcmp(argv[i], "--no-pidns") == 0 ? (use_pidns = 0, 1) : sandbox_option(&sb, argv + i);

		if (strcmp(argv[i], "--info-fd") == 0) {
			char *end = NULL;

			info_fd = i + 1 < argc ? (int)strtol(argv[i + 1], &end, 10) : -1;
			used = info_fd > 2 && end && *end == '\0' && fcntl(info_fd, F_SETFD, FD_CLOEXEC) == 0 ? 2 : -1;
		}
		if (strcmp(argv[i], "--stock") == 0) {
			char *end = NULL;

			stock_fd = i + 1 < argc ? (int)strtol(argv[i + 1], &end, 10) : -1;
			used = stock_fd > 2 && end && *end == '\0' && fcntl(stock_fd, F_SETFD, FD_CLOEXEC) == 0 ? 2 : -1;
		}
		if (strcmp(argv[i], "--pipe-size") == 0) {
			char *end = NULL;
			long size = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;

			used = size > 0 && size <= INT_MAX && end && *end == '\0' ? 2 : -1;
			if (used == 2)
				(void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, (int)size); /* refused: more reads, nothing else */
		}

		if (used <= 0) {
			fprintf(stderr, "umd-exec: bad option or value: %s\n", argv[i]);
			return usage();
		}
		i += used;
	}
	if (i < argc)
		i++;
	if (i >= argc)
		return usage();
	/* A stock is the full sandbox or nothing: PID namespace, private root, one blobs directory. */
	if (stock_fd >= 0 && (!sb.enabled || !sb.root || !use_pidns || i + 1 != argc))
		return usage();
	/* First, while the launcher is all there is: its limits then bind everything it forks. */
	sandbox_join_cgroups(&sb);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("prctl");
	if (getppid() != ppid) /* the daemon died before the death signal was armed */
		return 1;
	if (sb.enabled) {
		/* Opened while the blob's private directory is still reachable. */
		if (stock_fd >= 0 && (stock_dir = open(argv[i], O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			sandbox_fail(argv[i]);
		if (stock_fd < 0)
			sandbox_open_blob(&sb, argv[i]);
		sandbox_enter(&sb, use_pidns);
		/* Entering a user namespace may have cleared the death signal. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die("prctl");
		if (getppid() != ppid)
			return 1;
		if (!use_pidns) {
			sandbox_enter_pidns(&sb, 0);
			report_pid(info_fd, getpid());
			exec_handler(argv + i);
		}
	} else if (!use_pidns || unshare(CLONE_NEWPID) < 0) {
		report_pid(info_fd, getpid());
		exec_handler(argv + i);
	}

	if (pipe2(report, O_CLOEXEC) < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pid_sock) < 0 ||
	    setsockopt(pid_sock[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(report[0]);
		close(pid_sock[0]);
		if (info_fd >= 0)
			close(info_fd);
		reaper(argv + i, report[1], pid_sock[1]);
	}
	close(report[1]);
	close(pid_sock[1]);
	/* Only the handler reads the stock's configuration and opens its blob. */
	if (stock_fd >= 0) {
		close(stock_fd);
		close(stock_dir);
	}
	close(0);
	close(1);
	reaper_pid = child;
	signal(SIGUSR1, stop_reaper);
	if (prctl(PR_SET_PDEATHSIG, SIGUSR1) < 0 || getppid() != ppid)
		kill(child, SIGKILL);
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	report_pid(info_fd, receive_pid(pid_sock[0]));
	close(pid_sock[0]);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (read(report[0], &reported, sizeof(reported)) == (ssize_t)sizeof(reported))
		mirror(reported);
	mirror(status);
	return 1;
}
