import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { startDaemon } from '../helpers/daemon.js';
import { gpgvGood } from './gpg.js';

// The real thing: this Debian machine's archive keyring and the InRelease
// files apt fetched (three signatures: two RSA 4096 subkeys, one Ed25519).

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const REMOVED = '/usr/share/keyrings/debian-archive-removed-keys.gpg';
const LISTS = '/var/lib/apt/lists';
const inReleases = existsSync(LISTS) ? readdirSync(LISTS).filter((f) => f.endsWith('_InRelease')).map((f) => `${LISTS}/${f}`) : [];
const skip = !existsSync(KEYRING) ? `${KEYRING} is absent (not Debian, or no debian-archive-keyring)` : inReleases.length === 0 ? `no InRelease under ${LISTS} (run apt-get update)` : null;

test('every InRelease on this machine verifies as gpgv says, with each signature named', async (t) => {
  if (skip) {
    t.log(`skipped: ${skip}`);
    t.pass();
    return;
  }
  const { client } = await startDaemon(t);
  for (const file of inReleases) {
    const result = await client.request('verify', { keyrings: [KEYRING], signature: file });
    t.is(result.good, gpgvGood([KEYRING], file), file);
    for (const s of result.signatures.filter((x) => x.status === 'good')) {
      t.regex(s.fingerprint ?? '', /^[0-9A-F]{40}$/);
      t.regex(s.algorithm ?? '', /^(RSA 4096|Ed25519)$/);
      t.regex(s.userId ?? '', /^Debian .*<.*@.*debian\.org>$/);
    }
  }
});

test('the removed-keys ring (72 KB) parses, and verifies none of today\'s signatures', async (t) => {
  if (skip || !existsSync(REMOVED)) {
    t.log(`skipped: ${skip ?? `${REMOVED} is absent`}`);
    t.pass();
    return;
  }
  const { client } = await startDaemon(t);
  const file = inReleases[0];
  const result = await client.request('verify', { keyrings: [REMOVED], signature: file });
  t.is(result.good, gpgvGood([REMOVED], file));
  t.true(result.signatures.every((s) => s.status === 'no-key'));
  const both = await client.request('verify', { keyrings: [REMOVED, KEYRING], signature: file, signatures: result.signatures.length });
  t.is(both.ok, gpgvGood([REMOVED, KEYRING], file) === result.signatures.length);
});
