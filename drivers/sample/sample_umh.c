/*
 * sample_umh: the handler of umd's sample driver.
 *
 * Wire (the kernel sample's, byte for byte, on fds 0 and 1):
 *   request  = one uint32_t offset, native byte order (4 bytes)
 *   reply    = uint8_t data[131072], all zero except data[offset] = 1
 *              when offset < 131072
 * Reads and writes are looped, so a request or reply split across several
 * pipe operations is handled. A read that returns 0 (the manager closed the
 * pipe) or fails ends the process.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define REPLY_SIZE (128 * 1024)

static uint8_t reply[REPLY_SIZE];

static int read_exact(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(void)
{
	uint32_t offset;

	fprintf(stderr, "Started sample_umh\n");
	fflush(stderr);

	for (;;) {
		if (read_exact(0, &offset, sizeof(offset)) < 0)
			return 0;
		if (offset < REPLY_SIZE)
			reply[offset] = 1;
		if (write_all(1, reply, sizeof(reply)) < 0) {
			fprintf(stderr, "sample_umh: reply failed: %s\n", strerror(errno));
			return 1;
		}
		if (offset < REPLY_SIZE)
			reply[offset] = 0;
	}
}
