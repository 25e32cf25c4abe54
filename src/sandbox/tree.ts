import { lstatSync, realpathSync } from 'node:fs';
import { UmdError } from '../core/errors.js';

/** One host path in the handler's private root: bound read-only, or (a link like /lib -> usr/lib) copied as a link. */
export interface RootPath {
  path: string;
  link: boolean;
}

/**
 * What the dynamic loader and the C library read: /usr, the /lib* trees
 * (links on a merged-/usr system), the loader's cache; /bin and /sbin only
 * as the links into /usr that merged systems have (for an interpreter's PATH).
 */
const LOADER_PATHS = ['/usr', '/lib', '/lib64', '/lib32', '/libx32', '/etc/ld.so.cache'];
const LINK_ONLY = ['/bin', '/sbin'];

function kind(file: string): 'link' | 'other' | null {
  try {
    return lstatSync(file).isSymbolicLink() ? 'link' : 'other';
  } catch {
    return null;
  }
}

function covered(file: string, by: RootPath[]): boolean {
  return by.some((entry) => !entry.link && (file === entry.path || file.startsWith(`${entry.path}/`)));
}

function realOrSelf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * The host paths of a handler's root: the loader's (when `loader`), then
 * driver.json's "readOnlyPaths", each resolved to where it really is (ENOENT
 * when it is not there) and left out when a bind above already holds it.
 * None may hold, or lie inside, a `hidden` dir (umd's runtime dir: a
 * handler allowed to connect() would reach the control socket through it).
 */
export function rootPaths(driver: string, loader: boolean, extra: string[] = [], hidden: string[] = []): RootPath[] {
  const paths: RootPath[] = [];
  if (loader) {
    for (const file of LOADER_PATHS) {
      const found = kind(file);
      if (found !== null) paths.push({ path: file, link: found === 'link' });
    }
    for (const file of LINK_ONLY) if (kind(file) === 'link') paths.push({ path: file, link: true });
  }
  for (const asked of extra) {
    let real: string;
    try {
      real = realpathSync(asked);
    } catch (error) {
      throw new UmdError('ENOENT', `driver ${driver}: driver.json "readOnlyPaths" names ${asked}, which is not there (${(error as NodeJS.ErrnoException).code})`, {
        cause: error,
        suggestions: ['Install what the handler needs there, or remove the path from "readOnlyPaths"'],
      });
    }
    if (real === '/' || ['/dev', '/proc', '/tmp'].some((tree) => real === tree || real.startsWith(`${tree}/`))) {
      throw new UmdError('EINVAL', `driver ${driver}: driver.json "readOnlyPaths" names ${asked}, which is ${real}: the private root makes / , /dev, /proc and /tmp itself`);
    }
    const exposed = hidden.map(realOrSelf).find((dir) => dir === real || dir.startsWith(`${real}/`) || real.startsWith(`${dir}/`));
    if (exposed !== undefined) {
      throw new UmdError('EACCES', `driver ${driver}: driver.json "readOnlyPaths" names ${asked}, which would put umd's runtime directory ${exposed} (its control socket, log and blobs) into the handler's root`, {
        suggestions: ['Name only what the handler needs, outside the runtime dir, or move the runtime dir (UMD_RUNTIME_DIR) out of that tree'],
      });
    }
    if (!covered(real, paths) && !paths.some((p) => p.path === real)) paths.push({ path: real, link: false });
  }
  return paths;
}
