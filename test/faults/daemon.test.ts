import test from 'ava';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import { ensureRuntimeDir } from '../../src/core/paths.js';
import { DaemonConnection } from '../../src/client/connection.js';
import { cliEnv, umd } from '../helpers/cli.js';
import { makePackage } from '../helpers/packages.js';
import { alive, BIN, eventually, FIXTURES, processesUnder, tempDir } from '../helpers/runtime.js';

test('10. a daemon killed with SIGKILL takes its handlers, and their children, with it', async (t) => {
  const drivers = tempDir(t);
  // The sandbox's allow-list has no fork: this driver asks for it.
  makePackage(drivers, 'forker', { handler: path.join(FIXTURES, 'forks_children'), extra: { syscalls: ['clone'] } });
  const { env, runtimeDir } = cliEnv(t, drivers);
  const daemon = JSON.parse((await umd(env, ['daemon', 'start', '--json'])).stdout) as { pid: number };
  t.is((await umd(env, ['load', 'forker'])).code, 0);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const dir = path.dirname(runtimeDir);
  t.true(await eventually(() => processesUnder(dir).length >= 4)); // launchers, handlers, the forked child
  process.kill(daemon.pid, 'SIGKILL');
  t.true(await eventually(() => processesUnder(dir).length === 0), `left: ${processesUnder(dir).join(' ')}`);
  const sent = await umd(env, ['send', 'sample', '5', '--json']);
  t.is(sent.code, 0, sent.stderr);
  t.like(JSON.parse(sent.stdout), { loadedOnDemand: true });
});

test('11. two daemons started at once on one runtime dir: exactly one serves, the other exits cleanly', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  const start = () =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'daemon', 'run'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  const first = start();
  const second = start();
  const loser = await Promise.race([first, second]);
  t.is(loser.code, 1);
  t.is(loser.stderr, `umd: a umd daemon already serves ${runtimeDir}\n`);
  const status = await umd(env, ['daemon', 'status', '--json']);
  t.is(status.code, 0);
  t.is((await umd(env, ['daemon', 'stop'])).code, 0);
  const winner = await Promise.all([first, second]);
  t.deepEqual(winner.map((w) => w.code).sort(), [0, 1]);
});

test('15. a socket deleted by a tmp cleaner is put back: the next command reaches the same daemon', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  const before = JSON.parse((await umd(env, ['daemon', 'start', '--json'])).stdout) as { pid: number };
  unlinkSync(path.join(runtimeDir, 'umd.sock'));
  // The client starts a second daemon, which finds the first alive and leaves; the first re-creates
  // its socket within a second, and the client, still waiting for readiness, connects to it.
  const after = await umd(env, ['daemon', 'start', '--json']);
  t.is(after.code, 0, after.stderr);
  t.is((JSON.parse(after.stdout) as { pid: number }).pid, before.pid);
  t.true(alive(before.pid));
});

test('a daemon that does not answer makes the client fail with ETIMEDOUT, not hang', async (t) => {
  const dir = tempDir(t);
  const socket = path.join(dir, 'mute.sock');
  const server = net.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  t.teardown(() => server.close());
  const client = await DaemonConnection.connect(socket);
  t.teardown(() => client.close());
  const error = await t.throwsAsync(client.request('status', {}, { timeoutMs: 150 }), { instanceOf: UmdError });
  t.is(error?.code, 'ETIMEDOUT');
  t.is(error?.message, `the umd daemon did not answer "status" within 150 ms on ${socket}`);
});

test('a runtime dir writable by others is refused with the fix', (t) => {
  const dir = path.join(tempDir(t), 'open');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const error = t.throws(() => ensureRuntimeDir(dir), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `umd runtime directory ${dir} is writable by others (mode 777)`);
  t.deepEqual(error?.suggestions, [`Make it private: chmod 700 ${dir}`]);
});

const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot("a runtime dir owned by another user is refused (needs root to make one)", (t) => {
  const dir = path.join(tempDir(t), 'theirs');
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, 65534, 65534);
  const error = t.throws(() => ensureRuntimeDir(dir), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `umd runtime directory ${dir} is owned by uid 65534, not by you (uid 0)`);
});
