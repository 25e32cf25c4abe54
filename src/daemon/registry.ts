import { sha256 } from '../core/blob.js';
import type { LineRateSettings } from '../core/line-rate-limit.js';
import type { Logger } from '../core/log.js';
import { DEFAULT_TIMEOUT_MS, DriverManager } from '../core/manager.js';
import { findPackage, listPackages } from '../core/package.js';
import { readInsidePackage } from '../core/package-files.js';
import { resolveManager } from '../managers/index.js';
import type { InfoResult, ListEntry, SandboxInfo } from '../protocol/messages.js';
import { toUmdError } from '../core/errors.js';
import { planFor } from '../sandbox/session.js';

export interface RegistryOptions {
  blobsDir: string;
  pipesDir?: string;
  log: Logger;
  defaultSearchPath: string[];
  lineRate?: LineRateSettings;
}

/** The daemon's drivers by name: one DriverManager each, made on first use. */
export class DriverRegistry {
  readonly #managers = new Map<string, Promise<DriverManager>>();
  readonly #ready = new Map<string, DriverManager>();
  readonly #opts: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.#opts = options;
  }

  /** The manager of `name`; the package is looked up in `searchPath` the first time. */
  async get(name: string, searchPath?: string[]): Promise<DriverManager> {
    let manager = this.#managers.get(name);
    if (!manager) {
      manager = this.#create(name, searchPath ?? this.#opts.defaultSearchPath);
      this.#managers.set(name, manager);
      manager.then(
        (made) => this.#ready.set(name, made),
        () => this.#managers.delete(name),
      );
    }
    return manager;
  }

  async #create(name: string, searchPath: string[]): Promise<DriverManager> {
    const pkg = findPackage(name, searchPath);
    const hooks = await resolveManager(pkg);
    const { blobsDir, pipesDir, log, lineRate } = this.#opts;
    return new DriverManager(pkg, hooks, { blobsDir, log, ...(pipesDir ? { pipesDir } : {}), ...(lineRate ? { lineRate } : {}) });
  }

  /** The manager of `name` if the daemon already has one, without looking anything up. */
  async existing(name: string): Promise<DriverManager | undefined> {
    return this.#managers.get(name)?.catch(() => undefined);
  }

  /** How many drivers the daemon manages, and how many of them are loaded. */
  counts(): { drivers: number; loaded: number } {
    let loaded = 0;
    for (const manager of this.#ready.values()) if (manager.loaded) loaded++;
    return { drivers: this.#ready.size, loaded };
  }

  async managers(): Promise<DriverManager[]> {
    const settled = await Promise.allSettled(this.#managers.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  /** lsmod: every driver in the search path and every one the daemon manages. */
  async list(searchPath?: string[]): Promise<ListEntry[]> {
    const entries = new Map<string, ListEntry>();
    for (const manager of await this.managers()) {
      entries.set(manager.name, { ...manager.status, packageDir: manager.package.dir, sandbox: manager.sandbox?.status ?? null });
    }
    for (const found of listPackages(searchPath ?? this.#opts.defaultSearchPath)) {
      if (entries.has(found.name)) continue;
      const broken = 'error' in found;
      entries.set(found.name, {
        name: found.name,
        state: broken ? 'broken' : 'unloaded',
        pid: null,
        requests: 0,
        failures: 0,
        restarts: 0,
        lastError: broken ? found.error.toJSON() : null,
        packageDir: broken ? null : found.dir,
        sandbox: null,
      });
    }
    return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** modinfo: what the package declares, and the blob's digest on disk. */
  async info(name: string, searchPath?: string[]): Promise<InfoResult> {
    const manager = await this.get(name, searchPath);
    const pkg = manager.package;
    let blobSha256: string | null = null;
    try {
      // Only a file inside the package is hashed: a handler linked to /etc/shadow is refused, not digested.
      blobSha256 = sha256(readInsidePackage(pkg.dir, pkg.handlerPath, `handler blob of driver ${name}`).data);
    } catch {
      blobSha256 = null;
    }
    const hooks = manager.hooks;
    return {
      driver: name,
      description: pkg.manifest.description ?? null,
      packageDir: pkg.dir,
      manifest: pkg.manifestPath,
      handler: pkg.handlerPath,
      sha256: pkg.manifest.sha256,
      blobSha256,
      manager: pkg.manifest.manager,
      managerName: hooks.name,
      handlerName: hooks.handlerName,
      loaderName: hooks.loaderName ?? null,
      fields: hooks.fields ? [...hooks.fields] : null,
      requestSize: hooks.requestSize,
      replySize: hooks.replySize,
      timeoutMs: pkg.manifest.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      env: pkg.manifest.env ?? {},
      sandbox: await sandboxInfo(manager),
      status: manager.status,
    };
  }

  /** Unloads every driver, killing every handler: the daemon's last act. */
  async closeAll(): Promise<void> {
    await Promise.allSettled((await this.managers()).map((m) => m.close()));
  }
}

/** The loaded driver's sandbox, or the one its next load would set up. */
async function sandboxInfo(manager: DriverManager): Promise<SandboxInfo> {
  if (manager.sandbox) return manager.sandbox;
  try {
    return await planFor(manager.name, manager.package.manifest, {}, manager.package.handlerPath);
  } catch (error) {
    return { status: 'error', error: toUmdError(error, 'EIO', `driver ${manager.name}: sandbox`).toJSON() };
  }
}
