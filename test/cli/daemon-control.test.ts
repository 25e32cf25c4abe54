import test from 'ava';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cliEnv, startCli, umd } from '../helpers/cli.js';
import { alive, BIN, eventually } from '../helpers/runtime.js';

// Issue 12, points 8, 17 and 19, restart, and `daemon run` as a service manager runs it.

function recordPid(runtimeDir: string): number {
  return (JSON.parse(readFileSync(path.join(runtimeDir, 'umd.pid'), 'utf8')) as { pid: number }).pid;
}

test('daemon start says whether it started one; status counts what list shows', async (t) => {
  const { env } = cliEnv(t);
  const first = await umd(env, ['daemon', 'start', '--json']);
  t.is(first.code, 0);
  const started = JSON.parse(first.stdout) as { started: boolean; pid: number };
  t.true(started.started);
  const again = await umd(env, ['daemon', 'start']);
  t.deepEqual(again, { code: 0, stdout: `umd: daemon pid ${started.pid} was already running, serving ${env.UMD_RUNTIME_DIR}/umd.sock\n`, stderr: '' });
  t.like(JSON.parse((await umd(env, ['daemon', 'start', '--json'])).stdout), { started: false, pid: started.pid });
  const list = JSON.parse((await umd(env, ['list', '--json'])).stdout) as unknown[];
  t.like(JSON.parse((await umd(env, ['daemon', 'status', '--json'])).stdout), { pid: started.pid, drivers: list.length, loaded: 0 });
});

test('a stopped daemon (kill -STOP): commands fail at once and say so, status answers from the pid, stop ends it', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const pid = recordPid(runtimeDir);
  process.kill(pid, 'SIGSTOP');
  t.teardown(() => {
    if (alive(pid)) process.kill(pid, 'SIGCONT');
  });
  const hint = `umd: hint: Let it go on with \`kill -CONT ${pid}\`, or end it with \`umd daemon stop\`\n`;
  t.deepEqual(await umd(env, ['list']), {
    code: 1,
    stdout: '',
    stderr: `umd: the umd daemon (pid ${pid}) on ${runtimeDir}/umd.sock is stopped (SIGSTOP or a debugger) and cannot answer\n${hint}`,
  });
  const status = await umd(env, ['daemon', 'status', '--json']);
  t.is(status.code, 1);
  t.like(JSON.parse(status.stdout), { error: { code: 'EAGAIN', message: `the umd daemon pid ${pid} is stopped (SIGSTOP or a debugger)` } });
  const stop = await umd(env, ['daemon', 'stop', '--json']);
  t.is(stop.code, 0, stop.stderr);
  t.deepEqual(JSON.parse(stop.stdout), { pid, wasRunning: true, how: 'SIGTERM' });
  t.false(alive(pid));
  t.false(existsSync(path.join(runtimeDir, 'umd.sock')));
  t.false(existsSync(path.join(runtimeDir, 'umd.pid')), 'its own shutdown ran: a clean end');
});

test('daemon stop ends a daemon that does not answer by pid: SIGTERM, then SIGKILL after the grace, and says which', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const pid = recordPid(runtimeDir);
  // A grace of 1 ms leaves it next to no time to act on SIGTERM.
  process.kill(pid, 'SIGSTOP');
  const stop = await umd({ ...env, UMD_STOP_GRACE_MS: '1' }, ['daemon', 'stop']);
  t.is(stop.code, 0, stop.stderr);
  t.regex(stop.stdout, new RegExp(`^umd: daemon pid ${pid} is stopped \\(SIGSTOP or a debugger\\); sent SIGTERM(; it shut down|, then SIGKILL after 1 ms)\\n$`));
  t.false(alive(pid));
  t.false(existsSync(path.join(runtimeDir, 'umd.sock')));
});

test('a daemon killed with SIGKILL: the next command and the new daemon\'s first log line say so, with the drivers loaded then', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  const pid = recordPid(runtimeDir);
  process.kill(pid, 'SIGKILL');
  t.true(await eventually(() => !alive(pid), 5000));
  const note = `the previous umd daemon (pid ${pid}) ended without shutting down (killed or crashed); drivers loaded then: sample; its log is ${runtimeDir}/umd.log`;
  const list = await umd(env, ['list']);
  t.is(list.code, 0);
  t.is(list.stderr, `umd: note: ${note}\n`);
  t.regex(list.stdout, /\nsample +unloaded /);
  const log = await umd(env, ['log', '--json']);
  const entries = JSON.parse(log.stdout) as Array<{ message: string; level: string }>;
  const first = entries.findIndex((e) => e.message.startsWith(`umd daemon `) && !e.message.includes(`pid ${pid} `));
  t.like(entries[first - 1], { level: 'warn', message: note });
  t.is((await umd(env, ['list'])).stderr, '', 'said once');
  t.false(existsSync(path.join(runtimeDir, 'blobs', 'sample')), "the dead daemon's blob copy is gone");
});

