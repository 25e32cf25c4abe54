/*
 * pgp_parse.c: the OpenPGP parser (RFC 9580, RFC 4880) that runs in the pgp
 * handler. It does no cryptography and trusts nothing: every length is
 * checked against the bytes left before it is used. Its answer is a list of
 * records that point into the request (see pgp_wire.h); the manager re-reads
 * whatever they point at, so a wrong answer can only make a check fail.
 */
#include <string.h>

#include "pgp_parse.h"

struct out {
	uint8_t *reply;
	uint32_t nrec;
	uint32_t status;
	uint32_t err_offset;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int fail(struct out *o, uint32_t status, uint32_t offset)
{
	if (o->status == PGP_OK) {
		o->status = status;
		o->err_offset = offset;
	}
	return -1;
}

static int emit(struct out *o, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3,
		uint32_t w4, uint32_t w5, uint32_t w6, uint32_t w7)
{
	uint32_t w[PGP_REC_WORDS] = { w0, w1, w2, w3, w4, w5, w6, w7 };
	uint8_t *p;

	if (o->nrec >= PGP_MAX_RECORDS)
		return fail(o, PGP_E_TOO_MANY, 0);
	p = o->reply + PGP_REP_HEADER + o->nrec * PGP_REC_WORDS * 4u;
	for (unsigned i = 0; i < PGP_REC_WORDS; i++)
		put32(p + 4 * i, w[i]);
	o->nrec++;
	return 0;
}

static uint32_t be16(const uint8_t *p)
{
	return ((uint32_t)p[0] << 8) | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

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

static void parse_packets(struct out *o, const uint8_t *d, uint32_t len)
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
		if (tag == 0 || len - at - hdr < body) {
			fail(o, PGP_E_MALFORMED, at);
			return;
		}
		if (emit(o, PGP_R_PACKET, tag, at, hdr, body, 0, 0, 0))
			return;
		if ((tag == 6 || tag == 14) && parse_key(o, d, at + hdr, at + hdr + body))
			return;
		if (tag == 2 && parse_sig(o, d, at + hdr, at + hdr + body, 0))
			return;
		at += hdr + body;
	}
}

/* ---- text: armor and cleartext signed messages ---- */

/* The line at d[at..): its end (at the '\n' or len) and its content's end (no trailing blanks). */
static uint32_t line_end(const uint8_t *d, uint32_t len, uint32_t at)
{
	const uint8_t *nl = memchr(d + at, '\n', len - at);

	return nl ? (uint32_t)(nl - d) : len;
}

static uint32_t trim(const uint8_t *d, uint32_t at, uint32_t end)
{
	while (end > at && (d[end - 1] == '\r' || d[end - 1] == ' ' || d[end - 1] == '\t'))
		end--;
	return end;
}

static uint32_t next_line(uint32_t len, uint32_t end)
{
	return end < len ? end + 1 : len;
}

static int is_line(const uint8_t *d, uint32_t at, uint32_t end, const char *text)
{
	size_t n = strlen(text);

	return trim(d, at, end) - at == n && memcmp(d + at, text, n) == 0;
}

static int starts(const uint8_t *d, uint32_t at, uint32_t end, const char *text)
{
	size_t n = strlen(text);

	return end - at >= n && memcmp(d + at, text, n) == 0;
}

static int b64char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static uint8_t decoded[PGP_REQ_DATA];

static int b64value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static void parse_packets(struct out *o, const uint8_t *d, uint32_t len);

/* Decodes the armor's base64 (other characters skipped, as gpg skips them)
 * and parses the packets in it: their records follow the armor's, with
 * offsets into the decoded bytes (which the manager decodes itself). */
