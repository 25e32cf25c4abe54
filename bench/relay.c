/*
 * relay HANDLER N: what the daemon's extra hop costs at best. A relay
 * process (a daemon written in C) owns a persistent sample_umh on a pipe
 * pair; this process sends it N requests over a Unix stream socket, as a
 * umd client does, and the relay forwards each to the handler, checks the
 * reply and answers with 4 bytes. Prints the mean nanoseconds per request.
 */
#include "umh.h"
#include "../drivers/include/umd_pipe.h"
#include <sys/socket.h>

/* Reads exactly len bytes (the loop every umd handler uses), or dies. */
static void must_read(int fd, void *buf, size_t len)
{
	if (read_exact(fd, buf, len) < 0)
		die("read");
}

static void relay(int sock, const char *handler)
{
	struct umh h;
	uint32_t offset;

	umh_start(&h, handler);
	for (;;) {
		ssize_t n = read(sock, &offset, sizeof(offset));

		if (n == 0)
			break;
		if (n != sizeof(offset))
			die("relay read");
		umh_round_trip(&h, offset);
		if (write(sock, &offset, sizeof(offset)) != sizeof(offset))
			die("relay write");
	}
	umh_kill(&h);
	_exit(0);
}

int main(int argc, char **argv)
{
	int sv[2];
	long n, i;
	int64_t t0 = 0;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: relay HANDLER N\n");
		return 2;
	}
	n = arg_long(argv[2], "N");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		relay(sv[1], argv[1]);
	}
	close(sv[1]);
	for (i = -50; i < n; i++) {
		uint32_t offset = (uint32_t)((i + 50) % 128) * 1024, back;

		if (i == 0)
			t0 = now_ns();
		if (write(sv[0], &offset, sizeof(offset)) != sizeof(offset))
			die("write");
		must_read(sv[0], &back, sizeof(back));
	}
	printf("%.0f\n", (double)(now_ns() - t0) / (double)n);
	close(sv[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}
