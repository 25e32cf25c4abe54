import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from '../helpers/runtime.js';

// Attack (behaviour): bin/run.js requires dist/load-bundle.cjs whenever the
// bundle is "fresh" (its mtime >= dist/src/cli/entry.js's), but package.json
// "files" does not ship dist/load-bundle.cjs. npm gives every file in the
// tarball the same mtime, so an installed umd always takes the bundle path
// and every command dies with MODULE_NOT_FOUND.

test('the npm package runs: `umd version --json` from the packed tarball', (t) => {
  const dir = tempDir(t);
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'ignore' });
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  t.truthy(tarball);
  execFileSync('tar', ['xzf', path.join(dir, tarball as string), '-C', dir]);
  const run = spawnSync(process.execPath, [path.join(dir, 'package/bin/run.js'), 'version', '--json'], {
    encoding: 'utf8',
    env: { ...process.env, UMD_RUNTIME_DIR: path.join(dir, 'rt') },
  });
  t.is(run.status, 0, run.stderr);
  t.like(JSON.parse(run.stdout || '{}') as object, { umd: '0.1.0' });
});
