import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync } from 'node:fs';
import { UmdError } from '../core/errors.js';
import { openOwnFile } from '../core/safe-fs.js';

/** util-linux's flock(1), by absolute path: the daemon's PATH may hold nothing (the single binary's smoke test). */
const FLOCK = ['/usr/bin/flock', '/bin/flock'];

/**
 * Makes sure one daemon serves a runtime directory: an exclusive flock on
 * `<runtime dir>/umd.lock`, which only the dir's owner can even open (the
 * dir is 0700), so no other user can take it first. Node has no flock(2),
 * so flock(1) takes it on a descriptor it inherits: the lock belongs to
 * the open file, which the daemon keeps open, and the kernel drops it when
 * the daemon dies, however it dies. Returns that descriptor.
 */
export function acquireInstanceLock(lockFile: string, runtimeDir: string): number {
  const flock = FLOCK.find((file) => existsSync(file));
  if (!flock) {
    throw new UmdError('EIO', `cannot take the daemon lock for ${runtimeDir}: flock(1) is not installed (${FLOCK.join(' or ')})`, {
      suggestions: ['Install util-linux (apt-get install util-linux)'],
    });
  }
  const fd = openOwnFile(lockFile, constants.O_RDWR | constants.O_CREAT);
  const taken = spawnSync(flock, ['--nonblock', '--exclusive', '--conflict-exit-code', '75', '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
    env: {},
  });
  if (taken.status === 0) return fd;
  closeSync(fd);
  if (taken.status === 75) throw new UmdError('EEXIST', `a umd daemon already serves ${runtimeDir}`);
  const why = taken.error?.message ?? (taken.stderr.toString().trim() || `flock exited with status ${taken.status}`);
  throw new UmdError('EIO', `cannot take the daemon lock ${lockFile}: ${why}`);
}
