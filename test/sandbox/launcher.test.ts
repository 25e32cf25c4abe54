import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { defaultLauncher } from '../../src/core/context.js';
import { MECHANISMS } from '../../src/sandbox/probe.js';
import { rootPaths } from '../../src/sandbox/tree.js';
import { SAMPLE_HANDLER } from '../helpers/runtime.js';
import { probe, root } from './support.js';
import { only } from '../helpers/skip.js';

// umd-exec on its own: what it reports, and that it never runs a handler
// with less than it was asked for.

function launch(args: string[]) {
  const run = spawnSync(defaultLauncher('/'), [...args, '--', SAMPLE_HANDLER], { input: Buffer.alloc(0), env: {}, encoding: 'utf8' });
  return { status: run.status, signal: run.signal, stderr: run.stderr };
}

test('--probe answers for every mechanism, names the architecture and lists the system calls', (t) => {
  for (const mechanism of MECHANISMS) {
    if (mechanism === 'userns' && root) continue; // only a daemon that is not root needs one
    t.true(mechanism in probe.failures, mechanism);
  }
  t.is(probe.uid, process.getuid?.() ?? -1);
  if (probe.arch !== null) {
    t.true(probe.knownSyscalls.has('read') && probe.knownSyscalls.has('socket'));
    t.true(probe.defaultSyscalls.includes('read') && probe.defaultSyscalls.includes('exit_group'));
    t.false(probe.defaultSyscalls.some((name) => ['socket', 'clone', 'fork', 'kill', 'ptrace', 'execve'].includes(name)));
  }
});

only(probe.failures.mnt === null, 'no mount namespace here')('a sandbox option that cannot be applied fails the start (126) instead of being skipped', (t) => {
  const run = launch([...(root ? [] : ['--userns']), '--unshare', 'mnt', '--kmsg', path.join('/nonexistent', 'kmsg')]);
  t.is(run.status, 126);
  t.is(run.stderr, "umd-exec: sandbox: bind the driver's log FIFO over /dev/kmsg: No such file or directory (ENOENT)\n");
});

only(probe.failures.seccomp === null, 'no seccomp here')('an unknown system call name fails the start (126), naming it', (t) => {
  const run = launch([...(root ? [] : ['--userns']), '--seccomp', 'read,no_such_call']);
  t.is(run.status, 126);
  t.regex(run.stderr, /^umd-exec: unknown system call name 'no_such_call' \(architecture \w+\)\numd-exec: sandbox: install the seccomp filter: Invalid argument \(EINVAL\)\n$/);
});

test('bad options are a usage error (2), never a launch', (t) => {
  t.is(launch(['--rlimit', 'memory=1']).status, 2);
  t.is(launch(['--user', 'nobody']).status, 2);
  t.is(launch(['--unshare', 'pid']).status, 2);
  t.is(launch(['--frobnicate']).status, 2);
});

only(probe.failures.seccomp === null, 'no seccomp here')('the sample handler runs under the filter alone and answers', (t) => {
  const run = spawnSync(defaultLauncher('/'), ['--no-pidns', '--seccomp', '-', '--', SAMPLE_HANDLER], { input: Buffer.alloc(4), env: {} });
  t.is(run.status, 0);
  t.is(run.stdout.length, 131072);
  t.is(run.stdout[0], 1);
});

(root && probe.failures.root === null ? test : test.skip)("the private root has the modes it is built with, whatever the daemon's umask", (t) => {
  const paths = rootPaths('any', true).flatMap((p) => [p.link ? '--ro-link' : '--ro', p.path]);
  const args = ['--sandbox', '--user', '65534:65534', '--unshare', 'mnt', '--root', ...paths, '--', '/usr/bin/stat', '-c', '%a %n', '/', '/dev', '/etc'];
  // The daemon's umask is narrowed for a moment when it makes its socket; a launch may start in that moment.
  const old = process.umask(0o177);
  let run;
  try {
    run = spawnSync(defaultLauncher('/'), args, { env: {}, encoding: 'utf8' });
  } finally {
    process.umask(old);
  }
  t.is(run.stderr, '');
  t.is(run.stdout, '755 /\n755 /dev\n755 /etc\n');
});
