/*
 * umd_pipe.h: the two loops every umd handler needs on its pipes. A request
 * or reply may be split across any number of reads and writes (a pipe holds
 * 64 KiB; the sample reply is twice that), so both loop until done, retrying
 * on EINTR. Both return 0 when done and -1 on end of file or error.
 */
#ifndef UMD_PIPE_H
#define UMD_PIPE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

static inline int read_exact(int fd, void *buf, size_t len)
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

static inline int write_all(int fd, const void *buf, size_t len)
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

#endif