test('umd restart: unload and load under one lock, a new handler; a driver not loaded is loaded', async (t) => {
  const { env } = cliEnv(t);
  const first = JSON.parse((await umd(env, ['restart', 'sample', '--json'])).stdout) as { wasLoaded: boolean; oldPid: number | null; pid: number };
  t.like(first, { driver: 'sample', wasLoaded: false, oldPid: null });
  const again = await umd(env, ['restart', 'sample']);
  t.is(again.code, 0);
  const pid = Number(/^umd: restarted sample \(killed handler pid (\d+), now handler pid (\d+)\)\n$/.exec(again.stdout)?.[2]);
  t.is(Number(/killed handler pid (\d+)/.exec(again.stdout)?.[1]), first.pid);
  t.false(alive(first.pid));
  t.true(alive(pid));
  t.deepEqual(await umd(env, ['send', 'sample', '7']), { code: 0, stdout: 'umd: sample: 1 byte accepted\n', stderr: '' });
  const missing = await umd(env, ['restart', 'nosuch', '--json']);
  t.is(missing.code, 1);
  t.like(JSON.parse(missing.stdout), { error: { code: 'ENOENT' } });
});

test('daemon run echoes every event, one line each; under systemd with a priority and no time', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  const plain = startCli(env, process.execPath, [BIN, 'daemon', 'run']);
  await plain.waitFor(/serving/);
  t.regex(plain.output().stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z umd: umd daemon \\S+ pid ${plain.child.pid} serving ${runtimeDir}/umd.sock\\n$`));
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  await plain.waitFor(/Started sample_umh/);
  plain.child.kill('SIGTERM');
  t.deepEqual(await plain.exited, { code: 0, signal: null });

  const journal = startCli({ ...env, JOURNAL_STREAM: '8:12345' }, process.execPath, [BIN, 'daemon', 'run']);
  await journal.waitFor(/serving/);
  t.is((await umd(env, ['send', 'sample', '1']), (await umd(env, ['send', 'sample', 'x'])).code), 1);
  t.is((await umd(env, ['load', 'sample'])).code, 0);
  await journal.waitFor(/Started sample_umh/);
  journal.child.kill('SIGTERM');
  await journal.exited;
  const lines = journal.output().stdout.split('\n');
  t.is(lines[0], `<6>umd: umd daemon ${/umd daemon (\S+)/.exec(lines[0] ?? '')?.[1] ?? '?'} pid ${journal.child.pid} serving ${runtimeDir}/umd.sock`);
  t.true(lines.includes('<6>sample/sample_umh: Started sample_umh'), journal.output().stdout);
  t.true(lines.every((line) => line === '' || /^<\d>/.test(line)));
});

test('socket activation: the daemon serves the listening socket passed as fd 3 with LISTEN_FDS=1 and LISTEN_PID', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  await umd(env, ['daemon', 'status']); // nothing runs yet
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  const socket = path.join(runtimeDir, 'umd.sock');
  // Bound under another name and renamed: closing our copy below unlinks the name it was bound to, not umd.sock.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(`${socket}.bind`, resolve));
  renameSync(`${socket}.bind`, socket);
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  // sh sets LISTEN_PID to its own pid, which the daemon keeps across exec, as systemd does.
  const daemon = startCli({ ...env, LISTEN_FDS: '1' }, 'sh', ['-c', 'LISTEN_PID=$$ exec "$0" "$@"', process.execPath, BIN, 'daemon', 'run'], [fd]);
  (server as unknown as { _handle: { close(): void } })._handle.close(); // ours is closed; the daemon holds the only copy
  await daemon.waitFor(/serving/);
  t.deepEqual(await umd(env, ['send', 'sample', '12']), { code: 0, stdout: 'umd: sample: 2 bytes accepted (loaded on demand)\n', stderr: '' });
  const status = JSON.parse((await umd(env, ['daemon', 'status', '--json'])).stdout) as { pid: number };
  t.is(status.pid, daemon.child.pid ?? -1);
  t.deepEqual(await umd(env, ['daemon', 'stop']), { code: 0, stdout: `umd: daemon pid ${daemon.child.pid} stopped\n`, stderr: '' });
  t.deepEqual(await daemon.exited, { code: 0, signal: null });
  t.true(existsSync(socket), "the service manager's socket file is left to it");
});
