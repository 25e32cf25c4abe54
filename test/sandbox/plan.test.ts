import test from 'ava';
import { sandboxArgs } from '../../src/sandbox/args.js';
import { parseProbe } from '../../src/sandbox/probe.js';
import { planSandbox } from '../../src/sandbox/plan.js';
import { requirementError, sandboxWarnings } from '../../src/sandbox/warnings.js';

// The planner on what other systems answer to `umd-exec --probe`: systems
// this test cannot be run on (no user namespaces, no seccomp), so it reads
// their probe's words.

const manifest = { name: 'd', handler: 'h', sha256: '0'.repeat(64), manager: 'sample' };
const SYSCALLS = 'arch x86_64\ndefault read,write,exit_group\nknown read,write,exit_group,socket\n';

const noUserns = parseProbe(
  ['uid 1000', 'user no EPERM', 'userns no ENOSPC', 'pid no EPERM', 'net no EPERM', 'ipc no EPERM', 'uts no EPERM', 'mnt no EPERM', 'kmsg no EPERM', 'proc no EPERM', 'nnp ok', 'seccomp ok', SYSCALLS].join('\n'),
);

test('not root and no user namespaces: each missing protection is named with its reason; seccomp and limits still apply', (t) => {
  const plan = planSandbox({ driver: 'd', manifest, launch: {}, probe: noUserns });
  t.is(plan.status, 'partial');
  const why = 'the daemon is not root and cannot create a user namespace (ENOSPC)';
  t.deepEqual(plan.missing, [
    { protection: 'user', reason: "the daemon runs as uid 1000, not root, so the handler runs as the daemon's own user" },
    { protection: 'pid-namespace', reason: why },
    { protection: 'network-namespace', reason: why },
    { protection: 'ipc-namespace', reason: why },
    { protection: 'mount-namespace', reason: why },
    { protection: 'uts-namespace', reason: why },
    { protection: 'private-proc', reason: 'it needs the PID and mount namespaces' },
    { protection: 'private-kmsg', reason: "it needs the mount namespace; the handler sees the host's /dev/kmsg" },
    { protection: 'private-root', reason: "it needs the mount namespace; the handler sees the host's files as its user may" },
    { protection: 'memory-limit', reason: 'no cgroup (not probed); each process is held to the address-space limit only' },
  ]);
  t.deepEqual(plan.seccomp, { allowed: ['read', 'write', 'exit_group'], extra: [] });
  // Without a user namespace RLIMIT_NPROC counts every process of the uid: the limit is the handler's share.
  t.deepEqual(plan.enforcement, { processes: 'rlimit-uid', memory: 'none' });
  t.deepEqual(sandboxArgs(plan, null), ['--sandbox', '--rlimit', 'as=268435456,nofile=64,cpu=60,fsize=0,core=0,nproc=32', '--seccomp', '-']);
  t.is(sandboxWarnings('d', 'h_umh', plan)[1], `driver d: handler h_umh runs without pid-namespace: ${why}`);
  const error = requirementError('d', { ...plan, required: true });
  t.is(error?.code, 'ENOTSUP');
});

test('no seccomp on this kernel: named, and the filter is not asked for', (t) => {
  const probe = parseProbe(['uid 0', 'user ok', 'pid ok', 'net ok', 'ipc ok', 'uts ok', 'mnt ok', 'kmsg ok', 'proc ok', 'root ok', 'nnp ok', 'seccomp no EINVAL', SYSCALLS].join('\n'));
  const cgroups = { pids: '/sys/fs/cgroup/pids/umd', memory: '/sys/fs/cgroup/memory/umd', reason: null };
  const plan = planSandbox({ driver: 'd', manifest: { ...manifest, user: 4242, group: 4242 }, launch: {}, probe, cgroups, loader: false });
  t.deepEqual(plan.missing, [{ protection: 'seccomp', reason: 'the system refused it (EINVAL)' }]);
  t.deepEqual(plan.enforcement, { processes: 'cgroup', memory: 'cgroup' });
  // A static handler needs nothing of the host in its root; the cgroups hold the process limit, not an rlimit.
  t.deepEqual(sandboxArgs(plan, '/run/k', ['/cg/pids/cgroup.procs']), [
    '--sandbox', '--user', '4242:4242', '--unshare', 'net,ipc,mnt,uts', '--proc', '--kmsg', '/run/k', '--root',
    '--cgroup', '/cg/pids/cgroup.procs', '--rlimit', 'as=268435456,nofile=64,cpu=60,fsize=0,core=0',
  ]);
});

test('a daemon that is not root but may make user namespaces gets every namespace inside one', (t) => {
  const probe = parseProbe(['uid 1000', 'user no EPERM', 'userns ok', 'pid ok', 'net ok', 'ipc ok', 'uts ok', 'mnt ok', 'kmsg ok', 'proc ok', 'root ok', 'nnp ok', 'seccomp ok', SYSCALLS].join('\n'));
  const plan = planSandbox({
    driver: 'd',
    manifest: { ...manifest, syscalls: ['socket'], limits: { cpuSeconds: null }, scratchBytes: 65536 },
    launch: {},
    probe,
    cgroups: { pids: null, memory: null, reason: 'the daemon runs as uid 1000, not root, and cgroup v1 is not delegated to users' },
    loader: false,
  });
  t.deepEqual(plan.missing.map((m) => m.protection), ['user', 'memory-limit']);
  t.is(plan.missing[1]?.reason, 'no cgroup (the daemon runs as uid 1000, not root, and cgroup v1 is not delegated to users); each process is held to the address-space limit only');
  // In its own user namespace RLIMIT_NPROC counts only the handler's processes, and the launcher and reaper there.
  t.deepEqual(plan.enforcement, { processes: 'rlimit-userns', memory: 'none' });
  // A scratch dir lets files grow to its size.
  t.deepEqual(sandboxArgs(plan, '/run/k'), [
    '--sandbox', '--userns', '--unshare', 'net,ipc,mnt,uts', '--proc', '--kmsg', '/run/k', '--root', '--scratch', '65536',
    '--rlimit', 'as=268435456,nofile=64,cpu=inf,fsize=65536,core=0,nproc=34', '--seccomp', 'socket',
  ]);
});
