import test from 'ava';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { tempDir } from '../helpers/runtime.js';

// Ed25519 as RFC 9580 writes it (algorithm 27: the raw 32-byte key and a
// 64-byte signature, no MPIs), in v4 packets. gpg 2.2 cannot make these, so
// the test builds them here, byte by byte, and signs with node:crypto.

function packet(tag: number, body: Buffer): Buffer {
  const len = body.length < 192 ? Buffer.from([body.length]) : Buffer.from([((body.length - 192) >> 8) + 192, (body.length - 192) & 0xff]);
  return Buffer.concat([Buffer.from([0xc0 | tag]), len, body]);
}

function sub(type: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([data.length + 1, type]), data]);
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function v4sig(type: number, fpr: Buffer, created: number, prefix: Buffer[], privateKey: Parameters<typeof sign>[2], flags?: number): Buffer {
  const hashed = Buffer.concat([sub(2, u32(created)), sub(33, Buffer.concat([Buffer.from([4]), fpr])), ...(flags === undefined ? [] : [sub(27, Buffer.from([flags]))])]);
  const head = Buffer.concat([Buffer.from([4, type, 27, 10, hashed.length >> 8, hashed.length & 0xff]), hashed]);
  const digest = createHash('sha512').update(Buffer.concat([...prefix, head, Buffer.from([4, 0xff]), u32(head.length)])).digest();
  const value = sign(null, digest, privateKey);
  return packet(2, Buffer.concat([head, Buffer.from([0, 0]), digest.subarray(0, 2), value]));
}

test('v4 keys and signatures with Ed25519 of algorithm 27 verify, and a tampered one does not', async (t) => {
  const dir = tempDir(t);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from((publicKey.export({ format: 'jwk' }).x as string), 'base64url');
  const created = Math.floor(Date.now() / 1000) - 3600;
  const keyBody = Buffer.concat([Buffer.from([4]), u32(created), Buffer.from([27]), raw]);
  const keyPrefix = Buffer.concat([Buffer.from([0x99, keyBody.length >> 8, keyBody.length & 0xff]), keyBody]);
  const fpr = createHash('sha1').update(keyPrefix).digest();
  const uid = Buffer.from('Native <native@example.org>');
  const selfSig = v4sig(0x13, fpr, created, [keyPrefix, Buffer.from([0xb4]), u32(uid.length), uid], privateKey, 0x03);
  const keyring = path.join(dir, 'native.gpg');
  writeFileSync(keyring, Buffer.concat([packet(6, keyBody), packet(13, uid), selfSig]));
  const data = Buffer.from('Suite: stable\n');
  writeFileSync(path.join(dir, 'data'), data);
  writeFileSync(path.join(dir, 'data.sig'), v4sig(0x00, fpr, created + 60, [data], privateKey));
  writeFileSync(path.join(dir, 'other'), Buffer.from('Suite: stab1e\n'));

  const { client } = await startDaemon(t);
  const good = await client.request('verify', { keyrings: [keyring], signature: path.join(dir, 'data.sig'), data: path.join(dir, 'data') });
  t.is(good.good, 1);
  t.like(good.signatures[0], { status: 'good', algorithm: 'Ed25519', hash: 'SHA512', fingerprint: fpr.toString('hex').toUpperCase(), userId: 'Native <native@example.org>' });
  const bad = await client.request('verify', { keyrings: [keyring], signature: path.join(dir, 'data.sig'), data: path.join(dir, 'other') });
  t.is(bad.signatures[0]?.status, 'bad');
});
