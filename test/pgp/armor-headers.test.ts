import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { GpgHome, gpgvGood } from './gpg.js';

// Armor and cleartext header lines, the way gpg 2.2 reads them: the first
// ':' ends the line or is followed by a space; `Hash:` takes names
// separated by commas. umd must count what gpgv counts for each variant.

const gpg = new GpgHome();
const work = mkdtempSync(path.join(tmpdir(), 'umd-pgp-hdr-'));
const at = (name: string): string => path.join(work, name);

test.before(() => {
  writeFileSync(at('data'), 'Suite: stable\n');
  const fpr = gpg.key('Hdr <hdr@example.org>', 'ed25519');
  gpg.keyring(at('k.gpg'), [fpr]);
  gpg.sign(fpr, at('data'), at('data.asc'), ['--armor', '--detach-sign']);
  gpg.sign(fpr, at('data'), at('data.clear'), ['--clearsign', '--digest-algo', 'SHA256']);
});

test.after.always(() => {
  gpg.close();
  rmSync(work, { recursive: true, force: true });
});

const ARMOR_HEADERS = ['Comment:', 'Comment: x', 'Comment:  x', 'Comment :x', 'x: y', ': y', 'Comment:\tx', 'Comment:x', 'no colon'];
const HASH_HEADERS = ['Hash: SHA256', 'Hash:  SHA256', 'Hash: SHA256 ', 'Hash:\tSHA256', 'Hash:SHA256', 'Hash:', 'Hash: SHA256 SHA1', 'Hash: SHA1,SHA256', 'Hash: SHA512, SHA256', 'Hash: SHA256,', 'Hash: SHA512', 'Hash: sha256'];

test('armor and Hash: header lines: umd counts what gpgv counts', async (t) => {
  const { client } = await startDaemon(t);
  const armored = readFileSync(at('data.asc'), 'utf8');
  const clear = readFileSync(at('data.clear'), 'utf8');
  const disagreements: string[] = [];
  const compare = async (label: string, text: string, data?: string) => {
    writeFileSync(at('m'), text);
    const expected = gpgvGood([at('k.gpg')], at('m'), data);
    const good = await client.request('verify', { keyrings: [at('k.gpg')], signature: at('m'), ...(data ? { data } : {}) }).then(
      (r) => r.good,
      () => 0,
    );
    if (good !== expected) disagreements.push(`${label}: umd ${good}, gpgv ${expected}`);
  };
  for (const line of ARMOR_HEADERS) await compare(`armor header ${JSON.stringify(line)}`, armored.replace('-----\n', `-----\n${line}\n`), at('data'));
  for (const line of HASH_HEADERS) await compare(JSON.stringify(line), clear.replace(/^Hash: .*$/m, line));
  t.deepEqual(disagreements, []);
});
