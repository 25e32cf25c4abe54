import path from 'node:path';
import type { AnyManagerHooks } from '../managers/types.js';
import { emptyBlobDir, installBlob, removeBlob, verifyBlob } from './blob.js';
import { withDeadline } from './deadline.js';
import { DeadlineTimer } from './deadline-timer.js';
import { replyPool } from './buffer-pool.js';
import { exchange, type ExchangeOptions } from './exchange.js';
import { PipeStock, sharedPipeStock } from './handler-pipes.js';
import { UmdError, toUmdError } from './errors.js';
import { describeExit, HandlerProcess, type HandlerExit } from './handler.js';
import { INFO_FD, requireLauncher } from './launch.js';
import { Lock } from './lock.js';
import { notLoadedError, onDemandFailedError, requestFailure, startLimitError } from './manager-errors.js';
import { DEFAULT_KILL_GRACE_MS, DEFAULT_TIMEOUT_MS, type DriverState, type DriverStatus, type LoadOutcome, type ManagerOptions, type SendOutcome } from './manager-types.js';
import type { LogLevel } from './log.js';
import { readPackage, type DriverPackage } from './package.js';
import { planFor, SandboxSession } from '../sandbox/session.js';
import { CONTROL_FD, sharedLauncherStock, type LauncherStock } from '../sandbox/stock.js';
import type { SandboxPlan } from '../sandbox/plan.js';
import { StartLimit } from './start-limit.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { DriverLog } from './driver-log.js';

