import test from 'ava';
import { chmodSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import { parseManifest } from '../../src/core/package.js';
import { makeManager } from '../helpers/manager.js';
import { eventually, FIXTURES, processesUnder, SAMPLE_HANDLER, strayProcesses } from '../helpers/runtime.js';
import { defaultPlan, has, logged, root, statusLines } from './support.js';
import { only } from '../helpers/skip.js';

const STATUS = path.join(FIXTURES, 'sandbox_status');
const NONE = '0000000000000000';

/** Loads a sandbox_status handler and returns what it reported about itself. */
async function inside(t: Parameters<typeof makeManager>[0], manifest: Record<string, unknown> = {}, options: Parameters<typeof makeManager>[3] = {}) {
  const fixture = await makeManager(t, 'status', { handler: STATUS, extra: manifest }, options);
  const { pid } = await fixture.manager.load();
  await logged(t, fixture.logs, 'sandbox_status', 'Started sandbox_status');
  return { ...fixture, pid, lines: statusLines(fixture.logs) };
}

test('a handler has no capabilities and no_new_privs, runs under seccomp, and as nobody/nogroup without groups when the daemon is root', async (t) => {
  const { lines } = await inside(t);
  const uid = root ? 65534 : process.getuid?.();
  t.true(lines.includes(`Uid:\t${uid}\t${uid}\t${uid}\t${uid}`), lines.join('\n'));
  if (root) {
    t.true(lines.includes('Gid:\t65534\t65534\t65534\t65534'));
    t.true(lines.some((l) => /^Groups:\s*$/.test(l)));
  }
  const sets = root || defaultPlan.userNamespace ? ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'] : ['CapInh', 'CapPrm', 'CapEff', 'CapAmb'];
  for (const set of sets) t.true(lines.includes(`${set}:\t${NONE}`), set);
  t.true(lines.includes('NoNewPrivs:\t1'));
  t.true(lines.includes(`Seccomp:\t${has('seccomp') ? 2 : 0}`));
});

only(has('private-proc'), 'needs a private /proc')('the kernel\'s knobs in the private /proc (/proc/sys, /proc/sysrq-trigger) are on read-only mounts', async (t) => {
  const { lines } = await inside(t);
  t.true(lines.includes('mount /proc/sys ro'), lines.join('\n'));
  // A kernel without SysRq has no /proc/sysrq-trigger.
  t.true(lines.includes('mount /proc/sysrq-trigger ro') || lines.includes('mount /proc/sysrq-trigger missing'), lines.join('\n'));
});

only(root, 'needs root')('driver.json "user" and "group" pick the uid and gid, by number too', async (t) => {
  const { lines } = await inside(t, { user: 4242, group: 4343 });
  t.true(lines.includes('Uid:\t4242\t4242\t4242\t4242'), lines.join('\n'));
  t.true(lines.includes('Gid:\t4343\t4343\t4343\t4343'));
});

test("a handler's namespaces are not the daemon's, and it is PID 2 of its own (after the reaper)", async (t) => {
  const { lines } = await inside(t);
  const mine = (ns: string) => readlinkSync(`/proc/self/ns/${ns}`);
  for (const [ns, protection] of [['pid', 'pid-namespace'], ['net', 'network-namespace'], ['ipc', 'ipc-namespace'], ['mnt', 'mount-namespace'], ['uts', 'uts-namespace']] as const) {
    const theirs = lines.find((l) => l.startsWith(`ns ${ns}:`));
    if (has(protection)) t.not(theirs, `ns ${mine(ns)}`, ns);
    else t.is(theirs, `ns ${mine(ns)}`, ns);
  }
  if (has('pid-namespace')) t.true(lines.includes('pid 2'));
});

test('a handler gets the default limits, and driver.json "limits" overrides them (null: the daemon\'s own)', async (t) => {
  const defaults = await inside(t);
  for (const line of ['limit as 268435456', 'limit nofile 64', 'limit cpu 60', 'limit fsize 0', 'limit core 0']) {
    t.true(defaults.lines.includes(line), line);
  }
  const custom = await inside(t, { limits: { openFiles: 32, cpuSeconds: 5, addressSpaceBytes: null } });
  t.true(custom.lines.includes('limit nofile 32'));
  t.true(custom.lines.includes('limit cpu 5'));
  t.true(custom.lines.includes('limit as inf'), custom.lines.join('\n'));
});

test("a handler's environment is exactly driver.json's env, nothing of the daemon's", async (t) => {
  const { lines } = await inside(t, { env: { GREETING: 'hello', EMPTY: '' } });
  t.deepEqual(lines.filter((l) => l.startsWith('env ')).sort(), ['env EMPTY=', 'env GREETING=hello']);
  const bare = await inside(t);
  t.deepEqual(bare.lines.filter((l) => l.startsWith('env ')), []);
});

only(has('private-kmsg'), 'no private /dev/kmsg here (it needs a mount namespace)')("a handler's /dev/kmsg is the driver's own FIFO: its lines land in the log, by level, not in the kernel's", async (t) => {
  const { lines, logs } = await inside(t);
  t.true(lines.includes('kmsg fifo'));
  await logged(t, logs, 'sandbox_status', 'sandbox_status: hello from /dev/kmsg');
  t.is(logs.find((e) => e.message === 'sandbox_status: hello from /dev/kmsg')?.level, 'warn');
});

test('"sandbox": false runs the handler with the daemon\'s privileges and says so at every load', async (t) => {
  const { manager, logs, lines } = await inside(t, { sandbox: false });
  const warning = `driver status: handler sandbox_status runs WITHOUT the sandbox, turned off by driver.json ("sandbox": false): it runs as ${userInfo().username} with every privilege the daemon has`;
  t.deepEqual(logs.filter((e) => e.level === 'warn').map((e) => e.message), [warning]);
  t.true(lines.includes(`Seccomp:\t0`));
  t.is(manager.sandbox?.status, 'off');
  await manager.unload();
  await manager.load();
  t.deepEqual(logs.filter((e) => e.level === 'warn').map((e) => e.message), [warning, warning]);
});

test('the manager option launch.sandbox false (for benchmarks) turns it off, with the same warning', async (t) => {
  const { manager, logs, lines } = await inside(t, {}, { launch: { sandbox: false } });
  t.is(manager.sandbox?.status, 'off');
  t.true(lines.includes(`Seccomp:\t0`));
  const warning = `driver status: handler sandbox_status runs WITHOUT the sandbox, turned off by the manager's launch options (sandbox: false): it runs as ${userInfo().username} with every privilege the daemon has`;
  t.deepEqual(logs.filter((e) => e.level === 'warn').map((e) => e.message), [warning]);
});

test('a missing protection is named in a warning at load, and the driver still loads', async (t) => {
  const { manager, logs } = await makeManager(t, 'partial', { handler: SAMPLE_HANDLER }, { launch: { pidNamespace: false } });
  await manager.load();
  t.is(manager.sandbox?.status, 'partial');
  const warnings = logs.filter((e) => e.level === 'warn').map((e) => e.message);
  t.true(warnings.includes("driver partial: handler sample_umh runs without pid-namespace: turned off by the manager's launch options (pidNamespace: false)"));
  t.true(warnings.includes('driver partial: handler sample_umh runs without private-proc: it needs the PID and mount namespaces'));
  t.deepEqual((await manager.send('3')).result, { bytes: 1, offset: 3 });
});

test('"requireSandbox": true refuses to load where a protection is missing: ENOTSUP naming it, nothing left behind', async (t) => {
  const { manager, blobsDir, dir } = await makeManager(t, 'strict', { handler: SAMPLE_HANDLER, extra: { requireSandbox: true } }, { launch: { pidNamespace: false } });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'ENOTSUP');
  t.regex(error?.message ?? '', /^driver strict requires the sandbox \("requireSandbox": true\), but missing (user \(.*\), )?pid-namespace \(turned off by the manager's launch options \(pidNamespace: false\)\), private-proc \(it needs the PID and mount namespaces\).*; refusing to load it$/);
  t.is(manager.state, 'unloaded');
  t.deepEqual(await strayProcesses(dir), []);
  t.deepEqual(readdirSync(blobsDir), []);
  const off = await makeManager(t, 'strict', { handler: SAMPLE_HANDLER, extra: { requireSandbox: true } }, { launch: { sandbox: false } });
  t.is((await t.throwsAsync(off.manager.load(), { instanceOf: UmdError }))?.code, 'ENOTSUP');
});

only(defaultPlan.status === 'on', 'the whole sandbox is not available here')('"requireSandbox": true loads where the whole sandbox is there', async (t) => {
  const { manager } = await makeManager(t, 'strict', { handler: SAMPLE_HANDLER, extra: { requireSandbox: true } });
  await manager.load();
  t.is(manager.sandbox?.status, 'on');
  t.deepEqual((await manager.send('9')).result, { bytes: 1, offset: 9 });
});

only(root, 'needs root')('a user or group that does not exist is EINVAL at load, naming it', async (t) => {
  const { manager } = await makeManager(t, 'ghost', { handler: SAMPLE_HANDLER, extra: { user: 'no-such-user-umd' } });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'EINVAL');
  t.is(error?.message, 'driver ghost: no user named no-such-user-umd in /etc/passwd to run the handler as');
});

only(has('seccomp'), 'no seccomp here')('"syscalls" naming a system call this machine does not have is EINVAL at load', async (t) => {
  const { manager } = await makeManager(t, 'typo', { handler: SAMPLE_HANDLER, extra: { syscalls: ['socket', 'sokcet'] } });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'EINVAL');
  t.regex(error?.message ?? '', /^driver typo: driver.json "syscalls" names sokcet, which \w+ does not have$/);
});

