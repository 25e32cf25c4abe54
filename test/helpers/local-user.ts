import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface LocalUser {
  name: string;
  uid: number;
  gid: number;
}

function idOf(name: string, flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
}

/** An ordinary local user for attack tests (made with useradd the first time; needs root). */
export function localUser(name = 'umd-test-other'): LocalUser {
  try {
    idOf(name, '-u');
  } catch {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'ignore' });
    } catch (error) {
      // Another test file made it at the same moment.
      if (Number.isNaN(idOf(name, '-u'))) throw error;
    }
  }
  return { name, uid: idOf(name, '-u'), gid: idOf(name, '-g') };
}

/** Runs `node -e script` as `user` (no supplementary groups), its stdout collected. */
export function nodeAs(user: LocalUser, script: string): { child: ChildProcess; output: () => string } {
  const child = spawn('setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups', '--', process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: '/usr/bin:/bin' },
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (text += s));
  return { child, output: () => text };
}
