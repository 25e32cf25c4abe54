import { checkKey, mpiAt, span } from './check-key.js';
import type { Packet, SigPacket, Subpacket } from './packet-types.js';
import { R_KEY, R_PACKET, R_SIG, R_SIGVAL, R_SUB, RecordCursor, badReply, expectEqual } from './wire.js';
import type { Record8 } from './wire.js';

/**
 * Checks the handler's account of binary packets against the bytes it was
 * given: the packets tile the data exactly, each starts where claimed with a
 * header that says what the handler says, and every field and span of a key
 * or signature is where the format puts it. Nothing the handler says is used
 * unless the bytes agree; the result holds only views of `data`.
 */
export function checkPackets(data: Buffer, records: Record8[]): Packet[] {
  const cursor = new RecordCursor(records);
  const packets = checkPacketRecords(data, cursor);
  cursor.end();
  return packets;
}

/** checkPackets on the records from the cursor on (after an armor's, for the packets in its base64). */
export function checkPacketRecords(data: Buffer, cursor: RecordCursor): Packet[] {
  const packets: Packet[] = [];
  let at = 0;
  while (at < data.length) {
    const r = cursor.take(R_PACKET);
    const header = packetHeader(data, at);
    expectEqual(`packet at ${at}: offset`, r[2], at);
    expectEqual(`packet at ${at}: tag`, r[1], header.tag);
    expectEqual(`packet at ${at}: header length`, r[3], header.hdr);
    expectEqual(`packet at ${at}: body length`, r[4], header.len);
    const start = at + header.hdr;
    const body = data.subarray(start, start + header.len);
    const packet: Packet = { tag: header.tag, body };
    if (header.tag === 6 || header.tag === 14) packet.key = checkKey(data, start, body, cursor.take(R_KEY));
    if (header.tag === 2) packet.sig = checkSig(data, start, start + header.len, cursor, 0);
    packets.push(packet);
    at = start + header.len;
  }
  if (packets.length === 0) throw badReply('no packets');
  return packets;
}

/** Decodes a packet header (old or new format) at `at`; the handler already accepted it, so anything odd is its error. */
function packetHeader(data: Buffer, at: number): { tag: number; hdr: number; len: number } {
  const need = (n: number): void => {
    if (at + n > data.length) throw badReply(`packet header at ${at} runs past the data`);
  };
  need(2);
  const ctb = data[at];
  if ((ctb & 0x80) === 0) throw badReply(`no packet starts at ${at}`);
  let tag: number, hdr: number, len: number;
  if (ctb & 0x40) {
    tag = ctb & 0x3f;
    const first = data[at + 1];
    if (first < 192) [hdr, len] = [2, first];
    else if (first < 224) {
      need(3);
      [hdr, len] = [3, ((first - 192) << 8) + (data[at + 2]) + 192];
    } else if (first === 255) {
      need(6);
      [hdr, len] = [6, data.readUInt32BE(at + 2)];
    } else throw badReply(`partial length at ${at}`);
  } else {
    tag = (ctb >> 2) & 0x0f;
    const type = ctb & 3;
    if (type === 3) throw badReply(`indeterminate length at ${at}`);
    hdr = 1 + (1 << type);
    need(hdr);
    len = type === 0 ? (data[at + 1]) : type === 1 ? data.readUInt16BE(at + 1) : data.readUInt32BE(at + 1);
  }
  if (tag === 0 || at + hdr > data.length) throw badReply(`packet at ${at} runs past the data`);
  // A last packet whose length runs past the end is read as far as the data goes, as gpg reads it.
  return { tag, hdr, len: Math.min(len, data.length - at - hdr) };
}

