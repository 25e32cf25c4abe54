import path from 'node:path';
import type { AnyManagerHooks } from '../managers/types.js';
import { installBlob, removeBlob, verifyBlob } from './blob.js';
import { withDeadline } from './deadline.js';
import { replyPool } from './buffer-pool.js';
import { exchange } from './exchange.js';
import { UmdError, toUmdError } from './errors.js';
import { describeExit, HandlerProcess, type HandlerExit } from './handler.js';
import { Lock } from './lock.js';
import { notLoadedError, onDemandFailedError, requestFailure, startLimitError } from './manager-errors.js';
import { DEFAULT_KILL_GRACE_MS, DEFAULT_TIMEOUT_MS, type DriverState, type DriverStatus, type LoadOutcome, type ManagerOptions, type SendOutcome } from './manager-types.js';
import type { LogLevel } from './log.js';
import { readPackage, type DriverPackage } from './package.js';
import { planFor, SandboxSession } from '../sandbox/session.js';
import type { SandboxPlan } from '../sandbox/plan.js';
import { StartLimit } from './start-limit.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { DriverLog } from './driver-log.js';

export * from './manager-types.js';

/**
 * How long post_start's own deadline waits, past its exchange's deadline and
 * kill grace, for that exchange to kill and reap the handler and report: a
 * sandboxed handler's end (handler, reaper, launcher, their namespaces) can
 * take a few hundred ms on a loaded machine.
 */
const POST_START_REAP_MARGIN_MS = 1000;
export { notLoadedError } from './manager-errors.js';

/**
 * The manager of one driver (the kernel's `struct umd_mgmt`): owns its
 * handler, its private blob copy and the lock that serializes every request,
 * load and unload. Usable on its own, without the daemon or the CLI.
 */
export class DriverManager {
  readonly name: string;
  readonly hooks: AnyManagerHooks;
  #pkg: DriverPackage;
  readonly #opts: Required<Omit<ManagerOptions, 'timeoutMs' | 'startLimit' | 'lineRate'>> & { timeoutMs: number | undefined };
  readonly #lock = new Lock();
  readonly #driverLog: DriverLog;
  /** The start limit given by the library user, else one made from driver.json at each `load`. */
  readonly #givenLimit: StartLimit | undefined;
  #limit: StartLimit;
  #loaded = false;
  #blobCopy: string | null = null;
  #handler: HandlerProcess | null = null;
  /** This load's sandbox, set up at its first start. */
  #sandbox: SandboxSession | null = null;
  #startsThisLoad = 0;
  #stats = { requests: 0, failures: 0, restarts: 0 };
  #lastError: UmdError | null = null;

