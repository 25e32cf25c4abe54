/*
 * sandbox.c: what umd-exec does to a handler before exec (see sandbox.h).
 * Plain system calls only: no setpriv, no bubblewrap, no libseccomp, so one
 * launcher exec per start and nothing to install.
 */
#define _GNU_SOURCE
#include "sandbox.h"
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

static void fail(const char *what)
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

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS }, { "nofile", RLIMIT_NOFILE }, { "cpu", RLIMIT_CPU },
	{ "core", RLIMIT_CORE }, { "fsize", RLIMIT_FSIZE },
};

/* "as=268435456,nofile=64,cpu=60,core=0,fsize=0" ("inf" for no limit). */
static int parse_rlimits(struct sandbox *sb, const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	int ok = copy != NULL;

	for (char *item = ok ? strtok_r(copy, ",", &save) : NULL; ok && item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end = NULL;
		size_t i;

		ok = eq != NULL && sb->nlimits < SANDBOX_MAX_LIMITS;
		if (!ok)
			break;
		*eq = '\0';
		for (i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
			if (strcmp(item, rlimit_names[i].name) == 0)
				break;
		ok = i < sizeof(rlimit_names) / sizeof(rlimit_names[0]);
		if (!ok)
			break;
		sb->limits[sb->nlimits].resource = rlimit_names[i].resource;
		if (strcmp(eq + 1, "inf") == 0) {
			sb->limits[sb->nlimits++].value = RLIM_INFINITY;
			continue;
		}
		errno = 0;
		sb->limits[sb->nlimits++].value = strtoull(eq + 1, &end, 10);
		ok = errno == 0 && end != eq + 1 && *end == '\0';
	}
	free(copy);
	return ok ? 0 : -1;
}

static int parse_unshare(struct sandbox *sb, const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	int ok = copy != NULL;

	for (char *item = ok ? strtok_r(copy, ",", &save) : NULL; ok && item; item = strtok_r(NULL, ",", &save)) {
		if (strcmp(item, "net") == 0)
			sb->unshare_flags |= CLONE_NEWNET;
		else if (strcmp(item, "ipc") == 0)
			sb->unshare_flags |= CLONE_NEWIPC;
		else if (strcmp(item, "mnt") == 0)
			sb->unshare_flags |= CLONE_NEWNS;
		else
			ok = 0;
	}
	free(copy);
	return ok ? 0 : -1;
}

int sandbox_option(struct sandbox *sb, char **argv)
{
	const char *opt = argv[0], *arg = argv[1];
	int ok = 1;

	if (strcmp(opt, "--sandbox") == 0 || strcmp(opt, "--userns") == 0 || strcmp(opt, "--proc") == 0) {
		sb->enabled = 1;
		if (strcmp(opt, "--userns") == 0)
			sb->userns = 1;
		if (strcmp(opt, "--proc") == 0)
			sb->proc = 1;
		return 1;
	}
	if (strcmp(opt, "--user") && strcmp(opt, "--unshare") && strcmp(opt, "--kmsg") &&
	    strcmp(opt, "--rlimit") && strcmp(opt, "--seccomp"))
		return 0;
	if (!arg)
		return -1;
	sb->enabled = 1;
	if (strcmp(opt, "--user") == 0) {
		unsigned long uid, gid;
		char tail;

		ok = sscanf(arg, "%lu:%lu%c", &uid, &gid, &tail) == 2;
		sb->set_user = 1;
		sb->uid = (uid_t)uid;
		sb->gid = (gid_t)gid;
	} else if (strcmp(opt, "--unshare") == 0) {
		ok = parse_unshare(sb, arg) == 0;
	} else if (strcmp(opt, "--kmsg") == 0) {
		sb->kmsg = arg;
	} else if (strcmp(opt, "--rlimit") == 0) {
		ok = parse_rlimits(sb, arg) == 0;
	} else {
		sb->seccomp = 1;
		sb->syscalls = strcmp(arg, "-") == 0 ? NULL : arg;
	}
	return ok ? 2 : -1;
}

void sandbox_open_blob(struct sandbox *sb, const char *path)
{
	char magic[2];

	sb->blob_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (sb->blob_fd < 0)
		fail(path);
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
		fail("user namespace");
	if (unshare(sb->unshare_flags | (pidns ? CLONE_NEWPID : 0)) < 0)
		fail("unshare");
	if (!(sb->unshare_flags & CLONE_NEWNS))
		return;
	/* Nothing mounted here may show outside. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("make mounts private");
	if (sb->kmsg && mount(sb->kmsg, "/dev/kmsg", NULL, MS_BIND, NULL) < 0)
		fail("bind the driver's log FIFO over /dev/kmsg");
}

void sandbox_enter_pidns(struct sandbox *sb)
{
	if (sb->proc && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("mount /proc");
}

static void apply_limits(struct sandbox *sb)
{
	for (int i = 0; i < sb->nlimits; i++) {
		struct rlimit now, want;

		if (getrlimit(sb->limits[i].resource, &now) < 0)
			fail("getrlimit");
		/* Never above the hard limit the daemon has: lowering needs no privilege. */
		want.rlim_max = sb->limits[i].value < now.rlim_max ? sb->limits[i].value : now.rlim_max;
		want.rlim_cur = want.rlim_max;
		/* CPU: SIGXCPU at the limit (the log then names it), SIGKILL a second later. */
		if (sb->limits[i].resource == RLIMIT_CPU && want.rlim_max != RLIM_INFINITY && want.rlim_max < now.rlim_max)
			want.rlim_max++;
		if (setrlimit(sb->limits[i].resource, &want) < 0)
			fail("setrlimit");
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
		fail("clear ambient capabilities");
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && (errno != EPERM || privileged))
			fail("drop the capability bounding set");
	}
}

/* Empties the effective, permitted and inheritable sets (a uid switch leaves inheritable as it was). */
static void clear_capabilities(void)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &header, data) < 0)
		fail("clear capabilities");
}

void sandbox_exec(struct sandbox *sb, char **argv)
{
	pid_t parent = getppid();

	apply_limits(sb);
	/* Before the uid switch: dropping the bounding set needs CAP_SETPCAP, which the switch takes away. */
	drop_bounding_set(sb->set_user || sb->userns || geteuid() == 0);
	if (sb->set_user && (setgroups(0, NULL) < 0 || setresgid(sb->gid, sb->gid, sb->gid) < 0))
		fail("switch group");
	if (sb->set_user && setresuid(sb->uid, sb->uid, sb->uid) < 0)
		fail("switch user");
	clear_capabilities();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail("no_new_privs");
	/* A credential change clears the death signal: arm it again. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail("prctl");
	if (getppid() != parent)
		_exit(1);
	reset_signals();
	if (sb->seccomp && seccomp_install(sb->syscalls, sb->blob_fd, exec_path, getpid()) < 0)
		fail("install the seccomp filter");
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
	ok = TRY(unshare(CLONE_NEWPID));
	report("pid", pid = ok, errno);
	ok = TRY(unshare(CLONE_NEWNET));
	report("net", ok, errno);
	ok = TRY(unshare(CLONE_NEWIPC));
	report("ipc", ok, errno);
	ok = TRY(unshare(CLONE_NEWNS)) && TRY(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	report("mnt", mnt = ok, errno);
	ok = mnt && TRY(stat("/dev/kmsg", &st)) && TRY(mount("/dev/null", "/dev/kmsg", NULL, MS_BIND, NULL));
	report("kmsg", ok, mnt ? errno : EPERM);
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
