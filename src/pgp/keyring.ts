import { publicKey } from './keys.js';
import type { PublicKey } from './keys.js';
import type { Packet, SigPacket } from './packet-types.js';
import { SigHash, keyHashPrefix } from './sig-hash.js';
import { sigInfo } from './sig-info.js';
import type { SigInfo } from './sig-info.js';

/** A key that may have made a data signature, with what its self-signatures say about it. */
export interface SigningKey {
  key: PublicKey;
  cert: Cert;
  /** True for the primary key. */
  primary: boolean;
  /** Key flags of its binding (or the primary's self-signature); null when none says. */
  flags: number | null;
  /** Unix seconds when it expires, or null for never. */
  expires: number | null;
  revoked: boolean;
  /** Why it cannot sign at all (no valid binding, no back-signature), or null. */
  unusable: string | null;
}

export interface Cert {
  primary: PublicKey;
  /** User IDs with a valid self-signature, the primary one first. */
  userIds: string[];
  keys: SigningKey[];
}

/** Verifies a key signature over its keys (and user ID) with `signer`. */
function keySigValid(sig: SigPacket, signer: PublicKey, primary: PublicKey, other?: { subkey?: Buffer; userId?: Buffer }): boolean {
  try {
    const hash = new SigHash(sig);
    for (const part of keyHashPrefix(primary.body, other)) hash.update(part);
    return hash.verify(signer);
  } catch {
    return false;
  }
}

/** The newest of the valid signatures, by creation time. */
function newest(sigs: SigInfo[]): SigInfo | null {
  return sigs.reduce<SigInfo | null>((best, s) => (best === null || (s.created ?? 0) >= (best.created ?? 0) ? s : best), null);
}

interface Pending {
  primary: PublicKey;
  direct: SigPacket[];
  uids: { text: Buffer; sigs: SigPacket[] }[];
  subkeys: { key: PublicKey; sigs: SigPacket[] }[];
}

function finish(p: Pending): Cert {
  const { primary } = p;
  // A signature the primary key may have made: v4, no unknown critical subpacket, and every issuer it names (either area) the primary, as gpg requires of a self-signature.
  const usable = (sig: SigPacket): boolean => {
    if (sig.version !== 4) return false;
    const info = sigInfo(sig);
    const byPrimary = info.issuerFingerprints.every((f) => f === primary.fingerprint) && info.issuerKeyIds.every((k) => k === primary.keyId);
    return info.unknownCritical === null && byPrimary;
  };
  const revoked = p.direct.some((s) => s.type === 0x20 && usable(s) && keySigValid(s, primary, primary));
  const uidSigs: { text: string; info: SigInfo }[] = [];
  for (const uid of p.uids) {
    const valid = uid.sigs.filter((s) => s.type >= 0x10 && s.type <= 0x13 && usable(s) && keySigValid(s, primary, primary, { userId: uid.text }));
    const best = newest(valid.map(sigInfo));
    if (best) uidSigs.push({ text: uid.text.toString('utf8'), info: best });
  }
  uidSigs.sort((a, b) => Number(b.info.primaryUserId) - Number(a.info.primaryUserId));
  const self = newest(uidSigs.filter((u) => u.info.primaryUserId).map((u) => u.info)) ?? newest(uidSigs.map((u) => u.info));
  const cert: Cert = { primary, userIds: uidSigs.map((u) => u.text), keys: [] };
  cert.keys.push({
    key: primary,
    cert,
    primary: true,
    flags: self?.keyFlags ?? null,
    expires: self && self.keyExpires > 0 ? primary.created + self.keyExpires : null,
    revoked,
    unusable: self ? null : 'the primary key has no valid self-signature on a user ID',
  });
  for (const sub of p.subkeys) {
    const other = { subkey: sub.key.body };
    const subRevoked = sub.sigs.some((s) => s.type === 0x28 && usable(s) && keySigValid(s, primary, primary, other));
    const bindings = sub.sigs.filter((s) => s.type === 0x18 && usable(s) && keySigValid(s, primary, primary, other)).map(sigInfo);
    const binding = newest(bindings);
    let unusable: string | null = binding ? null : 'the subkey has no valid binding signature';
    if (binding && binding.keyFlags !== null && binding.keyFlags & 0x02) {
      const back = binding.embedded.some((e) => e.type === 0x19 && keySigValid(e, sub.key, primary, other));
      if (!back) unusable = 'the signing subkey has no valid primary key binding (back-signature)';
    }
    cert.keys.push({
      key: sub.key,
      cert,
      primary: false,
      flags: binding?.keyFlags ?? null,
      expires: binding && binding.keyExpires > 0 ? sub.key.created + binding.keyExpires : null,
      revoked: revoked || subRevoked,
      unusable,
    });
  }
  return cert;
}

/** Builds the certificates of a checked keyring: every binding, self-signature and revocation is verified here. */
export function buildCerts(packets: Packet[]): Cert[] {
  const certs: Cert[] = [];
  let current: Pending | null = null;
  let sigsOf: SigPacket[] | null = null;
  for (const packet of packets) {
    if (packet.tag === 6 && packet.key) {
      if (current) certs.push(finish(current));
      current = { primary: publicKey(packet.body, packet.key), direct: [], uids: [], subkeys: [] };
      sigsOf = current.direct;
    } else if (!current) {
      continue;
    } else if (packet.tag === 13) {
      const uid = { text: packet.body, sigs: [] as SigPacket[] };
      current.uids.push(uid);
      sigsOf = uid.sigs;
    } else if (packet.tag === 14 && packet.key) {
      const sub = { key: publicKey(packet.body, packet.key), sigs: [] as SigPacket[] };
      current.subkeys.push(sub);
      sigsOf = sub.sigs;
    } else if (packet.tag === 17) {
      sigsOf = null; // a user attribute: its certifications are not used
    } else if (packet.tag === 2 && packet.sig) {
      sigsOf?.push(packet.sig);
    }
  }
  if (current) certs.push(finish(current));
  return certs;
}
