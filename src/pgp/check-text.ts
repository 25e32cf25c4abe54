import { NO_CRC, R_ARMOR, R_CLEAR, RecordCursor, badReply, expectEqual } from './wire.js';
import type { Record8 } from './wire.js';
import { HASH_IDS } from './algorithms.js';
import { checkPacketRecords } from './check-packets.js';
import type { Packet } from './packet-types.js';
import { canonicalText, crc24, lineAt, scanBody } from './text-scan.js';

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

/**
 * Where an armor's base64 starts: after its header lines ("Key: value") and
 * the blank line; as gpg 2.2 reads it, a line that is not a header also
 * ends them, and is the first line of the base64 (after a cleartext gpg
 * refuses it).
 */
function armorBody(data: Buffer, at: number, afterCleartext: boolean): number {
  for (;;) {
    if (at >= data.length) throw badReply('armor headers run to the end of the data');
    const line = lineAt(data, at);
    if (line.text === '') return line.next;
    if (!headerLine(line.text)) {
      if (afterCleartext) throw badReply('an invalid armor header after a cleartext, which gpg refuses');
      return at;
    }
    at = line.next;
  }
}

/** After a cleartext, any line of five dashes starts the signature's armor, as gpg reads it. */
function checkArmor(data: Buffer, r: Record8, cursor: RecordCursor, afterCleartext = false): ArmoredData {
  const [, kind, begin, body, bodyLen, crc, end] = r as number[];
  const beginText = BEGIN[kind];
  if (beginText === undefined || (afterCleartext && kind !== 1)) throw badReply(`armor kind ${kind}`);
  const first = lineAt(data, begin);
  if (afterCleartext ? !first.text.startsWith('-----') : first.text !== beginText) throw badReply(`no ${beginText} line at ${begin}`);
  expectEqual('armor body offset', body, armorBody(data, first.next, afterCleartext));
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

/** An armor header line as gpg 2.2 takes it: its first ':' ends the (trimmed) line or is followed by a space. */
function headerLine(line: string): boolean {
  const colon = line.indexOf(':');
  return colon !== -1 && (colon === line.length - 1 || line[colon + 1] === ' ');
}

/** The input is malformed (not the handler's fault): the verification fails. */
export class ArmorError extends Error {}

function checkCleartext(data: Buffer, r: Record8, cursor: RecordCursor): ArmoredData {
  const [, mask, begin, textOff, textLen] = r as number[];
  const first = lineAt(data, begin);
  if (first.text !== '-----BEGIN PGP SIGNED MESSAGE-----') throw badReply(`no signed message starts at ${begin}`);
  const headers = headerLines(data, first.next);
  const hashes = new Set<number>();
  let bits = 0;
  for (const line of headers.lines) {
    // As gpg reads it: "Hash:", names separated by commas (blanks around them allowed), at most 60 characters.
    if (!headerLine(line) || !line.startsWith('Hash:') || line.length > 60 || !/^[ \t]*([^ \t,]+[ \t]*(,[ \t]*|$))*$/.test(line.slice(5))) throw badReply(`cleartext header "${line}"`);
    const names = line.slice(5).split(',').map((n) => n.trim()).filter(Boolean);
    if (names.length === 0) throw badReply('a Hash: header with no names');
    for (const name of names) {
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
