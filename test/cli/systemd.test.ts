import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cliEnv, startCli, umd } from '../helpers/cli.js';
import { BIN, ROOT, tempDir } from '../helpers/runtime.js';
import { only } from '../helpers/skip.js';

// examples/systemd/: the units are valid, and the daemon keeps its side of their contract (systemd does not run here).

const UNITS = path.join(ROOT, 'examples/systemd');

/** `Key=value` lines of a unit file, comments and sections left out. */
function unit(name: string): Map<string, string> {
  const entries = readFileSync(path.join(UNITS, name), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]);
  return new Map(entries);
}

let hasAnalyze = true;
try {
  execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
} catch {
  hasAnalyze = false;
}

only(hasAnalyze, 'needs systemd-analyze')('systemd-analyze verify finds nothing wrong in umd.service and umd.socket', (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'umd.service'), readFileSync(path.join(UNITS, 'umd.service'), 'utf8').replaceAll('/usr/local/bin/umd', BIN));
  writeFileSync(path.join(dir, 'umd.socket'), readFileSync(path.join(UNITS, 'umd.socket'), 'utf8'));
  const verify = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'umd.service'), path.join(dir, 'umd.socket')], { encoding: 'utf8' });
  t.is(verify.status, 0, verify.stderr);
  t.is(verify.stderr, '');
});

test('the daemon keeps the units\' contract: activated by the socket, journal lines, SIGTERM ends it cleanly', async (t) => {
  const service = unit('umd.service');
  const socketUnit = unit('umd.socket');
  t.is(service.get('Type'), 'exec');
  t.is(service.get('KillMode'), 'mixed');
  const [exec, ...execArgs] = (service.get('ExecStart') ?? '').split(' ');
  t.is(exec, '/usr/local/bin/umd');
  t.deepEqual(execArgs, ['daemon', 'run']);
  const runtimeInUnit = /^UMD_RUNTIME_DIR=(.+)$/.exec(service.get('Environment') ?? '')?.[1] ?? '';
  const listen = socketUnit.get('ListenStream') ?? '';
  t.is(listen, path.join(runtimeInUnit, 'umd.sock'), 'the socket is the runtime dir\'s umd.sock');

  // What systemd does for umd.socket, in a runtime dir of the test's own.
  const { env, runtimeDir } = cliEnv(t);
  mkdirSync(runtimeDir, { mode: Number.parseInt(socketUnit.get('DirectoryMode') ?? '', 8) });
  const socket = path.join(runtimeDir, path.basename(listen));
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(`${socket}.bind`, resolve));
  renameSync(`${socket}.bind`, socket);
  chmodSync(socket, Number.parseInt(socketUnit.get('SocketMode') ?? '', 8));
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  // ... and for umd.service: its Environment (with our runtime dir), the journal's stream, the socket as fd 3.
  const daemon = startCli({ ...env, JOURNAL_STREAM: '8:4242', LISTEN_FDS: '1' }, 'sh', ['-c', 'LISTEN_PID=$$ exec "$0" "$@"', process.execPath, BIN, ...execArgs], [fd]);
  (server as unknown as { _handle: { close(): void } })._handle.close();
  await daemon.waitFor(/serving/);

  t.deepEqual(await umd(env, ['send', 'sample', '100']), { code: 0, stdout: 'umd: sample: 3 bytes accepted (loaded on demand)\n', stderr: '' });
  t.is(statSync(socket).mode & 0o777, 0o600);
  await daemon.waitFor(/Started sample_umh/);
  daemon.child.kill('SIGTERM'); // KillMode=mixed: SIGTERM to the main process only
  t.deepEqual(await daemon.exited, { code: 0, signal: null });
  const lines = daemon.output().stdout.trimEnd().split('\n');
  t.true(lines.every((line) => /^<[346]>\S+: /.test(line)), daemon.output().stdout);
  t.true(lines.includes('<6>sample: Loaded sample_umh pid ' + /Loaded sample_umh pid (\d+)/.exec(daemon.output().stdout)?.[1]));
  t.true(lines.some((line) => /^<6>umd: umd daemon pid \d+ shutting down: SIGTERM$/.test(line)), daemon.output().stdout);
  t.true(existsSync(socket), 'the socket stays, for the next activation');
});
