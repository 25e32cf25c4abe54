import test, { type ExecutionContext } from 'ava';
import { chownSync, closeSync, constants, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, umd, type CliResult } from '../helpers/cli.js';
import { kernelSamplePackage, kernelSampleUnavailable } from '../helpers/kernel-sample.js';
import { makePackage } from '../helpers/packages.js';
import { assertNoStrayProcesses, SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';
import { defaultPlan, has, root } from './support.js';
import { only } from '../helpers/skip.js';
import { umdAs } from '../helpers/users.js';

/** How many records of the host's kernel log contain `text`, or null when it cannot be read. */
function hostKmsgRecords(text: string): number | null {
  let fd: number;
  try {
    fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  const record = Buffer.alloc(8192);
  let count = 0;
  for (;;) {
    try {
      const n = readSync(fd, record);
      if (n <= 0) break;
      if (record.subarray(0, n).toString('utf8').includes(text)) count++;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') continue; // records overwritten while reading
      break; // EAGAIN: read them all
    }
  }
  closeSync(fd);
  return count;
}

const kernelUnavailable = kernelSampleUnavailable();
only(kernelUnavailable === null && has('private-kmsg'), kernelUnavailable ?? 'no private /dev/kmsg here')(
  "the kernel's own sample handler runs in the default sandbox: its /dev/kmsg line lands in umd log, not in the host's kernel log",
  async (t) => {
    const drivers = kernelSamplePackage(t);
    const { env } = cliEnv(t, drivers);
    const before = hostKmsgRecords('Started sample_umh');
    const sent = await umd(env, ['send', 'kernel_sample', '1024']);
    t.is(sent.code, 0, sent.stderr);
    t.is(sent.stdout, 'umd: kernel_sample: 4 bytes accepted (loaded on demand)\n');
    const log = await umd(env, ['log', '--driver', 'kernel_sample']);
    t.regex(log.stdout, /Z kernel_sample\/sample_umh: Started sample_umh\n/);
    t.is(hostKmsgRecords('Started sample_umh'), before);
    const info = JSON.parse((await umd(env, ['info', 'kernel_sample', '--json'])).stdout) as { sandbox: { status: string; privateKmsg: boolean } };
    t.like(info.sandbox, { status: defaultPlan.status, privateKmsg: true });
  },
);

only(root && defaultPlan.status === 'on', 'needs root and the whole sandbox')('umd info shows the sandbox that applies: who, namespaces, limits, seccomp', async (t) => {
  const { env } = cliEnv(t);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const info = await umd(env, ['info', 'sample']);
  t.is(info.code, 0, info.stderr);
  const lines = info.stdout.split('\n');
  const allowed = defaultPlan.seccomp?.allowed.length ?? 0;
  for (const line of [
    'sandbox:      on',
    'runs as:      nobody (uid 65534), group nogroup (gid 65534), no supplementary groups, no capabilities, no_new_privs',
    'namespaces:   pid network ipc mount uts (private /proc, private /dev/kmsg)',
    'root:         private, read-only: /usr, /lib (link), /lib64 (link), /lib32 (link), /etc/ld.so.cache, /bin (link), /sbin (link), /dev (null zero urandom kmsg), /proc',
    'limits:       address space 256 MiB, open files 64, CPU 60 s, file size 0 bytes, core 0 bytes, processes 32 (cgroup pids.max), memory 256 MiB for all its processes (cgroup)',
    `seccomp:      on: ${allowed} system calls allowed, and isatty's ioctl and signals to itself; any other kills the handler (SIGSYS)`,
  ]) {
    t.true(lines.includes(line), `missing ${JSON.stringify(line)} in\n${info.stdout}`);
  }
  t.regex(info.stdout, /\nsha256: +[0-9a-f]{64} \(matches; the private copy is checked again before every start\)\n/);
  const json = JSON.parse((await umd(env, ['info', 'sample', '--json'])).stdout) as { sandbox: Record<string, unknown> };
  t.like(json.sandbox, {
    status: 'on',
    switchesUser: true,
    user: { name: 'nobody', id: 65534 },
    namespaces: ['pid', 'network', 'ipc', 'mount', 'uts'],
    privateRoot: true,
    scratchBytes: null,
    limits: { processes: 32, memoryBytes: 256 * 1024 * 1024 },
    enforcement: { processes: 'cgroup', memory: 'cgroup' },
    missing: [],
  });
});

test('umd list marks a driver whose handlers run without the sandbox with "!", and says what it means', async (t) => {
  const drivers = tempDir(t);
  makePackage(drivers, 'bare', { handler: SAMPLE_HANDLER, extra: { sandbox: false } });
  const { env } = cliEnv(t, drivers);
  t.is((await umd(env, ['load', 'bare'])).code, 0);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const list = await umd(env, ['list']);
  t.is(list.code, 0);
  t.regex(list.stdout, /\nbare +running! +\d+ /);
  t.regex(list.stdout, new RegExp(`\\nsample +running${defaultPlan.status === 'on' ? ' ' : '!'} +\\d+ `));
  t.true(list.stdout.endsWith('\n! = its handlers run without the full sandbox: see `umd info <driver>`\n'));
  const json = JSON.parse((await umd(env, ['list', '--json'])).stdout) as Array<{ name: string; sandbox: string | null }>;
  t.deepEqual(
    json.map((e) => [e.name, e.sandbox]),
    [['bare', 'off'], ['bpfilter', null], ['pgp', null], ['sample', defaultPlan.status]],
  );
  const log = await umd(env, ['log', '--driver', 'bare']);
  t.regex(log.stdout, /Z bare: warn: driver bare: handler sample_umh runs WITHOUT the sandbox, turned off by driver.json \("sandbox": false\)/);
});

const NOBODY = 65534;

/** Runs the CLI as the unprivileged user `nobody`, as an unprivileged administrator would. */
const asNobody = async (env: Record<string, string>, args: string[]): Promise<CliResult> => umdAs({ uid: NOBODY, gid: NOBODY }, env, args);

/** A runtime dir and home that `nobody` owns; the daemon it starts is stopped at teardown. */
function nobodyEnv(t: ExecutionContext): { env: Record<string, string>; dir: string } {
  const dir = tempDir(t);
  chownSync(dir, NOBODY, NOBODY);
  const env = { UMD_RUNTIME_DIR: path.join(dir, 'run'), HOME: dir, NO_COLOR: '1' };
  t.teardown(async () => {
    await asNobody(env, ['daemon', 'stop']);
    await assertNoStrayProcesses(dir);
  });
  return { env, dir };
}

only(root, 'needs root: it runs a daemon as nobody')('a daemon that is not root degrades loudly: the sample still works, and the missing user switch is named in the log, info and list', async (t) => {
  const { env } = nobodyEnv(t);
  const sent = await asNobody(env, ['send', 'sample', '42']);
  t.is(sent.code, 0, sent.stderr);
  t.is(sent.stdout, 'umd: sample: 2 bytes accepted (loaded on demand)\n');
  const info = JSON.parse((await asNobody(env, ['info', 'sample', '--json'])).stdout) as { sandbox: { status: string; user: { id: number }; missing: Array<{ protection: string; reason: string }> } };
  t.is(info.sandbox.status, 'partial');
  t.is(info.sandbox.user.id, NOBODY);
  t.deepEqual(info.sandbox.missing[0], { protection: 'user', reason: `the daemon runs as uid ${NOBODY}, not root, so the handler runs as the daemon's own user` });
  const log = await asNobody(env, ['log', '--driver', 'sample']);
  t.regex(log.stdout, new RegExp(`Z sample: warn: driver sample: handler sample_umh runs without user: the daemon runs as uid ${NOBODY}, not root`));
  const list = await asNobody(env, ['list']);
  t.regex(list.stdout, /\nsample +running! +\d+ /);
});

only(root, 'needs root: it runs a daemon as nobody')('a driver that requires the sandbox refuses to load under a daemon that is not root: ENOTSUP', async (t) => {
  const { env, dir } = nobodyEnv(t);
  const drivers = path.join(dir, 'drivers');
  makePackage(drivers, 'strict', { handler: SAMPLE_HANDLER, extra: { requireSandbox: true } });
  chownSync(drivers, NOBODY, NOBODY);
  const load = await asNobody({ ...env, UMD_DRIVER_PATH: drivers }, ['load', 'strict', '--json']);
  t.is(load.code, 1);
  const error = (JSON.parse(load.stdout) as { error: { code: string; message: string } }).error;
  t.is(error.code, 'ENOTSUP');
  t.regex(error.message, /^driver strict requires the sandbox \("requireSandbox": true\), but missing user \(the daemon runs as uid 65534, not root/);
});

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]. */
function stat(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
}

(has('pid-namespace') ? test : test.skip)("load, list, info and log show the handler's own pid (its launcher reports it), not the launcher's", async (t) => {
  const { env } = cliEnv(t);
  const load = await umd(env, ['load', 'sample']);
  const pid = Number(/^umd: loaded sample \(handler pid (\d+)\)\n$/.exec(load.stdout)?.[1]);
  t.true(pid > 0, load.stdout);
  // The handler itself: PID 2 of its own namespace, running the blob, under its name alone.
  t.regex(readFileSync(`/proc/${pid}/status`, 'utf8'), new RegExp(`\\nNSpid:\\t${pid}\\t2\\n`));
  t.is(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), 'sample_umh\0');
  // Above it the reaper, above that the launcher, which leads the process group umd signals.
  const [, reaper = '', group = ''] = stat(pid);
  const [, launcher = ''] = stat(Number(reaper));
  t.is(group, launcher);
  t.not(Number(launcher), pid);
  const list = JSON.parse((await umd(env, ['list', '--json'])).stdout) as Array<{ name: string; pid: number | null }>;
  t.is(list.find((e) => e.name === 'sample')?.pid, pid);
  t.regex((await umd(env, ['info', 'sample'])).stdout, new RegExp(`\\nstate: +running \\(pid ${pid}\\)\\n`));
  t.regex((await umd(env, ['log', '--driver', 'sample'])).stdout, new RegExp(`Z sample: Loaded sample_umh pid ${pid}\\n`));
  t.is((JSON.parse((await umd(env, ['load', 'sample', '--json'])).stdout) as { pid: number }).pid, pid);
});
