/*
 * sandbox.c: what umd-exec does to a handler before exec (see sandbox.h).
 * Plain system calls only: no setpriv, no bubblewrap, no libseccomp, so one
 * launcher exec per start and nothing to install.
 */
#define _GNU_SOURCE
#include "sandbox.h"
#include "root.h"
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The host name a handler sees in its UTS namespace. */
#define UTS_NAME "umd"

/* The pathname execveat gets; the filter allows execveat only with this very pointer. */
static const char exec_path[] = "";

static const char *errname(int err)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	const char *name = strerrorname_np(err);

	if (name)
		return name;
#endif
	return strerror(err);
}

void sandbox_fail(const char *what)
{
	int err = errno;

	fprintf(stderr, "umd-exec: sandbox: %s: %s (%s)\n", what, strerror(err), errname(err));
	_exit(126);
}

void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void sandbox_open_blob(struct sandbox *sb, const char *path)
{
	char magic[2];

	sb->blob_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (sb->blob_fd < 0)
		sandbox_fail(path);
	/* A script's interpreter reopens it as /dev/fd/N, so that fd must stay open across exec. */
	if (pread(sb->blob_fd, magic, 2, 0) == 2 && magic[0] == '#' && magic[1] == '!')
		fcntl(sb->blob_fd, F_SETFD, 0);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(text), n = -1;

	if (fd >= 0) {
		n = write(fd, text, (size_t)len);
		close(fd);
	}
	return n == len ? 0 : -1;
}

/* A user namespace in which the daemon's own uid and gid map to themselves. */
static int enter_userns(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER) < 0)
		return -1;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return -1;
	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_file("/proc/self/gid_map", map);
}

void sandbox_enter(struct sandbox *sb, int pidns)
{
	if (sb->userns && enter_userns() < 0)
		sandbox_fail("user namespace");
	if (unshare(sb->unshare_flags | (pidns ? CLONE_NEWPID : 0)) < 0)
		sandbox_fail("unshare");
	/* The host's name is not the handler's to read (uname, /proc/sys/kernel/hostname). */
	if ((sb->unshare_flags & CLONE_NEWUTS) && (sethostname(UTS_NAME, strlen(UTS_NAME)) < 0 || setdomainname("", 0) < 0))
		sandbox_fail("name the UTS namespace");
	if (!(sb->unshare_flags & CLONE_NEWNS))
		return;
	/* Nothing mounted here may show outside. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		sandbox_fail("make mounts private");
	/*
	 * With a private root, /dev/kmsg is made there (root.c), on a tmpfs over
	 * /tmp that may hide the FIFO's path: opened now, in this namespace (a
	 * bind's source must be in it).
	 */
	if (sb->root && sb->kmsg && (sb->kmsg_fd = open(sb->kmsg, O_PATH | O_CLOEXEC | O_NOFOLLOW)) < 0)
		sandbox_fail(sb->kmsg);
	if (!sb->root && sb->kmsg && mount(sb->kmsg, "/dev/kmsg", NULL, MS_BIND, NULL) < 0)
		sandbox_fail("bind the driver's log FIFO over /dev/kmsg");
}

void sandbox_enter_pidns(struct sandbox *sb, int in_pidns)
{
	if (sb->root)
		root_build(sb, in_pidns && sb->proc);
	else if (in_pidns && sb->proc && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		sandbox_fail("mount /proc");
}

void sandbox_join_cgroups(const struct sandbox *sb)
{
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

	for (int i = 0; i < sb->ncgroups; i++) {
		int fd = open(sb->cgroups[i], O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

		if (fd < 0 || write(fd, pid, (size_t)len) != len)
			sandbox_fail(sb->cgroups[i]);
		close(fd);
	}
}

static void apply_limits(struct sandbox *sb)
{
	for (int i = 0; i < sb->nlimits; i++) {
		struct rlimit now, want;

		if (getrlimit(sb->limits[i].resource, &now) < 0)
			sandbox_fail("getrlimit");
		/* Never above the hard limit the daemon has: lowering needs no privilege. */
		want.rlim_max = sb->limits[i].value < now.rlim_max ? sb->limits[i].value : now.rlim_max;
		want.rlim_cur = want.rlim_max;
		/* CPU: SIGXCPU at the limit (the log then names it), SIGKILL a second later. */
		if (sb->limits[i].resource == RLIMIT_CPU && want.rlim_max != RLIM_INFINITY && want.rlim_max < now.rlim_max)
			want.rlim_max++;
		if (setrlimit(sb->limits[i].resource, &want) < 0)
			sandbox_fail("setrlimit");
	}
}

/*
 * Empties the ambient and bounding sets. Without CAP_SETPCAP (a daemon that
 * is not root) the bounding set cannot be dropped, and need not be: such a
 * process has no capability to keep, and no_new_privs stops it gaining one.
 */
static void drop_bounding_set(int privileged)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		sandbox_fail("clear ambient capabilities");
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && (errno != EPERM || privileged))
			sandbox_fail("drop the capability bounding set");
	}
}

/* Empties the effective, permitted and inheritable sets (a uid switch leaves inheritable as it was). */
static void clear_capabilities(void)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &header, data) < 0)
		sandbox_fail("clear capabilities");
}

