import test from 'ava';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand as run } from '../helpers/cli.js';
import { assertNoStrayProcesses, ROOT, tempDir } from '../helpers/runtime.js';

// examples/c-upper built as drivers/README.md says, outside the repository,
// and run by the single executable. dist/umd is built by `npm test` before ava.
const BINARY = path.join(ROOT, 'dist/umd');

test('the C example driver, built outside the repo with umd_pipe.h, is packaged and loaded by the binary', async (t) => {
  if (!existsSync(BINARY)) {
    t.fail('dist/umd is missing: run `npm run build:binary`');
    return;
  }
  const dir = tempDir(t);
  const drivers = path.join(dir, 'drivers');
  const pkg = path.join(drivers, 'c-upper');
  cpSync(path.join(ROOT, 'examples/c-upper'), pkg, { recursive: true, filter: (src) => !src.endsWith('/upper_umh') });
  const env = { UMD_RUNTIME_DIR: path.join(dir, 'run'), UMD_DRIVER_PATH: drivers, NO_COLOR: '1' };
  t.teardown(async () => {
    await run(BINARY, ['daemon', 'stop'], { env });
    await assertNoStrayProcesses(dir);
  });

  const make = await run('make', [`UMD_INCLUDE=${path.join(ROOT, 'drivers/include')}`, `UMD=${BINARY}`, 'package'], { cwd: pkg });
  t.is(make.code, 0, make.stdout + make.stderr);
  t.regex(make.stdout, /umd: package .*\/c-upper: driver c-upper, handler .*\/upper_umh \(wrote sha256 [0-9a-f]{64}\), manager \.\/manager\.mjs \(upper_mgr\): ok\n/);
  t.regex(readFileSync(path.join(pkg, 'driver.json'), 'utf8'), /"sha256": "[0-9a-f]{64}"/);

  t.deepEqual(await run(BINARY, ['send', 'c-upper', 'hello, umd'], { env }), { code: 0, stdout: 'umd: c-upper: HELLO, UMD (loaded on demand)\n', stderr: '' });
  const bad = await run(BINARY, ['send', 'c-upper', 'tab\there'], { env });
  t.is(bad.code, 1);
  t.is(bad.stderr, 'umd: driver c-upper: expected 1 to 64 printable ASCII characters, got "tab\\there"\n');
  const log = await run(BINARY, ['log', '--driver', 'c-upper'], { env });
  t.regex(log.stdout, /c-upper\/upper_umh: Started upper_umh\n/);
});
