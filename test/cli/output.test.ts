import test from 'ava';
import path from 'node:path';
import { cliEnv, startCli, umd } from '../helpers/cli.js';
import { makePackage } from '../helpers/packages.js';
import { BIN, FIXTURES, SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

// Issue 12, points 2, 3, 14, 16 and -q: output people and scripts can live with.

const ESC = '\u001b[';

test('colour: NO_COLOR and --no-color turn it off, FORCE_COLOR and --color turn it on, NO_COLOR beats FORCE_COLOR', async (t) => {
  const { env } = cliEnv(t);
  const base = { ...env, NO_COLOR: '' };
  t.true((await umd(base, ['load', 'sample'])).code === 0);
  const forced = await umd({ ...base, FORCE_COLOR: '1' }, ['list']);
  t.true(forced.stdout.includes(`${ESC}32mrunning`), forced.stdout);
  t.true((await umd(base, ['list', '--color'])).stdout.includes(`${ESC}32mrunning`));
  for (const [extra, args] of [
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, ['list']],
    [{ FORCE_COLOR: '1' }, ['list', '--no-color']],
    [{}, ['list']],
  ] as const) {
    const run = await umd({ ...base, ...extra }, [...args]);
    t.is(run.code, 0);
    t.false(run.stdout.includes(ESC), JSON.stringify(extra));
  }
  const error = await umd({ ...base, FORCE_COLOR: '1', NO_COLOR: '1' }, ['send', 'sample', 'x']);
  t.false(error.stderr.includes(ESC));
  t.true((await umd({ ...base, FORCE_COLOR: '1' }, ['send', 'sample', 'x'])).stderr.includes(ESC));
});

test('log -f ends when its reader goes away (umd log -f | head -1)', async (t) => {
  const { env } = cliEnv(t);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const follow = startCli(env, process.execPath, [BIN, 'log', '-f', '-n', '1']);
  await follow.waitFor(/\n/);
  follow.child.stdout.destroy();
  // The next entry finds the pipe closed.
  t.is((await umd(env, ['send', 'sample', '3'])).code, 0);
  t.is((await umd(env, ['unload', 'sample'])).code, 0);
  t.deepEqual(await follow.exited, { code: 0, signal: null });
});

test('log -f --json prints one JSON object a line; --since and --level filter', async (t) => {
  const { env } = cliEnv(t);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const follow = startCli(env, process.execPath, [BIN, 'log', '-f', '--json', '-n', '1']);
  await follow.waitFor(/\n/);
  t.is((await umd(env, ['unload', 'sample'])).code, 0);
  await follow.waitFor(/Unloaded/);
  follow.child.kill('SIGINT');
  await follow.exited;
  const lines = follow.output().stdout.trimEnd().split('\n');
  t.is(lines.length, 2);
  t.like(JSON.parse(lines[0] ?? ''), { driver: 'sample', level: 'info' });
  t.like(JSON.parse(lines[1] ?? ''), { level: 'info', driver: 'sample', message: 'Unloaded sample_umh' });

  const warn = await umd(env, ['log', '--level', 'warn', '--json']);
  t.deepEqual(JSON.parse(warn.stdout), []);
  const recent = JSON.parse((await umd(env, ['log', '--since', '1h', '--json'])).stdout) as unknown[];
  t.true(recent.length >= 3);
  t.deepEqual(JSON.parse((await umd(env, ['log', '--since', '2001-01-01T00:00:00Z', '--json'])).stdout), recent);
  t.deepEqual(JSON.parse((await umd(env, ['log', '--since', '2099-01-01T00:00:00Z', '--json'])).stdout), []);
  t.is((await umd(env, ['log', '--level', 'loud'])).code, 2);
  t.is((await umd(env, ['log', '--since', 'yesterdayish'])).code, 2);
});

test('-q prints nothing on stdout and keeps the exit status and the error', async (t) => {
  const { env } = cliEnv(t);
  t.deepEqual(await umd(env, ['send', 'sample', '5', '-q']), { code: 0, stdout: '', stderr: '' });
  t.deepEqual(await umd(env, ['list', '--quiet']), { code: 0, stdout: '', stderr: '' });
  const failed = await umd(env, ['send', 'sample', 'x', '-q']);
  t.is(failed.code, 1);
  t.is(failed.stdout, '');
  t.is(failed.stderr.split('\n')[0], 'umd: sample: expected a decimal offset, got "x"');
});

