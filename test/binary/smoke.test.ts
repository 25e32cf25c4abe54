import test, { type ExecutionContext } from 'ava';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand, type CliResult } from '../helpers/cli.js';
import { assertNoStrayProcesses, ROOT, strayProcesses, tempDir } from '../helpers/runtime.js';

// dist/umd is built by `npm run build:binary`, which `npm test` runs before ava.
const BINARY = path.join(ROOT, 'dist/umd');
const SMOKE = path.join(ROOT, 'scripts/smoke-binary.sh');

async function run(command: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCommand(command, args, { env });
}

/** Fails the test unless dist/umd exists and is newer than the bundle it carries. */
function binaryIsBuilt(t: ExecutionContext): boolean {
  let fresh = false;
  try {
    fresh = statSync(BINARY).mtimeMs >= statSync(path.join(ROOT, 'dist/umd.cjs')).mtimeMs;
  } catch {
    // missing
  }
  if (!fresh) t.fail('dist/umd is missing or older than dist/umd.cjs: run `npm run build:binary`');
  return fresh;
}

/** A runtime dir for the binary; at teardown its daemon is stopped and nothing it started may survive. */
function binaryEnv(t: ExecutionContext): { dir: string; runtime: string; env: Record<string, string> } {
  const dir = tempDir(t);
  const runtime = path.join(dir, 'run');
  const env = { UMD_RUNTIME_DIR: runtime, NO_COLOR: '1' };
  t.teardown(async () => {
    await run(BINARY, ['daemon', 'stop'], env);
    await assertNoStrayProcesses(dir);
  });
  return { dir, runtime, env };
}

test('the single executable passes the smoke test from outside the repository with no node on its PATH', async (t) => {
  if (!binaryIsBuilt(t)) return;
  const dir = tempDir(t);
  const smoke = await run('bash', [SMOKE, BINARY, dir]);
  t.is(smoke.code, 0, smoke.stdout + smoke.stderr);
  t.regex(smoke.stdout, /^smoke-binary: \d+ passed, 0 failed$/m);
  t.deepEqual(await strayProcesses(dir), []);
});

test('the single executable replaces a damaged copy of its embedded files', async (t) => {
  if (!binaryIsBuilt(t)) return;
  const { runtime, env } = binaryEnv(t);
  t.is((await run(BINARY, ['send', 'sample', '5'], env)).code, 0);
  const [hash, ...others] = readdirSync(path.join(runtime, 'embedded'));
  t.deepEqual(others, []);
  const copy = path.join(runtime, 'embedded', hash ?? '');
  t.is((await run(BINARY, ['daemon', 'stop'], env)).code, 0);

  const launcher = path.join(copy, 'libexec/umd-exec');
  chmodSync(launcher, 0o700);
  writeFileSync(launcher, '#!/bin/sh\nexit 1\n');
  chmodSync(path.join(copy, 'drivers/sample/driver.json'), 0o600);

  t.deepEqual(await run(BINARY, ['send', 'sample', '5'], env), { code: 0, stdout: 'umd: sample: 1 byte accepted (loaded on demand)\n', stderr: '' });
  t.deepEqual(readFileSync(launcher), readFileSync(path.join(ROOT, 'libexec/umd-exec')));
  t.is(statSync(launcher).mode & 0o777, 0o500);
  t.is(statSync(path.join(copy, 'drivers/sample/driver.json')).mode & 0o777, 0o400);
  t.deepEqual(readdirSync(path.join(runtime, 'embedded')), [hash]);
});

test('processes of the single executable that start at once share one extracted copy', async (t) => {
  if (!binaryIsBuilt(t)) return;
  const { runtime, env } = binaryEnv(t);
  const runs = await Promise.all(['1', '2', '3', '4'].map(async (offset) => run(BINARY, ['send', 'sample', offset], env)));
  t.deepEqual(runs.map((r) => r.code), [0, 0, 0, 0], runs.map((r) => r.stderr).join(''));
  const entries = readdirSync(path.join(runtime, 'embedded'));
  t.is(entries.length, 1, entries.join(' '));
  t.is(statSync(path.join(runtime, 'embedded', entries[0] ?? '')).mode & 0o777, 0o700);
});
