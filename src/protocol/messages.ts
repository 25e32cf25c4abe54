import type { DriverState, DriverStatus } from '../core/manager.js';
import type { LogEntry } from '../core/log.js';
import type { ErrorCode, UmdErrorJSON } from '../core/errors.js';
import type { SandboxPlan } from '../sandbox/plan.js';
import type { VerifyFiles } from '../pgp/files.js';
import type { VerifyResult } from '../pgp/verify-types.js';

export type VerifyParams = VerifyFiles & { searchPath?: string[] };
export type { VerifyResult };

/** Every driver-facing request may carry the client's driver search path. */
export interface DriverParams {
  driver: string;
  /** The client's UMD_DRIVER_PATH directories plus the built-in one, in order. */
  searchPath?: string[];
}

export interface DaemonStatus {
  pid: number;
  version: string;
  runtimeDir: string;
  socket: string;
  startedAt: number;
  uptimeMs: number;
  drivers: number;
  loaded: number;
}

export interface LoadResult {
  driver: string;
  alreadyLoaded: boolean;
  pid: number | null;
}

export interface RestartResult {
  driver: string;
  /** Whether the driver was loaded before (else restart just loaded it). */
  wasLoaded: boolean;
  /** The handler killed, if one ran. */
  oldPid: number | null;
  pid: number | null;
}

export interface UnloadResult {
  driver: string;
  pid: number | null;
}

export interface SendResult {
  driver: string;
  /** What the driver's manager made of the reply; for the sample, `{bytes, offset}`. */
  result: unknown;
  /** The result in the manager's own words (its formatResult), e.g. `4 bytes accepted`. */
  summary: string;
  loadedOnDemand: boolean;
  started: boolean;
  pid: number;
}

export interface ListEntry extends Omit<DriverStatus, 'state'> {
  state: DriverState | 'broken';
  packageDir: string | null;
  /** The package directory the request's search path finds this name in (null: none); differs from packageDir for a driver loaded from elsewhere. */
  foundAt: string | null;
  /** The sandbox of a loaded driver's handlers (`on`, `partial`, `off`); null when not loaded. */
  sandbox: SandboxPlan['status'] | null;
}

/** The sandbox `umd info` shows: the loaded driver's, or the one a load would set up; `error` when it could not be worked out. */
export type SandboxInfo = SandboxPlan | { status: 'error'; error: { code: ErrorCode; message: string } };

export interface InfoResult {
  driver: string;
  description: string | null;
  packageDir: string;
  manifest: string;
  handler: string;
  sha256: string;
  blobSha256: string | null;
  manager: string;
  managerName: string;
  handlerName: string;
  loaderName: string | null;
  /** The input object's field names, which `umd send` takes as flags; null when the input is not an object. */
  fields: string[] | null;
  requestSize: number;
  replySize: number;
  timeoutMs: number;
  /** The handler's whole environment, as driver.json's "env" declares it (empty when absent). */
  env: Record<string, string>;
  sandbox: SandboxInfo;
  status: DriverStatus;
}

export interface LogParams {
  lines?: number;
  driver?: string;
  follow?: boolean;
  /** Only entries at or after this time (ms since the epoch). */
  since?: number;
  /** Only entries at this level or worse: `warn` gives warnings and errors. */
  level?: 'info' | 'warn' | 'error';
}

/**
 * The control socket's operations, typed once for the client and the
 * daemon: each op's parameters and the result it answers with.
 */
export interface Ops {
  status: { params: Record<string, never>; result: DaemonStatus };
  load: { params: DriverParams; result: LoadResult };
  unload: { params: DriverParams; result: UnloadResult };
  restart: { params: DriverParams; result: RestartResult };
  send: { params: DriverParams & { input: string; timeoutMs?: number }; result: SendResult };
  list: { params: { searchPath?: string[] }; result: ListEntry[] };
  info: { params: DriverParams; result: InfoResult };
  log: { params: LogParams; result: LogEntry[] };
  shutdown: { params: Record<string, never>; result: { pid: number } };
  /** `umd verify`: absolute paths, read by the daemon; the pgp driver parses, the daemon verifies. */
  verify: { params: VerifyParams; result: VerifyResult };
}

export type OpName = keyof Ops;
export const OP_NAMES: readonly OpName[] = ['status', 'load', 'unload', 'restart', 'send', 'list', 'info', 'log', 'shutdown', 'verify'];

export interface RequestFrame<K extends OpName = OpName> {
  id: number;
  op: K;
  params: Ops[K]['params'];
}

export type ErrorBody = UmdErrorJSON;

export type ResponseFrame =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ErrorBody }
  /** With `log --follow`: one log entry, pushed as it happens. */
  | { id: number; event: LogEntry };
