import { closeSync, statSync, unlinkSync } from 'node:fs';
import { dropSharedPipeStock } from '../core/handler-pipes.js';
import { dropLauncherStock } from '../sandbox/stock.js';
import { removeStaleSocket } from '../core/stale-socket.js';
import net from 'node:net';
import { UmdError } from '../core/errors.js';
import type { LineRateSettings } from '../core/line-rate-limit.js';
import { createContext, type UmdContext } from '../core/context.js';
import { ensureRuntimeDir, sameDir, type DirIdentity, type RuntimePaths } from '../core/paths.js';
import { VERSION } from '../version.js';
import type { DaemonStatus } from '../protocol/messages.js';
import { ClientSet } from './clients.js';
import type { SharedContext } from './connection.js';
import { acquireInstanceLock } from './instance-lock.js';
import { DEFAULT_CONTROL_LIMITS, type ControlLimits } from './limits.js';
import { LogRing } from './log-ring.js';
import { DriverRegistry } from './registry.js';

export interface DaemonOptions {
  runtimeDir: string;
  /** Directories searched before the built-in drivers when a request names no search path. */
  driverPath?: string[];
  /** The whole search path for requests that name none (replaces driverPath and the built-in drivers). */
  searchPath?: string[];
  /** The handler launcher (default: libexec/umd-exec, or the single binary's extracted copy). */
  launcher?: string;
  /** How often the daemon checks its runtime dir, its socket file and its clients, in ms. */
  socketCheckMs?: number;
  /** umd.log's size cap (see LogFile). */
  logMaxBytes?: number;
  /** Handler lines logged per driver and interval. */
  lineRate?: LineRateSettings;
  /** The control socket's limits (see ControlLimits). */
  limits?: Partial<ControlLimits>;
  /** A listening socket handed over by a service manager (socket activation, fd 3): served instead of binding one. */
  listenFd?: number;
  /** Lines logged before any other, e.g. that the previous daemon ended uncleanly. */
  firstLines?: string[];
}

/**
 * The umd daemon: holds the drivers' managers and serves the control
 * socket. Every way out (stop request, signal, fatal error, its runtime
 * dir replaced) goes through `shutdown()`, which kills every handler and
 * removes the socket if it is still its own.
 */
export class Daemon {
  readonly paths: RuntimePaths;
  readonly ring: LogRing;
  readonly registry: DriverRegistry;
  /** The daemon's settings, resolved once at start and handed to every manager. */
  readonly context: UmdContext;
  readonly startedAt = Date.now();
  readonly closed: Promise<void>;
  readonly #lockFd: number;
  readonly #identity: DirIdentity;
  readonly #clients: ClientSet;
  #server: net.Server | null = null;
  #socketIno = 0;
  readonly #listenFd: number | undefined;
  #watch: NodeJS.Timeout | null = null;
  #shuttingDown: Promise<void> | null = null;
  #resolveClosed: () => void = () => undefined;

  private constructor(paths: RuntimePaths, identity: DirIdentity, lockFd: number, ring: LogRing, options: DaemonOptions) {
    this.paths = paths;
    this.#identity = identity;
    this.#lockFd = lockFd;
    this.#listenFd = options.listenFd;
    this.ring = ring;
    this.context = createContext({
      runtimeDir: paths.dir,
      log: this.ring.log,
      ...(options.searchPath ? { searchPath: options.searchPath } : {}),
      ...(options.driverPath ? { driverPath: options.driverPath } : {}),
      ...(options.launcher ? { launcher: options.launcher } : {}),
    });
    this.registry = new DriverRegistry({ context: this.context, pipesDir: paths.pipes, ...(options.lineRate ? { lineRate: options.lineRate } : {}) });
    this.#clients = new ClientSet({ ...DEFAULT_CONTROL_LIMITS, ...options.limits }, (message) => this.#warn(message));
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /** Starts serving `runtimeDir`; EEXIST when another daemon already does, EACCES when the dir is not safe. */
  static async start(options: DaemonOptions): Promise<Daemon> {
    const { identity, ...paths } = ensureRuntimeDir(options.runtimeDir);
    const lockFd = acquireInstanceLock(paths.lock, paths.dir);
    let daemon: Daemon | undefined;
    try {
      daemon = new Daemon(paths, identity, lockFd, new LogRing(2000, paths.log, options.logMaxBytes), options);
      await daemon.#listen();
    } catch (error) {
      await daemon?.ring.close();
      closeSync(lockFd);
      throw error;
    }
    daemon.#watch = setInterval(() => daemon.#check(), options.socketCheckMs ?? 1000);
    daemon.#watch.unref();
    for (const line of options.firstLines ?? []) daemon.ring.log({ level: 'warn', source: 'umd', message: line });
    daemon.ring.log({ level: 'info', source: 'umd', message: `umd daemon ${VERSION} pid ${process.pid} serving ${paths.socket}` });
    return daemon;
  }

  status(): DaemonStatus {
    return {
      pid: process.pid,
      version: VERSION,
      runtimeDir: this.paths.dir,
      socket: this.paths.socket,
      startedAt: this.startedAt,
      uptimeMs: Date.now() - this.startedAt,
      ...this.registry.counts(),
    };
  }

  #warn(message: string): void {
    this.ring.log({ level: 'warn', source: 'umd', message });
  }

