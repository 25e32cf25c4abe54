import type { ExecutionContext } from 'ava';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { run, type CliResult } from './cli.js';
import { assertNoStrayProcesses, BIN, tempDir } from './runtime.js';

export interface OrdinaryUser {
  name: string;
  uid: number;
  gid: number;
  /** Its home: a fresh 0700 directory it owns. */
  home: string;
}

let made = 0;

/**
 * Runs useradd/userdel, retrying while another test holds the lock on
 * /etc/passwd (exit 10) or, for userdel, while the user's last process is
 * still exiting (exit 8).
 */
async function accounts(command: string, args: string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await promisify(execFile)(command, args);
      return;
    } catch (error) {
      const code = (error as { code?: number }).code;
      if ((code !== 10 && code !== 8) || attempt >= 50) throw error;
      await sleep(20 + attempt * 10);
    }
  }
}

/**
 * A fresh ordinary user (no privileges, a group of its own), made with
 * useradd for this test and deleted at its end, with a home only it can
 * read. Needs root.
 */
export async function ordinaryUser(t: ExecutionContext): Promise<OrdinaryUser> {
  const name = `umdt${process.pid}x${++made}`;
  const home = tempDir(t, 'umd-home-');
  await accounts('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/usr/sbin/nologin', '--user-group', name]);
  t.teardown(() => accounts('userdel', [name]));
  const entry = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith(`${name}:`)) ?? '';
  const [, , uid = '', gid = ''] = entry.split(':');
  const user = { name, uid: Number(uid), gid: Number(gid), home };
  chownSync(home, user.uid, user.gid);
  chmodSync(home, 0o700);
  return user;
}

/** Runs the umd CLI (`bin/run.js`) as `user`, with `env` and nothing of ours but PATH (and its home, if it has one). */
export async function umdAs(user: Pick<OrdinaryUser, 'uid' | 'gid'> & { home?: string }, env: Record<string, string>, args: string[]): Promise<CliResult> {
  return run('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', process.execPath, BIN, ...args], {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(user.home === undefined ? {} : { HOME: user.home }),
    NO_COLOR: '1',
    ...env,
  });
}

/** The env of a daemon `user` runs, with its runtime dir in its home; stopped at teardown, no process left. */
export function userDaemonEnv(t: ExecutionContext, user: OrdinaryUser, driverPath?: string): Record<string, string> {
  const env: Record<string, string> = { UMD_RUNTIME_DIR: `${user.home}/run`, ...(driverPath ? { UMD_DRIVER_PATH: driverPath } : {}) };
  t.teardown(async () => {
    await umdAs(user, env, ['daemon', 'stop']);
    await assertNoStrayProcesses(user.home);
  });
  return env;
}

/** Runs `node -e script` as `user` (no supplementary groups), its stdout collected. */
export function nodeAs(user: Pick<OrdinaryUser, 'uid' | 'gid'>, script: string): { child: ChildProcess; output: () => string } {
  const child = spawn('setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups', '--', process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: '/usr/bin:/bin' },
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (text += s));
  return { child, output: () => text };
}
