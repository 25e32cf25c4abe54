import type { Readable } from 'node:stream';

/** Why a signature is not good; `good` when it is. */
export type SigStatus =
  | 'good'
  | 'bad' // the cryptographic check failed
  | 'no-key' // no key in the keyrings made it
  | 'expired-key'
  | 'revoked-key'
  | 'not-signing-key' // the key may not sign data (key flags), or lacks a valid binding
  | 'expired-signature'
  | 'out-of-range' // created before --not-before or after --not-after
  | 'unsupported'; // an algorithm, hash or version umd does not verify

export interface SignatureResult {
  status: SigStatus;
  /** What is wrong, in words; null when good. */
  reason: string | null;
  /** The key that made it (subkey or primary), upper-case hex; null when unknown. */
  fingerprint: string | null;
  primaryFingerprint: string | null;
  keyId: string | null;
  /** e.g. `RSA 4096`, `Ed25519`. */
  algorithm: string | null;
  hash: string | null;
  /** Creation time, ISO 8601 UTC; null when the signature has none. */
  created: string | null;
  /** The key's primary user ID. */
  userId: string | null;
}

export interface VerifyResult {
  /** Signatures that are good. */
  good: number;
  /** How many were needed (`--signatures`). */
  needed: number;
  ok: boolean;
  signatures: SignatureResult[];
}

export interface VerifyRequest {
  signature: { name: string; bytes: Buffer };
  /** A detached signature's data, read as a stream; absent for a cleartext signed message. */
  data?: { name: string; open(): Readable };
  /** Reference time and the window a signature's creation must fall in (Unix seconds). */
  now?: number;
  notBefore?: number;
  notAfter?: number;
  /** Good signatures needed (default 1). */
  signatures?: number;
}
