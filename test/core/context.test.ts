import test from 'ava';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createContext, defaultLauncher } from '../../src/core/context.js';
import { DriverManager } from '../../src/core/manager.js';
import { findPackage } from '../../src/core/package.js';
import { resolveManager } from '../../src/managers/index.js';
import { makePackage } from '../helpers/packages.js';
import { assertNoStrayProcesses, SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

/** A launcher that notes each command line it is given, then is umd-exec. */
function recordingLauncher(dir: string): { launcher: string; calls: () => string[] } {
  const launcher = path.join(dir, 'recording-umd-exec');
  const record = path.join(dir, 'calls');
  writeFileSync(record, '');
  writeFileSync(launcher, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${record}'\nexec '${defaultLauncher('/')}' "$@"\n`);
  chmodSync(launcher, 0o755);
  return { launcher, calls: () => readFileSync(record, 'utf8').split('\n').filter(Boolean) };
}

test('one process holds two managers with different launchers, each starting its handlers through its own', async (t) => {
  const dir = tempDir(t);
  t.teardown(async () => assertNoStrayProcesses(dir));
  makePackage(path.join(dir, 'drivers'), 'sample', { handler: SAMPLE_HANDLER });
  const pkg = findPackage('sample', [path.join(dir, 'drivers')]);
  const hooks = await resolveManager(pkg);
  const recording = recordingLauncher(dir);
  for (const runtime of ['a', 'b', 'c']) mkdirSync(path.join(dir, runtime), { mode: 0o700 });
  const plain = new DriverManager(pkg, hooks, { context: createContext({ runtimeDir: path.join(dir, 'a') }) });
  const recorded = new DriverManager(pkg, hooks, { context: createContext({ runtimeDir: path.join(dir, 'b'), launcher: recording.launcher }) });
  const missing = new DriverManager(pkg, hooks, { context: createContext({ runtimeDir: path.join(dir, 'c'), launcher: path.join(dir, 'no-such-umd-exec') }) });
  t.teardown(async () => {
    await Promise.all([plain.close(), recorded.close(), missing.close()]);
  });
  await plain.load();
  await recorded.load();
  t.deepEqual((await plain.send('7')).result, { bytes: 1, offset: 7 });
  t.deepEqual((await recorded.send('9')).result, { bytes: 1, offset: 9 });
  const starts = recording.calls().filter((line) => !line.startsWith('--probe') && !line.includes('--mkfifo'));
  const blobCopy = (runtime: string) => path.join(dir, runtime, 'blobs', 'sample', 'sample_umh');
  t.true(starts.some((line) => line.endsWith(`-- ${blobCopy('b')}`)), starts.join('\n'));
  t.false(starts.some((line) => line.includes(blobCopy('a'))), starts.join('\n'));
  const error = await t.throwsAsync(missing.load());
  t.is((error as { code?: string }).code, 'ENOENT');
  t.is(error?.message, `driver sample: the handler launcher ${path.join(dir, 'no-such-umd-exec')} is missing`);
  t.deepEqual((await plain.send('11')).result, { bytes: 2, offset: 11 });
});

test('a context resolves its search path once: the given driver directories, then the built-in drivers', (t) => {
  const dir = tempDir(t);
  const context = createContext({ runtimeDir: path.join(dir, 'run'), driverPath: ['rel/one', '/abs/two'] });
  t.deepEqual(context.searchPath.slice(0, 2), [path.resolve('rel/one'), '/abs/two']);
  t.is(context.searchPath[2], path.join(path.dirname(defaultLauncher('/')), '..', 'drivers/'));
  t.is(context.searchPath, context.searchPath);
  t.is(context.blobsDir, path.join(dir, 'run', 'blobs'));
});
