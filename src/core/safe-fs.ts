import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, type Stats } from 'node:fs';
import { UmdError } from './errors.js';

/** Our uid (a daemon's files must be its own). */
function ourUid(): number {
  return process.getuid?.() ?? 0;
}

function refuse(file: string, why: string, fix: string): UmdError {
  return new UmdError('EACCES', `umd refuses ${file}: ${why}`, { suggestions: [fix] });
}

/** Does `st` describe something another user could have planted or may change? */
function foreign(st: Stats): string | null {
  if (st.uid !== ourUid()) return `it is owned by uid ${st.uid}, not by umd's uid ${ourUid()}`;
  if ((st.mode & 0o022) !== 0) return `it is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/**
 * Opens a file of the runtime dir without following a link planted at its
 * name (O_NOFOLLOW), and only if it is a regular file of ours with one name:
 * not a symlink, not a hard link to someone else's file, not a FIFO.
 */
export function openOwnFile(file: string, flags: number, mode = 0o600): number {
  let fd: number;
  try {
    fd = openSync(file, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'ELOOP') throw refuse(file, 'it is a symbolic link', `Remove it (rm ${file}); umd makes its own`);
    throw new UmdError(errno === 'EACCES' ? 'EACCES' : 'EIO', `umd cannot open ${file}: ${(error as Error).message}`, { cause: error });
  }
  const st = fstatSync(fd);
  const why = !st.isFile() ? 'it is not a regular file' : st.nlink !== 1 ? `it has ${st.nlink} names (a hard link)` : foreign(st);
  if (why) {
    closeSync(fd);
    throw refuse(file, why, `Remove it (rm ${file}); umd makes its own`);
  }
  return fd;
}

/**
 * Makes `dir` (one level, 0700) if it is not there, and checks what is
 * there without following a link: a directory of ours that only we may
 * write. A symlink planted at its name is refused, never followed.
 */
export function ensureOwnDir(dir: string): Stats {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new UmdError('EIO', `umd cannot create ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw refuse(dir, 'it is a symbolic link', `Remove it (rm ${dir}); umd makes its own`);
  const why = !st.isDirectory() ? 'it is not a directory' : foreign(st);
  if (why) throw refuse(dir, why, `Remove it (rm -r ${dir}); umd makes its own`);
  return st;
}
