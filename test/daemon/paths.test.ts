import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import { Daemon } from '../../src/daemon/server.js';
import { startDaemon } from '../helpers/daemon.js';
import { nodeAs, ordinaryUser } from '../helpers/users.js';
import { eventually, tempDir } from '../helpers/runtime.js';

const asRoot = process.getuid?.() === 0 ? test : test.skip;

test('a symlink planted at <runtime dir>/umd.log is refused, never followed', async (t) => {
  const run = path.join(tempDir(t), 'run');
  mkdirSync(run, { mode: 0o700 });
  const target = path.join(tempDir(t), 'precious');
  writeFileSync(target, 'precious\n');
  symlinkSync(target, path.join(run, 'umd.log'));
  const error = await t.throwsAsync(Daemon.start({ runtimeDir: run }), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `umd refuses ${run}/umd.log: it is a symbolic link`);
  t.is(readFileSync(target, 'utf8'), 'precious\n');
  // The lock was let go: with the link removed, a daemon starts.
  rmSync(path.join(run, 'umd.log'));
  const daemon = await Daemon.start({ runtimeDir: run });
  await daemon.shutdown('test over');
});

test('a symlink planted at <runtime dir>/blobs is refused at load, and nothing in its target is removed', async (t) => {
  const { client, daemon } = await startDaemon(t);
  const victim = tempDir(t);
  mkdirSync(path.join(victim, 'sample'));
  writeFileSync(path.join(victim, 'sample', 'keep'), 'keep\n');
  rmSync(daemon.paths.blobs, { recursive: true, force: true });
  symlinkSync(victim, daemon.paths.blobs);
  const error = await t.throwsAsync(client.request('load', { driver: 'sample' }), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `umd refuses ${daemon.paths.blobs}: it is a symbolic link`);
  t.deepEqual(readdirSync(path.join(victim, 'sample')), ['keep']);
});

test('a runtime dir whose parent others may write (not sticky) is refused; a sticky one is fine', async (t) => {
  const parent = path.join(tempDir(t), 'open');
  mkdirSync(parent);
  chmodSync(parent, 0o777);
  const run = path.join(parent, 'run');
  const error = await t.throwsAsync(Daemon.start({ runtimeDir: run }), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `umd runtime directory ${run} is unsafe: its parent ${parent} is writable by group or others and not sticky (mode 777), so another user could replace it`);
  chmodSync(parent, 0o1777);
  const daemon = await Daemon.start({ runtimeDir: run });
  await daemon.shutdown('test over');
});

test('a runtime dir swapped while the daemon runs is refused: it shuts down and touches nothing in the new one', async (t) => {
  const { daemon, runtimeDir } = await startDaemon(t, [], { socketCheckMs: 50 });
  renameSync(runtimeDir, `${runtimeDir}.old`);
  mkdirSync(runtimeDir, { mode: 0o700 });
  writeFileSync(path.join(runtimeDir, 'victim'), 'v\n');
  await daemon.closed;
  t.true(daemon.ring.tail(50).some((e) => e.level === 'error' && e.message === `umd runtime directory ${runtimeDir} was removed or replaced by another directory; refusing to use it; shutting down`));
  t.deepEqual(readdirSync(runtimeDir), ['victim']);
  t.true(existsSync(`${runtimeDir}.old/umd.sock`), 'the socket in the dir it does not own any more was left alone');
});

asRoot("another user cannot take the instance lock: squatting the old abstract name or the lock file does not stop root's daemon", async (t) => {
  const user = await ordinaryUser(t);
  const parent = tempDir(t);
  chmodSync(parent, 0o755);
  const run = path.join(parent, 'run');
  mkdirSync(run, { mode: 0o700 });
  const oldName = `\0umd-daemon-${createHash('sha256').update(run).digest('hex').slice(0, 40)}`;
  const squatter = nodeAs(
    user,
    `const net = require('node:net'); const fs = require('node:fs');
     const tryit = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
     const lock = tryit(() => fs.openSync(${JSON.stringify(`${run}/umd.lock`)}, 'a'));
     const server = net.createServer().listen({ path: ${JSON.stringify(oldName)} }, () => {
       console.log(JSON.stringify({ lock, abstract: 'bound' }));
     });`,
  );
  t.teardown(() => squatter.child.kill('SIGKILL'));
  t.true(await eventually(() => squatter.output().includes('"abstract":"bound"'), 5000), squatter.output());
  t.deepEqual(JSON.parse(squatter.output()), { lock: 'EACCES', abstract: 'bound' });
  const daemon = await Daemon.start({ runtimeDir: run });
  t.is(daemon.status().pid, process.pid);
  await daemon.shutdown('test over');
});

asRoot('a runtime dir whose parent another user owns is refused (StrictModes)', async (t) => {
  const parent = path.join(tempDir(t), 'theirs');
  mkdirSync(parent, { mode: 0o755 });
  chownSync(parent, 65534, 65534);
  const run = path.join(parent, 'run');
  const error = await t.throwsAsync(Daemon.start({ runtimeDir: run }), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `umd runtime directory ${run} is unsafe: its parent ${parent} is owned by uid 65534, neither root nor you, so another user could replace it`);
});

/** A symlink `name` owned by nobody in a fresh sticky dir (as another user would plant it in /tmp), to a fresh dir of `mode`. */
function foreignLink(t: ExecutionContext, name: string, mode: number): { link: string; target: string } {
  const sticky = path.join(tempDir(t), 'sticky');
  mkdirSync(sticky);
  chmodSync(sticky, 0o1777);
  const target = path.join(tempDir(t), 'target');
  mkdirSync(target, { mode });
  const link = path.join(sticky, name);
  symlinkSync(target, link);
  lchownSync(link, 65534, 65534);
  return { link, target };
}

asRoot("a runtime dir that is another user's symlink (planted in a sticky dir) is refused, never followed", async (t) => {
  const { link: run, target } = foreignLink(t, 'umd-0', 0o700);
  const error = await t.throwsAsync(Daemon.start({ runtimeDir: run }), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `umd runtime directory ${run} is a symbolic link owned by uid 65534, not by you or root`);
  t.deepEqual(readdirSync(target), []);
});

asRoot("a runtime dir reached through another user's symlink higher up is refused, and nothing is made through it", async (t) => {
  const { link, target } = foreignLink(t, 'shared', 0o755);
  const run = path.join(link, 'umdx', 'y');
  const error = await t.throwsAsync(Daemon.start({ runtimeDir: run }), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.is(error?.message, `umd runtime directory ${run} is reached through ${link}, a symbolic link owned by uid 65534, not by you or root`);
  t.deepEqual(readdirSync(target), []);
});
