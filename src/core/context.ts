import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeSandbox, type SandboxProbe } from '../sandbox/probe.js';
import { embeddedFile, runningAsSea, type EmbeddedCheck } from './embedded.js';
import { silentLogger, type Logger } from './log.js';
import { ensureRuntimeDir, runtimePaths } from './paths.js';

export interface ContextOptions {
  /** The daemon's runtime directory (socket, blob copies, log, the single binary's extracted files). */
  runtimeDir: string;
  /** Directories searched for driver packages, in order, before the built-in `drivers/`. */
  driverPath?: readonly string[];
  /** The whole search path, built-in drivers not added (for tests and embedders that ship their own). */
  searchPath?: readonly string[];
  /** The handler launcher, `umd-exec`; default: `libexec/umd-exec`, or the single binary's extracted copy. */
  launcher?: string;
  /** Where managers log (the daemon gives its log ring); default: nowhere. */
  log?: Logger;
}

/**
 * Everything umd's library needs to know about where it runs, resolved once
 * (as kmod's `kmod_ctx`): the CLI or the daemon builds one from its flags and
 * environment, a library user from its own settings, and hands it down
 * (registry, manager, sandbox). Nothing below the CLI reads the environment.
 * The single binary's embedded files are extracted and checked the first
 * time the launcher or the built-in drivers are asked for, then never again.
 */
export interface UmdContext {
  readonly runtimeDir: string;
  readonly blobsDir: string;
  /** Where drivers are looked up when a request brings no search path of its own. */
  readonly searchPath: readonly string[];
  /** The path of `umd-exec`, the launcher every handler starts through. */
  readonly launcher: string;
  /** What sandbox this system grants, asked of the launcher once. */
  probe(): Promise<SandboxProbe>;
  readonly log: Logger;
}

/**
 * The `drivers/` folder shipped with umd; inside the single executable, its
 * extracted copy under `runtimeDir`, checked as `check` says (src/core/embedded.ts).
 */
export function builtinDriversDir(runtimeDir: string, check: EmbeddedCheck = 'digests'): string {
  if (runningAsSea()) return embeddedFile('drivers', ensureRuntimeDir(runtimeDir).dir, check);
  return fileURLToPath(new URL('../../../drivers/', import.meta.url));
}

/** `libexec/umd-exec` as built at install; inside the single executable, its extracted copy under `runtimeDir`. */
export function defaultLauncher(runtimeDir: string): string {
  if (runningAsSea()) return embeddedFile('libexec/umd-exec', ensureRuntimeDir(runtimeDir).dir);
  return fileURLToPath(new URL('../../../libexec/umd-exec', import.meta.url));
}

class Context implements UmdContext {
  readonly runtimeDir: string;
  readonly blobsDir: string;
  readonly log: Logger;
  readonly #options: ContextOptions;
  #searchPath: readonly string[] | undefined;
  #launcher: string | undefined;
  #probe: Promise<SandboxProbe> | undefined;

  constructor(options: ContextOptions) {
    this.#options = options;
    this.runtimeDir = path.resolve(options.runtimeDir);
    this.blobsDir = runtimePaths(this.runtimeDir).blobs;
    this.log = options.log ?? silentLogger;
  }

  get searchPath(): readonly string[] {
    this.#searchPath ??= this.#options.searchPath
      ? this.#options.searchPath.map((dir) => path.resolve(dir))
      : [...(this.#options.driverPath ?? []).map((dir) => path.resolve(dir)), builtinDriversDir(this.runtimeDir)];
    return this.#searchPath;
  }

  get launcher(): string {
    this.#launcher ??= this.#options.launcher ?? defaultLauncher(this.runtimeDir);
    return this.#launcher;
  }

  async probe(): Promise<SandboxProbe> {
    this.#probe ??= probeSandbox(this.launcher).catch((error: unknown) => {
      this.#probe = undefined;
      throw error;
    });
    return this.#probe;
  }
}

/** Resolves umd's settings once; pass the result to `new DriverManager(...)`, `Daemon.start` and friends. */
export function createContext(options: ContextOptions): UmdContext {
  return new Context(options);
}
