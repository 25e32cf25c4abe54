/*
 * pgp_parse.c: the OpenPGP parser (RFC 9580, RFC 4880) that runs in the pgp
 * handler. It does no cryptography and trusts nothing: every length is
 * checked against the bytes left before it is used. Its answer is a list of
 * records that point into the request (see pgp_wire.h); the manager re-reads
 * whatever they point at, so a wrong answer can only make a check fail.
 */
#include <string.h>

#include "pgp_out.h"
#include "pgp_parse.h"

void pgp_parse(uint32_t op, const uint8_t *data, uint32_t len, uint8_t *reply)
{
	struct out o = { reply, 0, PGP_OK, 0 };

	memset(reply, 0, PGP_REP_SIZE);
	if (len > PGP_REQ_DATA)
		fail(&o, PGP_E_BAD_REQUEST, 0);
	else if (op == PGP_OP_PACKETS)
		pgp_packets(&o, data, len);
	else if (op == PGP_OP_ARMOR)
		pgp_text(&o, data, len);
	else
		fail(&o, PGP_E_BAD_REQUEST, 0);
	put32(reply, o.status);
	put32(reply + 4, o.err_offset);
	put32(reply + 8, o.status == PGP_OK ? o.nrec : 0);
	put32(reply + 12, 0);
}
