import test, { type ExecutionContext } from 'ava';
import { chownSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makePackage } from '../helpers/packages.js';
import { FIXTURES } from '../helpers/runtime.js';
import { ordinaryUser, umdAs, userDaemonEnv, type OrdinaryUser } from '../helpers/users.js';
import { spawnSync } from 'node:child_process';
import { defaultLauncher } from '../../src/core/context.js';
import { parseProbe } from '../../src/sandbox/probe.js';
import { root } from './support.js';

// The daemon run by an ordinary user (made by the test with useradd): no
// user switch is possible, so the handler runs as that user, in a user
// namespace of its own, with the same private root as under root. The
// escape_* fixtures then try the user's own files, the runtime dir and the
// control socket.

/** What the launcher grants a daemon that is not root (asked as nobody). */
const userProbe = root ? parseProbe(spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', defaultLauncher('/'), '--probe'], { encoding: 'utf8' }).stdout ?? '') : null;
const userns = userProbe !== null && userProbe.failures.userns === null && userProbe.failures.root === null;
// One at a time: each test runs some ten CLI processes and a daemon, which at once would starve the other
// test files' timing windows on a two-CPU machine.
const asUser = userns ? test.serial : test.skip;

interface Attack {
  user: OrdinaryUser;
  env: Record<string, string>;
  runtimeDir: string;
}

/** A user with a secret and a script in its home, and a daemon of its own that knows the escape fixtures. */
async function setUp(t: ExecutionContext): Promise<Attack> {
  const user = await ordinaryUser(t);
  const own = (file: string) => chownSync(file, user.uid, user.gid);
  writeFileSync(path.join(user.home, 'secret.txt'), 'the user\'s secret\n', { mode: 0o600 });
  writeFileSync(path.join(user.home, 'target.sh'), '#!/bin/sh\necho trusted\n', { mode: 0o644 });
  own(path.join(user.home, 'secret.txt'));
  own(path.join(user.home, 'target.sh'));
  const drivers = path.join(user.home, 'drivers');
  const env = userDaemonEnv(t, user, drivers);
  return { user, env, runtimeDir: env.UMD_RUNTIME_DIR };
}

/** Packages `fixture` aimed at `target` as driver `name` in the user's drivers dir. */
function escapeDriver(attack: Attack, name: string, fixture: string, target: string, extra: Record<string, unknown> = {}): void {
  const drivers = path.join(attack.user.home, 'drivers');
  const dir = makePackage(drivers, name, { handler: path.join(FIXTURES, fixture), extra: { ...extra, env: { TARGET: target } } });
  for (const file of [drivers, dir, ...readdirSync(dir).map((f) => path.join(dir, f))]) chownSync(file, attack.user.uid, attack.user.gid);
}

/** Sends twice (the first loads and answers post_start, the second makes the attempt); returns the driver's log. */
async function attempt(t: ExecutionContext, attack: Attack, name: string, expectCode: string): Promise<string> {
  const load = await umdAs(attack.user, attack.env, ['load', name]);
  t.is(load.code, 0, load.stderr);
  const sent = await umdAs(attack.user, attack.env, ['send', name, '1', '--json']);
  if (expectCode === 'OK') t.is(sent.code, 0, sent.stdout + sent.stderr);
  else t.is((JSON.parse(sent.stdout) as { error: { code: string } }).error.code, expectCode, sent.stdout);
  return (await umdAs(attack.user, attack.env, ['log', '--driver', name, '-n', '200'])).stdout;
}

/** The handler of driver `name` logged `line` (under its handler's name, whatever the daemon calls it). */
function hasLine(t: ExecutionContext, log: string, name: string, line: string): void {
  const found = log.split('\n').some((entry) => new RegExp(`Z ${name}/[^ :]+: `).test(entry) && entry.endsWith(`: ${line}`));
  t.true(found, `no line ${JSON.stringify(line)} in\n${log}`);
}

asUser("the user's 0600 file is not in the handler's root: ENOENT", async (t) => {
  const attack = await setUp(t);
  const secret = path.join(attack.user.home, 'secret.txt');
  escapeDriver(attack, 'steal', 'escape_read', secret);
  hasLine(t, await attempt(t, attack, 'steal', 'EFAULT'), 'steal', `read ${secret}: failed: ENOENT`);
});

asUser("the user's script cannot be rewritten through a shared mapping: ENOENT, unchanged", async (t) => {
  const attack = await setUp(t);
  const script = path.join(attack.user.home, 'target.sh');
  escapeDriver(attack, 'rewrite', 'escape_mmap', script);
  hasLine(t, await attempt(t, attack, 'rewrite', 'EFAULT'), 'rewrite', `open for mmap ${script}: failed: ENOENT`);
  t.is(readFileSync(script, 'utf8'), '#!/bin/sh\necho trusted\n');
});

asUser('umd.log in the runtime dir cannot be truncated: ENOENT, and it keeps its lines', async (t) => {
  const attack = await setUp(t);
  const log = path.join(attack.runtimeDir, 'umd.log');
  escapeDriver(attack, 'wipe', 'escape_truncate', log);
  hasLine(t, await attempt(t, attack, 'wipe', 'EFAULT'), 'wipe', `truncate ${log}: failed: ENOENT`);
  t.true(statSync(log).size > 0);
  t.regex(readFileSync(log, 'utf8'), /Loaded \S+ pid \d+/);
});

asUser('with socket and connect allowed, the control socket is not there: ENOENT (the private root hides it)', async (t) => {
  const attack = await setUp(t);
  const socket = path.join(attack.runtimeDir, 'umd.sock');
  escapeDriver(attack, 'drive', 'escape_connect', socket, { syscalls: ['socket', 'connect'] });
  hasLine(t, await attempt(t, attack, 'drive', 'EFAULT'), 'drive', `connect to ${socket}: failed: ENOENT`);
  t.true(statSync(socket).isSocket(), 'the daemon still serves on it');
});

asUser("with socket and connect allowed, the host's abstract sockets are not there: ECONNREFUSED (own network namespace)", async (t) => {
  const attack = await setUp(t);
  const name = `umd-escape-user-${process.pid}-${Date.now()}`;
  const server = net.createServer((socket) => {
    t.fail('the handler reached an abstract socket of the host');
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(`\0${name}`, resolve));
  t.teardown(() => server.close());
  escapeDriver(attack, 'abstract', 'escape_connect', `@${name}`, { syscalls: ['socket', 'connect'] });
  hasLine(t, await attempt(t, attack, 'abstract', 'EFAULT'), 'abstract', `connect to @${name}: failed: ECONNREFUSED`);
});

asUser("with clone allowed, 32 processes and no more: RLIMIT_NPROC in the handler's own user namespace", async (t) => {
  const attack = await setUp(t);
  escapeDriver(attack, 'forker', 'escape_fork', 'x', { syscalls: ['clone'] });
  hasLine(t, await attempt(t, attack, 'forker', 'EFAULT'), 'forker', 'fork: failed: EAGAIN after 31 children');
  const info = JSON.parse((await umdAs(attack.user, attack.env, ['info', 'forker', '--json'])).stdout) as {
    sandbox: { enforcement: unknown; privateRoot: boolean; missing: Array<{ protection: string; reason: string }> };
  };
  t.deepEqual(info.sandbox.enforcement, { processes: 'rlimit-userns', memory: 'none' });
  t.true(info.sandbox.privateRoot);
  t.deepEqual(
    info.sandbox.missing.map((m) => m.protection),
    ['user', 'memory-limit'],
  );
  const text = (await umdAs(attack.user, attack.env, ['info', 'forker'])).stdout;
  t.regex(text, /\nlimits: .*, processes 32 \(RLIMIT_NPROC in its own user namespace\), memory not limited as a whole \(no cgroup\)\n/);
  t.regex(text, new RegExp(`\\nmissing: +memory-limit: no cgroup \\(the daemon runs as uid ${attack.user.uid}, not root, and cgroup v1 is not delegated to users\\); each process is held to the address-space limit only\\n`));
});

asUser("the reaper has the handler's uid but cannot be written through /proc/1/mem: EACCES (it holds capabilities the handler lacks, and is not dumpable)", async (t) => {
  const attack = await setUp(t);
  escapeDriver(attack, 'inject', 'escape_truncate', '/proc/1/mem');
  hasLine(t, await attempt(t, attack, 'inject', 'EFAULT'), 'inject', 'truncate /proc/1/mem: failed: EACCES');
});

asUser("the same private root: /etc/passwd is not there, /proc/1 is the reaper, the host's name is not there", async (t) => {
  const attack = await setUp(t);
  escapeDriver(attack, 'passwd', 'escape_read', '/etc/passwd');
  hasLine(t, await attempt(t, attack, 'passwd', 'EFAULT'), 'passwd', 'read /etc/passwd: failed: ENOENT');
  escapeDriver(attack, 'init', 'escape_read', '/proc/1/cmdline');
  hasLine(t, await attempt(t, attack, 'init', 'OK'), 'init', 'read /proc/1/cmdline: read "umd-exec"');
  escapeDriver(attack, 'hostname', 'escape_read', '/proc/sys/kernel/hostname');
  hasLine(t, await attempt(t, attack, 'hostname', 'OK'), 'hostname', 'read /proc/sys/kernel/hostname: read "umd"');
});
