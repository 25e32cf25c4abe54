import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { UmdError } from './errors.js';
import { ensureOwnDir } from './safe-fs.js';

/**
 * The single executable (`dist/umd`, see scripts/build-binary.mjs) carries the
 * built-in drivers and the handler launcher as SEA assets, as a kernel module
 * carries its handler blob. The asset `embedded.json` lists them; every other
 * asset is named by its path in the repository.
 */
export const INDEX_ASSET = 'embedded.json';

export interface EmbeddedFile {
  /** The path in the repository, e.g. `drivers/sample/sample_umh`; also the asset's key. */
  path: string;
  sha256: string;
  size: number;
  /** 0o500 for executables, 0o400 for the rest. */
  mode: number;
}

/**
 * node:crypto is required on first use: only the single executable hashes
 * its files, and loading crypto costs every other command ~4 ms (bench/README.md, P3).
 */
const requireBuiltin = createRequire(import.meta.url);

function sha256(data: Uint8Array): string {
  const { createHash } = requireBuiltin('node:crypto') as typeof Crypto;
  return createHash('sha256').update(data).digest('hex');
}

let index: { files: EmbeddedFile[]; digest: string } | undefined;

/** The binary's index, read once per process (it cannot change while the process runs); it names its own digest. */
function readIndex(): { files: EmbeddedFile[]; digest: string } {
  index ??= parseIndex();
  return index;
}

function parseIndex(): { files: EmbeddedFile[]; digest: string } {
  let text: string;
  try {
    text = getAsset(INDEX_ASSET, 'utf8');
  } catch (error) {
    throw new UmdError('ENOENT', `this umd binary carries no ${INDEX_ASSET}: it was not built by scripts/build-binary.mjs`, {
      cause: error,
      suggestions: ['Build it with `npm run build:binary`'],
    });
  }
  return JSON.parse(text) as { files: EmbeddedFile[]; digest: string };
}

function corrupt(what: string, actual: string, expected: string): UmdError {
  return new UmdError('EBADMSG', `umd's embedded ${what} has sha256 ${actual}, but the binary's index says ${expected}`, {
    suggestions: ['The umd binary is damaged: rebuild it with `npm run build:binary`, or copy it again'],
  });
}

/** Are the files under `dir` the index's: modes and sizes, and with `digests` their bytes too? */
function intact(dir: string, files: EmbeddedFile[], digests = true): boolean {
  try {
    return files.every((file) => {
      const target = path.join(dir, file.path);
      const stat = statSync(target);
      return (stat.mode & 0o777) === file.mode && stat.size === file.size && (!digests || sha256(readFileSync(target)) === file.sha256);
    });
  } catch {
    return false;
  }
}

/** Writes every embedded file into the fresh directory `dir`, checking each asset's digest first. */
function writeAll(dir: string, files: EmbeddedFile[]): void {
  mkdirSync(dir, { mode: 0o700 });
  for (const file of files) {
    const data = new Uint8Array(getAsset(file.path));
    const actual = sha256(data);
    if (actual !== file.sha256) throw corrupt(file.path, actual, file.sha256);
    const target = path.join(dir, file.path);
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, data, { mode: file.mode, flag: 'wx' });
    chmodSync(target, file.mode);
  }
}

/** Executables on a `noexec` mount fail access(X_OK): say so before a handler fails to start. */
function checkExecutable(dir: string, files: EmbeddedFile[]): void {
  const executable = files.find((file) => (file.mode & 0o100) !== 0);
  if (!executable) return;
  try {
    accessSync(path.join(dir, executable.path), constants.X_OK);
  } catch (error) {
    throw new UmdError('EACCES', `umd cannot run the files it extracted to ${dir}: ${(error as Error).message}`, {
      cause: error,
      suggestions: ['The runtime directory is probably on a noexec mount: point UMD_RUNTIME_DIR at one that allows programs'],
    });
  }
}

/**
 * How a process that only names an extracted file checks the copy:
 * `digests` reads and hashes every file (once per process: the daemon, which
 * reads and runs them); `sizes` compares modes and sizes only, for a command
 * that puts the copy's path in its request and reads nothing from it (the
 * daemon hashes the copy when it starts, and every blob against its
 * driver.json before each handler start). Either way a missing or damaged
 * copy is written again, hashed.
 */
export type EmbeddedCheck = 'digests' | 'sizes';

/** The extracted copies this process has checked: each is extracted or checked once, then trusted. */
const checked = new Set<string>();

/**
 * Makes sure `<runtimeDir>/embedded/<index digest>/` (0700) holds exactly the
 * embedded files, extracting them the first time and replacing a copy that
 * fails its digests, and returns the path of `relative` inside it. The
 * check runs once per process and directory (a context asks once for the
 * launcher and once for the drivers; the drivers' blobs are checked against
 * driver.json before every start anyway). Concurrent processes each write a
 * temporary directory and rename it into place, so nobody ever sees a
 * half-written copy.
 */
export function embeddedFile(relative: string, runtimeDir: string, check: EmbeddedCheck = 'digests'): string {
  const { files, digest } = readIndex();
  const parent = path.join(runtimeDir, 'embedded');
  const dir = path.join(parent, digest.slice(0, 16));
  if (checked.has(dir) || (check === 'sizes' && intact(dir, files, false))) return path.join(dir, relative);
  if (!intact(dir, files)) {
    ensureOwnDir(parent); // a symlink planted at <runtime dir>/embedded is refused, never followed
    const temp = `${dir}.${process.pid}.tmp`;
    rmSync(temp, { recursive: true, force: true });
    writeAll(temp, files);
    try {
      renameSync(temp, dir);
    } catch {
      // Another umd process put its copy in place first, or a damaged copy is there: set that one aside.
      if (!intact(dir, files)) {
        const damaged = `${dir}.${process.pid}.damaged`;
        renameSync(dir, damaged);
        renameSync(temp, dir);
        rmSync(damaged, { recursive: true, force: true });
      }
    }
    rmSync(temp, { recursive: true, force: true });
    if (!intact(dir, files)) throw new UmdError('EBADMSG', `umd's embedded files in ${dir} changed while they were extracted`);
  }
  checkExecutable(dir, files);
  checked.add(dir);
  return path.join(dir, relative);
}

/** True inside the single executable. */
export function runningAsSea(): boolean {
  return isSea();
}

let seaImport: ((url: string) => Promise<unknown>) | undefined;

/**
 * `import()` of an ES module file. The single executable's main script is
 * compiled without an ES module loader, and the bundle compiled from its
 * code cache may have lost it, so there the import runs from a script that
 * asks for the main context's default loader.
 */
export async function importFile(file: string, query: Record<string, string> = {}): Promise<unknown> {
  const url = pathToFileURL(file);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return importUrl(url.href);
}

async function importUrl(url: string): Promise<unknown> {
  if (!isSea()) {
    try {
      return await import(url);
    } catch (error) {
      // Code compiled from a V8 code cache (the bundle, see src/cli/load-bundle.ts) can lose its import callback.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw error;
    }
  }
  seaImport ??= new vm.Script('(url) => import(url)', {
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }).runInThisContext() as (url: string) => Promise<unknown>;
  return seaImport(url);
}
