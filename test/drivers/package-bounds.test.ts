import test from 'ava';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import { startDaemon } from '../helpers/daemon.js';
import { makePackage } from '../helpers/packages.js';
import { SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

/** A driver dir with an "evil" module outside any package, which leaves a marker if it is ever imported. */
function evilSetup(t: Parameters<typeof tempDir>[0]): { drivers: string; evil: string; marker: string } {
  const root = tempDir(t);
  const drivers = path.join(root, 'drivers');
  const marker = path.join(root, 'imported');
  mkdirSync(path.join(root, 'evil'), { recursive: true });
  const evil = path.join(root, 'evil', 'manager.mjs');
  writeFileSync(evil, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'yes');\nexport default {};\n`);
  return { drivers, evil, marker };
}

const outsideMacro = test.macro(async (t, manager: (evil: string) => string, link: boolean) => {
  const { drivers, evil, marker } = evilSetup(t);
  const pkg = makePackage(drivers, 'victim', { handler: SAMPLE_HANDLER, manager: link ? './manager.mjs' : manager(evil) });
  if (link) symlinkSync(manager(evil), path.join(pkg, 'manager.mjs'));
  const { client } = await startDaemon(t, [drivers]);
  const error = await t.throwsAsync(client.request('info', { driver: 'victim' }), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  const named = link ? path.join(pkg, 'manager.mjs') : path.resolve(pkg, manager(evil));
  t.is(error?.message, `manager module of driver victim ${named} resolves to ${evil}, outside its package ${pkg}; refusing it`);
  t.false(existsSync(marker), 'nothing outside the package was imported');
});

test('"manager": "../../evil/manager.mjs" is refused on info alone, and nothing is imported', outsideMacro, () => '../../evil/manager.mjs', false);
test('"manager" as an absolute path outside the package is refused, and nothing is imported', outsideMacro, (evil) => evil, false);
test('a manager module symlinked out of its package is refused, and nothing is imported', outsideMacro, () => '../../evil/manager.mjs', true);

test('a handler symlinked to /etc/shadow is neither hashed by info nor loaded', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  const pkg = makePackage(drivers, 'shadowy', { handler: SAMPLE_HANDLER });
  rmSync(path.join(pkg, 'sample_umh'));
  symlinkSync('/etc/shadow', path.join(pkg, 'sample_umh'));
  const { client } = await startDaemon(t, [drivers]);
  const info = await client.request('info', { driver: 'shadowy' });
  t.is(info.blobSha256, null);
  const error = await t.throwsAsync(client.request('load', { driver: 'shadowy' }), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `handler blob of driver shadowy ${pkg}/sample_umh resolves to /etc/shadow, outside its package ${pkg}; refusing it`);
});

test('a handler symlinked to an executable outside its package is refused at load', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  const pkg = makePackage(drivers, 'borrowed', { handler: SAMPLE_HANDLER });
  rmSync(path.join(pkg, 'sample_umh'));
  symlinkSync(SAMPLE_HANDLER, path.join(pkg, 'sample_umh'));
  const { client } = await startDaemon(t, [drivers]);
  const error = await t.throwsAsync(client.request('send', { driver: 'borrowed', input: '1' }), { instanceOf: UmdError });
  t.is(error?.code, 'ENOPROTOOPT');
  t.regex(error?.message ?? '', new RegExp(`resolves to ${SAMPLE_HANDLER.replace(/[.]/g, '\\.')}, outside its package ${pkg}; refusing it$`));
});

test('a driver.json that is a symlink is refused, never read, and a broken one is not quoted back', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  const linked = makePackage(drivers, 'linked', { handler: SAMPLE_HANDLER });
  const secret = path.join(tempDir(t), 'secret');
  writeFileSync(secret, 'root:$6$hash:19000:0:99999:7:::\n', { mode: 0o600 });
  rmSync(path.join(linked, 'driver.json'));
  symlinkSync(secret, path.join(linked, 'driver.json'));
  const broken = makePackage(drivers, 'broken', { handler: SAMPLE_HANDLER });
  writeFileSync(path.join(broken, 'driver.json'), 'root:$6$hash:19000\n');
  const { client } = await startDaemon(t, [drivers]);
  const link = await t.throwsAsync(client.request('info', { driver: 'linked' }), { instanceOf: UmdError });
  t.is(link?.code, 'EACCES');
  t.is(link?.message, `driver.json of driver linked ${path.join(linked, 'driver.json')} is a symbolic link; refusing it`);
  const bad = await t.throwsAsync(client.request('info', { driver: 'broken' }), { instanceOf: UmdError });
  t.is(bad?.code, 'EINVAL');
  t.false(bad?.message.includes('root:'), bad?.message);
  t.regex(bad?.message ?? '', /^bad driver package .*\/broken\/driver\.json: not JSON/);
});
