import type { UmdContext } from './context.js';
import type { LaunchOptions } from './launch.js';
import type { Logger } from './log.js';
import type { LineRateSettings } from './line-rate-limit.js';
import type { StartLimit } from './start-limit.js';

/**
 * - `unloaded`: the loader is not loaded; a send loads it on demand.
 * - `running`: loaded, and a handler is up.
 * - `stopped`: loaded, but no handler (it exited, or was shut down after an
 *   error); the next send starts one.
 * - `failed`: its handler failed `startLimit.burst` starts within the
 *   interval; nothing starts it until the cool-down ends, `umd load` or
 *   unload (a load that keeps failing on demand is `failed` too).
 */
export type DriverState = 'unloaded' | 'running' | 'stopped' | 'failed';

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_KILL_GRACE_MS = 500;

export interface ManagerOptions {
  /** Where umd runs: the blobs dir (private copies), the launcher, the sandbox probe, the log (see createContext). */
  context: UmdContext;
  /**
   * A 0700 directory of the caller's where handlers' FIFOs are made in
   * batches and kept for later starts, shared by every manager given it
   * (the daemon's `pipes/`; emptied at its first use). Without it, each
   * load makes its own in its blob copy's directory. With it, stock
   * launchers are kept too (src/sandbox/stock.ts), with their FIFOs there;
   * `dropLauncherStock(pipesDir)` ends them.
   */
  pipesDir?: string;
  /** Overrides the context's log sink for this driver. */
  log?: Logger;
  /** Request deadline when driver.json has no `timeoutMs`. */
  timeoutMs?: number;
  /** How long SIGTERM gets before SIGKILL when a handler misses a deadline. */
  killGraceMs?: number;
  /** Overrides driver.json's `startLimit`. */
  startLimit?: StartLimit;
  /** How many handler lines (stderr, /dev/kmsg) are logged per interval; the rest are counted as suppressed. */
  lineRate?: LineRateSettings;
  /** How handlers are launched: PID namespace or not, sandbox or not (both default on). */
  launch?: LaunchOptions;
}

export interface DriverStatus {
  name: string;
  state: DriverState;
  pid: number | null;
  /** Requests answered (and passed the manager's check, for `send`), raw `mgmtSendRecv` ones included. */
  requests: number;
  /** Requests that failed after being sent (pipe, deadline or reply check). */
  failures: number;
  /** Handler starts after the first one of each load. */
  restarts: number;
  lastError: { code: string; message: string } | null;
}

export interface SendOutcome<R = unknown> {
  result: R;
  /** The driver was not loaded and this request loaded it. */
  loadedOnDemand: boolean;
  /** This request started a new handler. */
  started: boolean;
  pid: number;
}

export interface LoadOutcome {
  alreadyLoaded: boolean;
  pid: number | null;
}
