import test, { type ExecutionContext } from 'ava';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import type { PgpExchange } from '../../src/pgp/exchange.js';
import { loadKeyring, verifySignatures } from '../../src/pgp/verify.js';
import { makeManager } from '../helpers/manager.js';
import { FIXTURES } from '../helpers/runtime.js';
import { GpgHome } from './gpg.js';

// A handler that lies (test/fixtures/handlers/pgp_liar.c) can make a
// verification fail, never pass: every lie below is caught by the manager's
// check of the reply against the request's bytes (EINVAL, and the lying
// handler is replaced), or leaves a signature the cryptography rejects.

const gpg = new GpgHome();
const work = mkdtempSync(path.join(tmpdir(), 'umd-pgp-liar-'));
const at = (name: string): string => path.join(work, name);

test.before(() => {
  const ed = gpg.key('Ed <ed@example.org>', 'ed25519');
  const rsa = gpg.key('Rsa <rsa@example.org>', 'rsa2048');
  gpg.keyring(at('both.gpg'), [ed, rsa]);
  gpg.sign(ed, at('both.gpg'), at('ed.sig'), ['--detach-sign']);
  gpg.sign(ed, at('both.gpg'), at('ed.asc'), ['--armor', '--detach-sign']);
  writeFileSync(at('text'), 'Suite: stable\nCodename: bookworm\n- dashed\n');
  gpg.sign(rsa, at('text'), at('rsa.clear'), ['--clearsign']);
  const revoked = gpg.key('Revoked <revoked@example.org>', 'ed25519');
  gpg.sign(revoked, at('both.gpg'), at('revoked.sig'), ['--detach-sign']);
  gpg.revoke(revoked);
  gpg.keyring(at('revoked.gpg'), [revoked]);
});

test.after.always(() => {
  gpg.close();
  rmSync(work, { recursive: true, force: true });
});

async function verifyWith(lie: string, t: ExecutionContext, keyring: string, sig: string, detached: boolean) {
  const { manager } = await makeManager(t, 'pgp', { handler: path.join(FIXTURES, 'pgp_liar'), manager: 'pgp', extra: { env: { PGP_LIE: lie } } });
  const exchange: PgpExchange = (request, check) => manager.sendChecked(request, check);
  try {
    const certs = await loadKeyring(exchange, readFileSync(keyring), keyring);
    const result = await verifySignatures(exchange, certs, {
      signature: { name: sig, bytes: readFileSync(sig) },
      ...(detached ? { data: { name: 'data', open: () => createReadStream(at('both.gpg')) } } : {}),
    });
    return { good: result.good, code: null, failures: manager.status.failures };
  } catch (error) {
    if (!(error instanceof UmdError)) throw error;
    return { good: 0, code: error.code, failures: manager.status.failures };
  }
}

test('the control: the liar telling the truth verifies all three kinds', async (t) => {
  t.is((await verifyWith('none', t, at('both.gpg'), at('ed.sig'), true)).good, 1);
  t.is((await verifyWith('none', t, at('both.gpg'), at('ed.asc'), true)).good, 1);
  t.is((await verifyWith('none', t, at('both.gpg'), at('rsa.clear'), false)).good, 1);
});

const caught = test.macro<[lie: string, sig: string, detached: boolean]>({
  async exec(t, lie, sig, detached) {
    const outcome = await verifyWith(lie, t, lie === 'hide-packet' ? at('revoked.gpg') : at('both.gpg'), at(sig), detached);
    t.is(outcome.good, 0);
    // Caught by the check: EINVAL, counted as a failure, and that handler shut down.
    t.is(outcome.code, 'EINVAL');
    t.true(outcome.failures >= 1);
  },
  title: (_title, lie, sig) => `a lie is caught: ${lie} (${sig})`,
});

test(caught, 'sigval-span', 'ed.sig', true);
test(caught, 'swap-key', 'ed.sig', true);
test(caught, 'replay', 'ed.sig', true);
test(caught, 'out-of-range', 'ed.sig', true);
test(caught, 'overlap', 'ed.sig', true);
test(caught, 'hide-packet', 'revoked.sig', true);
test(caught, 'clear-span', 'rsa.clear', false);
test(caught, 'no-crc', 'ed.asc', true);
test(caught, 'sub-type', 'ed.sig', true);

test('a liar that calls everything malformed makes verification fail, not pass', async (t) => {
  const outcome = await verifyWith('malformed', t, at('both.gpg'), at('ed.sig'), true);
  t.is(outcome.good, 0);
  t.is(outcome.code, 'EBADMSG');
});

test('the revoked key stays revoked with a truthful handler', async (t) => {
  const { manager } = await makeManager(t, 'pgp', { handler: path.join(FIXTURES, 'pgp_liar'), manager: 'pgp', extra: { env: { PGP_LIE: 'none' } } });
  const exchange: PgpExchange = (request, check) => manager.sendChecked(request, check);
  const certs = await loadKeyring(exchange, readFileSync(at('revoked.gpg')), 'revoked.gpg');
  const result = await verifySignatures(exchange, certs, { signature: { name: 'revoked.sig', bytes: readFileSync(at('revoked.sig')) }, data: { name: 'data', open: () => createReadStream(at('both.gpg')) } });
  t.is(result.signatures[0]?.status, 'revoked-key');
});
