import { execFile } from 'node:child_process';
import { chmodSync, closeSync, constants, fstatSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { UmdError } from './errors.js';
import { ensureOwnDir } from './safe-fs.js';

/**
 * The two pipes between the daemon and one handler: real pipes (FIFOs,
 * opened and unlinked at once), not the socket pairs Node's `stdio: 'pipe'`
 * makes. The daemon's ends let it read a reply straight into its buffer
 * (net.Socket's `onread`), and the launcher can size the reply pipe
 * (`--pipe-size`) so that a whole reply is one write and one read.
 */
export interface HandlerPipes {
  /** The handler's stdin: the read end of the request pipe (given to the child, then closed here). */
  stdin: number;
  /** The handler's stdout: the write end of the reply pipe (given to the child, then closed here). */
  stdout: number;
  /** The daemon's end of the request pipe. */
  toHandler: number;
  /** The daemon's end of the reply pipe. */
  fromHandler: number;
}

/** FIFO pairs made per launcher call; a start takes one pair. */
const BATCH = 16;
/** Below this many pairs in stock, the next batch is made in the background. */
const LOW = 3;

/**
 * Opens both ends of the FIFO at `fifo`, then removes it: nobody else can
 * open this pipe any more. The O_RDWR open first is what keeps the other
 * two from blocking (a FIFO's open waits for the other side).
 */
function openBothEnds(fifo: string): { read: number; write: number } {
  const both = openSync(fifo, constants.O_RDWR | constants.O_NOFOLLOW);
  const opened: number[] = [];
  try {
    if (!fstatSync(both).isFIFO()) throw new UmdError('EIO', `umd's handler pipe ${fifo} is not a FIFO`);
    opened.push(openSync(fifo, constants.O_RDONLY | constants.O_NOFOLLOW));
    opened.push(openSync(fifo, constants.O_WRONLY | constants.O_NOFOLLOW));
    return { read: opened[0], write: opened[1] };
  } catch (error) {
    opened.forEach((fd) => closeSync(fd));
    throw error;
  } finally {
    closeSync(both);
    rmSync(fifo, { force: true });
  }
}

/** Closes each descriptor of `pipes` that is still open here (the child's ends are closed once it has them). */
export function closePipes(pipes: HandlerPipes, which: Array<keyof HandlerPipes> = ['stdin', 'stdout', 'toHandler', 'fromHandler']): void {
  for (const end of which) {
    try {
      closeSync(pipes[end]);
    } catch {
      // Closed already.
    }
  }
}

/**
 * FIFOs for handlers' stdio, made in batches by the launcher (Node has no
 * mkfifo, and each launcher call is a fork of the daemon) in a private
 * directory of the daemon's, so that a start seldom waits for one: the
 * daemon's `pipes/` for all its drivers (`shared`: emptied of a previous
 * daemon's FIFOs at its first batch), or a load's blob copy directory,
 * removed with it.
 */
export class PipeStock {
  readonly #dir: string;
  readonly #launcher: string;
  readonly #free: string[] = [];
  #filling: Promise<void> | null = null;
  #batches = 0;
  #stale: boolean;

  constructor(dir: string, launcher: string, options: { shared?: boolean } = {}) {
    this.#dir = dir;
    this.#launcher = launcher;
    this.#stale = options.shared === true;
  }

  /** A fresh pair of pipes for one handler. */
  async take(): Promise<HandlerPipes> {
    const base = await this.#next();
    const request = openBothEnds(`${base}.in`);
    try {
      const reply = openBothEnds(`${base}.out`);
      return { stdin: request.read, toHandler: request.write, fromHandler: reply.read, stdout: reply.write };
    } catch (error) {
      closeSync(request.read);
      closeSync(request.write);
      throw error;
    }
  }

  /**
   * Moves a fresh FIFO of the stock to `target` (a new name on the same
   * file system) with `mode`; false when it cannot be moved there.
   */
  async fifoAt(target: string, mode: number): Promise<boolean> {
    const fifo = `${await this.#next()}.in`;
    rmSync(`${fifo.slice(0, -3)}.out`, { force: true });
    try {
      renameSync(fifo, target);
    } catch {
      rmSync(fifo, { force: true });
      return false;
    }
    chmodSync(target, mode);
    return true;
  }

  async #next(): Promise<string> {
    while (this.#free.length === 0) await this.#fill();
    if (this.#free.length < LOW) this.#fill().catch(() => undefined); // the next take reports a failure
    return this.#free.pop() as string;
  }

  async #fill(): Promise<void> {
    this.#filling ??= this.#makeBatch().finally(() => {
      this.#filling = null;
    });
    return this.#filling;
  }

  async #makeBatch(): Promise<void> {
    if (this.#stale) {
      rmSync(this.#dir, { recursive: true, force: true }); // a previous daemon's (the instance lock makes this one alone)
      this.#stale = false;
    }
    ensureOwnDir(this.#dir);
    chmodSync(this.#dir, 0o700); // made under another umask (the daemon's 0177 while it binds its socket), it would be 0600
    const batch = this.#batches++;
    const bases = Array.from({ length: BATCH }, (_, i) => path.join(this.#dir, `pipe-${batch}-${i}`));
    try {
      await promisify(execFile)(this.#launcher, ['--mkpipes', ...bases.flatMap((base) => [`${base}.in`, `${base}.out`])], { env: {} });
    } catch (error) {
      throw new UmdError('EIO', `cannot make the pipes for a handler in ${this.#dir}: ${(error as Error).message}`, {
        cause: error,
        suggestions: ['Rebuild the launcher with `npm run build:drivers`'],
      });
    }
    this.#free.push(...bases);
  }
}

const shared = new Map<string, PipeStock>();

/** The stock in `dir` that every manager given that `pipesDir` shares. */
export function sharedPipeStock(dir: string, launcher: string): PipeStock {
  let stock = shared.get(dir);
  if (!stock) {
    stock = new PipeStock(dir, launcher, { shared: true });
    shared.set(dir, stock);
  }
  return stock;
}

/** At the daemon's shutdown: forgets the stock in `dir` and removes its FIFOs. */
export function dropSharedPipeStock(dir: string): void {
  shared.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}
