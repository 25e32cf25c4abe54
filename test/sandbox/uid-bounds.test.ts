import test from 'ava';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { defaultLauncher } from '../../src/core/context.js';
import { UmdError } from '../../src/core/errors.js';
import { cgroupSupport } from '../../src/sandbox/cgroup.js';
import { planSandbox } from '../../src/sandbox/plan.js';
import { stockShape } from '../../src/sandbox/stock-config.js';
import { CONTROL_FD } from '../../src/sandbox/stock.js';
import { makeManager, type ManagerFixture } from '../helpers/manager.js';
import { FIXTURES, tempDir } from '../helpers/runtime.js';
import { has, logged, probe, root, statusLines } from './support.js';

// Attack: a uid or gid of 2^32 or more wraps to root in umd-exec's `--user`
// parser (sscanf "%lu:%lu" cast to uid_t), on the command line and on a
// stock's control descriptor alike; 4294967295 is (uid_t)-1, which
// setresuid takes as "leave it": root. driver.json's check ("a positive
// id, not root") and resolveAccounts' ("may not run as root") both let
// such numbers through, so a handler runs as uid 0 (no capabilities, but
// /proc/sys/kernel/core_pattern is writable to uid 0 in the private root).

const LAUNCHER = defaultLauncher('/');
const sandboxed = root && has('private-root') && has('pid-namespace') ? test.serial : test.skip;
const shape = stockShape(planSandbox({ driver: 'any', manifest: { name: 'any', handler: 'any', sha256: '0'.repeat(64), manager: 'sample' }, launch: {}, probe, cgroups: cgroupSupport(probe.uid), loader: true })) ?? [];
const words = (...list: string[]): Buffer => Buffer.from(list.map((w) => `${w}\0`).join(''));

async function run(args: string[], config: Buffer | null, dir: string): Promise<{ code: number | null; stderr: string }> {
  const blobs = path.join(dir, 'blobs');
  mkdirSync(path.join(blobs, 'drv'), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'sandbox_status'), path.join(blobs, 'drv', 'h'));
  chmodSync(path.join(blobs, 'drv', 'h'), 0o555);
  const child = spawn(LAUNCHER, config ? [...args, '--', blobs] : [...args, '--', path.join(blobs, 'drv', 'h')], {
    stdio: ['pipe', 'ignore', 'pipe', 'pipe', 'pipe'],
    env: {},
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const control = child.stdio[CONTROL_FD] as NodeJS.WritableStream;
  control.on('error', () => undefined);
  control.end(config ?? Buffer.alloc(0));
  child.stdin!.end();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

for (const id of ['4294967296', '4294967295', '18446744073709551616', '-1']) {
  sandboxed(`a stock launcher refuses --user ${id}:${id} on its control descriptor (it must not wrap to uid 0)`, async (t) => {
    const { code, stderr } = await run(['--stock', String(CONTROL_FD), '--info-fd', '3', ...shape], words('--user', `${id}:${id}`, '--seccomp', '-', '--', 'drv/h'), tempDir(t));
    t.false(/Uid:\s+0\s/.test(stderr), `the handler ran as root:\n${stderr}`);
    t.is(code, 126, stderr);
    t.regex(stderr, /bad configuration from the control descriptor: a bad value/);
  });
  sandboxed(`a launch refuses --user ${id}:${id} (it must not wrap to uid 0)`, async (t) => {
    const { code, stderr } = await run([...shape, '--user', `${id}:${id}`], null, tempDir(t));
    t.false(/Uid:\s+0\s/.test(stderr), `the handler ran as root:\n${stderr}`);
    t.is(code, 2, stderr);
  });
}

for (const id of [4294967295, 4294967296]) {
  sandboxed(`a driver whose driver.json says user and group ${id} never runs its handler as root`, async (t) => {
    // Refused when driver.json is read, or when the driver loads: either is right; running as root is not.
    const made = await makeManager(t, 'status', { handler: path.join(FIXTURES, 'sandbox_status'), extra: { user: id, group: id } }).catch((error: unknown) => error as Error);
    const loaded: unknown = made instanceof Error ? made : await made.manager.load().catch((error: unknown) => error);
    if (loaded instanceof UmdError) {
      t.is(loaded.code, 'EINVAL', loaded.message);
      return;
    }
    if (loaded instanceof Error) throw loaded;
    const fixture = made as ManagerFixture;
    await logged(t, fixture.logs, 'sandbox_status', 'Started sandbox_status');
    const uid = statusLines(fixture.logs).find((line) => line.startsWith('Uid:'));
    t.not(uid, 'Uid:\t0\t0\t0\t0', 'the handler runs as root');
  });
}
