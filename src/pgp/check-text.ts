import { NO_CRC, R_ARMOR, R_CLEAR, RecordCursor, badReply, expectEqual } from './wire.js';
import type { Record8 } from './wire.js';
import { HASH_IDS } from './algorithms.js';
import { checkPacketRecords } from './check-packets.js';
import type { Packet } from './packet-types.js';

export interface ArmoredData {
  /** 1: a signature, 2: a public key block, 3: a message (gpg reads signatures from it too). */
  kind: number;
  /** The packets' bytes, base64-decoded by the manager itself. */
  bytes: Buffer;
  /** The packets, as the handler accounted for them in the decoded bytes, checked. */
  packets: Packet[];
  /** For a cleartext signed message: its text in canonical form (what a text signature hashes). */
  cleartext?: { text: Buffer; hashes: Set<number> };
}

const BEGIN = { 1: '-----BEGIN PGP SIGNATURE-----', 2: '-----BEGIN PGP PUBLIC KEY BLOCK-----', 3: '-----BEGIN PGP MESSAGE-----' } as Record<number, string>;

/** The line starting at `at`: its text (no line break, no trailing blanks) and where the next starts. */
function lineAt(data: Buffer, at: number): { text: string; next: number } {
  if (at > data.length) throw badReply(`offset ${at} past the data`);
  const nl = data.indexOf(0x0a, at);
  const end = nl === -1 ? data.length : nl;
  return { text: data.toString('latin1', at, end).replace(/[ \t\r]+$/, ''), next: nl === -1 ? data.length : nl + 1 };
}

/** Header lines (`Key: value`) from `at` up to and including a blank line; returns where the blank line ends and the lines. */
function headerLines(data: Buffer, at: number): { next: number; lines: string[] } {
  const lines: string[] = [];
  for (;;) {
    if (at >= data.length) throw badReply('armor headers run to the end of the data');
    const line = lineAt(data, at);
    if (line.text === '') return { next: line.next, lines };
    lines.push(line.text);
    at = line.next;
  }
}

/** CRC-24 of RFC 9580 section 6.1. */
function crc24(data: Buffer): number {
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
function scanBody(data: Buffer, body: number): { stop: number; crc: number | null; trailer: number; error: string | null } {
  let p = body;
  let lineStart = true;
  while (p < data.length && data[p] !== 0x3d && !(lineStart && data[p] === 0x2d)) {
    lineStart = data[p] === 0x0a;
    p++;
  }
  const stop = p;
  let crc: number | null = null;
  let trailer = p;
  let error: string | null = null;
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

/** After a cleartext, any line of five dashes starts the signature's armor, as gpg reads it. */
function checkArmor(data: Buffer, r: Record8, cursor: RecordCursor, afterCleartext = false): ArmoredData {
  const [, kind, begin, body, bodyLen, crc, end] = r as number[];
  const beginText = BEGIN[kind];
  if (beginText === undefined || (afterCleartext && kind !== 1)) throw badReply(`armor kind ${kind}`);
  const first = lineAt(data, begin);
  if (afterCleartext ? !first.text.startsWith('-----') : first.text !== beginText) throw badReply(`no ${beginText} line at ${begin}`);
  const headers = headerLines(data, first.next);
  if (headers.lines.some((line) => !line.includes(': '))) throw badReply('an armor header is not "Key: value"');
  expectEqual('armor body offset', body, headers.next);
  const scan = scanBody(data, body);
  expectEqual('armor data end', (body) + (bodyLen), scan.stop);
  expectEqual('armor checksum offset', crc, scan.crc ?? NO_CRC);
  expectEqual('armor end', end, scan.trailer);
  if (scan.error) throw badReply(scan.error);
  // Characters outside base64 are skipped, as gpg skips them; padding may be missing, as gpg allows.
  const b64 = data.toString('latin1', body, scan.stop).replace(/[^A-Za-z0-9+/]+/g, '');
  if (b64.length % 4 === 1) throw new ArmorError('the base64 of the armor is malformed');
  const packets = Buffer.from(b64, 'base64');
  if (scan.crc !== null && Buffer.from(data.toString('latin1', scan.crc, scan.crc + 4), 'base64').readUIntBE(0, 3) !== crc24(packets)) {
    throw new ArmorError('the armor checksum does not match its data');
  }
  // The handler decoded the same bytes and accounted for the packets in them: checked like any packets.
  return { kind, bytes: packets, packets: checkPacketRecords(packets, cursor) };
}

/** The input is malformed (not the handler's fault): the verification fails. */
export class ArmorError extends Error {}

const CRLF = Buffer.from('\r\n');

/**
 * The cleartext as a text signature hashes it: dash-escapes removed,
 * trailing blanks (space, tab, CR) dropped, lines joined by CR LF, no line
 * break after the last. A line starting with '-' but not '- ' cannot be
 * inside it (the handler must have ended the text there).
 */
function canonicalText(data: Buffer, start: number, end: number): Buffer {
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

function checkCleartext(data: Buffer, r: Record8, cursor: RecordCursor): ArmoredData {
  const [, mask, begin, textOff, textLen] = r as number[];
  const first = lineAt(data, begin);
  if (first.text !== '-----BEGIN PGP SIGNED MESSAGE-----') throw badReply(`no signed message starts at ${begin}`);
  const headers = headerLines(data, first.next);
  const hashes = new Set<number>();
  let bits = 0;
  for (const line of headers.lines) {
    if (!line.startsWith('Hash: ')) throw badReply(`cleartext header "${line}"`);
    for (const name of line.slice(6).split(/[ ,]+/).filter(Boolean)) {
      const id = HASH_IDS.get(name);
      if (id === undefined) throw badReply(`hash ${name}`);
      hashes.add(id);
      bits |= 1 << id;
    }
  }
  expectEqual('cleartext Hash: headers', mask, bits >>> 0);
  if (hashes.size === 0) hashes.add(1); // no Hash: header means MD5 (RFC 4880 7), which umd refuses, as gpg reads it
  expectEqual('cleartext offset', textOff, headers.next);
  const textEnd = (textOff) + (textLen);
  const armor = cursor.take(R_ARMOR);
  expectEqual('signature armor after the cleartext', armor[2], textLen === 0 ? textEnd : textEnd + 1);
  if (textLen !== 0 && data[textEnd] !== 0x0a) throw badReply('the cleartext does not end at a line break');
  const text = canonicalText(data, textOff, textEnd);
  const signature = checkArmor(data, armor, cursor, true);
  return { ...signature, cleartext: { text, hashes } };
}

/** Checks the handler's account of a text input (armor, or a cleartext signed message) and decodes it. */
export function checkText(data: Buffer, records: Record8[]): ArmoredData {
  const cursor = new RecordCursor(records);
  const first = cursor.peek();
  const result = first?.[0] === R_CLEAR ? checkCleartext(data, cursor.take(R_CLEAR), cursor) : checkArmor(data, cursor.take(R_ARMOR), cursor);
  cursor.end();
  return result;
}