static void decode_and_parse(struct out *o, const uint8_t *b, uint32_t len)
{
	uint32_t n = 0, bits = 0, count = 0;

	for (uint32_t i = 0; i < len; i++) {
		int v = b64value(b[i]);

		if (v < 0)
			continue;
		bits = (bits << 6) | (uint32_t)v;
		if (++count % 4 == 0) {
			decoded[n++] = (uint8_t)(bits >> 16);
			decoded[n++] = (uint8_t)(bits >> 8);
			decoded[n++] = (uint8_t)bits;
			bits = 0;
		}
	}
	if (count % 4 == 1) {
		fail(o, PGP_E_BAD_ARMOR, 0);
		return;
	}
	if (count % 4 == 2)
		decoded[n++] = (uint8_t)(bits >> 4);
	if (count % 4 == 3) {
		decoded[n++] = (uint8_t)(bits >> 10);
		decoded[n++] = (uint8_t)(bits >> 2);
	}
	parse_packets(o, decoded, n);
}

/*
 * The base64 of an armor, read as gpg reads it, as a stream of bytes: the
 * data runs to the first '=' (or a line starting with '-', or the end);
 * after the '=', blanks and more '=' are skipped, then up to 4 checksum
 * characters are read back to back. A first character that is not base64
 * means no checksum (allowed); 1 to 3, or 4 with nothing after them, is a
 * malformed checksum. A line after it starting with a byte >= 0x80 would be
 * read by gpg as binary packets: refused.
 */
static void armor_body(struct out *o, const uint8_t *d, uint32_t len, uint32_t kind, uint32_t begin, uint32_t body)
{
	uint32_t p = body, stop, crc = PGP_NO_CRC, idx = 0, trailer;
	int line_start = 1;

	while (p < len && d[p] != '=' && !(line_start && d[p] == '-')) {
		line_start = d[p] == '\n';
		p++;
	}
	stop = p;
	if (p < len && d[p] == '=') {
		while (p < len && (d[p] == '\n' || d[p] == '\r' || d[p] == ' ' || d[p] == '\t' || d[p] == '='))
			p++;
		if (p < len) {
			uint32_t q = p;
			int eof = 0;

			do {
				if (!b64char(d[q]))
					break;
				if (++q >= len) {
					eof = 1;
					break;
				}
			} while (++idx < 4);
			if (idx != 0 && (eof || idx != 4)) {
				fail(o, PGP_E_BAD_ARMOR, p);
				return;
			}
			if (idx == 4)
				crc = p;
		}
		trailer = p < len ? next_line(len, line_end(d, len, p)) : len;
	} else {
		trailer = p;
	}
	if (trailer < len && d[trailer] >= 0x80) {
		fail(o, PGP_E_BAD_ARMOR, trailer);
		return;
	}
	if (emit(o, PGP_R_ARMOR, kind, begin, body, stop - body, crc, trailer, 0))
		return;
	decode_and_parse(o, d + body, stop - body);
}

/* An armored block whose BEGIN line starts at `at`. After a cleartext, any
 * line of five dashes starts the signature's armor, as gpg reads it. */
static void parse_armor(struct out *o, const uint8_t *d, uint32_t len, uint32_t at, int after_cleartext)
{
	uint32_t begin = at, end = line_end(d, len, at), kind, body;

	if (after_cleartext || is_line(d, at, end, "-----BEGIN PGP SIGNATURE-----"))
		kind = 1;
	else if (is_line(d, at, end, "-----BEGIN PGP PUBLIC KEY BLOCK-----"))
		kind = 2;
	else if (is_line(d, at, end, "-----BEGIN PGP MESSAGE-----"))
		kind = 3;
	else {
		fail(o, PGP_E_UNSUPPORTED, at);
		return;
	}
	/* Armor headers ("Key: value") up to a blank line. */
	for (at = next_line(len, end); ; at = next_line(len, end)) {
		end = line_end(d, len, at);
		if (at >= len) {
			fail(o, PGP_E_BAD_ARMOR, at);
			return;
		}
		if (trim(d, at, end) == at)
			break;
		if (!memchr(d + at, ':', end - at)) {
			fail(o, PGP_E_BAD_ARMOR, at);
			return;
		}
	}
	body = at = next_line(len, end);
	armor_body(o, d, len, kind, begin, body);
}

