import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from './errors.js';

/**
 * `mkdir -p` with mode 0700 that gives up instead of looping: Node's own
 * recursive mkdirSync spins forever on a path under /proc (mkdir says
 * ENOENT for the child and EEXIST for the parent). Each missing component
 * is made once, from the deepest one that exists; a component that exists
 * but is not a directory is ENOTDIR. `what` names the directory in errors.
 */
export function makeDirs(dir: string, what: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      if (errno !== 'ENOENT' && errno !== 'ENOTDIR') throw cannotCreate(dir, what, error);
      missing.unshift(at);
      const parent = path.dirname(at);
      if (parent === at) throw cannotCreate(dir, what, error);
      at = parent;
      continue;
    }
    if (!isDir) {
      throw new UmdError('ENOTDIR', `${what} ${dir}: ${at} is not a directory`, {
        suggestions: [`Point UMD_RUNTIME_DIR (or --runtime-dir) at a directory, or remove the file ${at}`],
      });
    }
    break;
  }
  for (const component of missing) {
    try {
      mkdirSync(component, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(component).isDirectory()) continue;
      throw cannotCreate(dir, what, error);
    }
  }
}

function cannotCreate(dir: string, what: string, error: unknown): UmdError {
  const errno = (error as NodeJS.ErrnoException).code ?? 'EIO';
  const code = errno === 'EACCES' || errno === 'EPERM' ? 'EACCES' : errno === 'ENOTDIR' ? 'ENOTDIR' : errno === 'ENOENT' ? 'ENOENT' : 'EIO';
  return new UmdError(code, `cannot create ${what} ${dir}: ${errno} (${(error as Error).message.replace(/^[A-Z]+: /, '').replace(/, mkdir .*$/, '')})`, {
    cause: error,
    suggestions: [`Point UMD_RUNTIME_DIR (or --runtime-dir) at a directory you can create, e.g. export UMD_RUNTIME_DIR=$HOME/.umd`],
  });
}
