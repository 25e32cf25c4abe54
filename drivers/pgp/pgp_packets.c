/*
 * pgp_packets.c: OpenPGP packets (RFC 9580, RFC 4880) as the pgp handler
 * reads them: packet headers (old and new format), v4 keys and their
 * material, v4 signatures with their subpackets (and one level of embedded
 * signature). Every length is checked against the bytes left before it is
 * used; the records it writes only point (pgp_wire.h).
 */
#include "pgp_out.h"

/* An MPI at d[*at..end): a 2-byte bit count, then its bytes. */
static int mpi(struct out *o, const uint8_t *d, uint32_t *at, uint32_t end, uint32_t *off, uint32_t *len)
{
	uint32_t bits, bytes;

	if (end - *at < 2)
		return fail(o, PGP_E_MALFORMED, *at);
	bits = be16(d + *at);
	bytes = (bits + 7) / 8;
	if (end - *at - 2 < bytes)
		return fail(o, PGP_E_MALFORMED, *at);
	*off = *at + 2;
	*len = bytes;
	*at += 2 + bytes;
	return 0;
}

/* A curve OID: a length octet (not 0, not 0xff), then the OID's bytes. */
static int oid(struct out *o, const uint8_t *d, uint32_t *at, uint32_t end, uint32_t *off, uint32_t *len)
{
	uint32_t n;

	if (end - *at < 1)
		return fail(o, PGP_E_MALFORMED, *at);
	n = d[*at];
	if (n == 0 || n == 0xff || end - *at - 1 < n)
		return fail(o, PGP_E_MALFORMED, *at);
	*off = *at + 1;
	*len = n;
	*at += 1 + n;
	return 0;
}

static int parse_key(struct out *o, const uint8_t *d, uint32_t at, uint32_t end)
{
	uint32_t start = at, version, created, algo;
	uint32_t m1 = 0, l1 = 0, m2 = 0, l2 = 0;

	if (end - at < 1)
		return fail(o, PGP_E_MALFORMED, at);
	version = d[at];
	if (version != 4 || end - at < 6)
		return emit(o, PGP_R_KEY, version, 0, 0, 0, 0, 0, 0);
	created = be32(d + at + 1);
	algo = d[at + 5];
	at += 6;
	switch (algo) {
	case 1: case 2: case 3:
		if (mpi(o, d, &at, end, &m1, &l1) || mpi(o, d, &at, end, &m2, &l2))
			return -1;
		break;
	case 18: case 19: case 22:
		if (oid(o, d, &at, end, &m1, &l1) || mpi(o, d, &at, end, &m2, &l2))
			return -1;
		if (algo == 18) { /* ECDH: KDF parameters, a length octet then that many bytes */
			if (end - at < 1 || end - at - 1 != d[at])
				return fail(o, PGP_E_MALFORMED, at);
			at = end;
		}
		break;
	case 27:
		if (end - at < 32)
			return fail(o, PGP_E_MALFORMED, at);
		m1 = at;
		l1 = 32;
		at += 32;
		break;
	default: /* reported, with no key material: the manager cannot use it */
		return emit(o, PGP_R_KEY, version, created, algo, 0, 0, 0, 0);
	}
	if (at != end)
		return fail(o, PGP_E_MALFORMED, at);
	(void)start;
	return emit(o, PGP_R_KEY, version, created, algo, m1, l1, m2, l2);
}

static int parse_sig(struct out *o, const uint8_t *d, uint32_t at, uint32_t end, int depth);

/* One subpacket area, d[at..end): each subpacket's length counts its type octet. */
static int parse_subpackets(struct out *o, const uint8_t *d, uint32_t at, uint32_t end, uint32_t area, int depth)
{
	while (at < end) {
		uint32_t first = d[at], hdr, len, type, critical;

		if (first < 192) {
			hdr = 1;
			len = first;
		} else if (first < 255) {
			if (end - at < 2)
				return fail(o, PGP_E_MALFORMED, at);
			hdr = 2;
			len = ((first - 192) << 8) + d[at + 1] + 192;
		} else {
			if (end - at < 5)
				return fail(o, PGP_E_MALFORMED, at);
			hdr = 5;
			len = be32(d + at + 1);
		}
		if (len < 1 || end - at - hdr < len)
			return fail(o, PGP_E_MALFORMED, at);
		type = d[at + hdr] & 0x7f;
		critical = d[at + hdr] >> 7;
		if (emit(o, PGP_R_SUB, area, at, hdr, len, type, critical, 0))
			return -1;
		if (type == 32 && depth == 0 &&
		    parse_sig(o, d, at + hdr + 1, at + hdr + len, depth + 1))
			return -1;
		at += hdr + len;
	}
	return 0;
}

