import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { closePipes, type HandlerPipes, type PipeStock } from '../core/handler-pipes.js';
import { INFO_FD } from '../core/launch.js';
import { cgroupSupport, HandlerCgroups } from './cgroup.js';

/** The stock launcher's control descriptor (libexec/stock.h): the one after the info descriptor. */
export const CONTROL_FD = INFO_FD + 1;
/** Shapes kept at most; the one used longest ago goes first. */
const MAX_SHAPES = 4;
/** Stocks kept per shape. */
const DEPTH = 2;

/** The cgroup limits a stock is made with (stock-config.ts), or null for a stock without cgroups. */
export type StockLimits = { pidsMax: number; memoryBytes: number } | null;

/**
 * A launcher started ahead (umd-exec --stock): in its own fresh cgroups,
 * its namespaces made and its private root built, with its own /dev/kmsg
 * FIFO, waiting for the rest of one handler's configuration. Taken by
 * exactly one start of one driver, never given back.
 */
export interface StockedLauncher {
  child: ChildProcess;
  /** The handler's pipes: the stock holds their handler ends already (stdin, stdout). */
  pipes: HandlerPipes;
  /** Its /dev/kmsg FIFO, to be moved where the driver's is kept. */
  kmsg: string;
  /** Its cgroups (none without cgroup support), joined already, their limits those the stock was made for. */
  cgroups: HandlerCgroups | null;
}

interface Stocked extends StockedLauncher {
  shape: string;
  /** The blobs dir it opened: a stock whose dir was replaced since cannot open the blob. */
  blobsIno: number;
  ended: boolean;
}

export interface LauncherStockOptions {
  launcher: string;
  /** The daemon's blobs dir; the stock opens it before it enters its namespaces. */
  blobsDir: string;
  /** A private dir of the daemon's for the stocks' FIFOs (its `pipes/`). */
  dir: string;
  pipes: PipeStock;
}

/**
 * The daemon's stock of launchers, two per sandbox shape (stock-config.ts)
 * asked for lately: a start that finds one of its shape skips the spawn,
 * the cgroup join (an RCU grace period of the kernel's each time), the
 * namespaces and the root; one that does not starts as before and a stock
 * of its shape is made for the next. A stock carries nothing of the
 * daemon's but its pipes (spawned with no environment, and umd-exec closes
 * every other descriptor before the handler runs).
 */
export class LauncherStock {
  readonly #o: LauncherStockOptions;
  /** Stocks waiting, by shape, oldest first; the shape used last is the last key. */
  readonly #ready = new Map<string, Stocked[]>();
  readonly #refilling = new Set<string>();
  #closed = false;
  #made = 0;

  constructor(options: LauncherStockOptions) {
    this.#o = options;
  }

