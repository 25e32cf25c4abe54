/*
 * root.c: the handler's private root (see root.h), built the way bubblewrap
 * and nsjail build theirs: a small tmpfs becomes the root of the mount
 * namespace (pivot_root), holding only read-only binds of what the handler
 * needs, a /dev of four nodes, its own /proc and, when asked, a size-capped
 * scratch /tmp; the host's root is detached and the tmpfs made read-only.
 */
#define _GNU_SOURCE
#include "root.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Where the new root is built, in the private mount namespace only, before it becomes "/". */
#define BASE "/tmp"

static const char *const devices[] = { "null", "zero", "urandom" };
static const char *const std_links[][2] = {
	{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
};

/* BASE + path, or fail. */
static const char *inside(char *buf, const char *path)
{
	if (snprintf(buf, PATH_MAX, "%s%s", BASE, path) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		sandbox_fail(path);
	}
	return buf;
}

/* mkdir -p for a path under BASE; BASE itself exists. */
static void make_dirs(const char *target)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", target);
	for (char *p = buf + strlen(BASE) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			sandbox_fail(buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		sandbox_fail(buf);
}

/* An empty file to bind a file or a device onto. */
static void make_file(const char *target)
{
	char parent[PATH_MAX];
	char *slash;
	struct stat st;
	int fd;

	if (lstat(target, &st) == 0)
		return;
	snprintf(parent, sizeof(parent), "%s", target);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (strcmp(parent, BASE) != 0)
			make_dirs(parent);
	}
	fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0 && errno != EEXIST)
		sandbox_fail(target);
	if (fd >= 0)
		close(fd);
}

/*
 * The flags a remount must keep: in a user namespace the kernel refuses to
 * clear nosuid, nodev, noexec or the atime flags of a mount from outside it.
 */
static unsigned long kept_flags(const char *target)
{
	struct statvfs st;
	unsigned long flags = 0;

	if (statvfs(target, &st) < 0)
		sandbox_fail(target);
	if (st.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (st.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (st.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (st.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	return flags;
}

/*
 * Opens `source` as a path only, refusing a symbolic link anywhere in it
 * (the daemon resolved it at load: a link there now was planted since).
 */
static int open_no_links(const char *source)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, source, &how, sizeof(how));

	/* Before Linux 5.6: the last component at least. */
	if (fd < 0 && errno == ENOSYS)
		fd = open(source, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	return fd;
}

/* `source` bound read-only, nosuid, nodev at the same path in the new root. */
static void bind_read_only(const char *source)
{
	char target[PATH_MAX], by_fd[32];
	struct stat st;
	int fd = open_no_links(source);

	if (fd < 0 || fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
		if (fd >= 0)
			errno = ELOOP;
		sandbox_fail(source);
	}
	snprintf(by_fd, sizeof(by_fd), "/proc/self/fd/%d", fd);
	inside(target, source);
	if (S_ISDIR(st.st_mode))
		make_dirs(target);
	else
		make_file(target);
	/* Not recursive: mounts below `source` stay out. A user namespace may refuse that (locked submounts). */
	if (mount(by_fd, target, NULL, MS_BIND, NULL) < 0 &&
	    (errno != EINVAL || mount(by_fd, target, NULL, MS_BIND | MS_REC, NULL) < 0))
		sandbox_fail(source);
	close(fd);
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | kept_flags(target), NULL) < 0)
		sandbox_fail(source);
}

/* The same symbolic link as the host's `source` (e.g. /lib -> usr/lib). */
static void copy_link(const char *source)
{
	char target[PATH_MAX], link[PATH_MAX];
	ssize_t n = readlink(source, link, sizeof(link) - 1);

	if (n < 0)
		sandbox_fail(source);
	link[n] = '\0';
	inside(target, source);
	if (symlink(link, target) < 0)
		sandbox_fail(target);
}

static void make_dev(const struct sandbox *sb, int with_proc)
{
	char target[PATH_MAX], source[32];

	make_dirs(BASE "/dev");
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		snprintf(source, sizeof(source), "/dev/%s", devices[i]);
		make_file(inside(target, source));
		if (mount(source, target, NULL, MS_BIND, NULL) < 0)
			sandbox_fail(source);
	}
	if (sb->kmsg) {
		snprintf(source, sizeof(source), "/proc/self/fd/%d", sb->kmsg_fd);
		make_file(BASE "/dev/kmsg");
		if (mount(source, BASE "/dev/kmsg", NULL, MS_BIND, NULL) < 0)
			sandbox_fail("bind the driver's log FIFO over /dev/kmsg");
	}
	for (size_t i = 0; with_proc && i < sizeof(std_links) / sizeof(std_links[0]); i++) {
		snprintf(source, sizeof(source), "/dev/%s", std_links[i][0]);
		if (symlink(std_links[i][1], inside(target, source)) < 0)
			sandbox_fail(target);
	}
}

static void make_scratch(const struct sandbox *sb)
{
	char options[128];
	unsigned owner = sb->set_user ? (unsigned)sb->uid : (unsigned)geteuid();
	unsigned group = sb->set_user ? (unsigned)sb->gid : (unsigned)getegid();

	snprintf(options, sizeof(options), "size=%llu,nr_inodes=1024,mode=0700,uid=%u,gid=%u", sb->scratch, owner, group);
	make_dirs(BASE "/tmp");
	if (mount("tmpfs", BASE "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options) < 0)
		sandbox_fail("mount the scratch /tmp");
}

/*
 * The parts of the private /proc through which a process could change the
 * kernel (sysctls, SysRq, interrupt and bus settings), made read-only as
 * bubblewrap does: only the namespace's own root could write them, and the
 * handler never runs as root, but a bug that let it would stop here too.
 */
static const char *const proc_read_only[] = { "sys", "sysrq-trigger", "irq", "bus" };

static void cover_proc(void)
{
	for (size_t i = 0; i < sizeof(proc_read_only) / sizeof(proc_read_only[0]); i++) {
		char path[64];

		snprintf(path, sizeof(path), BASE "/proc/%s", proc_read_only[i]);
		if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			sandbox_fail(path);
		}
		if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			sandbox_fail(path);
	}
}

void root_build(const struct sandbox *sb, int with_proc)
{
	/* The modes below are meant as written, whatever umask the daemon had when it spawned us. */
	mode_t mask = umask(0);

	if (mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,nr_inodes=256,mode=0755") < 0)
		sandbox_fail("mount the new root (tmpfs)");
	for (int i = 0; i < sb->npaths; i++) {
		if (sb->paths[i].link)
			copy_link(sb->paths[i].path);
		else
			bind_read_only(sb->paths[i].path);
	}
	make_dev(sb, with_proc);
	/* Mounted while the host's /proc is still in the namespace: a user namespace requires that. */
	if (with_proc) {
		make_dirs(BASE "/proc");
		if (mount("proc", BASE "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			sandbox_fail("mount /proc");
		cover_proc();
	}
	if (sb->scratch)
		make_scratch(sb);
	if (chdir(BASE) < 0)
		sandbox_fail(BASE);
	/* The host's root ends up stacked on the new one, and is detached from there. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		sandbox_fail("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		sandbox_fail("detach the host's root");
	if (chdir("/") < 0)
		sandbox_fail("chdir /");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		sandbox_fail("make the new root read-only");
	umask(mask);
}

int root_probe(void)
{
	/* A mount namespace of its own: pivot_root moves the root of every process in the namespace. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") < 0 || chdir(BASE) < 0 ||
	    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 ||
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return errno;
	return 0;
}