void sandbox_prepare(struct sandbox *sb)
{
	/* A stock runs only under a root daemon (no user namespace): privileged. */
	drop_bounding_set(1);
	reset_signals();
	sb->prepared = 1;
}

void sandbox_exec(struct sandbox *sb, char **argv)
{
	pid_t parent = getppid();

	apply_limits(sb);
	/* Before the uid switch: dropping the bounding set needs CAP_SETPCAP, which the switch takes away. */
	if (!sb->prepared)
		drop_bounding_set(sb->set_user || sb->userns || geteuid() == 0);
	if (sb->set_user && (setgroups(0, NULL) < 0 || setresgid(sb->gid, sb->gid, sb->gid) < 0))
		sandbox_fail("switch group");
	if (sb->set_user && setresuid(sb->uid, sb->uid, sb->uid) < 0)
		sandbox_fail("switch user");
	clear_capabilities();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		sandbox_fail("no_new_privs");
	/* A credential change clears the death signal: arm it again. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		sandbox_fail("prctl");
	if (getppid() != parent)
		_exit(1);
	if (!sb->prepared)
		reset_signals();
	if (sb->seccomp && seccomp_install(sb->syscalls, sb->blob_fd, exec_path, getpid()) < 0)
		sandbox_fail("install the seccomp filter");
	syscall(SYS_execveat, sb->blob_fd, exec_path, argv, environ, AT_EMPTY_PATH);
	fprintf(stderr, "umd-exec: cannot execute %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static void report(const char *name, int ok, int err)
{
	if (ok)
		printf("%s ok\n", name);
	else
		printf("%s no %s\n", name, errname(err));
}

/* Each attempt's outcome: 1, or 0 with errno set. */
#define TRY(expr) ((expr) >= 0 ? 1 : 0)

/* Can a private root be built (root.c)? In a child, since it pivots. */
static int probe_root(void)
{
	int status;
	pid_t child = fork();

	if (child < 0)
		return 0;
	if (child == 0)
		_exit(root_probe());
	if (waitpid(child, &status, 0) < 0)
		return 0;
	errno = WIFEXITED(status) ? WEXITSTATUS(status) : ECHILD;
	return errno == 0;
}

static int probe_proc(void)
{
	int status;
	pid_t child = fork();

	if (child < 0)
		return 0;
	if (child == 0)
		_exit(mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ? errno : 0);
	if (waitpid(child, &status, 0) < 0)
		return 0;
	errno = WIFEXITED(status) ? WEXITSTATUS(status) : ECHILD;
	return errno == 0;
}

/*
 * Tries each mechanism in this (throwaway) process, in the order a launch
 * uses them, and prints one line per protection: `<name> ok` or
 * `<name> no <errno name>`; then the architecture and the system call names.
 */
int sandbox_probe(void)
{
	int root = geteuid() == 0, ok, mnt, pid;
	long action = SECCOMP_RET_KILL_PROCESS;
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	struct stat st;

	printf("uid %u\n", (unsigned)geteuid());
	report("user", root, EPERM);
	if (!root) {
		ok = TRY(enter_userns());
		report("userns", ok, errno);
	}
	ok = TRY(unshare(CLONE_NEWNET));
	report("net", ok, errno);
	ok = TRY(unshare(CLONE_NEWIPC));
	report("ipc", ok, errno);
	ok = TRY(unshare(CLONE_NEWUTS)) && TRY(sethostname(UTS_NAME, strlen(UTS_NAME)));
	report("uts", ok, errno);
	ok = TRY(unshare(CLONE_NEWNS)) && TRY(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	report("mnt", mnt = ok, errno);
	ok = mnt && TRY(stat("/dev/kmsg", &st)) && TRY(mount("/dev/null", "/dev/kmsg", NULL, MS_BIND, NULL));
	report("kmsg", ok, mnt ? errno : EPERM);
	/* Before the PID namespace: its first child is its init, and no fork follows the init's end. */
	ok = mnt && probe_root();
	report("root", ok, mnt ? errno : EPERM);
	ok = TRY(unshare(CLONE_NEWPID));
	report("pid", pid = ok, errno);
	ok = mnt && pid && probe_proc();
	report("proc", ok, mnt && pid ? errno : EPERM);
	ok = TRY(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	report("nnp", ok, errno);
	errno = ENOSYS;
	ok = ok && seccomp_arch() != NULL && TRY(syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action)) &&
	     TRY(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0));
	report("seccomp", ok, errno);
	printf("arch %s\ndefault ", seccomp_arch() ? seccomp_arch() : "unsupported");
	seccomp_print_default(stdout);
	printf("\nknown ");
	seccomp_print_known(stdout);
	printf("\n");
	return fflush(stdout) == 0 ? 0 : 1;
}

int sandbox_mkfifo(const char *path)
{
	struct stat st;

	if (mkfifo(path, 0600) < 0 && !(errno == EEXIST && lstat(path, &st) == 0 && S_ISFIFO(st.st_mode))) {
		fprintf(stderr, "umd-exec: mkfifo %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Any handler uid may write (only bind mounts reach it: its directory is the daemon's, 0700); only the owner reads. */
	if (chmod(path, 0622) < 0) {
		fprintf(stderr, "umd-exec: chmod %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}
