/*
 * bpfilter_umh: the handler of umd's bpfilter driver, a stand-in for the
 * kernel's first user mode driver. It keeps no rule table; it shows a
 * second wire format running under the same manager library.
 *
 * Wire (native byte order; little-endian on x86-64 and arm64):
 *   request = struct bpfilter_request, 24 bytes:
 *             u64 addr; u32 len; u32 is_set; u32 cmd; u32 pid
 *   reply   = struct bpfilter_reply, 4 bytes: s32 status, 0 or -errno
 *
 * Commands answered (anything else gets -ENOPROTOOPT):
 *   cmd 0,  get  health check (the manager's post_start)   -> 0
 *   cmd 64, get  IPT_SO_GET_INFO                            -> 0
 *   cmd 65, get  IPT_SO_GET_ENTRIES                         -> 0
 *   cmd 64, set  IPT_SO_SET_REPLACE: the table is read-only -> -EPERM
 *
 * Reads and writes are looped over partial transfers; end of file on stdin
 * (the manager closed the pipe) ends the process.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "umd_pipe.h"

#define CMD_HEALTH_CHECK 0
#define IPT_SO_GET_INFO 64
#define IPT_SO_GET_ENTRIES 65
#define IPT_SO_SET_REPLACE 64

struct bpfilter_request {
	uint64_t addr;
	uint32_t len;
	uint32_t is_set;
	uint32_t cmd;
	uint32_t pid;
};

struct bpfilter_reply {
	int32_t status;
};

_Static_assert(sizeof(struct bpfilter_request) == 24, "the request is 24 bytes on the wire");
_Static_assert(sizeof(struct bpfilter_reply) == 4, "the reply is 4 bytes on the wire");

static int32_t answer_get(const struct bpfilter_request *req)
{
	switch (req->cmd) {
	case CMD_HEALTH_CHECK:
	case IPT_SO_GET_INFO:
	case IPT_SO_GET_ENTRIES:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int32_t answer_set(const struct bpfilter_request *req)
{
	switch (req->cmd) {
	case IPT_SO_SET_REPLACE:
		return -EPERM;
	default:
		return -ENOPROTOOPT;
	}
}

int main(void)
{
	struct bpfilter_request req;
	struct bpfilter_reply rep;

	fprintf(stderr, "Started bpfilter_umh\n");
	fflush(stderr);

	for (;;) {
		if (read_exact(0, &req, sizeof(req)) < 0)
			return 0;
		rep.status = req.is_set ? answer_set(&req) : answer_get(&req);
		if (write_all(1, &rep, sizeof(rep)) < 0) {
			fprintf(stderr, "bpfilter_umh: reply failed: %s\n", strerror(errno));
			return 1;
		}
	}
}
