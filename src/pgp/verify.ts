import { UmdError } from '../core/errors.js';
import { HASH_NAMES } from './algorithms.js';
import { isArmored, parsePackets, parseText } from './exchange.js';
import type { PgpExchange } from './exchange.js';
import { buildCerts } from './keyring.js';
import type { Cert, SigningKey } from './keyring.js';
import type { Packet, SigPacket } from './packet-types.js';
import { SigHash } from './sig-hash.js';
import { sigInfo } from './sig-info.js';
import type { SigInfo } from './sig-info.js';
import { TextCanonicalizer } from './text-stream.js';
import type { SignatureResult, SigStatus, VerifyRequest, VerifyResult } from './verify-types.js';
import { findKey, iso, policy } from './policy.js';

/** Parses a keyring (binary or armored) in the handler and builds its certificates on the trusted side. */
export async function loadKeyring(exchange: PgpExchange, bytes: Buffer, name: string): Promise<Cert[]> {
  if (!isArmored(bytes)) return buildCerts(await parsePackets(exchange, bytes, `keyring ${name}`));
  const armored = await parseText(exchange, bytes, `keyring ${name}`);
  if (armored.kind !== 2) throw new UmdError('EBADMSG', `pgp: keyring ${name} is armored, but not a public key block`);
  return buildCerts(armored.packets);
}

interface Pending {
  sig: SigPacket;
  info: SigInfo;
  hash: SigHash | null;
  /** Set when the signature is already known not to be good. */
  verdict: { status: SigStatus; reason: string } | null;
  text: TextCanonicalizer | null;
}

function prepare(sig: SigPacket, cleartext: { hashes: Set<number> } | undefined): Pending {
  const info = sigInfo(sig);
  const pending: Pending = { sig, info, hash: null, verdict: null, text: null };
  const unsupported = (reason: string): Pending => ({ ...pending, verdict: { status: 'unsupported', reason } });
  if (sig.version !== 4) return unsupported(`version ${sig.version} signatures are not supported`);
  if (sig.type !== 0x00 && sig.type !== 0x01) return { ...pending, verdict: { status: 'bad', reason: `signature type 0x${sig.type.toString(16)} is not a signature over data` } };
  if (info.unknownCritical !== null) return { ...pending, verdict: { status: 'bad', reason: `unknown critical subpacket ${info.unknownCritical}` } };
  if (info.created === null) return { ...pending, verdict: { status: 'bad', reason: 'no creation time' } };
  if (sig.hashAlgo === 2) return unsupported('SHA-1 data signatures are refused');
  if (cleartext && !cleartext.hashes.has(sig.hashAlgo)) {
    return { ...pending, verdict: { status: 'bad', reason: 'the signature hash is not one of the message\'s Hash: headers' } };
  }
  try {
    pending.hash = new SigHash(sig);
  } catch (error) {
    return unsupported((error as Error).message);
  }
  if (sig.type === 0x01 && !cleartext) pending.text = new TextCanonicalizer();
  return pending;
}

/**
 * Verifies a detached signature over a stream, or a cleartext signed
 * message, against certificates already built. The handler parses; the
 * manager checked its account, computes every digest and verifies.
 */
