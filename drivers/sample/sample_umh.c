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

#include "umd_pipe.h"

#define REPLY_SIZE (128 * 1024)

static uint8_t reply[REPLY_SIZE];

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