  async #listen(): Promise<void> {
    if (!sameDir(this.paths.dir, this.#identity)) throw this.#replaced();
    if (this.#listenFd !== undefined) return this.#listenInherited(this.#listenFd);
    // We hold the instance lock, so a socket here is a dead daemon's; anything else is not ours to delete.
    removeStaleSocket(this.paths);
    const server = this.#newServer();
    // The socket file is born 0600. Node binds synchronously inside listen(), so the umask is put back
    // before anything else runs: it is process-wide, and a FIFO or file made meanwhile must not get it.
    const oldMask = process.umask(0o177);
    let listening: Promise<void>;
    try {
      listening = new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.paths.socket, resolve);
      });
    } finally {
      process.umask(oldMask);
    }
    try {
      await listening;
    } catch (error) {
      throw new UmdError('EIO', `umd daemon cannot listen on ${this.paths.socket}: ${(error as Error).message}`, { cause: error });
    }
    this.#serve(server);
    this.#socketIno = statSync(this.paths.socket).ino;
  }

  #serve(server: net.Server): void {
    server.on('error', (error) => this.ring.log({ level: 'error', source: 'umd', message: `control socket: ${error.message}` }));
    this.#server = server;
  }

  /** Serves the listening socket a service manager passed as `fd` (systemd's LISTEN_FDS). */
  async #listenInherited(fd: number): Promise<void> {
    const server = this.#newServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ fd }, resolve);
      });
    } catch (error) {
      throw new UmdError('EIO', `umd daemon cannot serve the inherited socket (fd ${fd}): ${(error as Error).message}`, {
        cause: error,
        suggestions: [`The service manager must pass a listening Unix stream socket bound to ${this.paths.socket} (ListenStream=)`],
      });
    }
    this.#serve(server);
  }

  #newServer(): net.Server {
    const shared: SharedContext = {
      registry: this.registry,
      ring: this.ring,
      status: () => this.status(),
      requestShutdown: () => setImmediate(() => void this.shutdown('stop requested')),
    };
    return net.createServer((socket) => this.#clients.accept(socket, shared));
  }

  #replaced(): UmdError {
    return new UmdError('EACCES', `umd runtime directory ${this.paths.dir} was removed or replaced by another directory; refusing to use it`, {
      suggestions: ['Find out who replaced it (its parents must be writable only by root and you), then start umd again'],
    });
  }

  /**
   * Every tick: a runtime dir that is no longer the one the daemon made is
   * refused (the daemon shuts down rather than listen in someone else's
   * dir); a socket file a tmp cleaner deleted is put back; clients that
   * idle, stall or leave a frame half-written are dropped.
   */
  #check(): void {
    if (this.#shuttingDown) return;
    if (!sameDir(this.paths.dir, this.#identity)) {
      this.ring.log({ level: 'error', source: 'umd', message: `${this.#replaced().message}; shutting down` });
      void this.shutdown('runtime directory replaced');
      return;
    }
    this.#clients.sweep();
    // An inherited socket is the service manager's to keep; it is not put back when removed.
    if (this.#listenFd !== undefined) return;
    let ino = 0;
    try {
      ino = statSync(this.paths.socket).ino;
    } catch {
      ino = 0;
    }
    if (ino === this.#socketIno) return;
    this.#warn(`control socket ${this.paths.socket} was removed; listening again`);
    this.#server?.close();
    this.#listen().catch((error: Error) => this.ring.log({ level: 'error', source: 'umd', message: error.message }));
  }

  /** The one way out: stop serving, kill every handler, remove the socket. */
  async shutdown(reason: string): Promise<void> {
    this.#shuttingDown ??= this.#shutdown(reason);
    return this.#shuttingDown;
  }

  async #shutdown(reason: string): Promise<void> {
    this.ring.log({ level: 'info', source: 'umd', message: `umd daemon pid ${process.pid} shutting down: ${reason}` });
    if (this.#watch) clearInterval(this.#watch);
    const server = this.#server;
    const closing = server ? new Promise((resolve) => server.close(resolve)) : Promise.resolve();
    this.#clients.destroyAll();
    await this.registry.closeAll();
    await dropLauncherStock(this.paths.pipes);
    if (sameDir(this.paths.dir, this.#identity)) dropSharedPipeStock(this.paths.pipes);
    await closing;
    try {
      if (this.#listenFd === undefined && sameDir(this.paths.dir, this.#identity) && statSync(this.paths.socket).ino === this.#socketIno) unlinkSync(this.paths.socket);
    } catch {
      // already gone
    }
    closeSync(this.#lockFd);
    await this.ring.close();
    this.#resolveClosed();
  }
}
