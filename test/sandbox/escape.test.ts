import test, { type ExecutionContext } from 'ava';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createContext } from '../../src/core/context.js';
import { UmdError } from '../../src/core/errors.js';
import { makeManager } from '../helpers/manager.js';
import { eventually, FIXTURES, tempDir } from '../helpers/runtime.js';
import { defaultPlan, handlerSource, has, logged } from './support.js';

// The escape_* fixtures (test/fixtures/handlers/escape.h) against the daemon
// of this process: as root here, so the handler runs as nobody. Each attack
// of issue 10 asserts the errno the handler saw, and that the host is as it
// was. test/sandbox/user.test.ts runs the same under an ordinary user's daemon.

// One at a time: some thirty sandboxed starts at once, each a fork of this
// process, keep its event loop from reaping their ends for seconds on a
// loaded two-CPU machine.
const rooted = has('private-root') ? test.serial : test.skip;

/** Loads escape fixture `fixture` aimed at `target` as driver `driver`; its second request makes the attempt. */
async function attempt(t: ExecutionContext, fixture: string, target: string, extra: Record<string, unknown> = {}, driver = 'escape') {
  const fixtureDir = await makeManager(t, driver, { handler: path.join(FIXTURES, fixture), extra: { env: { TARGET: target }, ...extra } });
  const { pid } = await fixtureDir.manager.load();
  // What the log calls the handler: its stderr lines come from this source.
  return { ...fixtureDir, pid: pid as number, source: handlerSource(fixtureDir.logs, pid as number) };
}

/** The attempt fails: the handler reports `line` and exits 3 without a reply (EFAULT). */
const refused = test.macro<[fixture: string, target: string, line: string, extra?: Record<string, unknown>]>(async (t, fixture, target, line, extra = {}) => {
  const { manager, logs, pid, source } = await attempt(t, fixture, target, extra);
  t.is((await t.throwsAsync(manager.send('1'), { instanceOf: UmdError }))?.code, 'EFAULT');
  await logged(t, logs, source, line);
  await logged(t, logs, 'umd', `${source} pid ${pid} exited with status 3`);
});

for (const target of ['/etc/passwd', '/var/lib/dpkg/status', '/home', '/root', '/tmp', '/var', '/run', '/sys', '/etc/hostname']) {
  rooted(`the host's ${target} is not in the handler's root: ENOENT`, refused, 'escape_read', target, `read ${target}: failed: ENOENT`);
}

rooted("the daemon's cwd is not the handler's: package.json is not there (cwd /)", async (t) => {
  t.true(existsSync('package.json'), 'the tests run from the repository');
  await refused.exec(t, 'escape_read', 'package.json', 'read package.json: failed: ENOENT');
});

(has('uts-namespace') ? test.serial : test.skip)("the host's name is not the handler's: /proc/sys/kernel/hostname reads umd (own UTS namespace)", async (t) => {
  const { manager, logs, source } = await attempt(t, 'escape_read', '/proc/sys/kernel/hostname');
  t.deepEqual((await manager.send('4')).result, { bytes: 1, offset: 4 });
  await logged(t, logs, source, 'read /proc/sys/kernel/hostname: read "umd"');
});

rooted("/proc/1 is the handler's own reaper, and its command line names nothing of the host", async (t) => {
  const { manager, logs, source } = await attempt(t, 'escape_read', '/proc/1/cmdline');
  t.deepEqual((await manager.send('5')).result, { bytes: 1, offset: 5 });
  await logged(t, logs, source, 'read /proc/1/cmdline: read "umd-exec"');
});

for (const [target, errno] of [['/tmp/umd-escape', 'ENOENT'], ['/dev/shm/umd-escape', 'ENOENT'], ['/var/tmp/umd-escape', 'ENOENT'], ['/umd-escape', 'EROFS'], ['/dev/umd-escape', 'EROFS'], ['/usr/umd-escape', 'EROFS']] as const) {
  rooted(`creating ${target} fails: ${errno}, and nothing appears on the host`, async (t) => {
    await refused.exec(t, 'escape_create', target, `create ${target}: failed: ${errno}`);
    t.false(existsSync(target));
  });
}

/** A 0666 file in a 0755 directory: on the host, the handler's user could rewrite it. */
function victim(t: ExecutionContext): string {
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  const file = path.join(dir, 'target.sh');
  writeFileSync(file, '#!/bin/sh\necho trusted\n', { mode: 0o666 });
  chmodSync(file, 0o666);
  return file;
}

