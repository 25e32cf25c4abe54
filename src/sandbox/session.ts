import { chmodSync } from 'node:fs';
import type { UmdContext } from '../core/context.js';
import { handlerCommand, requireLauncher, type LaunchOptions } from '../core/launch.js';
import type { LogLevel } from '../core/log.js';
import type { DriverManifest } from '../core/package.js';
import { sandboxArgs, supervisors } from './args.js';
import { cgroupSupport, HandlerCgroups } from './cgroup.js';
import { needsLoader } from './elf.js';
import { KmsgSink } from './kmsg.js';
import { planSandbox, type SandboxPlan } from './plan.js';
import { requirementError, sandboxWarnings } from './warnings.js';

/** What a sandbox needs of umd's context: the launcher, and what it says the system grants. */
/** What the sandbox takes from the context: the launcher, the probe, and the runtime dir it keeps out of every root. */
export type SandboxContext = Pick<UmdContext, 'launcher' | 'probe' | 'runtimeDir'>;

export interface SessionOptions {
  context: SandboxContext;
  driver: string;
  handlerName: string;
  manifest: DriverManifest;
  launch: LaunchOptions;
  /** The private, verified copy of the blob; the driver's /dev/kmsg FIFO goes beside it (`<copy>.kmsg`). */
  blobCopy: string;
  log: (level: LogLevel, message: string, source?: string) => void;
  /** Puts a FIFO made ahead at `target` with `mode` (false: it could not); without it, the launcher makes the kmsg FIFO. */
  fifoAt?: (target: string, mode: number) => Promise<boolean>;
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

  private constructor(plan: SandboxPlan, launch: LaunchOptions, launcher: string, kmsg: KmsgSink | null, cgroups: HandlerCgroups | null) {
    this.plan = plan;
    this.#launch = launch;
    this.#launcher = launcher;
    this.#kmsg = kmsg;
    this.#cgroups = cgroups;
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
    const cgroups =
      limits && (plan.enforcement.processes === 'cgroup' || plan.enforcement.memory === 'cgroup')
        ? await HandlerCgroups.create(
            cgroupSupport(0),
            o.driver,
            plan.enforcement.processes === 'cgroup' && limits.processes !== null ? limits.processes + supervisors(plan) : null,
            plan.enforcement.memory === 'cgroup' ? limits.memoryBytes : null,
          )
        : null;
    const kmsg = plan.privateKmsg
      ? await KmsgSink.open(`${o.blobCopy}.kmsg`, o.context.launcher, (level, message) => o.log(level, message, o.handlerName), o.fifoAt).catch((error: unknown) => {
          void cgroups?.remove();
          throw error;
        })
      : null;
    return new SandboxSession(plan, o.launch, o.context.launcher, kmsg, cgroups);
  }

  command(blob: string): { command: string; args: string[]; supervised: boolean; infoFd: number } {
    const args = sandboxArgs(this.plan, this.#kmsg?.path ?? null, this.#cgroups?.procsFiles ?? []);
    return handlerCommand(this.#launcher, blob, this.#launch, { args, pidNamespace: this.plan.namespaces.includes('pid') });
  }

  /** At unload, after the handler is reaped: stop reading the driver's /dev/kmsg, remove it and the cgroups. */
  async close(): Promise<void> {
    this.#kmsg?.close();
    await this.#cgroups?.remove();
  }
}