function checkSig(data: Buffer, start: number, end: number, cursor: RecordCursor, depth: number): SigPacket {
  const r = cursor.take(R_SIG);
  const version = end > start ? (data[start]) : -1;
  expectEqual(`signature at ${start}: version`, r[1], version);
  const sig: SigPacket = { version, type: 0, pkAlgo: 0, hashAlgo: 0, hashedPart: Buffer.alloc(0), prefix: Buffer.alloc(0), values: [], subpackets: [] };
  if (version !== 4) return sig;
  if (start + 8 > end) throw badReply(`signature at ${start} is too short`);
  [sig.type, sig.pkAlgo, sig.hashAlgo] = [data[start + 1], data[start + 2], data[start + 3]];
  const hashedLen = data.readUInt16BE(start + 4);
  if (start + 8 + hashedLen > end) throw badReply(`signature at ${start}: hashed area runs past it`);
  const unhashedLen = data.readUInt16BE(start + 6 + hashedLen);
  const prefixAt = start + 8 + hashedLen + unhashedLen;
  if (prefixAt + 2 > end) throw badReply(`signature at ${start}: unhashed area runs past it`);
  for (const [i, value] of [sig.type, sig.pkAlgo, sig.hashAlgo, hashedLen, unhashedLen, prefixAt].entries()) {
    expectEqual(`signature at ${start}: field ${i + 2}`, r[i + 2], value);
  }
  sig.hashedPart = data.subarray(start, start + 6 + hashedLen);
  sig.prefix = data.subarray(prefixAt, prefixAt + 2);
  checkSubpackets(data, start + 6, start + 6 + hashedLen, true, cursor, depth, sig.subpackets);
  checkSubpackets(data, start + 8 + hashedLen, prefixAt, false, cursor, depth, sig.subpackets);
  const v = cursor.take(R_SIGVAL);
  let at = prefixAt + 2;
  const spans: { off: number; len: number }[] = [];
  if (sig.pkAlgo === 1 || sig.pkAlgo === 3) spans.push(mpiAt(data, at, end));
  else if (sig.pkAlgo === 19 || sig.pkAlgo === 22) {
    const rr = mpiAt(data, at, end);
    spans.push(rr, mpiAt(data, rr.next, end));
  } else if (sig.pkAlgo === 27) spans.push({ off: at, len: 64 });
  for (const s of spans) at = s.off + s.len;
  if (spans.length > 0 && at !== end) throw badReply(`signature at ${start}: ${end - at} bytes after the signature value`);
  span(`signature at ${start}: value`, v, 1, spans[0]?.off ?? 0, spans[0]?.len ?? 0);
  span(`signature at ${start}: second value`, v, 3, spans[1]?.off ?? 0, spans[1]?.len ?? 0);
  sig.values = spans.map((s) => data.subarray(s.off, s.off + s.len));
  return sig;
}

function checkSubpackets(data: Buffer, start: number, end: number, hashed: boolean, cursor: RecordCursor, depth: number, out: Subpacket[]): void {
  let at = start;
  while (at < end) {
    const r = cursor.take(R_SUB);
    const first = data[at];
    let hdr: number, len: number;
    if (first < 192) [hdr, len] = [1, first];
    else if (first < 255) [hdr, len] = [2, at + 1 < end ? ((first - 192) << 8) + (data[at + 1]) + 192 : -1];
    else [hdr, len] = [5, at + 5 <= end ? data.readUInt32BE(at + 1) : -1];
    if (len < 1 || at + hdr + len > end) throw badReply(`subpacket at ${at} runs past its area`);
    const typeOctet = data[at + hdr];
    const sub: Subpacket = { hashed, type: typeOctet & 0x7f, critical: typeOctet >= 0x80, body: data.subarray(at + hdr + 1, at + hdr + len) };
    for (const [i, value] of [hashed ? 0 : 1, at, hdr, len, sub.type, sub.critical ? 1 : 0].entries()) {
      expectEqual(`subpacket at ${at}: field ${i + 1}`, r[i + 1], value);
    }
    if (sub.type === 32 && depth === 0) sub.embedded = checkSig(data, at + hdr + 1, at + hdr + len, cursor, depth + 1);
    out.push(sub);
    at += hdr + len;
  }
}
