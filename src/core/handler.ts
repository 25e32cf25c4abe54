import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { UmdError } from './errors.js';
import { closePipes, type HandlerPipes } from './handler-pipes.js';
import { ExactReader, writeAll } from './pipe-io.js';
import { LineSplitter } from './lines.js';

export interface HandlerSpec {
  /** The handler's name in logs, e.g. `sample_umh`. */
  name: string;
  /** The executable to run: the private, verified copy of the blob. */
  command: string;
  args?: string[];
  /**
   * The command is umd-exec supervising the handler in a PID namespace: it
   * is killed with SIGUSR1 to the launcher, which kills the namespace and
   * reaps it, rather than SIGKILL to the group, which would leave the
   * namespace's reaper to init as a zombie.
   */
  supervised?: boolean;
  /**
   * The launcher reports the handler's own pid on this descriptor (`pid N`,
   * see libexec/umd-exec.c); it must be 3, the first after stdio.
   */
  infoFd?: number;
  /** The handler's stdin and stdout (see PipeStock); the handler process owns them from here on. */
  pipes: HandlerPipes;
  /** The whole environment the handler gets; nothing is inherited. */
  env?: Record<string, string>;
  /** Each line the handler writes to stderr. */
  onStderrLine?: (line: string) => void;
  /** Called once when the process has exited and been reaped. */
  onExit?: (exit: HandlerExit) => void;
  /** Called once when the handler writes to stdout what nobody asked for; it has been killed already. */
  onUnexpectedOutput?: (bytes: number) => void;
}

export interface HandlerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TerminateResult {
  /** True when SIGTERM was not enough and SIGKILL had to follow. */
  isForcefullyTerminated: boolean;
  exit: HandlerExit;
}

