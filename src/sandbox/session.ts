import { chmodSync } from 'node:fs';
import path from 'node:path';
import type { UmdContext } from '../core/context.js';
import { handlerCommand, requireLauncher, type LaunchOptions } from '../core/launch.js';
import type { LogLevel } from '../core/log.js';
import type { DriverManifest } from '../core/package.js';
import { sandboxArgs, supervisors } from './args.js';
import { cgroupSupport, HandlerCgroups } from './cgroup.js';
import { needsLoader } from './elf.js';
import { KmsgSink } from './kmsg.js';
import { planSandbox, type SandboxPlan } from './plan.js';
import { stockConfig, stockLimits, stockShape } from './stock-config.js';
import { discardStock, endStock, type LauncherStock, type StockedLauncher, type StockLimits } from './stock.js';
import { requirementError, sandboxWarnings } from './warnings.js';

/** What the sandbox takes from the context: the launcher, the probe, and the runtime dir it keeps out of every root. */
export type SandboxContext = Pick<UmdContext, 'launcher' | 'probe' | 'runtimeDir' | 'blobsDir'>;

export interface SessionOptions {
  context: SandboxContext;
  driver: string;
  handlerName: string;
  manifest: DriverManifest;
  launch: LaunchOptions;
  /** The private, verified copy of the blob; the driver's /dev/kmsg FIFO goes beside it (`<copy>.kmsg`), or is a stock's own. */
  blobCopy: string;
  log: (level: LogLevel, message: string, source?: string) => void;
  /** Puts a FIFO made ahead at `target` with `mode` (false: it could not); without it, the launcher makes the kmsg FIFO. */
  fifoAt?: (target: string, mode: number) => Promise<boolean>;
  /** The daemon's stock of launchers started ahead; the load's first start takes one when its sandbox fits (stock-config.ts). */
  stock?: LauncherStock;
}

/** The blob copy as the stock names it, `DRIVER/HANDLER` beneath the blobs dir, or null if it is not there. */
function stockBlobPath(context: SandboxContext, blobCopy: string): string | null {
  const relative = path.relative(context.blobsDir, blobCopy);
  return relative.split(path.sep).length === 2 && !relative.startsWith('..') ? relative : null;
}

/** The sandbox of `manifest` on this system, as a load of it would get it (for `umd info` too). */
export async function planFor(context: SandboxContext, driver: string, manifest: DriverManifest, launch: LaunchOptions, blob: string): Promise<SandboxPlan> {
  requireLauncher(context.launcher, driver);
  const probe = await context.probe();
  // The runtime dir (control socket, log, blobs) stays out of the handler's root, whatever readOnlyPaths asks.
  const hidden = [context.runtimeDir];
  return planSandbox({ driver, manifest, launch, probe, cgroups: cgroupSupport(probe.uid), loader: needsLoader(blob), hidden });
}

/**
 * The sandbox of one load of a driver: worked out, warned about (or refused
 * with ENOTSUP) at the load's first start, then the same for every restart
 * until unload, with the driver's own /dev/kmsg read and its cgroups kept
 * all along.
 */
export class SandboxSession {
  readonly plan: SandboxPlan;
  readonly #launch: LaunchOptions;
  readonly #launcher: string;
  readonly #kmsg: KmsgSink | null;
  readonly #cgroups: HandlerCgroups | null;
  /** A stock launcher for the load's first start, until that start takes it. */
  #stocked: StockedLauncher | null;
  /** The daemon's stock, and the shape of stock this sandbox can take (null: none). */
  readonly #stock: { stock: LauncherStock; shape: string[]; limits: StockLimits } | null;

  private constructor(
    plan: SandboxPlan,
    launch: LaunchOptions,
    launcher: string,
    kmsg: KmsgSink | null,
    cgroups: HandlerCgroups | null,
    stock: { stock: LauncherStock; shape: string[]; limits: StockLimits; stocked: StockedLauncher | null } | null,
  ) {
    this.plan = plan;
    this.#launch = launch;
    this.#launcher = launcher;
    this.#kmsg = kmsg;
    this.#cgroups = cgroups;
    this.#stocked = stock?.stocked ?? null;
    this.#stock = stock;
  }

