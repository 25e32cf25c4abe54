import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { defaultLauncher } from '../../src/core/context.js';
import { UmdError } from '../../src/core/errors.js';
import { cgroupSupport } from '../../src/sandbox/cgroup.js';
import { planSandbox } from '../../src/sandbox/plan.js';
import { stockShape } from '../../src/sandbox/stock-config.js';
import { CONTROL_FD, dropLauncherStock } from '../../src/sandbox/stock.js';
import { makeManager, type ManagerFixture } from '../helpers/manager.js';
import { alive, eventually, FIXTURES, tempDir } from '../helpers/runtime.js';
import { has, logged, probe, statusLines } from './support.js';

// Stock launchers (src/sandbox/stock.ts, libexec/stock.c): made ahead by a
// daemon (here: a manager given a pipes dir, as the daemon's are), taken by
// the load's first start. The sandbox they give must be the one a launch
// gives; what comes on their control descriptor must be nothing else.

const LAUNCHER = defaultLauncher('/');
const stocked = has('private-root') && has('pid-namespace') ? test.serial : test.skip;

/** The shape of stock a dynamically linked handler gets here (its root has the loader's paths). */
const shape = stockShape(planSandbox({ driver: 'any', manifest: { name: 'any', handler: 'any', sha256: '0'.repeat(64), manager: 'sample' }, launch: {}, probe, cgroups: cgroupSupport(probe.uid), loader: true })) ?? [];

/**
 * Runs `umd-exec --stock` with `config` on its control descriptor, a
 * handler that says "Started stderr_then_exit" at `drv/h` in its blobs dir:
 * its exit, its stderr, what it reported on the info descriptor.
 */
async function feedStock(t: ExecutionContext, config: Buffer | null) {
  const blobs = path.join(tempDir(t), 'blobs');
  mkdirSync(path.join(blobs, 'drv'), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'stderr_then_exit'), path.join(blobs, 'drv', 'h'));
  chmodSync(path.join(blobs, 'drv', 'h'), 0o555);
  const child = spawn(LAUNCHER, ['--stock', String(CONTROL_FD), '--info-fd', '3', ...shape, '--', blobs], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    env: {},
  });
  let stderr = '';
  let info = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (text: string) => (info += text));
  const control = child.stdio[CONTROL_FD] as NodeJS.WritableStream;
  control.on('error', () => undefined);
  control.end(config ?? Buffer.alloc(0));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr, info };
}

const words = (...list: string[]): Buffer => Buffer.from(list.map((w) => `${w}\0`).join(''));

const garbage = test.macro<[config: Buffer, reason: RegExp]>(async (t, config, reason) => {
  const { code, stderr, info } = await feedStock(t, config);
  t.is(code, 126, stderr);
  t.regex(stderr, /^umd-exec: stock: bad configuration from the control descriptor: [^\n]*\n$/);
  t.regex(stderr, reason);
  t.regex(info, /^pid \d+\n$/, "the handler's process is forked, and reported, ahead");
  t.false(stderr.includes('Started'), 'the handler never ran');
});

stocked('a stock launcher given a good configuration runs its handler, as that user, with that environment', async (t) => {
  const { code, stderr, info } = await feedStock(t, words('--user', '65534:65534', '--env', 'A=b', '--seccomp', '-', '--', 'drv/h'));
  t.is(code, 1, stderr);
  t.is(stderr, 'Started stderr_then_exit\nstderr_then_exit: last words 1\nstderr_then_exit: last words 2\n');
  t.regex(info, /^pid \d+\n$/);
});

