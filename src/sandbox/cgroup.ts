import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { access, mkdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UmdError } from '../core/errors.js';

/**
 * Where umd may make a cgroup per driver, per controller: `<hierarchy>/umd`
 * of the cgroup v1 `pids` and `memory` hierarchies, when the daemon is root
 * and they are mounted writable. Cgroup v1 is never delegated to ordinary
 * users, and a cgroup v2-only host is not handled yet: both fall back to
 * rlimits (see plan.ts), and `reason` says why.
 */
export interface CgroupSupport {
  pids: string | null;
  memory: string | null;
  /** Why a controller is missing, in words for `umd info` and the load warning. */
  reason: string | null;
}

export const CGROUP_ROOT = '/sys/fs/cgroup';

/** umd's own parent group in one v1 hierarchy, made if absent; a string is why it cannot be had. */
function parentGroup(root: string, controller: string): { dir: string } | { why: string } {
  const hierarchy = path.join(root, controller);
  if (!existsSync(path.join(hierarchy, 'cgroup.procs'))) return { why: `no cgroup v1 ${controller} hierarchy at ${hierarchy}` };
  const dir = path.join(hierarchy, 'umd');
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') return { why: `cannot create ${dir} (${code})` };
  }
  return { dir };
}

/** Is `pid` a live process? */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the groups under `parent` that a daemon which is gone left behind
 * (killed with SIGKILL, it could not remove them): named
 * `<driver>.<daemon pid>.<n>`, their daemon is not alive, and they are
 * empty (rmdir refuses a group with processes in it). Returns their names.
 */
export function removeStaleGroups(parent: string): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const pid = Number(/\.(\d+)\.\d+$/.exec(entry)?.[1] ?? 0);
    if (pid <= 0 || alive(pid)) continue;
    try {
      rmdirSync(path.join(parent, entry));
      removed.push(entry);
    } catch {
      // Not a group, or not empty yet.
    }
  }
  return removed;
}

const detected = new Map<string, CgroupSupport>();

/** What this host delegates to a daemon running as `uid`; asked once per process, which also removes groups dead daemons left. */
export function cgroupSupport(uid: number, root = CGROUP_ROOT): CgroupSupport {
  const key = `${uid}:${root}`;
  let support = detected.get(key);
  if (!support) {
    if (uid !== 0) {
      support = { pids: null, memory: null, reason: `the daemon runs as uid ${uid}, not root, and cgroup v1 is not delegated to users` };
    } else if (existsSync(path.join(root, 'cgroup.controllers'))) {
      support = { pids: null, memory: null, reason: `${root} is cgroup v2, which umd does not manage yet` };
    } else {
      const pids = parentGroup(root, 'pids');
      const memory = parentGroup(root, 'memory');
      for (const parent of [pids, memory]) if ('dir' in parent) removeStaleGroups(parent.dir);
      const whys = ['why' in pids ? pids.why : '', 'why' in memory ? memory.why : ''].filter(Boolean);
      support = { pids: 'dir' in pids ? pids.dir : null, memory: 'dir' in memory ? memory.dir : null, reason: whys.length > 0 ? whys.join('; ') : null };
    }
    detected.set(key, support);
  }
  return support;
}

let made = 0;

/**
 * The cgroups of one load of a driver: `pids.max` and the memory limit set
 * on groups of its own, which the launcher joins before it forks anything
 * (umd-exec --cgroup), so every process of the handler counts.
 */
export class HandlerCgroups {
  /** The cgroup.procs files the launcher joins. */
  readonly procsFiles: string[];
  readonly #dirs: string[];

  private constructor(dirs: string[]) {
    this.#dirs = dirs;
    this.procsFiles = dirs.map((dir) => path.join(dir, 'cgroup.procs'));
  }

  /**
   * `pidsMax` and `memoryBytes`: null leaves that controller out. Made with
   * the asynchronous calls: a memory cgroup can take milliseconds to make or
   * remove, and the daemon's event loop serves every other driver meanwhile.
   */
  static async create(support: CgroupSupport, driver: string, pidsMax: number | null, memoryBytes: number | null): Promise<HandlerCgroups> {
    const groups = await HandlerCgroups.#make(support, driver, { pids: pidsMax !== null, memory: memoryBytes !== null });
    await groups.limit(driver, pidsMax, memoryBytes);
    return groups;
  }

  static async #make(support: CgroupSupport, driver: string, want: { pids: boolean; memory: boolean }): Promise<HandlerCgroups> {
    const name = `${driver}.${process.pid}.${++made}`;
    const dirs: string[] = [];
    try {
      for (const [parent, wanted] of [[support.pids, want.pids], [support.memory, want.memory]] as const) {
        if (parent === null || !wanted) continue;
        const dir = path.join(parent, name);
        await mkdir(dir, { mode: 0o755 }).catch(async (error: NodeJS.ErrnoException) => {
          // Left by a dead daemon whose pid this one now has: empty, so removable.
          if (error.code !== 'EEXIST') throw error;
          await rmdir(dir);
          await mkdir(dir, { mode: 0o755 });
        });
        dirs.push(dir);
      }
    } catch (error) {
      await new HandlerCgroups(dirs).removeNow();
      throw cgroupError(driver, name, error);
    }
    return new HandlerCgroups(dirs);
  }

  /** Sets `pids.max` and the memory limit (null: that one is left as it is); on failure the groups are removed. */
  async limit(driver: string, pidsMax: number | null, memoryBytes: number | null): Promise<void> {
    try {
      for (const dir of this.#dirs) {
        const pids = path.basename(path.dirname(path.dirname(dir))) === 'pids';
        const value = pids ? pidsMax : memoryBytes;
        // memsw (memory plus swap) exists only with swap accounting; it must not be below the memory limit.
        const files = pids ? ['pids.max'] : ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes'];
        if (value === null) continue;
        for (const file of files) {
          const target = path.join(dir, file);
          if (file === files[0] || (await exists(target))) await writeFile(target, String(value));
        }
      }
    } catch (error) {
      await this.removeNow();
      throw cgroupError(driver, path.basename(this.#dirs[0] ?? ''), error);
    }
  }

  /** Removes the groups that are empty now; returns those that are not. */
  async removeNow(): Promise<string[]> {
    const left: string[] = [];
    for (const dir of this.#dirs) {
      try {
        await rmdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') left.push(dir);
      }
    }
    return left;
  }

  /** At unload, once the handler is reaped: removes the groups, waiting a little for the last exits to be accounted. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 40 && (await this.removeNow()).length > 0; attempt++) await sleep(25);
  }
}

function cgroupError(driver: string, name: string, error: unknown): UmdError {
  return new UmdError('EIO', `driver ${driver}: cannot set up the handler's cgroup ${name}: ${(error as Error).message}`, {
    cause: error,
    suggestions: ['Check that the daemon may write under /sys/fs/cgroup/pids/umd and /sys/fs/cgroup/memory/umd'],
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
