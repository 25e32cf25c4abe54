import test from 'ava';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { umd } from '../helpers/cli.js';
import { makePackage } from '../helpers/packages.js';
import { SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

// `umd package DIR` checks a package with the code `umd load` uses; it needs no daemon.

function manifestOf(pkg: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(pkg, 'driver.json'), 'utf8')) as Record<string, unknown>;
}

test('package writes the blob digest into driver.json, keeping the other fields, and --check then passes', async (t) => {
  const pkg = makePackage(tempDir(t), 'mine', { handler: SAMPLE_HANDLER, sha256: '0'.repeat(64), timeoutMs: 1234 });
  const written = await umd({}, ['package', pkg, '--json']);
  t.is(written.code, 0, written.stderr);
  const report = JSON.parse(written.stdout) as { sha256: string };
  t.like(report, { driver: 'mine', packageDir: pkg, handler: path.join(pkg, 'sample_umh'), manager: 'sample', managerName: 'sample_mgr', written: true });
  t.like(manifestOf(pkg), { name: 'mine', sha256: report.sha256, timeoutMs: 1234, manager: 'sample' });
  t.deepEqual(await umd({}, ['package', pkg, '--check']), {
    code: 0,
    stdout: `umd: package ${pkg}: driver mine, handler ${pkg}/sample_umh (sha256 ${report.sha256} matches), manager sample (sample_mgr): ok\n`,
    stderr: '',
  });
});

test('package --check fails with EBADMSG on a stale digest and writes nothing', async (t) => {
  const pkg = makePackage(tempDir(t), 'stale', { handler: SAMPLE_HANDLER, sha256: 'a'.repeat(64) });
  const result = await umd({}, ['package', pkg, '--check', '--json']);
  t.is(result.code, 1);
  t.is((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'EBADMSG');
  t.is(manifestOf(pkg).sha256, 'a'.repeat(64));
});

const problems: Array<[string, (pkg: string) => void, string, RegExp]> = [
  ['a name that is not the directory\'s', (pkg) => writeFileSync(path.join(pkg, 'driver.json'), JSON.stringify({ ...manifestOf(pkg), name: 'other' })), 'EINVAL', /expected "name" to be "bad" \(the package directory's name\), got "other"/],
  ['a missing manager module', (pkg) => writeFileSync(path.join(pkg, 'driver.json'), JSON.stringify({ ...manifestOf(pkg), manager: './manager.mjs' })), 'ENOENT', /manager module of driver bad/],
  ['a manager module without the hooks', (pkg) => {
    writeFileSync(path.join(pkg, 'manager.mjs'), 'export default { name: "x" };\n');
    writeFileSync(path.join(pkg, 'driver.json'), JSON.stringify({ ...manifestOf(pkg), manager: './manager.mjs' }));
  }, 'EINVAL', /is missing "handlerName" \(string\)/],
  ['a TypeScript manager', (pkg) => {
    writeFileSync(path.join(pkg, 'manager.ts'), 'export default {};\n');
    writeFileSync(path.join(pkg, 'driver.json'), JSON.stringify({ ...manifestOf(pkg), manager: './manager.ts' }));
  }, 'ENOTSUP', /manager module \.\/manager\.ts is TypeScript, which umd cannot import/],
  ['a blob that is not executable', (pkg) => chmodSync(path.join(pkg, 'sample_umh'), 0o644), 'EACCES', /is not executable/],
  ['a missing blob', (pkg) => writeFileSync(path.join(pkg, 'driver.json'), JSON.stringify({ ...manifestOf(pkg), handler: 'gone_umh' })), 'ENOENT', /gone_umh/],
  ['driver.json that is not JSON', (pkg) => writeFileSync(path.join(pkg, 'driver.json'), '{"name":'), 'EINVAL', /not JSON/],
];

for (const [what, spoil, code, message] of problems) {
  test(`package fails with ${code} on ${what}`, async (t) => {
    const pkg = makePackage(tempDir(t), 'bad', { handler: SAMPLE_HANDLER });
    spoil(pkg);
    const result = await umd({}, ['package', pkg]);
    t.is(result.code, 1, result.stdout);
    t.regex(result.stderr, message);
    const json = await umd({}, ['package', pkg, '--json']);
    t.is((JSON.parse(json.stdout) as { error: { code: string } }).error.code, code);
  });
}

test('package --help explains it, and no directory is a usage error', async (t) => {
  const help = await umd({}, ['package', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /Check a driver package as `umd load` would/);
  t.is((await umd({}, ['package'])).code, 2);
});
