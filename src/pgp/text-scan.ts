import { badReply } from './wire.js';

// The byte-level readings of armor and cleartext the manager does itself
// (drivers/pgp/pgp_parse.c reads them the same way, as gpg does).

/** The line starting at `at`: its text (no line break, no trailing blanks) and where the next starts. */
export function lineAt(data: Buffer, at: number): { text: string; next: number } {
  if (at > data.length) throw badReply(`offset ${at} past the data`);
  const nl = data.indexOf(0x0a, at);
  const end = nl === -1 ? data.length : nl;
  return { text: data.toString('latin1', at, end).replace(/[ \t\r]+$/, ''), next: nl === -1 ? data.length : nl + 1 };
}

/** CRC-24 of RFC 9580 section 6.1. */
export function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

const isB64 = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f);

/**
 * The base64 of an armor as gpg reads it (drivers/pgp/pgp_parse.c says the
 * same in C): data up to the first '=' or a line starting with '-'; after
 * the '=', blanks and '=' skipped, then up to 4 checksum characters back to
 * back; a first one that is not base64 means no checksum. The line after
 * must not start with a byte >= 0x80 (gpg would read it as packets).
 */
export function scanBody(data: Buffer, body: number): { stop: number; crc: number | null; trailer: number; error: string | null } {
  let p = body;
  let lineStart = true;
  while (p < data.length && data[p] !== 0x3d && !(lineStart && data[p] === 0x2d)) {
    lineStart = data[p] === 0x0a;
    p++;
  }
  const stop = p;
  let crc: number | null = null;
  let trailer = p;
  // gpg finds no OpenPGP data in an armor whose base64 never reaches a '=' (padding, or the checksum line).
  let error: string | null = data[p] === 0x3d ? null : 'an armor without "=" the handler accepted';
  if (data[p] === 0x3d) {
    while (p < data.length && [0x0a, 0x0d, 0x20, 0x09, 0x3d].includes(data[p])) p++;
    if (p < data.length) {
      let idx = 0;
      let q = p;
      let eof = false;
      do {
        if (!isB64(data[q])) break;
        if (++q >= data.length) {
          eof = true;
          break;
        }
      } while (++idx < 4);
      if (idx !== 0 && (eof || idx !== 4)) error = 'a malformed armor checksum the handler accepted';
      if (idx === 4) crc = p;
    }
    trailer = p < data.length ? lineAt(data, p).next : data.length;
  }
  if (trailer < data.length && (data[trailer]) >= 0x80) error = 'binary data after the armor the handler accepted';
  return { stop, crc, trailer, error };
}

const CRLF = Buffer.from('\r\n');

/**
 * The cleartext as a text signature hashes it: dash-escapes removed,
 * trailing blanks (space, tab, CR) dropped, lines joined by CR LF, no line
 * break after the last. A line starting with '-' but not '- ' cannot be
 * inside it (the handler must have ended the text there).
 */
export function canonicalText(data: Buffer, start: number, end: number): Buffer {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const nl = data.indexOf(0x0a, at);
    const lineEnd = nl === -1 || nl >= end ? end : nl;
    let from = at;
    if (data[from] === 0x2d) {
      if (data[from + 1] !== 0x20 || from + 1 >= lineEnd) throw badReply('an unescaped dash line inside the cleartext');
      from += 2;
    }
    let to = lineEnd;
    while (to > from && (data[to - 1] === 0x20 || data[to - 1] === 0x09 || data[to - 1] === 0x0d)) to--;
    if (parts.length > 0) parts.push(CRLF);
    parts.push(data.subarray(from, to));
    if (lineEnd >= end) break;
    at = lineEnd + 1;
  }
  return Buffer.concat(parts);
}

