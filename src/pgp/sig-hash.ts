import { constants, createHash, createVerify, publicDecrypt, verify as edVerify } from 'node:crypto';
import type { Hash, Verify } from 'node:crypto';
import { DIGEST_INFO, EC_CURVES, HASHES } from './algorithms.js';
import type { PublicKey } from './keys.js';
import type { SigPacket } from './packet-types.js';

/**
 * One signature's hash over its data, fed in pieces (a file is hashed as a
 * stream), then closed with the v4 trailer and checked against a key with
 * node:crypto. The manager computes every digest itself.
 */
export class SigHash {
  readonly #hash: Hash;
  /** ECDSA is checked by node:crypto's own streaming verifier, fed the same bytes. */
  readonly #ecdsa: Verify | null;

  constructor(
    readonly sig: SigPacket,
    state?: Hash,
  ) {
    const name = HASHES.get(sig.hashAlgo);
    if (name === undefined) throw new Error(`hash algorithm ${sig.hashAlgo} is not supported`);
    this.#hash = state ?? createHash(name);
    this.#ecdsa = sig.pkAlgo === 19 ? createVerify(name) : null;
  }

  /** Whether the data's hash can be shared with other signatures of the same hash (ECDSA needs a verifier fed with the data). */
  get shareable(): boolean {
    return this.#ecdsa === null;
  }

  /** This hash's state so far, for another signature with the same hash algorithm: the data is hashed once. */
  forSig(sig: SigPacket): SigHash {
    return new SigHash(sig, this.#hash.copy());
  }

  update(chunk: Buffer): this {
    this.#hash.update(chunk);
    this.#ecdsa?.update(chunk);
    return this;
  }

  /** Closes the hash with the trailer (hashed part, 0x04 0xFF, its length) and verifies with `key`. */
  verify(key: PublicKey): boolean {
    const hashed = this.sig.hashedPart;
    const trailer = Buffer.alloc(6);
    trailer[0] = 0x04;
    trailer[1] = 0xff;
    trailer.writeUInt32BE(hashed.length, 2);
    this.update(hashed).update(trailer);
    const digest = this.#hash.digest();
    if (!key.key || key.algo !== this.sig.pkAlgo && !(key.algo === 3 && this.sig.pkAlgo === 1) && !(key.algo === 1 && this.sig.pkAlgo === 3)) return false;
    // The digest's left 16 bits (sig.prefix) are only a quick check: gpgv and sqv verify without them, and so does umd.
    const [v1, v2] = this.sig.values;
    if (v1 === undefined) return false;
    try {
      switch (this.sig.pkAlgo) {
        case 1:
        case 3:
          return this.#rsa(key, digest, v1);
        case 19:
          return this.#ecdsaCheck(key, v1, v2);
        case 22:
          return v2 !== undefined && v1.length <= 32 && v2.length <= 32 && edVerify(null, digest, key.key, Buffer.concat([pad(v1, 32), pad(v2, 32)]));
        case 27:
          return edVerify(null, digest, key.key, v1);
        default:
          return false;
      }
    } catch {
      return false;
    }
  }

  #rsa(key: PublicKey, digest: Buffer, s: Buffer): boolean {
    const size = Math.ceil((key.key?.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    const prefix = DIGEST_INFO.get(this.sig.hashAlgo);
    if (!key.key || !prefix || s.length > size) return false;
    const decoded = publicDecrypt({ key: key.key, padding: constants.RSA_PKCS1_PADDING }, pad(s, size));
    return decoded.equals(Buffer.concat([prefix, digest]));
  }

  #ecdsaCheck(key: PublicKey, r: Buffer, s: Buffer | undefined): boolean {
    const size = [...EC_CURVES.values()].find((c) => c.name === key.algorithm)?.size;
    if (!key.key || !this.#ecdsa || s === undefined || size === undefined || r.length > size || s.length > size) return false;
    return this.#ecdsa.verify({ key: key.key, dsaEncoding: 'ieee-p1363' }, Buffer.concat([pad(r, size), pad(s, size)]));
  }
}

function pad(b: Buffer, size: number): Buffer {
  return b.length >= size ? b : Buffer.concat([Buffer.alloc(size - b.length), b]);
}

/** The bytes a key signature hashes before its trailer: the key(s), or the key and a user ID (RFC 9580 5.2.4). */
export function keyHashPrefix(primary: Buffer, other?: { subkey?: Buffer; userId?: Buffer }): Buffer[] {
  const keyPart = (body: Buffer): Buffer[] => [Buffer.from([0x99, body.length >> 8, body.length & 0xff]), body];
  const parts = keyPart(primary);
  if (other?.subkey) parts.push(...keyPart(other.subkey));
  if (other?.userId) {
    const head = Buffer.alloc(5);
    head[0] = 0xb4;
    head.writeUInt32BE(other.userId.length, 1);
    parts.push(head, other.userId);
  }
  return parts;
}
