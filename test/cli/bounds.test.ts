import test from 'ava';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliEnv, umd } from '../helpers/cli.js';
import { memoryOf } from '../helpers/memory.js';
import { makePackage } from '../helpers/packages.js';
import { FIXTURES, tempDir } from '../helpers/runtime.js';

// The real daemon, in a process of its own, attacked through its handlers: its memory from /proc/<pid>/status, its log from stat.
test('a flooding handler cannot grow the daemon: stdout floods are killed, stderr floods are rate-limited on disk', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  makePackage(drivers, 'flooder', { handler: path.join(FIXTURES, 'flood_stdout') });
  makePackage(drivers, 'gusher', { handler: path.join(FIXTURES, 'flood_reply') });
  makePackage(drivers, 'noisy', { handler: path.join(FIXTURES, 'flood_stderr') });
  const { env, runtimeDir } = cliEnv(t, drivers);
  t.is((await umd(env, ['load', 'flooder'])).code, 0);
  const status = JSON.parse((await umd(env, ['daemon', 'status', '--json'])).stdout) as { pid: number };
  let killed = false;
  for (let i = 0; i < 50 && !killed; i++) {
    killed = (await umd(env, ['log', '--driver', 'flooder'])).stdout.includes('bytes to stdout that nobody asked for; killed it');
  }
  t.true(killed);
  await umd(env, ['send', 'gusher', '9']);
  t.is((await umd(env, ['load', 'noisy'])).code, 0);
  const sent = await umd(env, ['send', 'noisy', '5']); // answered once its 64 MiB of stderr are written
  t.is(sent.code, 0, sent.stderr);
  const { hwmMiB } = memoryOf(status.pid);
  t.true(hwmMiB < 300, `daemon high-water mark ${Math.round(hwmMiB)} MiB`);
  const logSize = statSync(path.join(runtimeDir, 'umd.log')).size;
  t.true(logSize < 1024 * 1024, `umd.log is ${logSize} bytes after 64 MiB of stderr`);
  // Every line the handler wrote (524288 + 3) is in the log or counted in a "suppressed" line; the count of
  // the last interval comes when it ends (10 s), so the log is read until it adds up.
  let passed = 0;
  let total = 0;
  for (let i = 0; i < 100 && total !== 524_288 + 3; i++) {
    const shown = (await umd(env, ['log', '--driver', 'noisy', '-n', '100000'])).stdout.split('\n');
    passed = shown.filter((l) => l.includes(' noisy/flood_stderr: ')).length;
    const suppressed = shown.flatMap((l) => / noisy: warn: suppressed (\d+) lines from flood_stderr \(more than 200 in 10 s\)$/.exec(l)?.[1] ?? []);
    total = passed + suppressed.map(Number).reduce((a, b) => a + b, 0);
    if (total !== 524_288 + 3) await sleep(250);
  }
  t.is(total, 524_288 + 3);
  t.true(passed <= 600, `${passed} lines logged: at most 200 per 10 s`);
});

test('a symlink planted at <runtime dir>/umd.log stops the command with EACCES and the fix; its target is untouched', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  mkdirSync(runtimeDir, { mode: 0o700 });
  const target = path.join(tempDir(t), 'precious');
  writeFileSync(target, 'precious\n');
  symlinkSync(target, path.join(runtimeDir, 'umd.log'));
  const run = await umd(env, ['list', '--json']);
  t.is(run.code, 1);
  t.deepEqual(JSON.parse(run.stdout), {
    error: { code: 'EACCES', message: `umd refuses ${runtimeDir}/umd.log: it is a symbolic link`, suggestions: [`Remove it (rm ${runtimeDir}/umd.log); umd makes its own`] },
  });
  t.is(readFileSync(target, 'utf8'), 'precious\n');
});
