import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ED25519_OID, EC_CURVES, pkAlgoName } from './algorithms.js';
import type { KeyMaterial } from './packet-types.js';

/** A v4 public key as the manager built it: fingerprint computed, key object made by node:crypto. */
export interface PublicKey {
  fingerprint: string;
  keyId: string;
  created: number;
  algo: number;
  /** e.g. `RSA 4096`, `Ed25519`, `ECDSA P-256`. */
  algorithm: string;
  /** The packet body, as the fingerprint and binding signatures hash it. */
  body: Buffer;
  /** Null when the algorithm or curve is not supported: such a key never verifies anything. */
  key: KeyObject | null;
  /** Why `key` is null. */
  unsupported: string | null;
}

const b64url = (b: Buffer): string => b.toString('base64url');

/** Drops the leading zero bytes a malformed MPI might carry. */
function unsigned(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function makeKey(m: KeyMaterial): { key: KeyObject; bits: number; curve: string | null } {
  if (m.algo === 1 || m.algo === 3) {
    const n = unsigned(m.m1);
    const jwk = { kty: 'RSA', n: b64url(n), e: b64url(unsigned(m.m2)) };
    const bits = n.length * 8 - Math.clz32(n[0] ?? 0) + 24;
    return { key: createPublicKey({ key: jwk, format: 'jwk' }), bits, curve: null };
  }
  if (m.algo === 19) {
    const curve = EC_CURVES.get(m.m1.toString('hex'));
    if (!curve) throw new Error(`ECDSA curve OID ${m.m1.toString('hex')} is not supported`);
    if (m.m2.length !== 1 + 2 * curve.size || m.m2[0] !== 0x04) throw new Error('ECDSA point is not an uncompressed point');
    const x = m.m2.subarray(1, 1 + curve.size);
    const y = m.m2.subarray(1 + curve.size);
    return { key: createPublicKey({ key: { kty: 'EC', crv: curve.crv, x: b64url(x), y: b64url(y) }, format: 'jwk' }), bits: 0, curve: curve.name };
  }
  let raw: Buffer;
  if (m.algo === 22) {
    if (m.m1.toString('hex') !== ED25519_OID) throw new Error(`EdDSA curve OID ${m.m1.toString('hex')} is not supported`);
    if (m.m2.length !== 33 || m.m2[0] !== 0x40) throw new Error('EdDSA point is not a 0x40-prefixed Ed25519 key');
    raw = m.m2.subarray(1);
  } else if (m.algo === 27) raw = m.m1;
  else throw new Error(`public-key algorithm ${m.algo} is not supported`);
  return { key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' }), bits: 0, curve: null };
}

/** Builds a key from a checked key packet: v4 fingerprint SHA-1(0x99 || len || body), key id its last 8 bytes. */
export function publicKey(body: Buffer, m: KeyMaterial): PublicKey {
  const head = Buffer.from([0x99, body.length >> 8, body.length & 0xff]);
  const fingerprint = createHash('sha1').update(head).update(body).digest('hex').toUpperCase();
  const base = { fingerprint, keyId: fingerprint.slice(-16), created: m.created, algo: m.algo, body };
  if (m.version !== 4 || body.length > 0xffff) {
    return { ...base, algorithm: `v${m.version} key`, key: null, unsupported: `version ${m.version} keys are not supported` };
  }
  try {
    const { key, bits, curve } = makeKey(m);
    return { ...base, algorithm: pkAlgoName(m.algo, bits, curve), key, unsupported: null };
  } catch (error) {
    return { ...base, algorithm: pkAlgoName(m.algo, 0, null), key: null, unsupported: (error as Error).message };
  }
}
