import { chmodSync } from 'node:fs';
import { handlerCommand, requireLauncher, type LaunchOptions } from '../core/launch.js';
import type { LogLevel } from '../core/log.js';
import type { DriverManifest } from '../core/package.js';
import { KmsgSink } from './kmsg.js';
import { probeSandbox } from './probe.js';
import { planSandbox, requirementError, sandboxWarnings, type SandboxPlan } from './plan.js';

export interface SessionOptions {
  driver: string;
  handlerName: string;
  manifest: DriverManifest;
  launch: LaunchOptions;
  /** The private, verified copy of the blob; the driver's /dev/kmsg FIFO goes beside it (`<copy>.kmsg`). */
  blobCopy: string;
  log: (level: LogLevel, message: string, source?: string) => void;
}

/**
 * The sandbox of one load of a driver: worked out, warned about (or refused
 * with ENOTSUP) at the load's first start, then the same for every restart
 * until unload, with the driver's own /dev/kmsg read all along.
 */
export class SandboxSession {
  readonly plan: SandboxPlan;
  readonly #launch: LaunchOptions;
  readonly #kmsg: KmsgSink | null;

  private constructor(plan: SandboxPlan, launch: LaunchOptions, kmsg: KmsgSink | null) {
    this.plan = plan;
    this.#launch = launch;
    this.#kmsg = kmsg;
  }

  static async open(o: SessionOptions): Promise<SandboxSession> {
    const launcher = requireLauncher();
    const plan = planSandbox({ driver: o.driver, manifest: o.manifest, launch: o.launch, probe: await probeSandbox(launcher) });
    const refused = requirementError(o.driver, plan);
    if (refused) {
      o.log('error', refused.message);
      throw refused;
    }
    for (const warning of sandboxWarnings(o.driver, o.handlerName, plan)) o.log('warn', warning);
    // The handler's uid reaches the copy only through the fd the launcher opens; it must be allowed to execute it.
    if (plan.switchesUser) chmodSync(o.blobCopy, 0o555);
    const kmsg = plan.privateKmsg
      ? await KmsgSink.open(`${o.blobCopy}.kmsg`, launcher, (level, message) => o.log(level, message, o.handlerName))
      : null;
    return new SandboxSession(plan, o.launch, kmsg);
  }

  command(blob: string): { command: string; args: string[]; supervised: boolean } {
    return handlerCommand(blob, this.#launch, { plan: this.plan, kmsg: this.#kmsg?.path ?? null });
  }

  /** At unload: stop reading the driver's /dev/kmsg and remove it. */
  close(): void {
    this.#kmsg?.close();
  }
}