/** How long a handler whose request failed may take to exit by itself before it is killed (its own status is logged then). */
const EXIT_GRACE_MS = 100;
/** The same for one that closed its stdout: it is ending, and its exit may be slow to be reported under load. */
const EXIT_GRACE_AFTER_EOF_MS = 1000;

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
  readonly #opts: Required<Omit<ManagerOptions, 'timeoutMs' | 'startLimit' | 'lineRate' | 'pipesDir'>> & { timeoutMs: number | undefined; pipesDir: string | null };
  readonly #lock = new Lock();
  /** The deadline of the exchange in flight (the lock lets one run at a time). */
  readonly #deadline = new DeadlineTimer();
  /** What every exchange of this driver is given, made once. */
  readonly #exchangeOptions: ExchangeOptions;
  readonly #driverLog: DriverLog;
  /** The start limit given by the library user, else one made from driver.json at each `load`. */
  readonly #givenLimit: StartLimit | undefined;
  #limit: StartLimit;
  #loaded = false;
  #blobCopy: string | null = null;
  #handler: HandlerProcess | null = null;
  /** This load's stock of handler pipes, in its blob copy's directory. */
  #pipes: PipeStock | null = null;
  /** This load's sandbox, set up at its first start. */
  #sandbox: SandboxSession | null = null;
  #startsThisLoad = 0;
  #stats = { requests: 0, failures: 0, restarts: 0 };
  #lastError: UmdError | null = null;
  /** While close() runs: requests queued on the lock fail instead of starting handlers. */
  #closing = false;
  /** A handler #shutdown is giving its grace to exit: close() kills it at once. */
  #ending: HandlerProcess | null = null;

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
      pipesDir: options.pipesDir ?? null,
    };
    this.#givenLimit = options.startLimit;
    this.#limit = options.startLimit ?? new StartLimit(pkg.manifest.startLimit);
    this.#driverLog = new DriverLog(this.name, this.#opts.log, options.lineRate);
    this.#exchangeOptions = {
      driver: this.name,
      deadline: this.#deadline,
      killGraceMs: this.#opts.killGraceMs,
      onTimeout: (message) => this.#log('error', message),
    };
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
    this.#pipes = null;
    this.#startsThisLoad = 0;
    try {
      const handler = await this.#start();
      this.#loaded = true;
      this.#sandbox?.replenish();
      return { alreadyLoaded: false, pid: handler.pid };
    } catch (error) {
      this.#sandbox?.replenish();
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
    await this.#shutdown({ now: true });
    this.#deadline.stop();
    this.#loaded = false;
    this.#limit.reset();
    await this.#closeSandbox();
    this.#driverLog.flush();
    if (this.#blobCopy) emptyBlobDir(this.#blobCopy);
    this.#blobCopy = null;
    this.#log('info', `Unloaded ${this.handlerLabel}`);
    return { pid };
  }

  /**
   * Parses the user's input and sends it through mgmt_send_recv; the
   * manager's `checkReply` turns the reply into the result.
   */
  async send(input: string, options: { timeoutMs?: number } = {}): Promise<SendOutcome> {
    const request = this.hooks.parseInput(input) as unknown;
    const encoded = this.hooks.encode(request);
    if (encoded.length !== this.hooks.requestSize) {
      throw new UmdError('EINVAL', `manager ${this.hooks.name} encoded ${encoded.length} bytes, expected ${this.hooks.requestSize}`);
    }
    return this.#sendRecv(encoded, options.timeoutMs, (reply) => this.hooks.checkReply(reply, request, input));
  }

  /** The raw mgmt_send_recv of the library API: no check, and the reply (a copy) is the caller's to keep. */
  async mgmtSendRecv(request: Buffer, options: { timeoutMs?: number } = {}): Promise<SendOutcome<Buffer>> {
    return this.#sendRecv(request, options.timeoutMs, (reply) => Buffer.from(reply));
  }

  /**
   * mgmt_send_recv of an already encoded request, its reply checked by
   * `check` with the lock held: a reply that fails the check shuts the
   * handler down, as `send`'s does. For managers that talk to their handler
   * in several requests (pgp: armor, then packets). `check` may read the
   * reply, not keep it.
   */
  async sendChecked<R>(request: Buffer, check: (reply: Buffer) => R, options: { timeoutMs?: number } = {}): Promise<R> {
    if (request.length !== this.hooks.requestSize) {
      throw new UmdError('EINVAL', `driver ${this.name}: a request of ${request.length} bytes, expected ${this.hooks.requestSize}`);
    }
    return (await this.#sendRecv(request, options.timeoutMs, check)).result;
  }

  /**
   * mgmt_send_recv: under the lock (taken once, released once), load the
   * driver on demand, restart an exited handler, exchange one request for
   * one reply and run `check` on it. Any failure shuts the handler down,
   * so the next request gets a fresh one. The reply buffer is the
   * manager's: `check` may read it, not keep it.
   */
  async #sendRecv<R>(request: Buffer, timeoutMs: number | undefined, check: (reply: Buffer) => R): Promise<SendOutcome<R>> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire();
    try {
      if (this.#closing) {
        throw new UmdError('EBUSY', `driver ${this.name} was closed while this request waited for it (umd is shutting down, or replaced its manager)`, {
          suggestions: ['Send it again'],
          driver: this.name,
        });
      }
      const loadedOnDemand = !this.#loaded && (await this.#loadOnDemand());
      const live = this.#liveHandler();
      const { handler, started } = live ? { handler: live, started: false } : await this.#ready();
      const reply = await this.#exchangeOrShutdown(handler, request, this.#timeout(timeoutMs));
      const result = await this.#checkOrShutdown(handler, reply, check);
      this.#stats.requests++;
      return { result, loadedOnDemand, started, pid: handler.pid };
    } finally {
      this.#lock.release();
    }
  }

  /**
   * The kernel drops the lock around request_module() because the loader's
   * init takes it again; here the load runs under the lock already held.
   */
  async #loadOnDemand(): Promise<true> {
    try {
      await this.#loadLocked({ onDemand: true });
      return true;
    } catch (error) {
      // The start limit speaks for itself: EAGAIN, with when it clears.
      if (error instanceof UmdError && error.code === 'EAGAIN') throw error;
      this.#stats.failures++;
      throw this.#remember(onDemandFailedError(this.name, error));
    }
  }

  /** The handler, when it can take the next request as it is (no start limit in force, running, no unasked bytes). */
  #liveHandler(): HandlerProcess | null {
    const current = this.#handler;
    return current && !current.exited && current.reader.unexpected === 0 && !this.#limit.failed() ? current : null;
  }

  /** The handler that takes the next request: one that exited or wrote unasked bytes is replaced first. */
  async #ready(): Promise<{ handler: HandlerProcess; started: boolean }> {
    if (this.#limit.failed()) throw this.#remember(this.#startLimitError());
    const current = this.#handler;
    if (current && !current.exited && current.reader.unexpected === 0) return { handler: current, started: false };
    if (current && current.reader.unexpected === 0) {
      this.#log('warn', `${current.name} pid ${current.pid} ${describeExit(current.exit as HandlerExit)}; restarting it`);
    }
    await this.#shutdown(); // one that wrote unasked bytes was killed and logged when they came
    await this.#backoff();
    try {
      return { handler: await this.#start(), started: true };
    } catch (error) {
      throw this.#remember(error);
    }
  }

  /** send_recv into a reply buffer of the manager's; a failure shuts the handler down. */
  async #exchangeOrShutdown(handler: HandlerProcess, request: Buffer, timeoutMs: number): Promise<Buffer> {
    const reply = replyPool.take(this.hooks.replySize);
    try {
      return await this.#exchange(handler, request, reply, timeoutMs);
    } catch (error) {
      this.#stats.failures++;
      const exit = await this.#shutdown();
      handler.reader.close(); // reaped: no read holds `reply` any more
      replyPool.give(reply);
      const failure = requestFailure(this.name, error, exit, handler.signalled);
      if (failure.code === 'EPROTO') this.#log('error', failure.message);
      throw this.#remember(failure);
    }
  }

  /**
   * Runs the manager's reply check with the lock still held, then takes the
   * reply buffer back. umd goes further than the kernel here: a handler
   * whose reply fails the check is not trusted with the next request, and
   * is shut down.
   */
  async #checkOrShutdown<R>(handler: HandlerProcess, reply: Buffer, check: (reply: Buffer) => R): Promise<R> {
    try {
      return check(reply);
    } catch (error) {
      this.#stats.failures++;
      const failure = this.#remember(toUmdError(error, 'EINVAL', `driver ${this.name}: reply check failed`));
      this.#log('warn', `${handler.name} pid ${handler.pid} sent a reply that failed the check (${failure.code}); shutting it down`);
      await this.#shutdown();
      throw failure;
    } finally {
      replyPool.give(reply);
    }
  }

  /** send_recv with this driver's reply size and deadline, into `reply`; see exchange(). */
  #exchange(handler: HandlerProcess, request: Buffer, reply: Buffer, timeoutMs: number): Promise<Buffer> {
    return exchange(handler, request, reply, timeoutMs, this.#exchangeOptions);
  }

  /** A restart that comes after `burst` starts within the interval waits a little, each time longer. */
  async #backoff(): Promise<void> {
    const waitMs = this.#limit.backoffMs();
    if (waitMs === 0) return;
    this.#log('warn', `${this.handlerLabel} was started ${this.#limit.settings.burst} times or more within ${this.#limit.settings.intervalMs / 1000} s; waiting ${waitMs} ms before the next start`);
    await sleep(waitMs);
  }

  /** start, counted by the start limit: spawn, then post_start; a start that fails counts as a failure. */
  async #start(): Promise<HandlerProcess> {
    if (this.#limit.failed()) throw this.#startLimitError();
    this.#limit.recordStart();
    try {
      const handler = await this.#spawn();
      await this.#postStart(handler);
      return handler;
    } catch (error) {
      if (this.#limit.recordFailure()) this.#log('error', this.#startLimitError().message);
      throw error;
    }
  }

  /**
   * Checks the copy's digest, opens this load's sandbox at its first start,
   * spawns the handler in it and logs it. The load's first start does not
   * hash the copy again: installBlob hashed the very bytes it wrote a moment
   * before, into a 0700 directory of the daemon's.
   */
  async #spawn(): Promise<HandlerProcess> {
    const copy = this.#blobCopy as string;
    if (this.#startsThisLoad > 0) verifyBlob(copy, this.#pkg.manifest.sha256, this.name);
    const handlerName = this.handlerLabel;
    const pipes = this.#pipeStock();
    this.#sandbox ??= await SandboxSession.open({
      context: this.#opts.context,
      driver: this.name,
      handlerName,
      manifest: this.#pkg.manifest,
      launch: this.#opts.launch,
      blobCopy: copy,
      log: (level, message, source) => this.#log(level, message, source),
      fifoAt: async (target, mode) => pipes.fifoAt(target, mode),
      ...(this.#opts.pipesDir ? { stock: this.#launcherStock(this.#opts.pipesDir, pipes) } : {}),
    });
    const env = this.#pkg.manifest.env ?? {};
    const spec = {
      name: handlerName,
      env,
      onStderrLine: (line: string) => this.#log('info', line, handlerName),
      onUnexpectedOutput: (bytes: number) =>
        this.#log('error', `${handlerName} pid ${handler.pid} wrote ${bytes} bytes to stdout that nobody asked for; killed it`),
      onExit: (exit: HandlerExit) => {
        // A death of its own is logged even after a failed request replaced it: e.g. SIGSYS, the sandbox's doing.
        if (this.#handler === handler || !handler.signalled) this.#log('warn', `${handlerName} pid ${handler.pid} ${describeExit(exit)}`);
        // Killed or exited by itself while idle: `umd list` shows why it stopped.
        if (this.#handler === handler && !handler.signalled) {
          this.#lastError = new UmdError('ECHILD', `handler ${handlerName} pid ${handler.pid} ${describeExit(exit)}`, { suggestions: ['The next request starts a fresh one'], driver: this.name, topic: 'handler' });
        }
      },
    };
    // The load's first start may take a launcher started ahead, its sandbox made already (src/sandbox/stock.ts).
    const stocked = this.#sandbox.takeStocked(this.#opts.context, copy, env, this.hooks.replySize);
    const sandbox = this.#sandbox;
    const launch = async (): Promise<HandlerProcess> => {
      const command = sandbox.command(copy);
      return HandlerProcess.start({
        ...spec,
        ...command,
        // The launcher sizes the reply pipe so that a whole reply is one write and one read.
        args: ['--pipe-size', String(this.hooks.replySize), ...command.args],
        pipes: await pipes.take(),
      });
    };
    const handler: HandlerProcess = stocked
      ? await HandlerProcess.adopt(stocked.child, {
          ...spec,
          command: this.#opts.context.launcher,
          supervised: true,
          infoFd: INFO_FD,
          pipes: stocked.pipes,
          controlFd: CONTROL_FD,
          config: stocked.config,
        })
      : await launch();
    this.#handler = handler;
    if (this.#startsThisLoad++ > 0) this.#stats.restarts++;
    this.#log('info', `Loaded ${handlerName} pid ${handler.pid}`);
    return handler;
  }

  /**
   * post_start: the manager's health check of a new handler, under a
   * deadline; a failure shuts the handler down. The replies `send` gives
   * the hook are the manager's buffers, taken back when the hook is done.
   */
  async #postStart(handler: HandlerProcess): Promise<void> {
    if (!this.hooks.postStart) return;
    const timeoutMs = this.#timeout();
    const settled: Buffer[] = [];
    // The driver's deadline timer serves one exchange at a time: a hook still running after post_start
    // ended (its own deadline passed) must not arm it over a later request's deadline.
    let ended = false;
    const send = async (request: Buffer): Promise<Buffer> => {
      if (ended) throw new UmdError('EFAULT', `driver ${this.name}: post_start of ${handler.name} (pid ${handler.pid}) has ended; its send is closed`);
      const reply = replyPool.take(this.hooks.replySize);
      const answer = await this.#exchange(handler, request, reply, timeoutMs); // failed: not given back, a read may hold it until the reap
      settled.push(reply);
      return answer;
    };
    try {
      // The hook's own deadline comes after its exchanges' (and their kill grace), so theirs report first.
      await withDeadline(this.hooks.postStart(send), timeoutMs + this.#opts.killGraceMs + POST_START_REAP_MARGIN_MS, () => new UmdError('ETIMEDOUT', `post_start did not finish within ${timeoutMs} ms`));
    } catch (error) {
      ended = true; // before the shutdown's wait: the hook may still be running
      throw await this.#postStartFailed(handler, error);
    } finally {
      ended = true;
      for (const reply of settled) replyPool.give(reply);
    }
  }

  /** Shuts a handler that failed post_start down; the error says why, and how the handler ended if by itself. */
  async #postStartFailed(handler: HandlerProcess, error: unknown): Promise<UmdError> {
    const exit = await this.#shutdown();
    const base = toUmdError(error, 'EINVAL', 'post_start');
    const diedByItself = exit !== null && !handler.signalled;
    const died = diedByItself ? `; the handler ${describeExit(exit)}` : '';
    const failure = new UmdError(
      diedByItself ? 'ECHILD' : base.code,
      `driver ${this.name}: post_start health check of ${handler.name} (pid ${handler.pid}) failed: ${base.message}${died}`,
      { cause: error, driver: this.name, topic: 'handler' },
    );
    this.#log('error', failure.message);
    return failure;
  }

  /** Where this load's handler pipes come from: the daemon's shared stock, else one in the blob copy's directory. */
  #pipeStock(): PipeStock {
    const launcher = requireLauncher(this.#opts.context.launcher, this.name);
    if (this.#opts.pipesDir) return sharedPipeStock(this.#opts.pipesDir, launcher);
    this.#pipes ??= new PipeStock(path.dirname(this.#blobCopy as string), launcher);
    return this.#pipes;
  }

  /** The daemon's stock of launchers started ahead, beside its shared pipes. */
  #launcherStock(pipesDir: string, pipes: PipeStock): LauncherStock {
    const { launcher, blobsDir } = this.#opts.context;
    return sharedLauncherStock({ launcher, blobsDir, dir: pipesDir, pipes });
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
   * shutdown: kills the handler (SIGKILL to its group, or through its
   * supervising launcher) and reaps it, as the kernel's does. A handler that
   * already exited keeps its own exit status, which is returned.
   */
  async #shutdown(options: { now?: boolean } = {}): Promise<HandlerExit | null> {
    const handler = this.#handler;
    if (!handler) return null;
    this.#handler = null;
    // After a failed request the handler may be ending by itself: let it, so its own status is what is logged.
    // One that closed its stdout is ending; on a busy machine its exit can take longer to be reported.
    if (!handler.exited && !options.now) {
      this.#ending = handler;
      try {
        await handler.exitedWithin(handler.reader.endedByPeer ? EXIT_GRACE_AFTER_EOF_MS : EXIT_GRACE_MS);
      } finally {
        this.#ending = null;
      }
    }
    return handler.kill();
  }

  #remember(error: unknown): UmdError {
    const umdError = toUmdError(error, 'EIO', `driver ${this.name}`);
    this.#lastError = umdError;
    return umdError;
  }

  /** Kills the handler at once, then unloads: for daemon shutdown, never waits on a stuck request. */
  async close(): Promise<void> {
    this.#closing = true;
    (this.#handler ?? this.#ending)?.killNow();
    try {
      await this.#lock.run(async () => {
        if (this.#loaded) await this.#unloadLocked();
        this.#deadline.stop();
      });
    } finally {
      this.#closing = false;
    }
  }
}