for (const [title, config, reason] of [
  ['bytes without a NUL', Buffer.from('garbage'), /not NUL-terminated/],
  ['random bytes', Buffer.from([0xff, 0x00, 0x41, 0x00, 0x2d, 0x2d, 0x00]), /not an option a stock takes|blob path/],
  ['a namespace option (the stock made its namespaces already)', words('--unshare', 'net', '--', 'drv/h'), /not an option a stock takes \(`--unshare`\)/],
  ['a root path option', words('--ro', '/home', '--', 'drv/h'), /not an option a stock takes \(`--ro`\)/],
  ['a cgroup option', words('--cgroup', '/sys/fs/cgroup/pids/cgroup.procs', '--', 'drv/h'), /not an option a stock takes \(`--cgroup`\)/],
  ['a blob path that climbs out of the blobs dir', words('--', '../drv/h'), /blob path/],
  ['an absolute blob path', words('--', '/bin/sh'), /blob path/],
  ['a blob path with .. inside', words('--', 'drv/..'), /blob path/],
  ['an option without its value', words('--user'), /without its value/],
  ['a bad user', words('--user', 'root', '--', 'drv/h'), /a bad value/],
  ['words after the blob', words('--', 'drv/h', '--user', '0:0'), /followed by the blob and nothing else/],
  ['an environment entry without =', words('--env', 'PATH', '--', 'drv/h'), /a bad --env/],
  ['more than 16 KiB', Buffer.alloc(20_000, 0x41), /longer than 16384 bytes/],
] as const) {
  stocked(`a stock launcher fed ${title} on its control descriptor ends with 126, one line, and runs nothing`, garbage, config, reason);
}

stocked('a stock launcher whose control descriptor closes without a byte ends quietly with 0 and runs nothing', async (t) => {
  const { code, stderr, info } = await feedStock(t, null);
  t.is(code, 0, stderr);
  t.is(stderr, '');
  t.regex(info, /^pid \d+\n$/);
});

/** A manager with a pipes dir (so with stock launchers, as the daemon's); its stocks end with the test. */
async function withStock(t: ExecutionContext, handler: string, extra: Record<string, unknown> = {}): Promise<ManagerFixture & { pipesDir: string }> {
  const pipesDir = path.join(tempDir(t), 'pipes');
  const fixture = await makeManager(t, 'status', { handler, extra }, { pipesDir });
  t.teardown(async () => dropLauncherStock(pipesDir));
  return { ...fixture, pipesDir };
}

/** The launchers waiting in the stock of the manager (in this process) whose blobs dir is `blobsDir`. */
function stocks(blobsDir: string): number[] {
  // A reaper shows its launcher's command line until it blanks it: only this process's children are launchers.
  return childrenOf(process.pid).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.includes('--stock') && argv.at(-2) === blobsDir && alive(pid);
    } catch {
      return false;
    }
  });
}

/** Pids whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return Number(/^PPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The command line of the launcher of handler `pid` (its reaper's parent). */
function launcherOf(pid: number): string[] {
  const ppid = (of: number) => Number(/^PPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${of}/status`, 'utf8'))?.[1]);
  return readFileSync(`/proc/${ppid(ppid(pid))}/cmdline`, 'utf8').split('\0');
}

/** A first load (a launch as always), then, once stocks wait, a second: its handler comes from a stock. */
async function loadTwice(t: ExecutionContext, fixture: ManagerFixture) {
  const first = (await fixture.manager.load()).pid as number;
  t.false(launcherOf(first).includes('--stock'), 'the first load finds no stock');
  await logged(t, fixture.logs, 'sandbox_status', 'Started sandbox_status');
  const firstLines = statusLines(fixture.logs);
  await fixture.manager.unload();
  t.true(await eventually(() => stocks(fixture.blobsDir).length === 2, 10_000), 'two stocks wait after the first start');
  fixture.logs.length = 0;
  const second = (await fixture.manager.load()).pid as number;
  t.true(launcherOf(second).includes('--stock'), 'the second load takes a stock');
  await logged(t, fixture.logs, 'sandbox_status', 'Started sandbox_status');
  return { first: firstLines, second: statusLines(fixture.logs), pid: second };
}

stocked("a handler from a stock has the very sandbox a launch gives: user, capabilities, no_new_privs, filter, limits, environment, /dev/kmsg", async (t) => {
  const fixture = await withStock(t, path.join(FIXTURES, 'sandbox_status'), { env: { LANG: 'C', UMD_TEST: 'a b=c' } });
  const { first, second, pid } = await loadTwice(t, fixture);
  const same = (lines: string[]) => lines.filter((line) => !line.startsWith('ns '));
  t.deepEqual(same(second), same(first));
  t.true(second.includes('NoNewPrivs:\t1'), second.join('\n'));
  t.true(second.includes('kmsg fifo'), second.join('\n'));
  // Its own namespaces, none of them the host's.
  for (const line of second.filter((l) => l.startsWith('ns ') && !l.startsWith('ns user'))) {
    const name = /^ns (\w+):/.exec(line)?.[1] ?? '';
    t.not(line.slice(3), readlinkSync(`/proc/self/ns/${name}`), line);
  }
  // The cgroup limits a launch sets, on the stock's own groups.
  for (const controller of has('memory-limit') ? ['pids', 'memory'] : []) {
    const group = new RegExp(`^\\d+:${controller}:(/umd/stock\\.\\d+\\.\\d+)$`, 'm').exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
    t.truthy(group, `the handler is in a stock's own ${controller} group`);
    const file = controller === 'pids' ? 'pids.max' : 'memory.limit_in_bytes';
    t.is(readFileSync(`/sys/fs/cgroup/${controller}${group}/${file}`, 'utf8').trim(), controller === 'pids' ? '34' : String(256 * 1024 * 1024));
  }
  await logged(t, fixture.logs, 'sandbox_status', 'sandbox_status: hello from /dev/kmsg');
});