  constructor(pkg: DriverPackage, hooks: AnyManagerHooks, options: ManagerOptions) {
    this.name = pkg.name;
    this.#pkg = pkg;
    this.hooks = hooks;
    this.#opts = {
      context: options.context,
      log: options.log ?? options.context.log,
      timeoutMs: options.timeoutMs,
      killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      launch: options.launch ?? {},
    };
    this.#givenLimit = options.startLimit;
    this.#limit = options.startLimit ?? new StartLimit(pkg.manifest.startLimit);
    this.#driverLog = new DriverLog(this.name, this.#opts.log, options.lineRate);
  }

  get package(): DriverPackage {
    return this.#pkg;
  }

  /** The handler as messages name it: its blob's file name (`hang_after_first`), not the manager's default name. */
  get handlerLabel(): string {
    return path.basename(this.#pkg.manifest.handler);
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  get state(): DriverState {
    if (this.#limit.failed()) return 'failed';
    if (!this.#loaded) return 'unloaded';
    return this.#handler && !this.#handler.exited ? 'running' : 'stopped';
  }

  get status(): DriverStatus {
    const handler = this.#handler;
    return {
      name: this.name,
      state: this.state,
      pid: handler && !handler.exited ? handler.pid : null,
      ...this.#stats,
      lastError: this.#lastError?.toJSON() ?? null,
    };
  }

  /** The sandbox the handlers of this load run in; null when not loaded. */
  get sandbox(): SandboxPlan | null {
    return this.#sandbox?.plan ?? null;
  }

  /** The loaded driver's sandbox, or the one its next load would set up (for `umd info`). */
  async plannedSandbox(): Promise<SandboxPlan> {
    return this.#sandbox?.plan ?? planFor(this.#opts.context, this.name, this.#pkg.manifest, this.#opts.launch, this.#pkg.handlerPath);
  }

  #log(level: LogLevel, message: string, source = 'umd'): void {
    this.#driverLog.log(level, message, source);
  }

  #timeout(override?: number): number {
    return override ?? this.#pkg.manifest.timeoutMs ?? this.#opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * mgmt_load: copy and check the blob, start the handler; on failure
   * remove the copy. An explicit load (`umd load`) clears a `failed` state
   * and starts the start limit afresh; a load on demand does neither, and
   * is refused (EAGAIN) while the driver is `failed`.
   */
  async load(options: { onDemand?: boolean } = {}): Promise<LoadOutcome> {
    return this.#lock.run(async () => this.#loadLocked(options));
  }

  /**
   * unload + load under one lock, so no request runs in between: the
   * handler is killed, the package read again, the blob checked and copied
   * afresh, a new handler started. A driver that is not loaded is loaded.
   */
  async restart(): Promise<LoadOutcome & { oldPid: number | null; wasLoaded: boolean }> {
    return this.#lock.run(async () => {
      const wasLoaded = this.#loaded;
      const oldPid = wasLoaded ? (await this.#unloadLocked()).pid : null;
      return { ...(await this.#loadLocked({})), oldPid, wasLoaded };
    });
  }

  async #loadLocked(options: { onDemand?: boolean }): Promise<LoadOutcome> {
    if (!options.onDemand) this.#limit.reset();
    if (this.#loaded) return { alreadyLoaded: true, pid: this.status.pid };
    const pkg = readPackage(path.dirname(this.#pkg.dir), this.name);
    if (!options.onDemand) this.#limit = this.#givenLimit ?? new StartLimit(pkg.manifest.startLimit);
    if (this.#limit.failed()) throw this.#remember(this.#startLimitError());
    const copy = installBlob(pkg, this.#opts.context.blobsDir);
    this.#pkg = pkg;
    this.#blobCopy = copy;
    this.#startsThisLoad = 0;
    try {
      const handler = await this.#start();
      this.#loaded = true;
      return { alreadyLoaded: false, pid: handler.pid };
    } catch (error) {
      await this.#closeSandbox();
      removeBlob(copy);
      this.#blobCopy = null;
      throw this.#remember(error);
    }
  }

  /** mgmt_unload: kill the handler, mark the driver not loaded, remove the blob copy. */
  async unload(): Promise<{ pid: number | null }> {
    return this.#lock.run(async () => {
      if (!this.#loaded) throw notLoadedError(this.name);
      return this.#unloadLocked();
    });
  }

  async #unloadLocked(): Promise<{ pid: number | null }> {
    const pid = this.status.pid;
    await this.#shutdown('unload');
    this.#loaded = false;
    this.#limit.reset();
    await this.#closeSandbox();
    this.#driverLog.flush();
    if (this.#blobCopy) removeBlob(this.#blobCopy);
    this.#blobCopy = null;
    this.#log('info', `Unloaded ${this.handlerLabel}`);
    return { pid };
  }

  /** Parses the user's input, sends it through mgmt_send_recv and checks the reply. */
  async send(input: string, options: { timeoutMs?: number } = {}): Promise<SendOutcome> {
    const request = this.hooks.parseInput(input) as unknown;
    const encoded = this.hooks.encode(request);
    if (encoded.length !== this.hooks.requestSize) {
      throw new UmdError('EINVAL', `manager ${this.hooks.name} encoded ${encoded.length} bytes, expected ${this.hooks.requestSize}`);
    }
    const outcome = await this.#mgmtSendRecv(encoded, options.timeoutMs, (reply) => {
      try {
        return this.hooks.checkReply(reply, request, input);
      } finally {
        if (this.hooks.replyIsScratch) replyPool.give(reply);
      }
    });
    this.#stats.requests++;
    return { result: outcome.result, loadedOnDemand: outcome.loadedOnDemand, started: outcome.started, pid: outcome.pid };
  }

  /**
   * mgmt_send_recv: under the lock, load the driver on demand, restart an
   * exited handler, exchange one request for one reply; on any failure the
   * handler is shut down, so the next request gets a fresh one.
   */
  async mgmtSendRecv(
    request: Buffer,
    options: { timeoutMs?: number } = {},
  ): Promise<{ reply: Buffer; loadedOnDemand: boolean; started: boolean; pid: number }> {
    const outcome = await this.#mgmtSendRecv(request, options.timeoutMs, (reply) => reply);
    return { reply: outcome.result, loadedOnDemand: outcome.loadedOnDemand, started: outcome.started, pid: outcome.pid };
  }

  /**
   * mgmt_send_recv of an already encoded request, its reply checked by
   * `check` with the lock held: a reply that fails the check shuts the
   * handler down, as `send`'s does. For managers that talk to their handler
   * in several requests (pgp: armor, then packets).
   */
  async sendChecked<R>(request: Buffer, check: (reply: Buffer) => R, options: { timeoutMs?: number } = {}): Promise<R> {
    if (request.length !== this.hooks.requestSize) {
      throw new UmdError('EINVAL', `driver ${this.name}: a request of ${request.length} bytes, expected ${this.hooks.requestSize}`);
    }
    const outcome = await this.#mgmtSendRecv(request, options.timeoutMs, check);
    this.#stats.requests++;
    return outcome.result;
  }

  /** mgmt_send_recv with the reply checked (by `check`) before the lock is released. */
  async #mgmtSendRecv<R>(
    request: Buffer,
    timeoutMs: number | undefined,
    check: (reply: Buffer) => R,
  ): Promise<{ result: R; loadedOnDemand: boolean; started: boolean; pid: number }> {
    await this.#lock.acquire();
    let loadedOnDemand = false;
    if (!this.#loaded) {
      // As the kernel does around request_module(): drop the lock to load, then retake it.
      this.#lock.release();
      try {
        loadedOnDemand = !(await this.load({ onDemand: true })).alreadyLoaded;
      } catch (error) {
        // The start limit speaks for itself: EAGAIN, with when it clears.
        throw error instanceof UmdError && error.code === 'EAGAIN' ? error : this.#onDemandFailed(error);
      }
      await this.#lock.acquire();
      if (!this.#loaded) {
        this.#lock.release();
        throw this.#onDemandFailed(null);
      }
    }
    try {
      const { reply, ...exchanged } = await this.#sendRecvLocked(request, timeoutMs, loadedOnDemand);
      return { ...exchanged, result: await this.#checkLocked(reply, check) };
    } finally {
      this.#lock.release();
    }
  }

  #onDemandFailed(cause: unknown): UmdError {
    this.#stats.failures++;
    return this.#remember(onDemandFailedError(this.name, cause));
  }

  async #sendRecvLocked(request: Buffer, timeoutMs: number | undefined, loadedOnDemand: boolean) {
    if (this.#limit.failed()) {
      throw this.#remember(this.#startLimitError());
    }
    let handler = this.#handler;
    if (handler && handler.reader.unexpected > 0) {
      await this.#shutdown('protocol'); // killed and logged when the bytes came
      handler = null;
    }
    if (handler && handler.exited) {
      this.#log('warn', `${handler.name} pid ${handler.pid} ${describeExit(handler.exit as HandlerExit)}; restarting it`);
      await this.#shutdown('exited');
      handler = null;
    }
    let started = false;
    if (!handler) {
      await this.#backoff();
      handler = await this.#start().catch((error: unknown) => {
        throw this.#remember(error);
      });
      started = true;
    }
    try {
      const reply = await this.#exchange(handler, request, this.#timeout(timeoutMs));
      return { reply, loadedOnDemand, started, pid: handler.pid };
    } catch (error) {
      this.#stats.failures++;
      const exit = await this.#shutdown('error');
      const failure = requestFailure(this.name, error, exit, handler.signalled);
      if (failure.code === 'EPROTO') this.#log('error', failure.message);
      throw this.#remember(failure);
    }
  }

  /**
   * Runs the manager's reply check with the lock still held. umd goes
   * further than the kernel here: a handler whose reply fails the check is
   * not trusted with the next request, and is shut down.
   */
  async #checkLocked<R>(reply: Buffer, check: (reply: Buffer) => R): Promise<R> {
    try {
      return check(reply);
    } catch (error) {
      this.#stats.failures++;
      const failure = this.#remember(toUmdError(error, 'EINVAL', `driver ${this.name}: reply check failed`));
      const handler = this.#handler;
      if (handler) {
        this.#log('warn', `${handler.name} pid ${handler.pid} sent a reply that failed the check (${failure.code}); shutting it down`);
        await this.#shutdown('bad reply');
      }
      throw failure;
    }
  }

  /** send_recv with this driver's reply size and deadline; see exchange(). */
  async #exchange(handler: HandlerProcess, request: Buffer, timeoutMs: number): Promise<Buffer> {
    return exchange(handler, request, {
      driver: this.name,
      replySize: this.hooks.replySize,
      timeoutMs,
      killGraceMs: this.#opts.killGraceMs,
      onTimeout: (message) => this.#log('error', message),
    });
  }

  /** A restart that comes after `burst` starts within the interval waits a little, each time longer. */
  async #backoff(): Promise<void> {
    const waitMs = this.#limit.backoffMs();
    if (waitMs === 0) return;
    this.#log('warn', `${this.handlerLabel} was started ${this.#limit.settings.burst} times or more within ${this.#limit.settings.intervalMs / 1000} s; waiting ${waitMs} ms before the next start`);
    await sleep(waitMs);
  }

  /** start, counted by the start limit: a start that fails counts as a failure. */
  async #start(): Promise<HandlerProcess> {
    if (this.#limit.failed()) throw this.#startLimitError();
    this.#limit.recordStart();
    try {
      return await this.#startOnce();
    } catch (error) {
      if (this.#limit.recordFailure()) this.#log('error', this.#startLimitError().message);
      throw error;
    }
  }

  /** start: verify the copy, spawn the handler, log it, run post_start. */
  async #startOnce(): Promise<HandlerProcess> {
    const copy = this.#blobCopy as string;
    verifyBlob(copy, this.#pkg.manifest.sha256, this.name);
    const handlerName = this.handlerLabel;
    this.#sandbox ??= await SandboxSession.open({
      context: this.#opts.context,
      driver: this.name,
      handlerName,
      manifest: this.#pkg.manifest,
      launch: this.#opts.launch,
      blobCopy: copy,
      log: (level, message, source) => this.#log(level, message, source),
    });
    const handler: HandlerProcess = await HandlerProcess.start({
      name: handlerName,
      ...this.#sandbox.command(copy),
      env: this.#pkg.manifest.env ?? {},
      onStderrLine: (line) => this.#log('info', line, handlerName),
      onUnexpectedOutput: (bytes) =>
        this.#log('error', `${handlerName} pid ${handler.pid} wrote ${bytes} bytes to stdout that nobody asked for; killed it`),
      onExit: (exit) => {
        // A death of its own is logged even after a failed request replaced it: e.g. SIGSYS, the sandbox's doing.
        if (this.#handler === handler || !handler.signalled) this.#log('warn', `${handlerName} pid ${handler.pid} ${describeExit(exit)}`);
        // Killed or exited by itself while idle: `umd list` shows why it stopped.
        if (this.#handler === handler && !handler.signalled) {
          this.#lastError = new UmdError('ECHILD', `handler ${handlerName} pid ${handler.pid} ${describeExit(exit)}`, { suggestions: ['The next request starts a fresh one'], driver: this.name, topic: 'handler' });
        }
      },
    });
    this.#handler = handler;
    if (this.#startsThisLoad++ > 0) this.#stats.restarts++;
    this.#log('info', `Loaded ${handlerName} pid ${handler.pid}`);
    if (!this.hooks.postStart) return handler;
    const timeoutMs = this.#timeout();
    try {
      // The hook's own deadline comes after its exchanges' (and their kill grace), so theirs report first.
      const replies: Buffer[] = [];
      const send = async (request: Buffer) => {
        const reply = await this.#exchange(handler, request, timeoutMs);
        if (this.hooks.replyIsScratch) replies.push(reply);
        return reply;
      };
      await withDeadline(
        this.hooks.postStart(send).finally(() => replies.forEach((reply) => replyPool.give(reply))),
        timeoutMs + this.#opts.killGraceMs + POST_START_REAP_MARGIN_MS,
        () => new UmdError('ETIMEDOUT', `post_start did not finish within ${timeoutMs} ms`),
      );
      return handler;
    } catch (error) {
      const exit = await this.#shutdown('post_start');
      const base = toUmdError(error, 'EINVAL', 'post_start');
      const diedByItself = exit !== null && !handler.signalled;
      const died = diedByItself ? `; the handler ${describeExit(exit)}` : '';
      const failure = new UmdError(
        diedByItself ? 'ECHILD' : base.code,
        `driver ${this.name}: post_start health check of ${handlerName} (pid ${handler.pid}) failed: ${base.message}${died}`,
        { cause: error, driver: this.name, topic: 'handler' },
      );
      this.#log('error', failure.message);
      throw failure;
    }
  }

  async #closeSandbox(): Promise<void> {
    const sandbox = this.#sandbox;
    this.#sandbox = null;
    await sandbox?.close();
  }

  #startLimitError(): UmdError {
    return startLimitError(this.name, this.handlerLabel, this.#limit);
  }

  /**
   * Shuts the handler down (SIGKILL to its group, then reap), as the
   * kernel's shutdown does. A handler that already exited keeps its own exit
   * status, which is returned.
   */
  async #shutdown(why: string): Promise<HandlerExit | null> {
    const handler = this.#handler;
    if (!handler) return null;
    this.#handler = null;
    if (!handler.exited && why !== 'unload') await handler.exitedWithin(100);
    return handler.kill();
  }

  #remember(error: unknown): UmdError {
    const umdError = toUmdError(error, 'EIO', `driver ${this.name}`);
    this.#lastError = umdError;
    return umdError;
  }

  /** Kills the handler at once, then unloads: for daemon shutdown, never waits on a stuck request. */
  async close(): Promise<void> {
    this.#handler?.killNow();
    await this.#lock.run(async () => {
      if (this.#loaded) await this.#unloadLocked();
    });
  }
}
