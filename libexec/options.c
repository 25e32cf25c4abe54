/*
 * options.c: umd-exec's sandbox options, parsed into one struct sandbox
 * (see sandbox.h and the top of umd-exec.c).
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS }, { "nofile", RLIMIT_NOFILE }, { "cpu", RLIMIT_CPU },
	{ "core", RLIMIT_CORE }, { "fsize", RLIMIT_FSIZE }, { "nproc", RLIMIT_NPROC },
};

/* "as=268435456,nofile=64,cpu=60,core=0,fsize=0,nproc=34" ("inf" for no limit). */
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
		else if (strcmp(item, "uts") == 0)
			sb->unshare_flags |= CLONE_NEWUTS;
		else
			ok = 0;
	}
	free(copy);
	return ok ? 0 : -1;
}

/* A number of bytes, or -1. */
static int parse_size(const char *arg, unsigned long long *out)
{
	char *end = NULL;

	errno = 0;
	*out = strtoull(arg, &end, 10);
	return errno == 0 && end != arg && *end == '\0' && arg[0] != '-' ? 0 : -1;
}

/* An absolute path without "..", "." or empty components, not "/" itself. */
static int parse_path(const char *arg)
{
	if (arg[0] != '/' || arg[1] == '\0' || strlen(arg) >= 1024 || strstr(arg, "//") ||
	    arg[strlen(arg) - 1] == '/')
		return -1;
	for (const char *p = arg; (p = strstr(p, "/.")) != NULL; p++)
		if (p[2] == '\0' || p[2] == '/' || (p[2] == '.' && (p[3] == '\0' || p[3] == '/')))
			return -1;
	return 0;
}

static const char *const flags[] = { "--sandbox", "--userns", "--proc", "--root" };
static const char *const valued[] = { "--user", "--unshare", "--kmsg", "--rlimit", "--seccomp", "--ro", "--ro-link", "--scratch", "--cgroup" };

static int listed(const char *opt, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(opt, list[i]) == 0)
			return 1;
	return 0;
}

/*
 * A uid or gid: decimal digits only, below (uid_t)-1. sscanf's %lu took a
 * sign and more than 32 bits, which the cast to uid_t wrapped: 4294967296
 * became 0 (root) and 4294967295 became -1 (setresuid: "leave it", root).
 */
static int parse_id(const char *start, const char *end, unsigned long long *id)
{
	unsigned long long value = 0;

	if (start == end || end - start > 10)
		return 0;
	for (const char *c = start; c < end; c++) {
		if (*c < '0' || *c > '9')
			return 0;
		value = value * 10 + (unsigned long long)(*c - '0');
	}
	if (value >= (unsigned long long)(uid_t)-1)
		return 0;
	*id = value;
	return 1;
}

static int valued_option(struct sandbox *sb, const char *opt, const char *arg)
{
	if (strcmp(opt, "--user") == 0) {
		const char *colon = strchr(arg, ':');
		unsigned long long uid, gid;
		int ok = colon && parse_id(arg, colon, &uid) && parse_id(colon + 1, colon + 1 + strlen(colon + 1), &gid);

		sb->set_user = 1;
		sb->uid = ok ? (uid_t)uid : (uid_t)65534;
		sb->gid = ok ? (gid_t)gid : (gid_t)65534;
		return ok ? 0 : -1;
	}
	if (strcmp(opt, "--unshare") == 0)
		return parse_unshare(sb, arg);
	if (strcmp(opt, "--kmsg") == 0) {
		sb->kmsg = arg;
		return 0;
	}
	if (strcmp(opt, "--rlimit") == 0)
		return parse_rlimits(sb, arg);
	if (strcmp(opt, "--scratch") == 0)
		return parse_size(arg, &sb->scratch) == 0 && sb->scratch > 0 ? 0 : -1;
	if (strcmp(opt, "--cgroup") == 0) {
		if (sb->ncgroups >= SANDBOX_MAX_CGROUPS || arg[0] != '/')
			return -1;
		sb->cgroups[sb->ncgroups++] = arg;
		return 0;
	}
	if (strcmp(opt, "--ro") == 0 || strcmp(opt, "--ro-link") == 0) {
		if (sb->npaths >= SANDBOX_MAX_PATHS || parse_path(arg) < 0)
			return -1;
		sb->paths[sb->npaths].path = arg;
		sb->paths[sb->npaths++].link = strcmp(opt, "--ro-link") == 0;
		return 0;
	}
	sb->seccomp = 1;
	sb->syscalls = strcmp(arg, "-") == 0 ? NULL : arg;
	return 0;
}

int sandbox_option(struct sandbox *sb, char **argv)
{
	const char *opt = argv[0], *arg = argv[1];

	if (listed(opt, flags, sizeof(flags) / sizeof(flags[0]))) {
		sb->enabled = 1;
		sb->userns |= strcmp(opt, "--userns") == 0;
		sb->proc |= strcmp(opt, "--proc") == 0;
		sb->root |= strcmp(opt, "--root") == 0;
		return 1;
	}
	if (!listed(opt, valued, sizeof(valued) / sizeof(valued[0])))
		return 0;
	if (!arg)
		return -1;
	sb->enabled = 1;
	return valued_option(sb, opt, arg) == 0 ? 2 : -1;
}