rooted('O_TRUNC on a 0666 host file fails: ENOENT, and the file is unchanged', async (t) => {
  const file = victim(t);
  await refused.exec(t, 'escape_truncate', file, `truncate ${file}: failed: ENOENT`);
  t.is(readFileSync(file, 'utf8'), '#!/bin/sh\necho trusted\n');
});

rooted('a shared mapping of a 0666 host file cannot be had: ENOENT, and the file is unchanged', async (t) => {
  const file = victim(t);
  await refused.exec(t, 'escape_mmap', file, `open for mmap ${file}: failed: ENOENT`);
  t.is(readFileSync(file, 'utf8'), '#!/bin/sh\necho trusted\n');
});

rooted('with socket and connect allowed, a Unix socket of the host is not there: ENOENT', async (t) => {
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  const socketPath = path.join(dir, 'umd.sock');
  const server = net.createServer((socket) => {
    t.fail('the handler reached a Unix socket of the host');
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.teardown(() => server.close());
  chmodSync(socketPath, 0o777);
  await refused.exec(t, 'escape_connect', socketPath, `connect to ${socketPath}: failed: ENOENT`, { syscalls: ['socket', 'connect'] });
});

(has('network-namespace') ? test.serial : test.skip)('with socket and connect allowed, an abstract socket of the host is not there: ECONNREFUSED (own network namespace)', async (t) => {
  const name = `umd-escape-${process.pid}-${Date.now()}`;
  const server = net.createServer((socket) => {
    t.fail('the handler reached an abstract socket of the host');
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(`\0${name}`, resolve));
  t.teardown(() => server.close());
  await refused.exec(t, 'escape_connect', `@${name}`, `connect to @${name}: failed: ECONNREFUSED`, { syscalls: ['socket', 'connect'] });
});

rooted('a scratch dir is private and size-capped: the handler creates /tmp/x in it, the host\'s /tmp gets nothing', async (t) => {
  const name = `/tmp/umd-escape-scratch-${process.pid}`;
  const { manager, logs, source } = await attempt(t, 'escape_create', name, { scratchBytes: 65536 });
  t.deepEqual((await manager.send('2')).result, { bytes: 1, offset: 2 });
  await logged(t, logs, source, `create ${name}: succeeded`);
  t.false(existsSync(name));
  t.is(manager.sandbox?.scratchBytes, 65536);
});

rooted('the scratch dir holds no more than scratchBytes: 64 KiB of files, then ENOSPC', refused, 'escape_fill', '/tmp', 'fill /tmp: failed: ENOSPC after 64 KiB', { scratchBytes: 65536 });

const limited = defaultPlan.enforcement.processes !== 'none' ? test.serial : test.skip;

limited('with clone allowed, a handler forks 31 children and no more: 32 processes (the default), then EAGAIN', refused, 'escape_fork', 'x', 'fork: failed: EAGAIN after 31 children', { syscalls: ['clone'] });

limited('driver.json "limits": {"processes": 4} lets it fork 3', refused, 'escape_fork', 'x', 'fork: failed: EAGAIN after 3 children', { syscalls: ['clone'], limits: { processes: 4 } });

/** The memory cgroup of the one driver loaded by this process under `driver`. */
function memoryGroup(driver: string): string {
  const parent = '/sys/fs/cgroup/memory/umd';
  const [name] = readdirSync(parent).filter((entry) => entry.startsWith(`${driver}.${process.pid}.`));
  return path.join(parent, name ?? 'none');
}

(defaultPlan.enforcement.memory === 'cgroup' ? test.serial : test.skip)(
  'children that each touch 64 MiB are held to the memory limit together: with 100 MiB, the OOM killer ends one of two, inside its cgroup',
  async (t) => {
    // A driver name of its own: the other tests here load theirs as "escape", at the same time. Two children, one
    // kill: each kill makes the kernel print a long report to a console that is slow here.
    const limit = 100 * 1024 * 1024;
    const { manager, logs, pid, source } = await attempt(
      t,
      'escape_memory',
      'x',
      { syscalls: ['clone', 'pipe2', 'wait4', 'kill'], limits: { memoryBytes: limit }, env: { TARGET: 'x', CHILDREN: '2' } },
      'memhog',
    );
    const group = memoryGroup('memhog');
    t.is(readFileSync(path.join(group, 'memory.limit_in_bytes'), 'utf8').trim(), String(limit));
    t.is((await t.throwsAsync(manager.send('1'), { instanceOf: UmdError }))?.code, 'EFAULT');
    await logged(t, logs, source, 'memory: 1 of 2 children were killed by SIGKILL');
    await logged(t, logs, 'umd', `${source} pid ${pid} exited with status 3`);
    // The kernel's own count: that kill was its OOM killer's, inside this cgroup.
    t.regex(readFileSync(path.join(group, 'memory.oom_control'), 'utf8'), /\noom_kill 1\n/);
    const peak = Number(readFileSync(path.join(group, 'memory.max_usage_in_bytes'), 'utf8'));
    t.true(peak <= limit, `peak ${peak}`);
    await manager.unload();
    t.false(existsSync(group), 'the cgroup is removed at unload');
  },
);

rooted('driver.json "readOnlyPaths" puts a host file into the root, read-only: it reads, it cannot be rewritten', async (t) => {
  // Outside /tmp, which the private root keeps for itself.
  const dir = mkdtempSync('/var/tmp/umd-test-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const file = path.join(dir, 'target.sh');
  writeFileSync(file, '#!/bin/sh\necho trusted\n');
  chmodSync(file, 0o666);
  const read = await attempt(t, 'escape_read', file, { readOnlyPaths: [file] });
  t.deepEqual((await read.manager.send('3')).result, { bytes: 1, offset: 3 });
  await logged(t, read.logs, read.source, `read ${file}: read "#!/bin/sh echo trusted"`);
  await refused.exec(t, 'escape_mmap', file, `open for mmap ${file}: failed: EROFS`, { readOnlyPaths: [file] });
  t.is(readFileSync(file, 'utf8'), '#!/bin/sh\necho trusted\n');
});

rooted('a "readOnlyPaths" entry that is not there is ENOENT at load, naming it', async (t) => {
  const { manager } = await makeManager(t, 'escape', { handler: path.join(FIXTURES, 'escape_read'), extra: { readOnlyPaths: ['/no/such/umd-path'], env: { TARGET: 'x' } } });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'ENOENT');
  t.is(error?.message, 'driver escape: driver.json "readOnlyPaths" names /no/such/umd-path, which is not there (ENOENT)');
});

rooted('a "readOnlyPaths" entry that holds or lies in the runtime dir is EACCES at load: the control socket stays out of the root', async (t) => {
  const runtime = mkdtempSync('/var/tmp/umd-rt-'); // readOnlyPaths may not name /tmp at all
  t.teardown(() => rmSync(runtime, { recursive: true, force: true }));
  for (const exposed of [runtime, path.join(runtime, 'blobs')]) {
    mkdirSync(exposed, { recursive: true });
    const { manager } = await makeManager(
      t,
      'escape',
      { handler: path.join(FIXTURES, 'escape_read'), extra: { readOnlyPaths: [exposed], env: { TARGET: 'x' } } },
      { context: createContext({ runtimeDir: runtime }) },
    );
    const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
    t.is(error?.code, 'EACCES');
    t.is(
      error?.message,
      `driver escape: driver.json "readOnlyPaths" names ${exposed}, which would put umd's runtime directory ${runtime} (its control socket, log and blobs) into the handler's root`,
    );
  }
});

rooted('a static handler gets a root with nothing of the host: no /usr, no /lib, no loader cache', async (t) => {
  const { manager, logs, pid, source } = await attempt(t, 'escape_read_static', '/usr');
  t.deepEqual(manager.sandbox?.rootPaths, []);
  t.is((await t.throwsAsync(manager.send('1'), { instanceOf: UmdError }))?.code, 'EFAULT');
  await logged(t, logs, source, 'read /usr: failed: ENOENT');
  await logged(t, logs, 'umd', `${source} pid ${pid} exited with status 3`);
});

rooted('a "readOnlyPaths" entry swapped for a link after load is refused at the next start (ELOOP), never followed', async (t) => {
  const dir = mkdtempSync('/var/tmp/umd-test-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  mkdirSync(data);
  const { manager, logs, pid, source } = await attempt(t, 'escape_read', `${data}/x`, { readOnlyPaths: [data] });
  rmSync(data, { recursive: true });
  symlinkSync('/etc', data);
  process.kill(pid, 'SIGKILL');
  t.true(await eventually(() => manager.state === 'stopped'));
  const error = await t.throwsAsync(manager.send('1'), { instanceOf: UmdError });
  t.is(error?.code, 'ECHILD');
  await logged(t, logs, source, `umd-exec: sandbox: ${data}: Too many levels of symbolic links (ELOOP)`);
});
