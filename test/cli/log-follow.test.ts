import test from 'ava';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cliEnv, umd } from '../helpers/cli.js';
import { makePackage } from '../helpers/packages.js';
import { BIN, eventually, FIXTURES, tempDir } from '../helpers/runtime.js';

test('log -f prints new lines as they happen, until interrupted', async (t) => {
  const { env } = cliEnv(t);
  const loaded = JSON.parse((await umd(env, ['load', 'sample', '--json'])).stdout) as { pid: number };
  const follower = spawn(process.execPath, [BIN, 'log', '-f', '-n', '10', '--driver', 'sample'], { env: { ...process.env, ...env } });
  let out = '';
  follower.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const closed = new Promise((resolve) => follower.on('close', resolve));
  // The backlog comes after the follower is subscribed: once it shows, new lines must follow live.
  t.true(await eventually(() => out.includes(`sample: Loaded sample_umh pid ${loaded.pid}\n`), 10_000), out);
  t.is((await umd(env, ['unload', 'sample'])).code, 0);
  t.true(await eventually(() => out.includes('sample: Unloaded sample_umh\n'), 10_000), out);
  follower.kill('SIGINT');
  await closed;
});

test('send --timeout bounds one request: a hung handler is ETIMEDOUT, exit 1, and the daemon goes on', async (t) => {
  const drivers = tempDir(t);
  makePackage(drivers, 'hang', { handler: path.join(FIXTURES, 'hang_after_first') });
  const { env } = cliEnv(t, drivers);
  const hung = await umd(env, ['send', 'hang', '5', '--timeout', '300', '--json']);
  t.is(hung.code, 1);
  const { error } = JSON.parse(hung.stdout) as { error: { code: string; message: string } };
  t.is(error.code, 'ETIMEDOUT');
  t.regex(error.message, /^driver hang: handler hang_after_first \(pid \d+\) did not answer within 300 ms$/);
  const list = JSON.parse((await umd(env, ['list', '--json'])).stdout) as Array<{ name: string; state: string; failures: number; lastError: { code: string } }>;
  t.like(list.find((e) => e.name === 'hang'), { state: 'stopped', failures: 1, lastError: { code: 'ETIMEDOUT' } });
  t.is((await umd(env, ['send', 'sample', '1'])).code, 0);
});
