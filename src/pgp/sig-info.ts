import type { SigPacket } from './packet-types.js';

/** Subpacket types the manager understands; a critical one of any other type, in either area, makes a signature invalid (RFC 9580 5.2.3.7; gpg checks both areas). */
const KNOWN = new Set([2, 3, 4, 7, 9, 11, 12, 16, 21, 22, 23, 25, 26, 27, 30, 31, 32, 33, 34, 39]);

/** What a checked signature's subpackets say. Times are Unix seconds; expirations are 0 for never. */
export interface SigInfo {
  created: number | null;
  sigExpires: number;
  keyExpires: number;
  /** Key flags' first octet; null when there is no key flags subpacket. */
  keyFlags: number | null;
  primaryUserId: boolean;
  /** Issuer key ids and fingerprints (upper-case hex), from either area. */
  issuerKeyIds: string[];
  issuerFingerprints: string[];
  /** A subpacket marked critical that the manager does not understand. */
  unknownCritical: number | null;
  /** The primary key binding signature a signing subkey's binding must embed. */
  embedded: SigPacket[];
}

export function sigInfo(sig: SigPacket): SigInfo {
  const info: SigInfo = { created: null, sigExpires: 0, keyExpires: 0, keyFlags: null, primaryUserId: false, issuerKeyIds: [], issuerFingerprints: [], unknownCritical: null, embedded: [] };
  for (const sub of sig.subpackets) {
    const b = sub.body;
    if (sub.type === 16 && b.length === 8) info.issuerKeyIds.push(b.toString('hex').toUpperCase());
    if (sub.type === 33 && b.length === 21 && b[0] === 4) info.issuerFingerprints.push(b.subarray(1).toString('hex').toUpperCase());
    if (sub.type === 32 && sub.embedded) info.embedded.push(sub.embedded);
    // gpg refuses an unknown critical subpacket in either area, and so does umd.
    if (sub.critical && !KNOWN.has(sub.type)) info.unknownCritical ??= sub.type;
    if (!sub.hashed) continue;
    if (sub.type === 2 && b.length === 4) info.created = b.readUInt32BE(0);
    if (sub.type === 3 && b.length === 4) info.sigExpires = b.readUInt32BE(0);
    if (sub.type === 9 && b.length === 4) info.keyExpires = b.readUInt32BE(0);
    if (sub.type === 27 && b.length >= 1) info.keyFlags = b[0];
    if (sub.type === 25 && b.length === 1) info.primaryUserId = b[0] !== 0;
  }
  return info;
}
