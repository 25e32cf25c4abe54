/*
 * stock.c: the rest of a stock launcher's configuration (see stock.h), read
 * by its handler's process from the control pipe once the daemon hands the
 * stock to a driver.
 */
#define _GNU_SOURCE
#include "stock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The whole configuration is at most this many bytes; more is refused. */
#define STOCK_MAX_CONFIG 16384
#define STOCK_MAX_ENV 256

extern char **environ;

static char *env[STOCK_MAX_ENV + 1];

static void refuse(const char *why, const char *word)
{
	fprintf(stderr, "umd-exec: stock: bad configuration from the control descriptor: %s%s%.40s%s\n", why,
		word ? " (`" : "", word ? word : "", word ? "`)" : "");
	_exit(126);
}

/* Reads the control descriptor to its end; 0 bytes (closed unused) ends the stock quietly. */
static size_t read_config(int fd, char *buf)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, STOCK_MAX_CONFIG + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "umd-exec: stock: read the control descriptor: %s\n", strerror(errno));
			_exit(126);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > STOCK_MAX_CONFIG)
			refuse("longer than 16384 bytes", NULL);
	}
	close(fd);
	if (len == 0)
		_exit(0);
	if (buf[len - 1] != '\0')
		refuse("not NUL-terminated", NULL);
	return len;
}

/* `driver/handler` inside the blobs directory: two plain names, nothing else. */
static int plain_relative(const char *path)
{
	const char *slash = strchr(path, '/');

	if (!slash || slash == path || strchr(slash + 1, '/') || slash[1] == '\0' || strlen(path) >= 512)
		return 0;
	return strncmp(path, "../", 3) != 0 && strncmp(path, "./", 2) != 0 && strcmp(slash, "/..") != 0 &&
	       strcmp(slash, "/.") != 0;
}

/* Opens the blob beneath `dir`, following no link; then `dir` is closed (the handler must never have it). */
static int open_blob(int dir, const char *path)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, dir, path, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(dir, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		sandbox_fail(path);
	close(dir);
	return fd;
}

char **stock_configure(struct sandbox *sb, int control, int blobs_dir)
{
	static char buf[STOCK_MAX_CONFIG + 1];
	static char *handler_argv[2];
	size_t len = read_config(control, buf), nenv = 0;
	char *word = buf, *end = buf + len, *blob = NULL, magic[2];
	long pipe_size = 0;

	while (word < end) {
		char *next = word + strlen(word) + 1;
		char *pair[2] = { word, next < end ? next : NULL };

		if (strcmp(word, "--") == 0) {
			if (!pair[1] || pair[1] + strlen(pair[1]) + 1 != end)
				refuse("`--` must be followed by the blob and nothing else", NULL);
			blob = pair[1];
			break;
		}
		if (!pair[1])
			refuse("an option without its value", word);
		if (strcmp(word, "--env") == 0) {
			if (nenv >= STOCK_MAX_ENV || !strchr(pair[1], '=') || pair[1][0] == '=')
				refuse("a bad --env", pair[1]);
			env[nenv++] = pair[1];
		} else if (strcmp(word, "--pipe-size") == 0) {
			char *stop = NULL;

			pipe_size = strtol(pair[1], &stop, 10);
			if (pipe_size <= 0 || pipe_size > (1 << 30) || !stop || *stop != '\0')
				refuse("a bad --pipe-size", pair[1]);
		} else if (strcmp(word, "--user") == 0 || strcmp(word, "--rlimit") == 0 || strcmp(word, "--seccomp") == 0) {
			if (sandbox_option(sb, pair) != 2)
				refuse("a bad value", pair[1]);
		} else {
			/* Namespaces, root and cgroups are the stock's already: nothing here may change them. */
			refuse("not an option a stock takes", word);
		}
		word = next + strlen(next) + 1;
	}
	if (!blob || !plain_relative(blob))
		refuse("no `-- DRIVER/HANDLER` blob path at the end", blob);
	env[nenv] = NULL;
	environ = env;
	if (pipe_size > 0)
		(void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, (int)pipe_size); /* refused: more reads, nothing else */
	sb->blob_fd = open_blob(blobs_dir, blob);
	/* A script's interpreter reopens it as /dev/fd/N, so that fd must stay open across exec. */
	if (pread(sb->blob_fd, magic, 2, 0) == 2 && magic[0] == '#' && magic[1] == '!')
		fcntl(sb->blob_fd, F_SETFD, 0);
	handler_argv[0] = strrchr(blob, '/') + 1;
	return handler_argv;
}
