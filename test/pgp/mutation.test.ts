import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { GpgHome, gpgvGood } from './gpg.js';

// Seeded mutations of real signatures and data: whatever umd says must be
// what gpgv says (a mutation of an unhashed part may still verify, for
// both), and the daemon keeps serving. The seed is printed on failure.

const gpg = new GpgHome();
const work = mkdtempSync(path.join(tmpdir(), 'umd-pgp-mut-'));
const at = (name: string): string => path.join(work, name);
const SEED = Number(process.env.UMD_MUTATION_SEED ?? 20261201);

/** xorshift32: the same mutations for the same seed. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

function mutate(input: Buffer, next: (n: number) => number): Buffer {
  const out = Buffer.from(input);
  switch (next(4)) {
    case 0: // flip one bit
      out[next(out.length)] ^= 1 << next(8);
      return out;
    case 1: // overwrite a byte
      out[next(out.length)] = next(256);
      return out;
    case 2: // truncate
      return out.subarray(0, next(out.length));
    default: {
      // duplicate a slice somewhere else
      const from = next(out.length);
      const len = 1 + next(16);
      const to = next(out.length);
      return Buffer.concat([out.subarray(0, to), out.subarray(from, from + len), out.subarray(to)]);
    }
  }
}

test.before(() => {
  writeFileSync(at('data'), 'Suite: stable\nCodename: bookworm\n- dashed\n');
  for (const [name, algo] of [['rsa', 'rsa2048'], ['ed', 'ed25519'], ['ec', 'nistp256']]) {
    const fpr = gpg.key(`${name} <${name}@example.org>`, algo);
    gpg.keyring(at(`${name}.gpg`), [fpr]);
    gpg.sign(fpr, at('data'), at(`${name}.sig`), ['--detach-sign']);
    gpg.sign(fpr, at('data'), at(`${name}.asc`), ['--armor', '--detach-sign']);
    gpg.sign(fpr, at('data'), at(`${name}.clear`), ['--clearsign']);
  }
});

test.after.always(() => {
  gpg.close();
  rmSync(work, { recursive: true, force: true });
});

test(`mutated signatures and data: umd's verdict is gpgv's, and the daemon survives (seed ${SEED})`, async (t) => {
  const { client } = await startDaemon(t);
  const next = rng(SEED);
  const disagreements: string[] = [];
  let goodMutants = 0;
  for (let i = 0; i < 240; i++) {
    const name = ['rsa', 'ed', 'ec'][i % 3];
    const kind = ['sig', 'asc', 'clear', 'data'][next(4)];
    const ring = at(`${name}.gpg`);
    const sigFile = kind === 'data' ? at(`${name}.sig`) : at(`m.${kind}`);
    const dataFile = kind === 'data' ? at('m.data') : at('data');
    const source = kind === 'data' ? at('data') : at(`${name}.${kind}`);
    writeFileSync(kind === 'data' ? dataFile : sigFile, mutate(readFileSync(source), next));
    const detached = kind !== 'clear';
    const expected = gpgvGood([ring], sigFile, detached ? dataFile : undefined);
    let good = 0;
    try {
      good = (await client.request('verify', { keyrings: [ring], signature: sigFile, ...(detached ? { data: dataFile } : {}) })).good;
    } catch (error) {
      // A refused input (malformed, unsupported) is a verdict of 0.
      t.regex((error as { code?: string }).code ?? '', /^E(BADMSG|NOTSUP|INVAL)$/);
    }
    if (good !== expected) {
      disagreements.push(`mutation ${i} (${name} ${kind}): umd ${good}, gpgv ${expected}`);
      if (process.env.UMD_MUTATION_KEEP) writeFileSync(`${process.env.UMD_MUTATION_KEEP}/${i}.${kind}`, readFileSync(kind === "data" ? dataFile : sigFile));
    }
    goodMutants += good;
  }
  t.deepEqual(disagreements, []);
  t.log(`${goodMutants} mutants still verified, for gpgv too`);
  // Still serving: the originals verify.
  const after = await client.request('verify', { keyrings: [at('ed.gpg')], signature: at('ed.clear') });
  t.is(after.good, 1);
});

test('mutations of a real Debian InRelease never verify unless gpgv agrees', async (t) => {
  const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
  const lists = '/var/lib/apt/lists';
  const file = existsSync(lists) ? readdirSync(lists).find((f) => f.endsWith('_InRelease')) : undefined;
  if (!existsSync(keyring) || !file) {
    t.log('skipped: no Debian keyring or InRelease here');
    t.pass();
    return;
  }
  const { client } = await startDaemon(t);
  const original = readFileSync(path.join(lists, file));
  const next = rng(SEED + 1);
  const disagreements: string[] = [];
  for (let i = 0; i < 80; i++) {
    writeFileSync(at('InRelease'), mutate(original, next));
    const expected = gpgvGood([keyring], at('InRelease'));
    const good = await client.request('verify', { keyrings: [keyring], signature: at('InRelease') }).then(
      (r) => r.good,
      () => 0,
    );
    if (good !== expected) {
      disagreements.push(`mutation ${i}: umd ${good}, gpgv ${expected}`);
      if (process.env.UMD_MUTATION_KEEP) writeFileSync(`${process.env.UMD_MUTATION_KEEP}/${i}.InRelease`, readFileSync(at('InRelease')));
    }
  }
  t.deepEqual(disagreements, []);
});
