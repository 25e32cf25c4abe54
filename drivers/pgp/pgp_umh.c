/*
 * pgp_umh: the handler of umd's pgp driver. It parses OpenPGP data (armor,
 * cleartext signed messages, keys, signatures) and answers with positions
 * and lengths into the request; it does no cryptography. The manager checks
 * every answer and does the cryptography itself (src/pgp/).
 *
 * Wire: pgp_wire.h. One request in, one reply out, until end of file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pgp_parse.h"
#include "umd_pipe.h"

static uint8_t request[PGP_REQ_SIZE];
static uint8_t reply[PGP_REP_SIZE];

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

int main(void)
{
	fprintf(stderr, "Started pgp_umh\n");
	fflush(stderr);
	for (;;) {
		if (read_exact(0, request, sizeof(request)) < 0)
			return 0;
		pgp_parse(le32(request), request + PGP_REQ_HEADER, le32(request + 4), reply);
		if (write_all(1, reply, sizeof(reply)) < 0) {
			fprintf(stderr, "pgp_umh: reply failed: %s\n", strerror(errno));
			return 1;
		}
	}
}
