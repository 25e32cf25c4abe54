import test from 'ava';
import { sandboxArgs } from '../../src/core/launch.js';
import { parseProbe } from '../../src/sandbox/probe.js';
import { planSandbox, requirementError, sandboxWarnings } from '../../src/sandbox/plan.js';

// The planner on what other systems answer to `umd-exec --probe`: systems
// this test cannot be run on (no user namespaces, no seccomp), so it reads
// their probe's words.

const manifest = { name: 'd', handler: 'h', sha256: '0'.repeat(64), manager: 'sample' };
const SYSCALLS = 'arch x86_64\ndefault read,write,exit_group\nknown read,write,exit_group,socket\n';

const noUserns = parseProbe(
  ['uid 1000', 'user no EPERM', 'userns no ENOSPC', 'pid no EPERM', 'net no EPERM', 'ipc no EPERM', 'mnt no EPERM', 'kmsg no EPERM', 'proc no EPERM', 'nnp ok', 'seccomp ok', SYSCALLS].join('\n'),
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
    { protection: 'private-proc', reason: 'it needs the PID and mount namespaces' },
    { protection: 'private-kmsg', reason: "it needs the mount namespace; the handler sees the host's /dev/kmsg" },
  ]);
  t.deepEqual(plan.seccomp, { allowed: ['read', 'write', 'exit_group'], extra: [] });
  t.deepEqual(sandboxArgs(plan, null), ['--sandbox', '--rlimit', 'as=268435456,nofile=64,cpu=60,fsize=0,core=0', '--seccomp', '-']);
  t.is(sandboxWarnings('d', 'h_umh', plan)[1], `driver d: handler h_umh runs without pid-namespace: ${why}`);
  const error = requirementError('d', { ...plan, required: true });
  t.is(error?.code, 'ENOTSUP');
});

test('no seccomp on this kernel: named, and the filter is not asked for', (t) => {
  const probe = parseProbe(['uid 0', 'user ok', 'pid ok', 'net ok', 'ipc ok', 'mnt ok', 'kmsg ok', 'proc ok', 'nnp ok', 'seccomp no EINVAL', SYSCALLS].join('\n'));
  const plan = planSandbox({ driver: 'd', manifest: { ...manifest, user: 4242, group: 4242 }, launch: {}, probe });
  t.deepEqual(plan.missing, [{ protection: 'seccomp', reason: 'the system refused it (EINVAL)' }]);
  t.deepEqual(sandboxArgs(plan, '/run/k'), [
    '--sandbox', '--user', '4242:4242', '--unshare', 'net,ipc,mnt', '--proc', '--kmsg', '/run/k',
    '--rlimit', 'as=268435456,nofile=64,cpu=60,fsize=0,core=0',
  ]);
});

test('a daemon that is not root but may make user namespaces gets every namespace inside one', (t) => {
  const probe = parseProbe(['uid 1000', 'user no EPERM', 'userns ok', 'pid ok', 'net ok', 'ipc ok', 'mnt ok', 'kmsg ok', 'proc ok', 'nnp ok', 'seccomp ok', SYSCALLS].join('\n'));
  const plan = planSandbox({ driver: 'd', manifest: { ...manifest, syscalls: ['socket'], limits: { cpuSeconds: null } }, launch: {}, probe });
  t.deepEqual(plan.missing.map((m) => m.protection), ['user']);
  t.deepEqual(sandboxArgs(plan, '/run/k'), [
    '--sandbox', '--userns', '--unshare', 'net,ipc,mnt', '--proc', '--kmsg', '/run/k',
    '--rlimit', 'as=268435456,nofile=64,cpu=inf,fsize=0,core=0', '--seccomp', 'socket',
  ]);
});
