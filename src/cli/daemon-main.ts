import { UmdError } from '../core/errors.js';
import { Daemon } from '../daemon/server.js';

export interface DaemonRunResult {
  pid: number;
  reason: string;
}

/**
 * Serves `runtimeDir` in this process until the daemon is stopped: SIGTERM
 * and SIGINT shut it down, SIGHUP is ignored, an uncaught exception is
 * logged and ends it with exit status 70. With `ifAbsent`, a directory that
 * another daemon already serves is not an error. Shared by `umd daemon run`
 * and the fast path the client's launcher takes.
 */
export async function runDaemon(
  runtimeDir: string,
  options: { ifAbsent?: boolean; onReady?: (daemon: Daemon) => void } = {},
): Promise<DaemonRunResult> {
  // One runtime dir for the whole process, embedded drivers included.
  process.env.UMD_RUNTIME_DIR = runtimeDir;
  let daemon: Daemon;
  try {
    daemon = await Daemon.start({ runtimeDir });
  } catch (error) {
    if (options.ifAbsent && error instanceof UmdError && error.code === 'EEXIST') return { pid: process.pid, reason: 'already running' };
    throw error;
  }
  let reason = 'stop requested';
  const stop = (why: string) => {
    reason = why;
    void daemon.shutdown(why);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => undefined);
  process.on('uncaughtException', (error) => {
    daemon.ring.log({ level: 'error', source: 'umd', message: `internal error: ${error.stack ?? error.message}` });
    process.exitCode = 70;
    stop('internal error');
  });
  options.onReady?.(daemon);
  await daemon.closed;
  return { pid: process.pid, reason };
}