  /** A live stock of `shape` for one start (the oldest: the likeliest to be set up), or null; `refill` makes the next. */
  take(shape: string[], limits: StockLimits): StockedLauncher | null {
    if (this.#closed) return null;
    const key = stockKey(shape, limits);
    const waiting = this.#ready.get(key) ?? [];
    this.#ready.delete(key);
    if (waiting.length > 0) this.#ready.set(key, waiting);
    for (let stocked = waiting.shift(); stocked; stocked = waiting.shift()) {
      if (!stocked.ended && stocked.child.exitCode === null && stocked.child.signalCode === null && this.#sameBlobsDir(stocked)) return stocked;
      void this.#discard(stocked);
    }
    return null;
  }

  /** At the daemon's shutdown: ends every stock and removes what it had. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#ready.values()].flat();
    this.#ready.clear();
    await Promise.all(all.map(async (stocked) => this.#discard(stocked)));
  }

  #sameBlobsDir(stocked: Stocked): boolean {
    try {
      return statSync(this.#o.blobsDir).ino === stocked.blobsIno;
    } catch {
      return false;
    }
  }

  /**
   * Tops the stock of `shape` up to DEPTH, after the current turn of the
   * event loop. Called once the start that took one is done, not during
   * it: the spawn forks the daemon, and joining a cgroup waits for an RCU
   * grace period of the kernel's. With two waiting, starts back to back
   * each find one whose set-up is over.
   */
  refill(shape: string[], limits: StockLimits): void {
    const key = stockKey(shape, limits);
    if (this.#closed || this.#refilling.has(key) || (this.#ready.get(key)?.length ?? 0) >= DEPTH) return;
    this.#refilling.add(key);
    setImmediate(() => void this.#refill(key, shape, limits));
  }

  async #refill(key: string, shape: string[], limits: StockLimits): Promise<void> {
    try {
      while (!this.#closed && (this.#ready.get(key)?.length ?? 0) < DEPTH) {
        const stocked = await this.#make(key, shape, limits);
        if (this.#closed || stocked.ended) {
          await this.#discard(stocked);
          return;
        }
        this.#ready.set(key, [...(this.#ready.get(key) ?? []), stocked]);
        this.#evictShapes();
      }
    } catch {
      // No stock this time: the next start goes the usual way, and tries again.
    } finally {
      this.#refilling.delete(key);
    }
  }

  /** Beyond MAX_SHAPES shapes, the stocks of the shape used longest ago go. */
  #evictShapes(): void {
    while (this.#ready.size > MAX_SHAPES) {
      const [oldest, old] = this.#ready.entries().next().value as [string, Stocked[]];
      this.#ready.delete(oldest);
      for (const stocked of old) void this.#discard(stocked);
    }
  }

  async #make(key: string, shape: string[], limits: StockLimits): Promise<Stocked> {
    const blobsIno = statSync(this.#o.blobsDir).ino;
    const kmsg = path.join(this.#o.dir, `stock-${process.pid}-${++this.#made}.kmsg`);
    if (!(await this.#o.pipes.fifoAt(kmsg, 0o622))) throw new Error(`cannot make ${kmsg}`);
    let cgroups: HandlerCgroups | null = null;
    let pipes: HandlerPipes | null = null;
    try {
      // Limited before the stock joins them: it then counts and is bound like any handler's launcher and reaper.
      cgroups = limits ? await HandlerCgroups.create(cgroupSupport(0), 'stock', limits.pidsMax, limits.memoryBytes) : null;
      pipes = await this.#o.pipes.take();
      const own = ['--kmsg', kmsg, ...(cgroups?.procsFiles ?? []).flatMap((file) => ['--cgroup', file])];
      const child = spawn(this.#o.launcher, ['--stock', String(CONTROL_FD), '--info-fd', String(INFO_FD), ...shape, ...own, '--', this.#o.blobsDir], {
        stdio: [pipes.stdin, pipes.stdout, 'pipe', 'pipe', 'pipe'],
        detached: true,
        env: {},
      });
      closePipes(pipes, ['stdin', 'stdout']); // the stock has its own copies now
      await once(child, 'spawn');
      const stocked: Stocked = { child, pipes, kmsg, cgroups, shape: key, blobsIno, ended: false };
      child.once('exit', () => {
        stocked.ended = true;
        // Ended while waiting (killed, or it failed): nobody will take it.
        const waiting = this.#ready.get(key);
        if (waiting?.includes(stocked)) {
          waiting.splice(waiting.indexOf(stocked), 1);
          void this.#discard(stocked);
        }
      });
      // Waiting, it keeps no daemon alive; a start that takes it refs it again (HandlerProcess.adopt).
      child.unref();
      for (const stream of child.stdio) (stream as Socket | null)?.unref?.();
      return stocked;
    } catch (error) {
      if (pipes) closePipes(pipes);
      await cgroups?.removeNow();
      rmSync(kmsg, { force: true });
      throw error;
    }
  }

  /** Ends a stock nobody took (SIGUSR1: its launcher ends the namespace and reaps it) and removes its FIFO, pipes and cgroups. */
  async #discard(stocked: Stocked): Promise<void> {
    await discardStock(stocked);
  }
}

/**
 * Ends a stock launcher's processes (SIGUSR1: its launcher ends the
 * namespace and reaps it) and closes the daemon's ends of its pipes; its
 * FIFO and cgroups stay (a load that took it keeps them).
 */
export async function endStock(stocked: StockedLauncher): Promise<void> {
  const { child } = stocked;
  const running = child.exitCode === null && child.signalCode === null;
  const exited = running ? once(child, 'exit') : Promise.resolve();
  if (running) {
    child.ref(); // a waiting stock keeps no event loop alive; its end must be waited for
    try {
      process.kill(child.pid as number, 'SIGUSR1');
    } catch {
      // Gone already.
    }
    const fallback = setTimeout(() => child.kill('SIGKILL'), 1000);
    fallback.unref();
    await exited;
    clearTimeout(fallback);
  }
  for (const stream of child.stdio) (stream as Socket | null)?.destroy();
  closePipes(stocked.pipes, ['toHandler', 'fromHandler']);
}

/** Ends a stock launcher nobody took (endStock), and removes its FIFO and cgroups. */
export async function discardStock(stocked: StockedLauncher): Promise<void> {
  await endStock(stocked);
  rmSync(stocked.kmsg, { force: true });
  await stocked.cgroups?.remove();
}

function stockKey(shape: string[], limits: StockLimits): string {
  return `${limits ? `pids ${limits.pidsMax} memory ${limits.memoryBytes}` : 'no cgroups'}\0${shape.join('\0')}`;
}

const shared = new Map<string, LauncherStock>();

/** The stock for the daemon whose `pipes/` is `options.dir`, shared by all its drivers. */
export function sharedLauncherStock(options: LauncherStockOptions): LauncherStock {
  let stock = shared.get(options.dir);
  if (!stock) {
    stock = new LauncherStock(options);
    shared.set(options.dir, stock);
  }
  return stock;
}

/** At the daemon's shutdown, before its `pipes/` goes: ends its stock launchers. */
export async function dropLauncherStock(dir: string): Promise<void> {
  const stock = shared.get(dir);
  shared.delete(dir);
  await stock?.close();
}
