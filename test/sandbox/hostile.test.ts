import test, { type ExecutionContext } from 'ava';
import net from 'node:net';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import { makeManager } from '../helpers/manager.js';
import { FIXTURES, SAMPLE_HANDLER } from '../helpers/runtime.js';
import { has, logged, root } from './support.js';
import { only } from '../helpers/skip.js';

// Each fixture answers post_start, then on the next request tries one thing
// a taken-over parser would try (test/fixtures/handlers/hostile.h). The
// request fails (EFAULT: the handler is gone without a reply), the log says
// exactly how (killed by SIGSYS, or the errno its attempt failed with), and
// the daemon (this process) is unharmed: the sample driver still answers.

type Outcome = { signal: 'SIGSYS' } | { what: string; errno: string };

const hostile = test.macro<[fixture: string, outcome: Outcome, manifest?: Record<string, unknown>]>(async (t, fixture, outcome, manifest = {}) => {
  const env = { DAEMON_PID: String(process.pid), ...(manifest.env as Record<string, string> | undefined) };
  const { manager, logs } = await makeManager(t, 'hostile', { handler: path.join(FIXTURES, fixture), extra: { ...manifest, env } });
  const { pid } = await manager.load();
  const error = await t.throwsAsync(manager.send('1'), { instanceOf: UmdError });
  t.is(error?.code, 'EFAULT');
  if ('signal' in outcome) {
    t.regex(error?.message ?? '', new RegExp(`^driver hostile: .*; the handler was killed by ${outcome.signal}$`));
    await logged(t, logs, 'umd', `${fixture} pid ${pid} was killed by ${outcome.signal}`);
  } else {
    await logged(t, logs, fixture, `${outcome.what}: failed: ${outcome.errno}`);
    await logged(t, logs, 'umd', `${fixture} pid ${pid} exited with status 3`);
  }
  t.is(manager.state, 'stopped');
  await unharmed(t);
});

/** The daemon (this process) is unharmed: a sample driver beside it loads and answers. */
async function unharmed(t: ExecutionContext): Promise<void> {
  const sample = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  t.deepEqual((await sample.manager.send('7')).result, { bytes: 1, offset: 7 });
}

const seccomp = has('seccomp') ? test : test.skip;

if (has('private-root')) {
  test('opening /etc/passwd for writing fails with ENOENT: the private root has no /etc/passwd', hostile, 'sandbox_write_passwd', { what: 'open /etc/passwd for writing', errno: 'ENOENT' });
} else {
  test('opening /etc/passwd for writing fails with EACCES', hostile, 'sandbox_write_passwd', { what: 'open /etc/passwd for writing', errno: 'EACCES' });
}

seccomp('opening a TCP socket kills the handler: SIGSYS', hostile, 'sandbox_tcp', { signal: 'SIGSYS' });

only(has('network-namespace'), 'no network namespace here')(
  'with socket and connect allowed, 127.0.0.1 is still unreachable: the handler has an empty network namespace',
  async (t) => {
    const server = net.createServer((socket) => {
      t.fail('the handler reached a TCP server of the host');
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => server.close());
    const port = String((server.address() as net.AddressInfo).port);
    await hostile.exec(t, 'sandbox_tcp', { what: 'connect to 127.0.0.1', errno: 'ENETUNREACH' }, { syscalls: ['socket', 'connect'], env: { PORT: port } });
  },
);

seccomp('forking kills the handler: SIGSYS', hostile, 'sandbox_fork', { signal: 'SIGSYS' });

seccomp('executing another program kills the handler: SIGSYS (execveat is allowed for the launcher only)', hostile, 'sandbox_exec', { signal: 'SIGSYS' });

seccomp('killing the daemon kills the handler: SIGSYS', hostile, 'sandbox_kill', { signal: 'SIGSYS' });

only(has('pid-namespace'), 'no PID namespace here')(
  'with kill allowed, the daemon is still out of reach: ESRCH, it is not in the handler\'s PID namespace',
  hostile,
  'sandbox_kill',
  { what: 'kill the daemon', errno: 'ESRCH' },
  { syscalls: ['kill'] },
);

seccomp('ptrace on the daemon kills the handler: SIGSYS', hostile, 'sandbox_ptrace', { signal: 'SIGSYS' });

(has('pid-namespace') ? test : test.skip)(
  'with ptrace allowed, the daemon is still out of reach: ESRCH',
  hostile,
  'sandbox_ptrace',
  { what: 'ptrace the daemon', errno: 'ESRCH' },
  { syscalls: ['ptrace'] },
);

if (has('private-proc')) {
  test("the daemon's environment is not there to read: ENOENT, the handler's /proc shows its own PID namespace", hostile, 'sandbox_environ', {
    what: "open the daemon's environ",
    errno: 'ENOENT',
  });
} else if (root) {
  test("the daemon's environment is not readable by the handler's user: EACCES", hostile, 'sandbox_environ', { what: "open the daemon's environ", errno: 'EACCES' });
} else {
  test.skip("reading the daemon's environment: without a private /proc and without root to switch users, nothing stops it here", () => undefined);
}

test('allocating without bound stops at the address-space limit (256 MiB): ENOMEM', async (t) => {
  const { manager, logs } = await makeManager(t, 'hostile', { handler: path.join(FIXTURES, 'sandbox_alloc') });
  const { pid } = await manager.load();
  t.is((await t.throwsAsync(manager.send('1'), { instanceOf: UmdError }))?.code, 'EFAULT');
  await logged(t, logs, 'umd', `sandbox_alloc pid ${pid} exited with status 3`);
  const line = logs.find((e) => e.source === 'sandbox_alloc' && e.message.startsWith('allocate without bound'))?.message ?? '';
  const mib = Number(/^allocate without bound \((\d+) MiB\): failed: ENOMEM$/.exec(line)?.[1]);
  t.true(mib > 64 && mib < 256, line);
  await unharmed(t);
});