static const struct { const char *name; uint32_t id; } hashes[] = {
	{ "MD5", 1 }, { "SHA1", 2 }, { "RIPEMD160", 3 }, { "SHA256", 8 },
	{ "SHA384", 9 }, { "SHA512", 10 }, { "SHA224", 11 },
};

/* "Hash: SHA256, SHA512": each name's bit in *mask. */
static int hash_header(const uint8_t *d, uint32_t at, uint32_t end, uint32_t *mask)
{
	at += 5;
	while (at < end) {
		uint32_t stop = at;
		int found = 0;

		while (at < end && (d[at] == ' ' || d[at] == ','))
			at++;
		stop = at;
		while (stop < end && d[stop] != ',' && d[stop] != ' ')
			stop++;
		if (stop == at)
			break;
		for (unsigned i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
			if (strlen(hashes[i].name) == stop - at && memcmp(d + at, hashes[i].name, stop - at) == 0) {
				*mask |= 1u << hashes[i].id;
				found = 1;
			}
		}
		if (!found)
			return -1;
		at = stop;
	}
	return 0;
}

static void parse_cleartext(struct out *o, const uint8_t *d, uint32_t len, uint32_t begin)
{
	uint32_t at, end = line_end(d, len, begin), mask = 0, text;

	for (at = next_line(len, end); ; at = next_line(len, end)) {
		if (at >= len) {
			fail(o, PGP_E_BAD_ARMOR, at);
			return;
		}
		end = line_end(d, len, at);
		if (trim(d, at, end) == at)
			break;
		if (!starts(d, at, end, "Hash: ") || hash_header(d, at, trim(d, at, end), &mask)) {
			fail(o, PGP_E_BAD_ARMOR, at);
			return;
		}
	}
	text = at = next_line(len, end);
	for (;; at = next_line(len, end)) {
		if (at >= len) {
			fail(o, PGP_E_BAD_ARMOR, at);
			return;
		}
		end = line_end(d, len, at);
		if (d[at] != '-')
			continue;
		if (starts(d, at, end, "- "))
			continue;
		if (!starts(d, at, end, "-----")) {
			fail(o, PGP_E_BAD_ARMOR, at);
			return;
		}
		break;
	}
	/* The line break before the signature's BEGIN line is not signed. */
	if (emit(o, PGP_R_CLEAR, mask, begin, text, at > text ? at - 1 - text : 0, 0, 0, 0))
		return;
	parse_armor(o, d, len, at, 1);
}

static void parse_text(struct out *o, const uint8_t *d, uint32_t len)
{
	uint32_t at = 0;

	/* Text before the first armor line is ignored, as gpg does. */
	while (at < len) {
		uint32_t end = line_end(d, len, at);

		if (is_line(d, at, end, "-----BEGIN PGP SIGNED MESSAGE-----")) {
			parse_cleartext(o, d, len, at);
			return;
		}
		if (starts(d, at, end, "-----BEGIN PGP ")) {
			parse_armor(o, d, len, at, 0);
			return;
		}
		at = next_line(len, end);
	}
	fail(o, PGP_E_BAD_ARMOR, len);
}

void pgp_parse(uint32_t op, const uint8_t *data, uint32_t len, uint8_t *reply)
{
	struct out o = { reply, 0, PGP_OK, 0 };

	memset(reply, 0, PGP_REP_SIZE);
	if (len > PGP_REQ_DATA)
		fail(&o, PGP_E_BAD_REQUEST, 0);
	else if (op == PGP_OP_PACKETS)
		parse_packets(&o, data, len);
	else if (op == PGP_OP_ARMOR)
		parse_text(&o, data, len);
	else
		fail(&o, PGP_E_BAD_REQUEST, 0);
	put32(reply, o.status);
	put32(reply + 4, o.err_offset);
	put32(reply + 8, o.status == PGP_OK ? o.nrec : 0);
	put32(reply + 12, 0);
}
