/*
 * pgp_text.c: ASCII armor and cleartext signed messages, read as gpg reads
 * them (header lines, dash-escaping, the base64 as a byte stream, the
 * CRC-24 line); the armor's packets are decoded and parsed in the same
 * request. The manager re-reads all of it (src/pgp/check-text.ts).
 */
#include "pgp_out.h"

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
	pgp_packets(o, decoded, n);
}

/* An armor header line as gpg 2.2 takes it: its first ':' ends the line
 * (trailing blanks aside) or is followed by a space. */
static int header_line(const uint8_t *d, uint32_t at, uint32_t end)
{
	uint32_t stop = trim(d, at, end);
	const uint8_t *colon = memchr(d + at, ':', stop - at);

	return colon && ((uint32_t)(colon - d) + 1 == stop || colon[1] == ' ');
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
	/* gpg finds no OpenPGP data in an armor whose base64 never reaches a
	 * '=' (padding, or the checksum line): it reports NODATA and fails. */
	if (p >= len || d[p] != '=') {
		fail(o, PGP_E_BAD_ARMOR, p);
		return;
	}
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
	/* Armor headers ("Key: value") up to a blank line. As gpg 2.2 reads
	 * them, a line that is not a header also ends them, and is the first
	 * line of the base64; after a cleartext, it is invalid armor. */
	for (at = next_line(len, end); ; at = next_line(len, end)) {
		end = line_end(d, len, at);
		if (at >= len) {
			fail(o, PGP_E_BAD_ARMOR, at);
			return;
		}
		if (trim(d, at, end) == at) {
			body = next_line(len, end);
			break;
		}
		if (!header_line(d, at, end)) {
			if (after_cleartext) { /* there gpg calls it invalid armor */
				fail(o, PGP_E_BAD_ARMOR, at);
				return;
			}
			body = at;
			break;
		}
	}
	armor_body(o, d, len, kind, begin, body);
}

static const struct { const char *name; uint32_t id; } hashes[] = {
	{ "MD5", 1 }, { "SHA1", 2 }, { "RIPEMD160", 3 }, { "SHA256", 8 },
	{ "SHA384", 9 }, { "SHA512", 10 }, { "SHA224", 11 },
};

/* "Hash: SHA256, SHA512" as gpg reads it: "Hash:", then names (exact, in
 * upper case) separated by commas, blanks around them allowed; at most 60
 * characters. Each name's bit goes into *mask. */
static int hash_header(const uint8_t *d, uint32_t at, uint32_t end, uint32_t *mask)
{
	uint32_t names = 0;

	if (end - at > 60)
		return -1;
	at += 5;
	for (;; names++) {
		uint32_t stop;
		int found = 0;

		while (at < end && (d[at] == ' ' || d[at] == '\t'))
			at++;
		if (at >= end)
			return names ? 0 : -1;
		stop = at;
		while (stop < end && d[stop] != ' ' && d[stop] != '\t' && d[stop] != ',')
			stop++;
		for (unsigned i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
			if (strlen(hashes[i].name) == stop - at && memcmp(d + at, hashes[i].name, stop - at) == 0) {
				*mask |= 1u << hashes[i].id;
				found = 1;
			}
		}
		if (!found)
			return -1;
		at = stop;
		while (at < end && (d[at] == ' ' || d[at] == '\t'))
			at++;
		if (at < end && d[at++] != ',')
			return -1;
	}
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
		if (!header_line(d, at, end) || !starts(d, at, end, "Hash:") || hash_header(d, at, trim(d, at, end), &mask)) {
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

void pgp_text(struct out *o, const uint8_t *d, uint32_t len)
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
