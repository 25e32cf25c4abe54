import type { ChildProcess } from 'node:child_process';
import { closeSync, constants } from 'node:fs';
import { openOwnFile } from '../core/safe-fs.js';
import { removeStaleSocket } from '../core/stale-socket.js';
import { describeUncleanEnd, isDaemonProcess, processState, readRecord, uncleanEnd } from '../core/daemon-record.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { runningAsSea } from '../core/embedded.js';
import { UmdError } from '../core/errors.js';
import { checkSocketPath, ensureRuntimeDir, runtimePaths, type RuntimePaths } from '../core/paths.js';
import { DaemonConnection, type ConnectOptions } from './connection.js';
import { selfCommand } from './self.js';

export const DEFAULT_START_TIMEOUT_MS = 5000;

export interface ClientOptions {
  /** The daemon's runtime directory (the CLI: --runtime-dir, UMD_RUNTIME_DIR or the default). */
  runtimeDir: string;
  /** How long a request waits for its reply unless it says otherwise, in ms. */
  replyTimeoutMs?: number;
  /** The environment of a daemon this client starts (default: none but UMD_RUNTIME_DIR). */
  daemonEnv?: Record<string, string | undefined>;
  /** The command that runs umd, to start the daemon with (default: selfCommand()). */
  selfCommand?: string[];
  /** Start a daemon when none answers (default true). */
  autostart?: boolean;
  /** How long a started daemon has to answer, in ms. */
  startTimeoutMs?: number;
  /** Told when the daemon this client replaces ended uncleanly (default: a `umd: note:` line on stderr). */
  onUncleanEnd?: (note: string) => void;
}

/** A daemon that is stopped (SIGSTOP, a debugger) accepts connections but can answer nothing: say so at once. */
function refuseStoppedDaemon(paths: RuntimePaths): void {
  const record = readRecord(paths.dir);
  if (!record || processState(record.pid) !== 'T' || !isDaemonProcess(record.pid)) return;
  throw new UmdError('EAGAIN', `the umd daemon (pid ${record.pid}) on ${paths.socket} is stopped (SIGSTOP or a debugger) and cannot answer`, {
    suggestions: [`Let it go on with \`kill -CONT ${record.pid}\`, or end it with \`umd daemon stop\``],
  });
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function noDaemon(paths: RuntimePaths, error: unknown): UmdError {
  return new UmdError('ECONNREFUSED', `no umd daemon is running on ${paths.socket}`, {
    cause: error,
    suggestions: ['Start one with `umd daemon start`'],
  });
}

/**
 * Node flags for a daemon run by this node (not by a single executable,
 * which takes no node flags): a young generation of 1 MB
 * semi-spaces instead of up to 16 MB, so that the garbage every request
 * leaves (the 64 KiB buffers each pipe read allocates) is collected within
 * a few hundred requests instead of piling up to tens of MB of RSS
 * (bench/README.md, P4b).
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1'];

/**
 * The daemon's environment. One glibc malloc arena (unless the user chose
 * otherwise): V8's background threads (concurrent GC, the optimizing
 * compiler) then reuse the main thread's free memory instead of each
 * keeping an arena of its own, a few MB less RSS under load
 * (bench/README.md, P4b). Handlers do not inherit it: their environment is
 * driver.json's alone.
 */
function daemonEnv(paths: RuntimePaths, env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '1', ...env, UMD_RUNTIME_DIR: paths.dir };
}

/** Starts `umd daemon run` detached, its stderr going to the log file. */
async function spawnDaemon(paths: RuntimePaths, options: ClientOptions): Promise<ChildProcess> {
  // Loaded only here: a command whose daemon is up never needs it (bench/README.md, P3).
  const { spawn } = await import('node:child_process');
  ensureRuntimeDir(paths.dir);
  const [command = process.execPath, ...args] = options.selfCommand ?? selfCommand();
  const nodeFlags = command === process.execPath && !runningAsSea() ? DAEMON_NODE_FLAGS : [];
  const errFd = openOwnFile(paths.log, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
  try {
    const child = spawn(command, [...nodeFlags, ...args, 'daemon', 'run', '--if-absent'], {
      detached: true,
      stdio: ['ignore', 'ignore', errFd],
      env: daemonEnv(paths, options.daemonEnv ?? {}),
    });
    child.unref();
    return child;
  } finally {
    closeSync(errFd);
  }
}

/** Waits until a daemon answers on the socket, or the named deadline passes. */
async function waitReady(paths: RuntimePaths, child: ChildProcess, timeoutMs: number, connect: ConnectOptions): Promise<DaemonConnection> {
  let failed = null as string | null;
  child.once('exit', (code, signal) => {
    if (code !== 0) failed = signal ? `was killed by ${signal}` : `exited with status ${code}`;
  });
  child.once('error', (error) => {
    failed = `could not be started: ${error.message}`;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await DaemonConnection.connect(paths.socket, connect);
    } catch (error) {
      if (failed) {
        throw new UmdError('ECONNREFUSED', `the umd daemon ${failed} before it was ready`, {
          cause: error,
          suggestions: [`See ${paths.log}`],
        });
      }
      if (Date.now() >= deadline) {
        throw new UmdError('ETIMEDOUT', `the umd daemon did not become ready within ${timeoutMs} ms (UMD_DAEMON_START_TIMEOUT_MS) on ${paths.socket}`, {
          cause: error,
          suggestions: [`See ${paths.log}`],
        });
      }
      await sleep(20);
    }
  }
}

/**
 * Connects to the daemon of the runtime dir, starting one when none
 * answers. A socket file nobody listens on is a dead daemon's: it is
 * removed, a daemon is started, and the connection is tried again, once.
 */
export async function connectDaemon(options: ClientOptions): Promise<DaemonConnection> {
  const paths = runtimePaths(options.runtimeDir);
  const connect: ConnectOptions = options.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: options.replyTimeoutMs };
  checkSocketPath(paths);
  try {
    const connection = await DaemonConnection.connect(paths.socket, connect);
    try {
      refuseStoppedDaemon(paths);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  } catch (error) {
    if (error instanceof UmdError) throw error;
    const errno = errnoOf(error);
    if (errno === 'ENOTDIR') ensureRuntimeDir(paths.dir); // throws ENOTDIR, naming the file in the way
    if (errno !== 'ENOENT' && errno !== 'ECONNREFUSED') {
      throw new UmdError('EACCES', `cannot connect to the umd daemon on ${paths.socket}: ${(error as Error).message}`, { cause: error });
    }
    if (options.autostart === false) throw noDaemon(paths, error);
    if (errno === 'ECONNREFUSED') {
      ensureRuntimeDir(paths.dir); // a dir someone else could swap is refused before anything in it is removed
      removeStaleSocket(paths);
    }
  }
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const previous = uncleanEnd(paths.dir);
  if (previous) (options.onUncleanEnd ?? ((note) => process.stderr.write(`umd: note: ${note}\n`)))(describeUncleanEnd(previous, paths.log));
  const child = await spawnDaemon(paths, options);
  const connection = await waitReady(paths, child, timeoutMs, connect);
  connection.launchedPid = child.pid ?? null;
  return connection;
}
