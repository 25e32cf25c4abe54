import test from 'ava';
import { writeFileSync, mkdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cliEnv, umd } from '../helpers/cli.js';
import { alive } from '../helpers/runtime.js';

test('daemon start, status and stop; status and stop when none runs', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  const none = await umd(env, ['daemon', 'status']);
  t.is(none.code, 1);
  t.is(none.stderr.split('\n')[0], `umd: no umd daemon is running on ${runtimeDir}/umd.sock`);

  const start = await umd(env, ['daemon', 'start', '--json']);
  t.is(start.code, 0);
  const { pid } = JSON.parse(start.stdout) as { pid: number };
  t.true(alive(pid));
  const status = await umd(env, ['daemon', 'status']);
  t.regex(status.stdout, new RegExp(`^umd: daemon pid ${pid} \\(umd \\d+\\.\\d+\\.\\d+\\) serving ${runtimeDir}/umd.sock\\n`));

  t.deepEqual(await umd(env, ['daemon', 'stop']), { code: 0, stdout: `umd: daemon pid ${pid} stopped\n`, stderr: '' });
  t.false(alive(pid));
  t.throws(() => statSync(path.join(runtimeDir, 'umd.sock')), { code: 'ENOENT' });
  t.deepEqual(await umd(env, ['daemon', 'stop']), { code: 0, stdout: 'umd: no daemon was running\n', stderr: '' });
});

test('a stale socket left by a dead daemon is cleaned up and a new daemon started', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  mkdirSync(runtimeDir, { mode: 0o700 });
  const socket = path.join(runtimeDir, 'umd.sock');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  // Closing a listening socket without unlinking leaves the file behind, as a SIGKILLed daemon does.
  (server as unknown as { _handle: { close(): void } })._handle.close();
  writeFileSync(path.join(runtimeDir, 'note'), 'x');
  const sent = await umd(env, ['send', 'sample', '7']);
  t.is(sent.code, 0, sent.stderr);
  t.is(sent.stdout, 'umd: sample: 1 byte accepted (loaded on demand)\n');
});

test('a daemon killed with SIGKILL is replaced by the next command', async (t) => {
  const { env } = cliEnv(t);
  const started = JSON.parse((await umd(env, ['daemon', 'start', '--json'])).stdout) as { pid: number };
  const loaded = JSON.parse((await umd(env, ['load', 'sample', '--json'])).stdout) as { pid: number };
  process.kill(started.pid, 'SIGKILL');
  while (alive(started.pid)) await new Promise((r) => setTimeout(r, 10));
  const sent = await umd(env, ['send', 'sample', '9', '--json']);
  t.is(sent.code, 0, sent.stderr);
  t.like(JSON.parse(sent.stdout), { loadedOnDemand: true });
  t.not((JSON.parse(sent.stdout) as { pid: number }).pid, loaded.pid);
});
