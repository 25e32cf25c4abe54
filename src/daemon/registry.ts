import path from 'node:path';
import type { UmdContext } from '../core/context.js';
import type { LineRateSettings } from '../core/line-rate-limit.js';
import { DriverManager } from '../core/manager.js';
import { listPackages, locatePackage, notFoundError, readPackage } from '../core/package.js';
import { managerStamp } from '../managers/index.js';
import { openPackage } from '../managers/open-package.js';
import type { InfoResult, ListEntry } from '../protocol/messages.js';
import { busyElsewhereError, describePackage, listEntry, unloadedEntry } from './registry-entries.js';

export interface RegistryOptions {
  context: UmdContext;
  /** The daemon's `pipes/`, where handlers' FIFOs are made (see ManagerOptions.pipesDir). */
  pipesDir?: string;
  lineRate?: LineRateSettings;
}

interface Managed {
  manager: DriverManager;
  /** Which manager module it was made with (see managerStamp): an edited module makes a fresh manager at the next load. */
  stamp: string;
}

/**
 * The daemon's drivers by name, one DriverManager each. Each request's
 * search path counts: the name is looked up afresh in it every time. A
 * driver that is not loaded is managed from wherever this request finds it,
 * with its manager module imported again when it changed; a loaded one
 * serves only requests that find it in the same package directory (others
 * get EBUSY naming both).
 */
/** The manager stamp of the package as it is on disk now; '' when it cannot be read (the load says why). */
function stampOf(dir: string, name: string): string {
  try {
    return managerStamp(readPackage(dir, name));
  } catch {
    return '';
  }
}

export class DriverRegistry {
  readonly #entries = new Map<string, Promise<Managed>>();
  readonly #ready = new Map<string, DriverManager>();
  readonly #opts: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.#opts = options;
  }

  get searchPath(): readonly string[] {
    return this.#opts.context.searchPath;
  }

  /** The manager of `name` as `searchPath` (default: the context's) finds it. */
  async get(name: string, searchPath: readonly string[] = this.searchPath): Promise<DriverManager> {
    const dir = locatePackage(name, searchPath);
    // The common case, without waiting on the entry: a loaded manager, found where it was loaded from.
    const ready = this.#ready.get(name);
    if (ready?.loaded && dir !== null && ready.package.dir === path.join(path.resolve(dir), name)) return ready;
    for (;;) {
      const entry = this.#entries.get(name);
      if (!entry) {
        if (dir === null) throw notFoundError(name, searchPath);
        return (await this.#replace(name, dir)).manager; // the entry is set before anything is awaited
      }
      const current = await entry.catch(() => undefined);
      if (this.#entries.get(name) !== entry) continue; // replaced while we waited
      if (dir === null) throw notFoundError(name, searchPath, current?.manager.loaded ? current.manager.package.dir : undefined);
      const pkgDir = path.join(path.resolve(dir), name);
      if (current?.manager.loaded) {
        if (current.manager.package.dir !== pkgDir) throw busyElsewhereError(name, current.manager.package.dir, pkgDir);
        return current.manager;
      }
      if (current && current.manager.package.dir === pkgDir && current.stamp === stampOf(dir, name)) return current.manager;
      const made = this.#replace(name, dir);
      await current?.manager.close(); // not loaded: nothing runs; a load on demand that raced in is undone
      return (await made).manager;
    }
  }

  #replace(name: string, dir: string): Promise<Managed> {
    const made = this.#create(name, dir);
    this.#entries.set(name, made);
    this.#ready.delete(name);
    made.then(
      ({ manager }) => {
        if (this.#entries.get(name) === made) this.#ready.set(name, manager);
      },
      () => {
        if (this.#entries.get(name) === made) this.#entries.delete(name);
      },
    );
    return made;
  }

  async #create(name: string, dir: string): Promise<Managed> {
    const { pkg, hooks } = await openPackage(dir, name);
    const { context, pipesDir, lineRate } = this.#opts;
    return { manager: new DriverManager(pkg, hooks, { context, ...(pipesDir ? { pipesDir } : {}), ...(lineRate ? { lineRate } : {}) }), stamp: managerStamp(pkg) };
  }

  /** The manager of `name` if the daemon already has one, without looking anything up. */
  async existing(name: string): Promise<DriverManager | undefined> {
    return (await this.#entries.get(name)?.catch(() => undefined))?.manager;
  }

  /** How many drivers the daemon manages, and how many of them are loaded. */
  counts(): { drivers: number; loaded: number } {
    let loaded = 0;
    for (const manager of this.#ready.values()) if (manager.loaded) loaded++;
    return { drivers: this.#ready.size, loaded };
  }

  async managers(): Promise<DriverManager[]> {
    const settled = await Promise.allSettled(this.#entries.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.manager] : []));
  }

  /**
   * lsmod: every driver `searchPath` finds, as a request with that path
   * would get it (broken packages with their error), and every loaded
   * driver, with `foundAt` saying where this path finds it (null: nowhere).
   */
  async list(searchPath: readonly string[] = this.searchPath): Promise<ListEntry[]> {
    const entries = new Map<string, ListEntry>();
    const managers = new Map((await this.managers()).map((m) => [m.name, m]));
    for (const found of listPackages(searchPath)) {
      const manager = managers.get(found.name);
      if (manager && (manager.loaded || manager.package.dir === found.dir)) entries.set(found.name, listEntry(manager, found.dir));
      else entries.set(found.name, unloadedEntry(found));
    }
    for (const manager of managers.values()) {
      if (manager.loaded && !entries.has(manager.name)) entries.set(manager.name, listEntry(manager, null));
    }
    return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** modinfo: what the package declares, and the blob's digest on disk. */
  async info(name: string, searchPath?: readonly string[]): Promise<InfoResult> {
    return describePackage(await this.get(name, searchPath));
  }

  /** Unloads every driver, killing every handler: the daemon's last act. */
  async closeAll(): Promise<void> {
    await Promise.allSettled((await this.managers()).map((m) => m.close()));
  }
}
