import test from 'ava';
import path from 'node:path';
import { cliEnv, umd } from '../helpers/cli.js';
import { makePackage } from '../helpers/packages.js';
import { alive, FIXTURES, tempDir } from '../helpers/runtime.js';

test('load, send, list, info, log and unload, as a user types them', async (t) => {
  const { env } = cliEnv(t);
  const load = await umd(env, ['load', 'sample']);
  t.is(load.code, 0, load.stderr);
  const pid = Number(/^umd: loaded sample \(handler pid (\d+)\)\n$/.exec(load.stdout)?.[1]);
  t.true(alive(pid));

  const again = await umd(env, ['load', 'sample']);
  t.is(again.stdout, `umd: driver sample is already loaded (handler pid ${pid})\n`);
  t.is(again.code, 0);

  t.deepEqual(await umd(env, ['send', 'sample', '1024']), { code: 0, stdout: 'umd: sample: 4 bytes accepted\n', stderr: '' });
  t.deepEqual(await umd(env, ['send', 'sample', '--stdin'], '131071\n'), { code: 0, stdout: 'umd: sample: 7 bytes accepted\n', stderr: '' });

  const list = await umd(env, ['list']);
  t.is(list.code, 0);
  t.regex(list.stdout, new RegExp(`^DRIVER +STATE +PID +REQUESTS +RESTARTS +FAILURES +LAST ERROR\\nbpfilter +unloaded +- +0 +0 +0\\npgp +unloaded +- +0 +0 +0\\nsample +running +${pid} +2 +0 +0\\n$`));

  const info = await umd(env, ['info', 'sample', '--json']);
  t.is(info.code, 0);
  const parsed = JSON.parse(info.stdout) as Record<string, unknown>;
  t.like(parsed, { driver: 'sample', manager: 'sample', managerName: 'sample_mgr', handlerName: 'sample_umh', requestSize: 4, replySize: 131072 });
  t.is(parsed.sha256, parsed.blobSha256);

  const log = await umd(env, ['log', '--driver', 'sample']);
  t.regex(log.stdout, new RegExp(`Z sample: Loaded sample_umh pid ${pid}\\n`));
  t.regex(log.stdout, /Z sample\/sample_umh: Started sample_umh\n/);

  t.deepEqual(await umd(env, ['unload', 'sample']), { code: 0, stdout: `umd: unloaded sample (killed handler pid ${pid})\n`, stderr: '' });
  t.false(alive(pid));
  t.deepEqual(await umd(env, ['unload', 'sample']), {
    code: 1,
    stdout: '',
    stderr: 'umd: cannot unload driver sample: it is not currently loaded\numd: hint: Run `umd list` to see what is loaded\n',
  });
});

test('errors: exit 1 with one umd: line, or {"error": {code, message}} with --json; usage errors exit 2', async (t) => {
  const { env } = cliEnv(t);
  const bad = await umd(env, ['send', 'sample', '131072']);
  t.is(bad.code, 1);
  t.is(bad.stderr.split('\n')[0], 'umd: sample: offset must be below 131072, got 131072');

  const json = await umd(env, ['send', 'sample', 'abc', '--json']);
  t.is(json.code, 1);
  t.like(JSON.parse(json.stdout), { error: { code: 'EINVAL', message: 'sample: expected a decimal offset, got "abc"' } });

  const unknown = await umd(env, ['load', 'nosuch', '--json']);
  t.is(unknown.code, 1);
  t.is((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code, 'ENOENT');

  const usage = await umd(env, ['send']);
  t.deepEqual(usage, {
    code: 2,
    stdout: '',
    stderr: 'umd: send: missing 1 required arg: driver (Driver name, e.g. sample)\numd: hint: see `umd send --help`\n',
  });

  const both = await umd(env, ['send', 'sample', '5', '--stdin']);
  t.is(both.code, 2);
  t.is(both.stderr.split('\n')[0], 'umd: send to sample: expected the input once (an argument, --stdin, or field flags), got 2');
});

test('send loads an unloaded driver on demand and says so', async (t) => {
  const { env } = cliEnv(t);
  const sent = await umd(env, ['send', 'sample', '2048', '--json']);
  t.is(sent.code, 0);
  t.like(JSON.parse(sent.stdout), { driver: 'sample', loadedOnDemand: true, result: { bytes: 4, offset: 2048 } });
});

test('selftest passes: 500 iterations, 10 unloads, 10 on-demand reloads, exit 0', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd(env, ['selftest', '--seed', '42', '--json']);
  t.is(run.code, 0, run.stderr);
  t.like(JSON.parse(run.stdout), { result: 'pass', driver: 'sample', seed: 42, iterations: 500, completed: 500, unloads: 10, reloads: 10, failures: 0 });
  const plain = await umd(env, ['selftest', '--iterations', '20', '--unload-every', '5', '--seed', '7']);
  t.is(plain.code, 0);
  t.regex(plain.stdout, /^umd_mgmt: 20\/20 ok\numd_mgmt: 20\/20 iterations, 4 unloads, 4 reloads, \d+\.\d\d s, seed 7 \[PASS\]\n$/);
});

test('selftest fails with exit 1 against a handler that answers wrong', async (t) => {
  const drivers = tempDir(t);
  makePackage(drivers, 'liar', { handler: path.join(FIXTURES, 'wrong_reply') });
  const { env } = cliEnv(t, drivers);
  const run = await umd(env, ['selftest', '--driver', 'liar', '--seed', '42']);
  t.is(run.code, 1);
  t.regex(run.stdout, /^umd_mgmt: test failed at iteration 0: 0\/500 iterations, 0 unloads, 0 reloads, \d+\.\d\d s, seed 42 \[FAIL\]\n$/);
  t.regex(run.stderr, /^umd: selftest: iteration 0, offset \d+: EINVAL: sample: the handler's reply has byte \d+ = 0, expected 1\n$/);
});

test('selftest skips with exit 4 when the driver cannot be found', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd(env, ['selftest', '--driver', 'nosuch', '--seed', '5']);
  t.is(run.code, 4);
  t.is(run.stdout, 'umd_mgmt: driver nosuch not found, seed 5 [SKIP]\n');
});
