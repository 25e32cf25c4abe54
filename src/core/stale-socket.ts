import { lstatSync, unlinkSync } from 'node:fs';
import { UmdError } from './errors.js';
import type { RuntimePaths } from './paths.js';

/**
 * Removes the socket file of a dead daemon. Anything else at that path (a
 * regular file someone put there) is refused, never deleted.
 */
export function removeStaleSocket(paths: RuntimePaths): void {
  try {
    if (!lstatSync(paths.socket).isSocket()) {
      throw new UmdError('EEXIST', `${paths.socket} is not a socket, so umd will not remove it to start a daemon there`, {
        suggestions: [`Look at it, move it away (mv ${paths.socket} ${paths.socket}.old) and run the command again`, 'Or use another runtime dir: --runtime-dir DIR or UMD_RUNTIME_DIR'],
      });
    }
    unlinkSync(paths.socket);
  } catch (error) {
    if (error instanceof UmdError) throw error;
    // another client cleaned it first
  }
}