/** Describes how a handler ended, e.g. `exited with status 3` or `was killed by SIGSEGV`. */
export function describeExit(exit: HandlerExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with status ${exit.code ?? '?'}`;
}

/** The launcher's `pid N` line, or null when it closed the descriptor without one. */
async function reportedPid(info: Readable): Promise<number | null> {
  let text = '';
  info.setEncoding('utf8');
  for await (const chunk of info) {
    text += chunk as string;
    if (text.includes('\n') || text.length > 64) break;
  }
  info.destroy();
  const match = /^pid ([1-9]\d{0,9})\n/.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * One running handler process: its pid, the pipe to it (its stdin) and the
 * pipe from it (its stdout), real pipes both. Its launcher leads a process group of its own,
 * so that killing the group also kills any children the handler forked.
 */
export class HandlerProcess {
  readonly name: string;
  #pid: number;
  /** The process umd spawned: the launcher, leader of the group; signals go to it. */
  readonly launcherPid: number;
  readonly reader: ExactReader;
  readonly #toHandler: Socket;
  /** The descriptor #toHandler writes to: a request that fits the pipe is written to it directly. */
  readonly #toHandlerFd: number;
  readonly #exited: Promise<HandlerExit>;
  #exit: HandlerExit | null = null;
  #signalled = false;
  readonly #supervised: boolean;

  private constructor(name: string, child: ChildProcess, pipes: HandlerPipes, supervised: boolean, onUnexpected?: (bytes: number) => void) {
    this.name = name;
    this.#supervised = supervised;
    this.launcherPid = child.pid as number;
    this.#pid = this.launcherPid;
    // Listening at once: the pipes' ends and the exit may come before the launcher's report.
    // Bytes nobody asked for are never kept: the handler that wrote them is killed at once.
    this.reader = new ExactReader(pipes.fromHandler, () => `handler ${name} (pid ${this.#pid})`, (bytes) => {
      this.killNow();
      onUnexpected?.(bytes);
    });
    this.#toHandler = new Socket({ fd: pipes.toHandler, readable: false, writable: true });
    this.#toHandlerFd = pipes.toHandler;
    this.#toHandler.on('error', () => {
      // EPIPE after the handler died: the pending write reports it.
    });
    this.#exited = new Promise((resolve) => {
      // A stock launcher adopted after its end has no 'exit' to come (see adopt).
      if (child.exitCode !== null || child.signalCode !== null) {
        this.#exit = { code: child.exitCode, signal: child.signalCode };
        resolve(this.#exit);
        return;
      }
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  /** The handler's own pid, as its launcher reported it (else the launcher's, which then is the handler). */
  get pid(): number {
    return this.#pid;
  }

  /** Spawns the handler and resolves once it runs; ENOENT/EACCES when it cannot be executed. */
  static async start(spec: HandlerSpec): Promise<HandlerProcess> {
    const { pipes } = spec;
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args ?? [], {
        stdio: spec.infoFd === undefined ? [pipes.stdin, pipes.stdout, 'pipe'] : [pipes.stdin, pipes.stdout, 'pipe', 'pipe'],
        detached: true,
        env: spec.env ?? {},
      });
    } catch (error) {
      closePipes(pipes);
      throw error;
    }
    closePipes(pipes, ['stdin', 'stdout']); // the child has its own copies now
    try {
      await once(child, 'spawn');
    } catch (error) {
      closePipes(pipes, ['toHandler', 'fromHandler']);
      const errno = (error as NodeJS.ErrnoException).code;
      const code = errno === 'EACCES' ? 'EACCES' : errno === 'ENOENT' ? 'ENOENT' : 'ECHILD';
      throw new UmdError(code, `cannot execute handler ${spec.name} (${spec.command}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    return HandlerProcess.#attach(child, spec);
  }

  /**
   * Hands a stock launcher (spawned ahead, see src/sandbox/stock.ts) the
   * rest of its configuration on its control descriptor, then treats it as
   * a handler just started: its pipes are `spec.pipes`.
   */
  static async adopt(child: ChildProcess, spec: HandlerSpec & { controlFd: number; config: Buffer }): Promise<HandlerProcess> {
    const control = child.stdio[spec.controlFd] as Writable | null;
    for (const stream of child.stdio) (stream as Socket | null)?.ref?.();
    child.ref();
    control?.on('error', () => {
      // The stock died before it read it: its end says so.
    });
    control?.end(spec.config);
    return HandlerProcess.#attach(child, spec);
  }

  static async #attach(child: ChildProcess, spec: HandlerSpec): Promise<HandlerProcess> {
    const handler = new HandlerProcess(spec.name, child, spec.pipes, spec.supervised === true, spec.onUnexpectedOutput);
    const lines = new LineSplitter((line) => spec.onStderrLine?.(line));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => lines.push(text));
    // 'close' comes after 'exit' and after stderr has ended: the last lines are in.
    child.once('close', () => {
      lines.flush();
      if (handler.#exit) spec.onExit?.(handler.#exit);
    });
    const info = spec.infoFd === undefined ? null : (child.stdio[spec.infoFd] as Readable | null);
    if (info) handler.#pid = (await reportedPid(info)) ?? handler.launcherPid;
    return handler;
  }

  get exited(): boolean {
    return this.#exit !== null;
  }

  get exit(): HandlerExit | null {
    return this.#exit;
  }

  /** Waits up to `ms` for the handler to exit by itself; true if it did. */
  async exitedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    const exit = await Promise.race([this.#exited, timedOut]);
    clearTimeout(timer);
    return exit !== null;
  }

  write(data: Buffer): Promise<void> {
    return writeAll(this.#toHandler, data, `handler ${this.name} (pid ${this.pid})`, this.#toHandlerFd);
  }

  /** True once umd has signalled the handler: its death is then umd's doing, not its own. */
  get signalled(): boolean {
    return this.#signalled;
  }

  /** Sends `signal` to the handler's whole process group (SIGUSR1: to its launcher alone). */
  signal(signal: NodeJS.Signals): void {
    if (!this.#exit) this.#signalled = true;
    try {
      process.kill(signal === 'SIGUSR1' ? this.launcherPid : -this.launcherPid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /**
   * Kills the handler and everything it forked, as the kernel's shutdown
   * does, without waiting: through its supervising launcher when it has
   * one (falling back to SIGKILL to the group if the launcher does not end
   * within a second), else with SIGKILL to the group.
   */
  killNow(): void {
    if (!this.#supervised || this.#exit) {
      this.signal('SIGKILL');
      return;
    }
    this.signal('SIGUSR1');
    const fallback = setTimeout(() => this.signal('SIGKILL'), 1000);
    fallback.unref();
    void this.#exited.then(() => clearTimeout(fallback));
  }

  /** killNow(), then waits until the handler is reaped. */
  async kill(): Promise<HandlerExit> {
    this.killNow();
    return this.#reap();
  }

  /** SIGTERM, then SIGKILL after `graceMs` if the handler is still there. */
  async terminate(graceMs: number): Promise<TerminateResult> {
    this.signal('SIGTERM');
    if (await this.exitedWithin(graceMs)) {
      if (!this.#supervised) this.signal('SIGKILL'); // children that ignored SIGTERM (a namespace ends with its launcher)
      return { isForcefullyTerminated: false, exit: await this.#reap() };
    }
    return { isForcefullyTerminated: true, exit: await this.kill() };
  }

  async #reap(): Promise<HandlerExit> {
    const exit = await this.#exited;
    this.reader.close();
    this.#toHandler.destroy();
    return exit;
  }
}