  static async open(o: SessionOptions): Promise<SandboxSession> {
    const plan = await planFor(o.context, o.driver, o.manifest, o.launch, o.blobCopy);
    const refused = requirementError(o.driver, plan);
    if (refused) {
      o.log('error', refused.message);
      throw refused;
    }
    for (const warning of sandboxWarnings(o.driver, o.handlerName, plan)) o.log('warn', warning);
    // The handler's uid reaches the copy only through the fd the launcher opens; it must be allowed to execute it.
    if (plan.switchesUser) chmodSync(o.blobCopy, 0o555);
    const limits = plan.limits;
    const pidsMax = limits && plan.enforcement.processes === 'cgroup' && limits.processes !== null ? limits.processes + supervisors(plan) : null;
    const memoryBytes = limits && plan.enforcement.memory === 'cgroup' ? limits.memoryBytes : null;
    const shape = o.stock && stockBlobPath(o.context, o.blobCopy) ? stockShape(plan, o.manifest.readOnlyPaths) : null;
    const stocked = shape ? (o.stock?.take(shape, stockLimits(plan)) ?? null) : null;
    try {
      const cgroups = stocked
        ? stocked.cgroups
        : limits && (pidsMax !== null || memoryBytes !== null)
          ? await HandlerCgroups.create(cgroupSupport(0), o.driver, pidsMax, memoryBytes)
          : null;
      // A stock's own FIFO, bound at its /dev/kmsg already (or about to be: it stays where the stock opens it), becomes the driver's.
      const fifoAt = stocked ? async () => true : o.fifoAt;
      const kmsg = plan.privateKmsg
        ? await KmsgSink.open(stocked?.kmsg ?? `${o.blobCopy}.kmsg`, o.context.launcher, (level, message) => o.log(level, message, o.handlerName), fifoAt).catch((error: unknown) => {
            void cgroups?.remove();
            throw error;
          })
        : null;
      const stock = o.stock && shape ? { stock: o.stock, shape, limits: stockLimits(plan), stocked } : null;
      return new SandboxSession(plan, o.launch, o.context.launcher, kmsg, cgroups, stock);
    } catch (error) {
      if (stocked) await discardStock(stocked);
      throw error;
    }
  }

  /**
   * The stock launcher this load's first start takes, once, with the words
   * its control descriptor gets; null when there is none (or they cannot be
   * said), and then the start spawns a launcher as usual.
   */
  takeStocked(context: SandboxContext, blobCopy: string, env: Record<string, string>, pipeSize: number): (StockedLauncher & { config: Buffer }) | null {
    const stocked = this.#stocked;
    this.#stocked = null;
    const blob = stockBlobPath(context, blobCopy);
    const config = stocked && blob ? stockConfig(this.plan, blob, env, pipeSize) : null;
    if (stocked && config) return { ...stocked, config };
    // Its FIFO and cgroups are this load's now: only its processes go.
    if (stocked) void endStock(stocked);
    return null;
  }

  /** After a start (that took a stock or found none): a stock of this shape for the next load, made in the background. */
  replenish(): void {
    this.#stock?.stock.refill(this.#stock.shape, this.#stock.limits);
  }

  command(blob: string): { command: string; args: string[]; supervised: boolean; infoFd: number } {
    const args = sandboxArgs(this.plan, this.#kmsg?.path ?? null, this.#cgroups?.procsFiles ?? []);
    return handlerCommand(this.#launcher, blob, this.#launch, { args, pidNamespace: this.plan.namespaces.includes('pid') });
  }

  /** At unload, after the handler is reaped: stop reading the driver's /dev/kmsg, remove it and the cgroups. */
  async close(): Promise<void> {
    if (this.#stocked) await endStock(this.#stocked);
    this.#stocked = null;
    this.#kmsg?.close();
    await this.#cgroups?.remove();
  }
}

