import type { KeyMaterial } from './packet-types.js';
import { badReply, expectEqual } from './wire.js';
import type { Record8 } from './wire.js';

/** An MPI at `at` (2-byte bit count, then the bytes), ending at or before `end`. */
export function mpiAt(data: Buffer, at: number, end: number): { off: number; len: number; next: number } {
  if (at + 2 > end) throw badReply(`MPI at ${at} runs past its packet`);
  const len = (data.readUInt16BE(at) + 7) >> 3;
  if (at + 2 + len > end) throw badReply(`MPI at ${at} runs past its packet`);
  return { off: at + 2, len, next: at + 2 + len };
}

export function span(what: string, r: Record8, i: number, off: number, len: number): void {
  expectEqual(`${what} offset`, r[i], off);
  expectEqual(`${what} length`, r[i + 1], len);
}

export function checkKey(data: Buffer, start: number, body: Buffer, r: Record8): KeyMaterial {
  const end = start + body.length;
  const version = body[0] ?? 0;
  expectEqual(`key at ${start}: version`, r[1], version);
  const key: KeyMaterial = { version, created: 0, algo: 0, m1: Buffer.alloc(0), m2: Buffer.alloc(0) };
  if (version !== 4 || body.length < 6) return key;
  key.created = body.readUInt32BE(1);
  key.algo = body[5];
  expectEqual(`key at ${start}: creation time`, r[2], key.created);
  expectEqual(`key at ${start}: algorithm`, r[3], key.algo);
  let at = start + 6;
  let m1: { off: number; len: number };
  let m2 = { off: 0, len: 0 };
  if ([1, 2, 3].includes(key.algo)) {
    const n = mpiAt(data, at, end);
    const e = mpiAt(data, n.next, end);
    [m1, m2, at] = [n, e, e.next];
  } else if ([18, 19, 22].includes(key.algo)) {
    const oidLen = data[at] ?? 0;
    if (oidLen === 0 || oidLen === 0xff || at + 1 + oidLen > end) throw badReply(`key at ${start}: curve OID`);
    m1 = { off: at + 1, len: oidLen };
    const point = mpiAt(data, at + 1 + oidLen, end);
    [m2, at] = [point, point.next];
    if (key.algo === 18) at = end; // ECDH: KDF parameters follow; an encryption key, never used here
  } else if (key.algo === 27) {
    m1 = { off: at, len: 32 };
    at += 32;
  } else {
    span(`key at ${start}: material`, r, 4, 0, 0);
    return key;
  }
  if (at !== end) throw badReply(`key at ${start}: ${end - at} bytes after the key material`);
  span(`key at ${start}: first field`, r, 4, m1.off, m1.len);
  span(`key at ${start}: second field`, r, 6, m2.off, m2.len);
  key.m1 = data.subarray(m1.off, m1.off + m1.len);
  key.m2 = data.subarray(m2.off, m2.off + m2.len);
  return key;
}
