import test from 'ava';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { cliEnv, startCli, umd } from '../helpers/cli.js';
import { makePackage } from '../helpers/packages.js';
import { BIN, FIXTURES, SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';
import { only } from '../helpers/skip.js';

// Issue 12, points 4, 9 and 12 (selftest): Ctrl-C is 130 with the seed; a digest failure fails (1); the seed is always printed.

const INTERRUPTED = /\numd_mgmt: interrupted after (\d+)\/1000000 iterations, seed 77; replay with `umd selftest --seed 77`\n$/;

test('Ctrl-C during a selftest without a terminal: exit 130 and the seed that replays it', async (t) => {
  const { env } = cliEnv(t);
  const run = startCli(env, process.execPath, [BIN, 'selftest', '--iterations', '1000000', '--seed', '77']);
  await run.waitFor(/umd_mgmt: 50\/1000000 ok\n/);
  run.child.kill('SIGINT');
  t.deepEqual(await run.exited, { code: 130, signal: null });
  t.regex(run.output().stdout, INTERRUPTED);
});

let hasScript = true;
try {
  execFileSync('script', ['--version'], { stdio: 'ignore' });
} catch {
  hasScript = false;
}

only(hasScript, 'needs script(1) from util-linux for a terminal')('Ctrl-C during an interactive selftest (a terminal, live progress): exit 130 and the seed', async (t) => {
  const { env } = cliEnv(t);
  // script(1) gives the selftest a terminal (of 0 rows and columns unless set: listr2 would draw nothing);
  // a ^C typed into it is the terminal's SIGINT to the foreground group.
  const command = `stty rows 40 cols 120; exec ${process.execPath} ${BIN} selftest --iterations 1000000 --seed 77`;
  const run = startCli(env, 'script', ['-qec', command, '/dev/null']);
  await run.waitFor(/iteration \d+\/1000000, offset \d+/); // the live progress
  run.child.stdin.write('\u0003');
  t.like(await run.exited, { code: 130 });
  const out = run.output().stdout.replaceAll('\r\n', '\n');
  t.regex(out, INTERRUPTED);
});

test('a selftest whose driver fails its digest check fails (1), it is not skipped; the seed is printed', async (t) => {
  const drivers = tempDir(t);
  makePackage(drivers, 'tampered', { handler: SAMPLE_HANDLER, sha256: 'ab'.repeat(32) });
  const { env } = cliEnv(t, drivers);
  const run = await umd(env, ['selftest', '--driver', 'tampered', '--seed', '11']);
  t.is(run.code, 1);
  t.regex(run.stdout, /^umd_mgmt: test failed before the first iteration: 0\/500 iterations, 0 unloads, 0 reloads, \d+\.\d\d s, seed 11 \[FAIL\]\n$/);
  t.regex(run.stderr, /^umd: selftest: EBADMSG: /);
  const json = await umd(env, ['selftest', '--driver', 'tampered', '--seed', '11', '--json']);
  t.is(json.code, 1);
  t.like(JSON.parse(json.stdout), { result: 'fail', seed: 11, error: { code: 'EBADMSG' } });
});

test('a failed selftest without a terminal names the seed (fast path, random seed)', async (t) => {
  const drivers = tempDir(t);
  makePackage(drivers, 'liar', { handler: path.join(FIXTURES, 'wrong_reply') });
  const { env } = cliEnv(t, drivers);
  const run = await umd(env, ['selftest', '--driver', 'liar']);
  t.is(run.code, 1);
  t.regex(run.stdout, /^umd_mgmt: test failed at iteration 0: 0\/500 iterations, 0 unloads, 0 reloads, \d+\.\d\d s, seed \d+ \[FAIL\]\n$/);
});
