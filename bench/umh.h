/*
 * The physical limit umd is measured against: a handler started by
 * fork+exec with a raw pipe pair, and a round trip that is one write(2) of
 * the request and read(2)s until the whole reply is in. No daemon, no
 * socket, no copies beyond the kernel's.
 */
#ifndef BENCH_UMH_H
#define BENCH_UMH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_SIZE 4
#define REPLY_SIZE (128 * 1024)

struct umh {
	pid_t pid;
	int to;   /* the handler's stdin */
	int from; /* the handler's stdout */
};

static uint8_t reply[REPLY_SIZE];

static inline void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* fork+exec of `path` with its stdin and stdout on a pipe pair each. */
static inline void umh_spawn(struct umh *h, const char *path)
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		die("pipe2");
	h->pid = fork();
	if (h->pid < 0)
		die("fork");
	if (h->pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		char *argv[] = { (char *)path, NULL };
		char *envp[] = { NULL };

		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || null < 0 || dup2(null, 2) < 0)
			_exit(127);
		execve(path, argv, envp);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	h->to = in[1];
	h->from = out[0];
}

/* One request out, the whole reply in, and the reply checked. */
static inline void umh_round_trip(struct umh *h, uint32_t offset)
{
	size_t got = 0;

	if (write(h->to, &offset, REQUEST_SIZE) != REQUEST_SIZE)
		die("write request");
	while (got < REPLY_SIZE) {
		ssize_t n = read(h->from, reply + got, REPLY_SIZE - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read reply");
		got += (size_t)n;
	}
	if (reply[offset] != 1) {
		fprintf(stderr, "bench: reply byte %u is %u, expected 1\n", offset, reply[offset]);
		exit(1);
	}
}

/* Start as umd does: spawn, then the sample's post_start health check (offset 0). */
static inline void umh_start(struct umh *h, const char *path)
{
	umh_spawn(h, path);
	umh_round_trip(h, 0);
}

/* Shut down as umd does: SIGKILL, reap, close the pipes. */
static inline void umh_kill(struct umh *h)
{
	kill(h->pid, SIGKILL);
	while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(h->to);
	close(h->from);
	h->pid = 0;
}

static inline long arg_long(const char *text, const char *what)
{
	char *end;
	long value = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || value <= 0) {
		fprintf(stderr, "bench: %s: expected a positive integer, got '%s'\n", what, text);
		exit(2);
	}
	return value;
}

#endif
