import type { Cert, SigningKey } from './keyring.js';
import type { SigInfo } from './sig-info.js';
import type { SigStatus, VerifyRequest } from './verify-types.js';

/** Unix seconds as ISO 8601 UTC, to the second. */
export const iso = (t: number | null): string | null => (t === null ? null : new Date(t * 1000).toISOString().replace('.000Z', 'Z'));

/** The key a signature names: by issuer fingerprint first, then by key id. */
export function findKey(certs: Cert[], info: SigInfo): SigningKey | null {
  for (const cert of certs) {
    for (const k of cert.keys) {
      if (info.issuerFingerprints.includes(k.key.fingerprint)) return k;
    }
  }
  for (const cert of certs) {
    for (const k of cert.keys) {
      if (info.issuerKeyIds.includes(k.key.keyId)) return k;
    }
  }
  return null;
}


/** Checks a key and a signature's times against the policy; null when all is well. */
export function policy(k: SigningKey, info: SigInfo, req: VerifyRequest, now: number): { status: SigStatus; reason: string } | null {
  const created = info.created as number;
  if (k.key.unsupported) return { status: 'unsupported', reason: k.key.unsupported };
  if (k.unusable) return { status: 'not-signing-key', reason: k.unusable };
  if (k.revoked) return { status: 'revoked-key', reason: `key ${k.key.fingerprint} is revoked` };
  if (k.flags !== null && (k.flags & 0x02) === 0) return { status: 'not-signing-key', reason: `key ${k.key.fingerprint} is not marked for signing` };
  if (!k.primary && k.flags === null) return { status: 'not-signing-key', reason: `subkey ${k.key.fingerprint} has no key flags` };
  const primary = k.cert.keys[0];
  for (const key of k.primary ? [k] : [k, primary]) {
    if (key.unusable) return { status: 'not-signing-key', reason: key.unusable };
    if (key.revoked) return { status: 'revoked-key', reason: `key ${key.key.fingerprint} is revoked` };
    // As sqv: the key must have been alive when it signed (gpgv also rejects a key expired since).
    if (key.expires !== null && key.expires <= created) {
      return { status: 'expired-key', reason: `key ${key.key.fingerprint} expired ${iso(key.expires)}` };
    }
  }
  if (created < k.key.created) return { status: 'bad', reason: 'the signature is older than its key' };
  if (info.sigExpires > 0 && created + info.sigExpires <= now) return { status: 'expired-signature', reason: `the signature expired ${iso(created + info.sigExpires)}` };
  if (req.notBefore !== undefined && created < req.notBefore) return { status: 'out-of-range', reason: `created before --not-before ${iso(req.notBefore)}` };
  const notAfter = req.notAfter ?? now;
  if (created > notAfter) return { status: 'out-of-range', reason: `created after ${req.notAfter === undefined ? 'now' : `--not-after ${iso(notAfter)}`}` };
  return null;
}
