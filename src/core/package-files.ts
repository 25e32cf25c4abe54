import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UmdError } from './errors.js';

/** driver.json may not be larger than this; it is checked before a byte is read. */
export const MAX_MANIFEST_BYTES = 256 * 1024;

function cannot(what: string, file: string, error: unknown): UmdError {
  const errno = (error as NodeJS.ErrnoException).code;
  return new UmdError(errno === 'EACCES' ? 'EACCES' : 'ENOENT', `cannot read ${what} ${file}: ${(error as Error).message}`, {
    cause: error,
    suggestions: ['Check the path in driver.json; rebuild the driver if it is built (npm run build:drivers for the built-in ones)'],
  });
}

/** Reads all of the open regular file `fd`, which fstat says is `size` bytes (and never more than that). */
function readAll(fd: number, size: number): Buffer {
  const data = Buffer.alloc(size);
  let filled = 0;
  while (filled < size) {
    const got = readSync(fd, data, filled, size - filled, filled);
    if (got === 0) break;
    filled += got;
  }
  return data.subarray(0, filled);
}

/**
 * Reads a small file whole, refusing it (EFBIG) before reading when it is
 * over `max` bytes, and refusing what is not a regular file (a FIFO or a
 * device would never end).
 */
export function readCapped(file: string, max: number, what: string): Buffer {
  let fd: number;
  try {
    // A link at driver.json's name (to /etc/shadow, say) is refused, never read.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UmdError('EACCES', `${what} ${file} is a symbolic link; refusing it`, {
        suggestions: ['A driver package holds its own driver.json: copy the file there instead of linking it'],
      });
    }
    throw cannot(what, file, error);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UmdError('EINVAL', `${what} ${file} is not a regular file`);
    if (st.size > max) {
      throw new UmdError('EFBIG', `${what} ${file} is ${st.size} bytes, more than the ${max} umd reads`, {
        suggestions: ['A driver.json is a few hundred bytes: check that this is the right file'],
      });
    }
    return readAll(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

function outside(what: string, file: string, real: string, pkgDir: string): UmdError {
  return new UmdError('EACCES', `${what} ${file} resolves to ${real}, outside its package ${pkgDir}; refusing it`, {
    suggestions: ['A driver package must hold its own handler and manager module: copy the file into the package instead of linking it'],
  });
}

function inside(real: string, pkgReal: string): boolean {
  return real.startsWith(`${pkgReal}${path.sep}`);
}

/**
 * The real path of `file` (symlinks resolved), which must lie inside the
 * package `pkgDir`; EACCES naming where it leads otherwise, ENOENT when
 * it is not there.
 */
export function resolveInsidePackage(pkgDir: string, file: string, what: string): string {
  let real: string;
  let pkgReal: string;
  try {
    pkgReal = realpathSync(pkgDir);
    real = realpathSync(file);
  } catch (error) {
    throw cannot(what, file, error);
  }
  if (!inside(real, pkgReal)) throw outside(what, file, real, pkgReal);
  return real;
}

/**
 * Opens `file` for reading only if what is opened lies inside the package
 * (checked on the open descriptor, so a link swapped after the check
 * cannot lead elsewhere) and is a regular file. Returns the descriptor and
 * its fstat; the caller closes it.
 */
export function openInsidePackage(pkgDir: string, file: string, what: string): { fd: number; stat: Stats } {
  const real = resolveInsidePackage(pkgDir, file, what);
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw cannot(what, file, error);
  }
  try {
    const opened = readlinkSync(`/proc/self/fd/${fd}`);
    if (!inside(opened, realpathSync(pkgDir))) throw outside(what, file, opened, pkgDir);
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UmdError('EINVAL', `${what} ${file} is not a regular file`);
    return { fd, stat };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Reads a whole file that must lie inside its package (see openInsidePackage). */
export function readInsidePackage(pkgDir: string, file: string, what: string): { data: Buffer; stat: Stats } {
  const { fd, stat } = openInsidePackage(pkgDir, file, what);
  try {
    return { data: readAll(fd, stat.size), stat };
  } finally {
    closeSync(fd);
  }
}