stocked("a handler from a stock finds the host's files no more than a launched one: /etc/passwd is ENOENT", async (t) => {
  const fixture = await withStock(t, path.join(FIXTURES, 'escape_read'), { env: { TARGET: '/etc/passwd' } });
  await fixture.manager.load();
  await fixture.manager.unload();
  t.true(await eventually(() => stocks(fixture.blobsDir).length === 2, 10_000));
  const { pid } = await fixture.manager.load();
  t.true(launcherOf(pid as number).includes('--stock'));
  t.is((await t.throwsAsync(fixture.manager.send('1'), { instanceOf: UmdError }))?.code, 'EFAULT');
  await logged(t, fixture.logs, 'escape_read', 'read /etc/passwd: failed: ENOENT');
});

stocked('stock launchers killed before use leave nothing: the next load starts its handler as usual and serves', async (t) => {
  const fixture = await withStock(t, path.join(FIXTURES, 'sandbox_status'));
  await fixture.manager.load();
  await fixture.manager.unload();
  t.true(await eventually(() => stocks(fixture.blobsDir).length === 2, 10_000));
  const killed = stocks(fixture.blobsDir);
  const fifos = killed.map((pid) => {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv[argv.indexOf('--kmsg') + 1];
  });
  const reapers = killed.flatMap((pid) => childrenOf(pid));
  t.is(reapers.length, 2, 'each stock has its reaper');
  for (const pid of killed) process.kill(pid, 'SIGKILL');
  t.true(await eventually(() => [...killed, ...reapers].every((pid) => !existsSync(`/proc/${pid}`)), 5000), 'launchers and reapers are gone: no zombie');
  const { pid } = await fixture.manager.load();
  t.false(launcherOf(pid as number).includes('--stock'), 'a dead stock is never handed out');
  t.deepEqual((await fixture.manager.send('7')).result, { bytes: 1, offset: 7 });
  t.true(await eventually(() => fifos.every((fifo) => !existsSync(fifo)), 5000), 'their FIFOs are removed');
});

const usual = test.macro<[extra: Record<string, unknown>]>(async (t, extra) => {
  const fixture = await withStock(t, path.join(FIXTURES, 'sandbox_status'), extra);
  await fixture.manager.load();
  await fixture.manager.unload();
  const { pid } = await fixture.manager.load();
  t.false(launcherOf(pid as number).includes('--stock'));
  t.deepEqual(stocks(fixture.blobsDir), [], 'no stock is made for it');
});

stocked('a driver with readOnlyPaths never takes a stock: its paths are bound at its own start', usual, { readOnlyPaths: ['/etc/hostname'] });
stocked('a driver with a scratch /tmp never takes a stock (the tmpfs is its user\'s)', usual, { scratchBytes: 65536 });

stocked('a stock taken for a load whose configuration it cannot read (an env name with =) is ended, and the handler launches as usual with that load\'s FIFO and cgroups', async (t) => {
  const fixture = await withStock(t, path.join(FIXTURES, 'sandbox_status'), { env: { 'A=B': 'c' } });
  await fixture.manager.load();
  await fixture.manager.unload();
  t.true(await eventually(() => stocks(fixture.blobsDir).length === 2, 10_000));
  fixture.logs.length = 0;
  const { pid } = await fixture.manager.load();
  t.false(launcherOf(pid as number).includes('--stock'));
  await logged(t, fixture.logs, 'sandbox_status', 'sandbox_status: hello from /dev/kmsg');
  t.deepEqual((await fixture.manager.send('7')).result, { bytes: 1, offset: 7 });
});
