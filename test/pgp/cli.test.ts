import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliEnv, umd } from '../helpers/cli.js';
import { GpgHome, gpgvGood } from './gpg.js';

// `umd verify` as a user types it: the lines, the exit codes (0, 1, 2),
// --json, --signatures, --not-before/--not-after, named errors, and a large
// file hashed as a stream.

const gpg = new GpgHome();
const work = mkdtempSync(path.join(tmpdir(), 'umd-pgp-cli-'));
const at = (name: string): string => path.join(work, name);
let fpr = '';
let fpr2 = '';

test.before(() => {
  writeFileSync(at('data'), 'Suite: stable\n');
  fpr = gpg.key('Alice <alice@example.org>', 'ed25519');
  fpr2 = gpg.key('Bob <bob@example.org>', 'rsa2048');
  gpg.keyring(at('alice.gpg'), [fpr]);
  gpg.keyring(at('bob.gpg'), [fpr2]);
  gpg.keyring(at('alice.asc'), [fpr], true);
  gpg.sign(fpr, at('data'), at('data.sig'), ['--detach-sign']);
  gpg.sign(fpr, at('data'), at('data.clear'), ['--clearsign']);
  // Two signatures in one file: Alice's and Bob's.
  gpg.run(['--local-user', `${fpr}!`, '--local-user', `${fpr2}!`, '--output', at('both.sig'), '--detach-sign', at('data')]);
  // A large file, written in pieces, signed in binary mode.
  const fd = openSync(at('big'), 'w');
  const block = createHash('sha512').update('umd').digest();
  const chunk = Buffer.concat(Array.from({ length: 16384 }, () => block)); // 1 MiB
  for (let i = 0; i < 48; i++) writeSync(fd, chunk);
  closeSync(fd);
  gpg.sign(fpr, at('big'), at('big.sig'), ['--detach-sign']);
});

test.after.always(() => {
  gpg.close();
  rmSync(work, { recursive: true, force: true });
});

test('a good detached signature: one line, exit 0', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd(env, ['verify', '--keyring', at('alice.gpg'), at('data.sig'), at('data')]);
  t.is(run.code, 0);
  t.is(run.stderr, '');
  t.regex(run.stdout, new RegExp(`^good   ${fpr}  Ed25519  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  Alice <alice@example.org>\\n$`));
});

test('a cleartext signature and an armored keyring, with --json', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd(env, ['verify', '--json', '--keyring', at('alice.asc'), at('data.clear')]);
  t.is(run.code, 0);
  const result = JSON.parse(run.stdout) as { good: number; needed: number; ok: boolean; signatures: { status: string; fingerprint: string; userId: string }[] };
  t.like(result, { good: 1, needed: 1, ok: true });
  t.like(result.signatures[0], { status: 'good', fingerprint: fpr, userId: 'Alice <alice@example.org>' });
});

test('the wrong keyring: exit 1, the line says why, stderr says how many were needed', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd(env, ['verify', '--keyring', at('bob.gpg'), at('data.sig'), at('data')]);
  t.is(run.code, 1);
  t.regex(run.stdout, /^no key {2}[0-9A-F]{40} {2}- {2}\S+ {2}\(no key in the keyrings made it\)\n$/);
  t.is(run.stderr, 'umd: verify: 0 good signatures, 1 needed\n');
});

test('--signatures N counts good signatures from the keyrings given', async (t) => {
  const { env } = cliEnv(t);
  const both = ['--keyring', at('alice.gpg'), '--keyring', at('bob.gpg'), at('both.sig'), at('data')];
  t.is((await umd(env, ['verify', '--signatures', '2', ...both])).code, 0);
  t.is((await umd(env, ['verify', '--signatures', '3', ...both])).code, 1);
  const one = await umd(env, ['verify', '--signatures', '2', '--keyring', at('alice.gpg'), at('both.sig'), at('data')]);
  t.is(one.code, 1);
  t.is(one.stdout.split('\n').filter(Boolean).length, 2);
});

test('--not-before and --not-after bound the signature\'s creation time', async (t) => {
  const { env } = cliEnv(t);
  const args = ['--keyring', at('alice.gpg'), at('data.sig'), at('data')];
  t.is((await umd(env, ['verify', '--not-before', '2000-01-01', ...args])).code, 0);
  const future = await umd(env, ['verify', '--not-before', '2100-01-01', ...args]);
  t.is(future.code, 1);
  t.regex(future.stdout, /^out of range .*\(created before --not-before 2100-01-01T00:00:00Z\)\n$/);
  const past = await umd(env, ['verify', '--not-after', '@946684800', ...args]);
  t.is(past.code, 1);
  t.regex(past.stdout, /created after --not-after 2000-01-01T00:00:00Z/);
  const bad = await umd(env, ['verify', '--not-after', 'yesterday', ...args]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^umd: verify: --not-after expected a date such as 2024-01-31/);
});

test('usage errors exit 2; missing files and non-signatures are named errors', async (t) => {
  const { env } = cliEnv(t);
  t.is((await umd(env, ['verify', at('data.sig'), at('data')])).code, 2); // no --keyring
  t.is((await umd(env, ['verify', '--keyring', at('alice.gpg')])).code, 2); // no SIGFILE
  const missing = await umd(env, ['verify', '--json', '--keyring', at('nope.gpg'), at('data.sig'), at('data')]);
  t.is(missing.code, 1);
  t.is((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, 'ENOENT');
  const noData = await umd(env, ['verify', '--json', '--keyring', at('alice.gpg'), at('data.sig')]);
  t.is(noData.code, 2);
  t.is((JSON.parse(noData.stdout) as { error: { code: string; message: string } }).error.code, 'EUSAGE');
  const notSig = await umd(env, ['verify', '--json', '--keyring', at('alice.gpg'), at('alice.gpg'), at('data')]);
  t.is(notSig.code, 1);
  t.is((JSON.parse(notSig.stdout) as { error: { code: string } }).error.code, 'ENOTSUP');
  const garbage = await umd(env, ['verify', '--json', '--keyring', at('alice.gpg'), at('data'), at('data')]);
  t.is((JSON.parse(garbage.stdout) as { error: { code: string } }).error.code, 'EBADMSG');
});

test('a keyring larger than one request is EFBIG, before anything is sent', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd(env, ['verify', '--json', '--keyring', at('big'), at('data.sig'), at('data')]);
  t.is(run.code, 1);
  t.is((JSON.parse(run.stdout) as { error: { code: string } }).error.code, 'EFBIG');
});

test('a 48 MiB file is hashed as a stream and verifies as gpgv says', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd(env, ['verify', '--keyring', at('alice.gpg'), at('big.sig'), at('big')]);
  t.is(run.code, 0);
  t.is(gpgvGood([at('alice.gpg')], at('big.sig'), at('big')), 1);
});