static int parse_sig(struct out *o, const uint8_t *d, uint32_t at, uint32_t end, int depth)
{
	uint32_t version, type, pk, hash, hlen, ulen, prefix;
	uint32_t m1 = 0, l1 = 0, m2 = 0, l2 = 0;

	if (end - at < 1)
		return fail(o, PGP_E_MALFORMED, at);
	version = d[at];
	if (version != 4)
		return emit(o, PGP_R_SIG, version, 0, 0, 0, 0, 0, 0);
	if (end - at < 6)
		return fail(o, PGP_E_MALFORMED, at);
	type = d[at + 1];
	pk = d[at + 2];
	hash = d[at + 3];
	hlen = be16(d + at + 4);
	if (end - at - 6 < hlen + 2)
		return fail(o, PGP_E_MALFORMED, at + 4);
	ulen = be16(d + at + 6 + hlen);
	if (end - at - 8 - hlen < ulen + 2)
		return fail(o, PGP_E_MALFORMED, at + 6 + hlen);
	prefix = at + 8 + hlen + ulen;
	if (emit(o, PGP_R_SIG, 4, type, pk, hash, hlen, ulen, prefix))
		return -1;
	if (parse_subpackets(o, d, at + 6, at + 6 + hlen, 0, depth) ||
	    parse_subpackets(o, d, at + 8 + hlen, prefix, 1, depth))
		return -1;
	at = prefix + 2;
	switch (pk) {
	case 1: case 3:
		if (mpi(o, d, &at, end, &m1, &l1))
			return -1;
		break;
	case 19: case 22:
		if (mpi(o, d, &at, end, &m1, &l1) || mpi(o, d, &at, end, &m2, &l2))
			return -1;
		break;
	case 27:
		if (end - at < 64)
			return fail(o, PGP_E_MALFORMED, at);
		m1 = at;
		l1 = 64;
		at += 64;
		break;
	default:
		return emit(o, PGP_R_SIGVAL, 0, 0, 0, 0, 0, 0, 0);
	}
	if (at != end)
		return fail(o, PGP_E_MALFORMED, at);
	return emit(o, PGP_R_SIGVAL, m1, l1, m2, l2, 0, 0, 0);
}

void pgp_packets(struct out *o, const uint8_t *d, uint32_t len)
{
	uint32_t at = 0;

	if (len == 0) {
		fail(o, PGP_E_MALFORMED, 0);
		return;
	}
	while (at < len) {
		uint32_t ctb = d[at], tag, hdr, body;

		if (!(ctb & 0x80)) {
			fail(o, PGP_E_MALFORMED, at);
			return;
		}
		if (ctb & 0x40) { /* new format */
			uint32_t first;

			tag = ctb & 0x3f;
			if (len - at < 2) {
				fail(o, PGP_E_MALFORMED, at);
				return;
			}
			first = d[at + 1];
			if (first < 192) {
				hdr = 2;
				body = first;
			} else if (first < 224) {
				if (len - at < 3) {
					fail(o, PGP_E_MALFORMED, at);
					return;
				}
				hdr = 3;
				body = ((first - 192) << 8) + d[at + 2] + 192;
			} else if (first == 255) {
				if (len - at < 6) {
					fail(o, PGP_E_MALFORMED, at);
					return;
				}
				hdr = 6;
				body = be32(d + at + 2);
			} else {
				fail(o, PGP_E_UNSUPPORTED, at); /* partial body lengths */
				return;
			}
		} else { /* old format */
			uint32_t type = ctb & 3;

			tag = (ctb >> 2) & 0x0f;
			if (type == 3) {
				fail(o, PGP_E_UNSUPPORTED, at); /* indeterminate length */
				return;
			}
			hdr = 1u + (1u << type);
			if (len - at < hdr) {
				fail(o, PGP_E_MALFORMED, at);
				return;
			}
			body = type == 0 ? d[at + 1] : type == 1 ? be16(d + at + 1) : be32(d + at + 1);
		}
		if (tag == 0 || len - at < hdr) {
			fail(o, PGP_E_MALFORMED, at);
			return;
		}
		/* A last packet whose length runs past the end of the data is read
		 * as far as the data goes, as gpg reads it: its contents must still
		 * parse within what is there. */
		if (len - at - hdr < body)
			body = len - at - hdr;
		if (emit(o, PGP_R_PACKET, tag, at, hdr, body, 0, 0, 0))
			return;
		if ((tag == 6 || tag == 14) && parse_key(o, d, at + hdr, at + hdr + body))
			return;
		if (tag == 2 && parse_sig(o, d, at + hdr, at + hdr + body, 0))
			return;
		at += hdr + body;
	}
}
