import { createHash } from 'node:crypto';
import { accessSync, chmodSync, constants, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from './errors.js';
import type { DriverPackage } from './package.js';
import { readInsidePackage } from './package-files.js';
import { ensureOwnDir } from './safe-fs.js';

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function readBlob(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    throw new UmdError(errno === 'EACCES' ? 'EACCES' : 'ENOENT', `cannot read ${what} ${file}: ${(error as Error).message}`, {
      cause: error,
      suggestions: ['Rebuild the driver (npm run build:drivers for the built-in ones) or fix "handler" in its driver.json'],
    });
  }
}

function checkDigest(data: Buffer, expected: string, what: string): void {
  const actual = sha256(data);
  if (actual !== expected) {
    throw new UmdError('EBADMSG', `${what} has sha256 ${actual}, but driver.json says ${expected}; refusing to run it`, {
      suggestions: ['If you rebuilt the handler on purpose, update "sha256" in driver.json (sha256sum <blob>)'],
    });
  }
}

/**
 * Reads a package's blob as `load` takes it: inside the package, a regular
 * executable file whose sha256 is driver.json's. Returns its bytes.
 */
export function checkBlob(pkg: DriverPackage): Buffer {
  const source = pkg.handlerPath;
  const { data, stat } = readInsidePackage(pkg.dir, source, `handler blob of driver ${pkg.name}`);
  if ((stat.mode & 0o111) === 0) {
    throw new UmdError('EACCES', `handler blob ${source} of driver ${pkg.name} is not executable`, {
      suggestions: [`chmod +x ${source}`],
    });
  }
  checkDigest(data, pkg.manifest.sha256, `handler blob ${source} of driver ${pkg.name}`);
  return data;
}

/**
 * Copies a package's blob into a private directory (0700) of the runtime
 * dir, read-only, after checking it (checkBlob). The bytes hashed are the
 * bytes written, so the package cannot change under the check.
 */
export function installBlob(pkg: DriverPackage, blobsDir: string): string {
  const source = pkg.handlerPath;
  const data = checkBlob(pkg);
  ensureOwnDir(blobsDir);
  const dir = path.join(blobsDir, pkg.name);
  emptyOwnDir(dir);
  const copy = path.join(dir, path.basename(source));
  writeFileSync(copy, data, { mode: 0o500, flag: 'wx' });
  chmodSync(copy, 0o500);
  checkRunnable(copy, pkg.name);
  return copy;
}

/** A copy on a `noexec` mount (some hosts mount /run so) fails access(X_OK): say so before the handler fails to start. */
function checkRunnable(copy: string, driver: string): void {
  try {
    accessSync(copy, constants.X_OK);
  } catch (error) {
    removeBlob(copy);
    throw new UmdError('EACCES', `cannot run driver ${driver}'s handler from ${path.dirname(copy)}: ${(error as Error).message} (a noexec mount?)`, {
      cause: error,
      suggestions: ['Point UMD_RUNTIME_DIR at a directory on a mount that allows programs, e.g. /var/lib/umd'],
    });
  }
}

/** Checks the private copy again before each start: it must still be what was verified. */
export function verifyBlob(copy: string, expected: string, driver: string): void {
  checkDigest(readBlob(copy, `private copy of driver ${driver}'s blob`), expected, `private copy ${copy} of driver ${driver}'s blob`);
}

/**
 * `dir` as an empty 0700 directory of ours: the one an unload left
 * (emptyBlobDir), emptied, else made afresh (anything else there, a link
 * included, is removed first). Keeping it saves each load a journaled mkdir.
 */
function emptyOwnDir(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    mkdirSync(dir, { mode: 0o700 });
    return;
  }
  if (!st.isDirectory() || st.uid !== process.geteuid?.() || (st.mode & 0o777) !== 0o700) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { mode: 0o700 });
    return;
  }
  for (const entry of readdirSync(dir)) rmSync(path.join(dir, entry), { recursive: true, force: true });
}

/** At unload: removes everything in a blob copy's directory but the directory, for the next load (emptyOwnDir). */
export function emptyBlobDir(copy: string): void {
  const dir = path.dirname(copy);
  try {
    ensureOwnDir(path.dirname(dir));
  } catch {
    return;
  }
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  for (const entry of readdirSync(dir)) rmSync(path.join(dir, entry), { recursive: true, force: true });
}

/** Removes a blob copy's directory, unless `blobs/` is no longer a directory of ours (never through a planted link). */
export function removeBlob(copy: string): void {
  const dir = path.dirname(copy);
  try {
    ensureOwnDir(path.dirname(dir));
  } catch {
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}
