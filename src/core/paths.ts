import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { makeDirs } from './make-dirs.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UmdError } from './errors.js';

type Env = Record<string, string | undefined>;

/**
 * Where the daemon keeps its socket, blob copies and log: `UMD_RUNTIME_DIR`,
 * else `$XDG_RUNTIME_DIR/umd`, else `/run/umd` for root, else `$TMPDIR/umd-<uid>`.
 */
export function runtimeDir(env: Env): string {
  if (env.UMD_RUNTIME_DIR) return path.resolve(env.UMD_RUNTIME_DIR);
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'umd');
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return '/run/umd';
  return path.join(env.TMPDIR ?? tmpdir(), `umd-${uid}`);
}

export interface RuntimePaths {
  dir: string;
  socket: string;
  log: string;
  blobs: string;
  /** FIFOs for handlers' stdin and stdout, made ahead in batches. */
  pipes: string;
  /** The daemon's instance lock (flock). */
  lock: string;
}

export function runtimePaths(dir: string): RuntimePaths {
  return {
    dir,
    socket: path.join(dir, 'umd.sock'),
    log: path.join(dir, 'umd.log'),
    blobs: path.join(dir, 'blobs'),
    pipes: path.join(dir, 'pipes'),
    lock: path.join(dir, 'umd.lock'),
  };
}

/** A directory's identity: a runtime dir swapped for another (even at the same path) has another. */
export interface DirIdentity {
  dev: number;
  ino: number;
}

function unsafeParent(dir: string, parent: string, why: string): UmdError {
  return new UmdError('EACCES', `umd runtime directory ${dir} is unsafe: its parent ${parent} ${why}, so another user could replace it`, {
    suggestions: [`Use a runtime dir whose parents only root and you can write: export UMD_RUNTIME_DIR=<such a dir>, or fix ${parent} (chmod o-w,g-w or +t)`],
  });
}

/**
 * OpenSSH's StrictModes for the directories above the runtime dir: each,
 * up to `/`, must be owned by root or by us and not writable by group or
 * others, unless it is sticky (like /tmp), where others cannot rename or
 * remove what is ours.
 */
export function checkParents(dir: string): void {
  const uid = process.getuid?.() ?? 0;
  let parent = realpathSync(path.dirname(dir));
  for (;;) {
    const st = lstatSync(parent);
    if (st.uid !== 0 && st.uid !== uid) throw unsafeParent(dir, parent, `is owned by uid ${st.uid}, neither root nor you`);
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
      throw unsafeParent(dir, parent, `is writable by group or others and not sticky (mode ${(st.mode & 0o7777).toString(8)})`);
    }
    const up = path.dirname(parent);
    if (up === parent) return;
    parent = up;
  }
}


/** The longest socket path a Unix socket address holds (sun_path is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

/** Refuses, before anything is created or started, a runtime dir whose socket path does not fit sun_path. */
export function checkSocketPath(paths: RuntimePaths): void {
  const bytes = Buffer.byteLength(paths.socket);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return;
  throw new UmdError('ENAMETOOLONG', `umd runtime directory ${paths.dir} is too deep: its socket path is ${bytes} bytes, a Unix socket takes at most ${MAX_SOCKET_PATH_BYTES}`, {
    suggestions: [`Use a shorter directory: export UMD_RUNTIME_DIR=${path.join(tmpdir(), `umd-${process.getuid?.() ?? 0}`)}`],
  });
}

/**
 * Every symlink on the way to `dir` (not only the last component) must be
 * root's or ours: one another user owns, even in a sticky /tmp, could be
 * pointed elsewhere after the check, with the daemon's files in it.
 */
function checkLinks(dir: string): void {
  const uid = process.getuid?.() ?? 0;
  let at = '/';
  for (const part of path.resolve(dir).split('/').filter((p) => p.length > 0)) {
    at = path.join(at, part);
    const st = lstatOrNull(at);
    if (st === null) return; // the rest is made by us
    if (st.isSymbolicLink() && st.uid !== 0 && st.uid !== uid) {
      throw new UmdError('EACCES', `umd runtime directory ${dir} is reached through ${at}, a symbolic link owned by uid ${st.uid}, not by you or root`, {
        suggestions: [`Use a path without it: export UMD_RUNTIME_DIR=${realOrSelf(dir)} (if that is yours), or a directory of your own`],
      });
    }
  }
}

function realOrSelf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * The hint toward a runtime dir of one's own. When the refused dir is the
 * default one under the temp dir, someone else took that name first
 * (squatting): a fresh private dir is the way out, not the same name.
 */
function useOwnDir(refused: string): string {
  const usual = path.join(tmpdir(), `umd-${process.getuid?.() ?? 0}`);
  return path.resolve(refused) === usual
    ? `use a fresh directory of your own (another user took ${usual} first): export UMD_RUNTIME_DIR="$(mktemp -d)/umd"`
    : `use a directory of your own: export UMD_RUNTIME_DIR=${usual}`;
}

function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch {
    return null; // not there, or a file on the way (ENOTDIR, reported by makeDirs)
  }
}

/**
 * Creates the runtime directory 0700 if needed, and refuses one that another
 * user owns or that others may write to (they could swap the socket or a
 * blob), one reached through a symlink of someone else's, and one whose
 * parents someone else could change (checkParents). Returns its paths and
 * its identity, which the daemon checks again before it touches it.
 */
export function ensureRuntimeDir(dir: string): RuntimePaths & { identity: DirIdentity } {
  const uid = process.getuid?.() ?? 0;
  checkSocketPath(runtimePaths(dir));
  // Someone else's link is refused before anything is made through it; a file on the way is makeDirs' ENOTDIR.
  const planted = lstatOrNull(dir);
  if (planted?.isSymbolicLink() && planted.uid !== 0 && planted.uid !== uid) {
    throw new UmdError('EACCES', `umd runtime directory ${dir} is a symbolic link owned by uid ${planted.uid}, not by you or root`, {
      suggestions: [`Remove it (rm ${dir}), or ${useOwnDir(dir)}`],
    });
  }
  checkLinks(dir);
  makeDirs(dir, 'umd runtime directory');
  checkParents(dir);
  if (lstatSync(dir).isSymbolicLink()) checkParents(realpathSync(dir));
  const st = statSync(dir);
  if (st.uid !== uid) {
    throw new UmdError('EACCES', `umd runtime directory ${dir} is owned by uid ${st.uid}, not by you (uid ${uid})`, {
      suggestions: [useOwnDir(dir).replace(/^u/, 'U')],
    });
  }
  if ((st.mode & 0o022) !== 0) {
    throw new UmdError(
      'EACCES',
      `umd runtime directory ${dir} is writable by others (mode ${(st.mode & 0o777).toString(8)})`,
      { suggestions: [`Make it private: chmod 700 ${dir}`] },
    );
  }
  return { ...runtimePaths(dir), identity: { dev: st.dev, ino: st.ino } };
}

/** Is `dir` still the directory `identity` names (not removed, not swapped)? */
export function sameDir(dir: string, identity: DirIdentity): boolean {
  try {
    const st = statSync(dir);
    return st.isDirectory() && st.dev === identity.dev && st.ino === identity.ino;
  } catch {
    return false;
  }
}

/** `UMD_DRIVER_PATH`'s value as directories (colon-separated, empty parts skipped), resolved. */
export function splitDriverPath(value: string | undefined): string[] {
  return (value ?? '')
    .split(':')
    .filter((dir) => dir.length > 0)
    .map((dir) => path.resolve(dir));
}
