/** OpenPGP algorithm numbers (RFC 9580 section 9) and their node:crypto names. */

/** Hash algorithms the manager computes: id → node:crypto name. MD5 (1) and RIPEMD-160 (3) are refused. */
export const HASHES: ReadonlyMap<number, string> = new Map([
  [2, 'sha1'],
  [8, 'sha256'],
  [9, 'sha384'],
  [10, 'sha512'],
  [11, 'sha224'],
]);

/** The names of the cleartext framework's `Hash:` header. */
export const HASH_IDS: ReadonlyMap<string, number> = new Map([
  ['MD5', 1],
  ['SHA1', 2],
  ['RIPEMD160', 3],
  ['SHA256', 8],
  ['SHA384', 9],
  ['SHA512', 10],
  ['SHA224', 11],
]);

export const HASH_NAMES: ReadonlyMap<number, string> = new Map([...HASH_IDS].map(([name, id]) => [id, name]));

/** DER DigestInfo prefixes of EMSA-PKCS1-v1_5 (RFC 8017 section 9.2, note 1). */
export const DIGEST_INFO: ReadonlyMap<number, Buffer> = new Map([
  [2, Buffer.from('3021300906052b0e03021a05000414', 'hex')],
  [8, Buffer.from('3031300d060960864801650304020105000420', 'hex')],
  [9, Buffer.from('3041300d060960864801650304020205000430', 'hex')],
  [10, Buffer.from('3051300d060960864801650304020305000440', 'hex')],
  [11, Buffer.from('302d300d06096086480165030402040500041c', 'hex')],
]);

/** ECDSA curves by OID (hex): JWK name and coordinate size. */
export const EC_CURVES: ReadonlyMap<string, { crv: string; size: number; name: string }> = new Map([
  ['2a8648ce3d030107', { crv: 'P-256', size: 32, name: 'ECDSA P-256' }],
  ['2b81040022', { crv: 'P-384', size: 48, name: 'ECDSA P-384' }],
  ['2b81040023', { crv: 'P-521', size: 66, name: 'ECDSA P-521' }],
]);

/** The legacy EdDSA (algorithm 22) curve OID of Ed25519. */
export const ED25519_OID = '2b06010401da470f01';

export function pkAlgoName(algo: number, bits: number, curve: string | null): string {
  if (algo === 1 || algo === 3) return `RSA ${bits}`;
  if (algo === 22 || algo === 27) return 'Ed25519';
  if (algo === 19) return curve ?? 'ECDSA';
  return `algorithm ${algo}`;
}