export async function verifySignatures(exchange: PgpExchange, certs: Cert[], req: VerifyRequest): Promise<VerifyResult> {
  const { bytes, name } = req.signature;
  const now = req.now ?? Math.floor(Date.now() / 1000);
  let packets: Packet[];
  let cleartext: { text: Buffer; hashes: Set<number> } | undefined;
  if (isArmored(bytes)) {
    const armored = await parseText(exchange, bytes, `signature ${name}`);
    if (armored.kind === 2) throw new UmdError('EBADMSG', `pgp: ${name} is a public key block, not a signature`);
    packets = armored.packets;
    cleartext = armored.cleartext;
  } else {
    if (!req.data) throw usage(`${name} is a detached signature: give the file it signs`);
    packets = await parsePackets(exchange, bytes, `signature ${name}`);
  }
  if (cleartext && req.data) throw usage(`${name} is a cleartext signed message: it carries its own data, so give no data file`);
  if (!cleartext && !req.data) throw usage(`${name} is a detached signature: give the file it signs`);
  const other = packets.find((p) => p.tag !== 2 && p.tag !== 10);
  if (other) {
    throw new UmdError('ENOTSUP', `pgp: ${name} holds a packet of type ${other.tag}: umd verify checks detached and cleartext signatures only`, {
      suggestions: ['Make a detached signature (gpg --detach-sign) or a cleartext one (gpg --clearsign)'],
    });
  }
  const pending = packets.flatMap((p) => (p.sig ? [prepare(p.sig, cleartext)] : []));
  if (pending.length === 0) throw new UmdError('EBADMSG', `pgp: ${name} holds no signature`);
  await hashData(pending, cleartext?.text, req.data);
  const signatures = pending.map((p) => result(p, certs, req, now));
  const good = signatures.filter((s) => s.status === 'good').length;
  const needed = req.signatures ?? 1;
  return { good, needed, ok: good >= needed, signatures };
}

/**
 * Feeds the data to every signature's hash: once per hash algorithm and
 * mode (binary or text), shared by copying the state; ECDSA signatures get
 * the data themselves (node:crypto's verifier streams it).
 */
async function hashData(pending: Pending[], cleartext: Buffer | undefined, data: VerifyRequest['data']): Promise<void> {
  const feeders = new Map<string, { hash: SigHash; text: TextCanonicalizer | null; members: Pending[] }>();
  pending.forEach((p, i) => {
    if (!p.hash) return;
    const key = p.hash.shareable ? `${p.sig.hashAlgo}:${p.text ? 'text' : 'binary'}` : `ecdsa:${i}`;
    const feeder = feeders.get(key);
    if (feeder) feeder.members.push(p);
    else feeders.set(key, { hash: p.hash, text: p.text, members: [p] });
  });
  const all = [...feeders.values()];
  if (cleartext) for (const f of all) f.hash.update(cleartext);
  else if (data) {
    for await (const chunk of data.open()) {
      for (const f of all) f.hash.update(f.text ? f.text.push(chunk as Buffer) : (chunk as Buffer));
    }
    for (const f of all) if (f.text) f.hash.update(f.text.end());
  }
  for (const f of all) {
    for (const p of f.members) if (p.hash !== f.hash) p.hash = f.hash.forSig(p.sig);
  }
}

function result(p: Pending, certs: Cert[], req: VerifyRequest, now: number): SignatureResult {
  const k = findKey(certs, p.info);
  const out: SignatureResult = {
    status: 'good',
    reason: null,
    fingerprint: k?.key.fingerprint ?? p.info.issuerFingerprints[0] ?? null,
    primaryFingerprint: k?.cert.primary.fingerprint ?? null,
    keyId: k?.key.keyId ?? p.info.issuerKeyIds[0] ?? p.info.issuerFingerprints[0]?.slice(-16) ?? null,
    algorithm: k?.key.algorithm ?? null,
    hash: HASH_NAMES.get(p.sig.hashAlgo) ?? (p.sig.version === 4 ? `hash ${p.sig.hashAlgo}` : null),
    created: iso(p.info.created),
    userId: k?.cert.userIds[0] ?? null,
  };
  const verdict = p.verdict ?? (k ? policy(k, p.info, req, now) : { status: 'no-key' as const, reason: 'no key in the keyrings made it' });
  if (verdict) return { ...out, ...verdict };
  if (!p.hash?.verify(k?.key as SigningKey['key'])) return { ...out, status: 'bad', reason: 'the signature does not match the data' };
  return out;
}

/** A signature file and a data file that do not go together: a usage error (exit status 2). */
function usage(message: string): UmdError {
  return new UmdError('EUSAGE', `pgp: ${message}`, { suggestions: ['umd verify --keyring KEYRING SIGFILE [FILE]'] });
}
