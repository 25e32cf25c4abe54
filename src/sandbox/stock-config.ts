import { sandboxArgs, supervisors } from './args.js';
import type { SandboxPlan } from './plan.js';
import type { StockLimits } from './stock.js';

/** umd-exec's options that a stock launcher takes on its control descriptor (libexec/stock.h), not when it starts. */
const PER_START = new Set(['--user', '--rlimit', '--seccomp']);
/** Options of the stock's own, given when it starts: its /dev/kmsg FIFO and its cgroups. */
const OWN = new Set(['--kmsg', '--cgroup']);
/** The control descriptor takes at most this many bytes (libexec/stock.c). */
const MAX_CONFIG = 16384;
/** It takes at most this many --env words (libexec/stock.c STOCK_MAX_ENV) and a --pipe-size up to 1 GiB; more ends it with 126. */
const MAX_ENV = 256;
const MAX_PIPE_SIZE = 1 << 30;

/**
 * The launcher options a stock launcher must have been started with to
 * serve `plan` (everything but the user, the limits, the filter and the
 * stock's own FIFO and cgroups), or null when no stock can serve it: the
 * sandbox is off or partial, has no PID namespace, private root or private
 * /dev/kmsg, makes a user namespace, has a scratch /tmp (owned by the
 * handler's uid, known only at use), or enforces only one of the two limits
 * with a cgroup (a stock has both cgroups or none), or the driver lists
 * `readOnlyPaths` (a stock binds its paths when it starts, and those are
 * the driver's to name, so they are bound at the start itself, as
 * always). Plans with the same shape are served by the same kind of stock.
 */
export function stockShape(plan: SandboxPlan, readOnlyPaths: readonly string[] = []): string[] | null {
  const anyCgroup = plan.enforcement.processes === 'cgroup' || plan.enforcement.memory === 'cgroup';
  const stockable =
    plan.status === 'on' &&
    readOnlyPaths.length === 0 &&
    plan.namespaces.includes('pid') &&
    plan.privateRoot &&
    plan.privateKmsg &&
    plan.privateProc &&
    !plan.userNamespace &&
    plan.scratchBytes === null &&
    anyCgroup === (stockLimits(plan) !== null);
  if (!stockable) return null;
  const shape: string[] = [];
  const args = sandboxArgs(plan, '-', []);
  for (let i = 0; i < args.length; i++) {
    if (PER_START.has(args[i]) || OWN.has(args[i])) i++;
    else shape.push(args[i]);
  }
  return shape;
}

/**
 * The cgroup limits of a stock for `plan`: `pids.max` (with the launcher and
 * the reaper counted) and the memory limit, or null when it has no cgroups.
 */
export function stockLimits(plan: SandboxPlan): StockLimits {
  const limits = plan.limits;
  if (plan.enforcement.processes !== 'cgroup' || plan.enforcement.memory !== 'cgroup' || !limits) return null;
  if (limits.processes === null || limits.memoryBytes === null) return null;
  return { pidsMax: limits.processes + supervisors(plan), memoryBytes: limits.memoryBytes };
}

/**
 * The words a stock launcher reads on its control descriptor to become the
 * handler `blob` (`DRIVER/HANDLER` in the blobs dir) of `plan`, each
 * NUL-terminated; null when they cannot be said that way (a NUL in the
 * environment, or more than the stock reads: bytes, variables, pipe size).
 */
export function stockConfig(plan: SandboxPlan, blob: string, env: Record<string, string>, pipeSize: number): Buffer | null {
  const words: string[] = [];
  const args = sandboxArgs(plan, '-', []);
  for (let i = 0; i < args.length; i++) if (PER_START.has(args[i])) words.push(args[i], args[++i]);
  words.push('--pipe-size', String(pipeSize));
  for (const [name, value] of Object.entries(env)) words.push('--env', `${name}=${value}`);
  words.push('--', blob);
  const badName = Object.keys(env).some((name) => name.length === 0 || name.includes('='));
  const tooMany = Object.keys(env).length > MAX_ENV || !(pipeSize > 0 && pipeSize <= MAX_PIPE_SIZE);
  if (badName || tooMany || words.some((word) => word.includes('\0'))) return null;
  const config = Buffer.from(words.map((word) => `${word}\0`).join(''));
  return config.length <= MAX_CONFIG ? config : null;
}