const manifestError = test.macro({
  exec(t, fields: Record<string, unknown>, message: string) {
    const text = JSON.stringify({ name: 'd', handler: 'h', sha256: 'a'.repeat(64), manager: 'sample', ...fields });
    const error = t.throws(() => parseManifest(text, '/x/d/driver.json', 'd'), { instanceOf: UmdError });
    t.is(error?.code, 'EINVAL');
    t.is(error?.message, `bad driver package /x/d/driver.json: ${message}`);
  },
  title: (_, fields: Record<string, unknown>) => `driver.json sandbox fields are checked: ${JSON.stringify(fields)}`,
});

test(manifestError, { sandbox: 'no' }, 'expected "sandbox" to be true or false, got "no"');
test(manifestError, { sandbox: false, requireSandbox: true }, 'expected "requireSandbox" to be false when "sandbox" is false, got true');
test(manifestError, { user: 'root' }, 'expected "user" to be a user or group name or a positive id, not root, got "root"');
test(manifestError, { group: 0 }, 'expected "group" to be a user or group name or a positive id, not root, got 0');
test(manifestError, { syscalls: 'socket' }, 'expected "syscalls" to be an array of system call names such as "socket", got "socket"');
test(manifestError, { limits: { memory: 1 } }, 'expected "limits" to be an object with keys among addressSpaceBytes, openFiles, cpuSeconds, fileSizeBytes, coreBytes, processes, memoryBytes, got "memory"');
test(manifestError, { limits: { openFiles: -1 } }, 'expected "limits.openFiles" to be a non-negative integer, or null for no limit, got -1');
test(manifestError, { limits: { processes: 0 } }, 'expected "limits.processes" to be at least 1 (the handler itself), or null for no limit, got 0');
test(manifestError, { limits: { memoryBytes: 1024 } }, 'expected "limits.memoryBytes" to be at least 4194304 (4 MiB), or null for no limit, got 1024');
test(manifestError, { readOnlyPaths: ['/tmp/x'] }, 'expected "readOnlyPaths" to be an array of absolute host paths (not /, /dev, /proc, /tmp or below them), got "/tmp/x"');
test(manifestError, { readOnlyPaths: ['/usr/../etc'] }, 'expected "readOnlyPaths" to be an array of absolute host paths (not /, /dev, /proc, /tmp or below them), got "/usr/../etc"');
test(manifestError, { scratchBytes: 0 }, 'expected "scratchBytes" to be a positive number of bytes up to 1073741824, got 0');

test('the private copy is read-only (0555) in a 0700 directory, and a copy changed after load never runs: EBADMSG', async (t) => {
  const { manager, blobsDir, dir } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const { pid } = await manager.load();
  const copy = path.join(blobsDir, 'sample', 'sample_umh');
  t.is(statSync(path.dirname(copy)).mode & 0o777, 0o700);
  t.is(statSync(copy).mode & 0o222, 0);
  process.kill(pid as number, 'SIGKILL');
  t.true(await eventually(() => manager.state === 'stopped' && processesUnder(dir).length === 0));
  chmodSync(copy, 0o700);
  writeFileSync(copy, '#!/bin/sh\necho pwned\n');
  t.is((await t.throwsAsync(manager.send('1'), { instanceOf: UmdError }))?.code, 'EBADMSG');
  t.deepEqual(await strayProcesses(dir), []);
});