test('counts are in good grammar: 1 byte, 1 unload, 1 reload, 1 driver', async (t) => {
  const { env } = cliEnv(t);
  t.deepEqual(await umd(env, ['send', 'sample', '9']), { code: 0, stdout: 'umd: sample: 1 byte accepted (loaded on demand)\n', stderr: '' });
  t.deepEqual(await umd(env, ['send', 'sample', '90']), { code: 0, stdout: 'umd: sample: 2 bytes accepted\n', stderr: '' });
  const selftest = await umd(env, ['selftest', '--iterations', '2', '--unload-every', '1', '--seed', '3']);
  t.is(selftest.code, 0);
  t.regex(selftest.stdout, /\numd_mgmt: 2\/2 iterations, 2 unloads, 1 reload, \d+\.\d\d s, seed 3 \[PASS\]\n$/);
  const one = tempDir(t);
  makePackage(one, 'solo', { handler: path.join(FIXTURES, 'wrong_reply') });
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const status = await umd({ ...env, UMD_DRIVER_PATH: one }, ['daemon', 'status']);
  t.regex(status.stdout, /\numd: up \d+\.\d s, 4 drivers found, 1 loaded \(see `umd list`\)\n$/);
  t.like(JSON.parse((await umd({ ...env, UMD_DRIVER_PATH: one }, ['daemon', 'status', '--json'])).stdout), { drivers: 4, loaded: 1 });
});

test('list stays readable: LAST ERROR is cut to the width, info and --json have it whole; a killed handler says why', async (t) => {
  const drivers = tempDir(t);
  makePackage(drivers, 'liar', { handler: path.join(FIXTURES, 'wrong_reply') });
  makePackage(drivers, 'gone', { handler: path.join(FIXTURES, 'exit_at_start'), sha256: '0'.repeat(64) });
  const { env } = cliEnv(t, drivers);
  t.is((await umd(env, ['send', 'liar', '5'])).code, 1);
  t.is((await umd(env, ['send', 'gone', '5'])).code, 1);
  const narrow = await umd({ ...env, COLUMNS: '80' }, ['list']);
  for (const line of narrow.stdout.trimEnd().split('\n')) t.true(line.length <= 80, line);
  t.regex(narrow.stdout, /\nliar +stopped +- +0 +0 +1 +EINVAL: .*…\n/);
  t.regex(narrow.stdout, /\ngone +unloaded +- +0 +0 +1 +ENOPROTOOPT: .*…\n/);
  const full = JSON.parse((await umd(env, ['list', '--json'])).stdout) as Array<{ name: string; lastError: { message: string } | null; failures: number }>;
  const liar = full.find((e) => e.name === 'liar');
  t.is(liar?.failures, 1);
  const info = await umd(env, ['info', 'liar']);
  t.true(info.stdout.includes(`\nlast error:   EINVAL: ${liar?.lastError?.message ?? '?'}\n`), info.stdout);

  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const pid = (JSON.parse((await umd(env, ['list', '--json'])).stdout) as Array<{ name: string; pid: number }>).find((e) => e.name === 'sample')?.pid ?? 0;
  process.kill(pid, 'SIGKILL');
  let entry: { state: string; lastError: { code: string; message: string } | null } | undefined;
  for (let i = 0; i < 200 && entry?.state !== 'stopped'; i++) {
    entry = (JSON.parse((await umd(env, ['list', '--json'])).stdout) as Array<typeof entry & { name: string }>).find((e) => e?.name === 'sample');
  }
  t.is(entry?.state, 'stopped');
  t.deepEqual(entry?.lastError, { code: 'ECHILD', message: `handler sample_umh pid ${pid} was killed by SIGKILL`, suggestions: ['The next request starts a fresh one'], driver: 'sample', topic: 'handler' });
});

test('umd info shows what a package says escaped: its description cannot retitle the terminal or forge a line', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  makePackage(drivers, 'loud', { handler: SAMPLE_HANDLER, extra: { description: '\u001b]0;PWNED\u0007\u001b[31mred\rfake \u202eevil' } });
  const { env } = cliEnv(t, drivers);
  const { code, stdout } = await umd(env, ['info', 'loud']);
  t.is(code, 0);
  t.true(stdout.includes('description:  \\x1b]0;PWNED\\x07\\x1b[31mred\\x0dfake \\u202eevil\n'), stdout);
  // eslint-disable-next-line no-control-regex
  t.false(/[\u0000-\u0008\u000b-\u001f\u202e]/.test(stdout));
});
