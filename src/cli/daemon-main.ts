import { rmSync } from 'node:fs';
import path from 'node:path';
import { describeUncleanEnd, readRecord, removeRecord, uncleanEnd, writeRecord } from '../core/daemon-record.js';
import { UmdError } from '../core/errors.js';
import { runtimePaths } from '../core/paths.js';
import { Daemon } from '../daemon/server.js';
import { envDriverPath, envLauncher } from './context.js';
import { echoEvent } from './daemon-echo.js';
import { inheritedListenFd } from './socket-activation.js';

export interface DaemonRunResult {
  pid: number;
  reason: string;
}

export interface DaemonRunOptions {
  ifAbsent?: boolean;
  /** Echo every log event on stdout/stderr too (`umd daemon run` in the foreground). */
  echo?: boolean;
  onReady?: (daemon: Daemon) => void;
}

/**
 * Serves `runtimeDir` in this process until the daemon is stopped: SIGTERM
 * and SIGINT shut it down, SIGHUP is ignored, an uncaught exception is
 * logged and ends it with exit status 70. With `ifAbsent`, a directory that
 * another daemon already serves is not an error. A listening socket passed
 * by systemd (LISTEN_FDS) is served instead of binding one. The daemon's
 * record (umd.pid) is kept while it runs; a record left by a daemon that
 * ended uncleanly is reported first. Shared by `umd daemon run` and the
 * fast path the client's daemon starter (src/client/autostart.ts) takes.
 */
export async function runDaemon(runtimeDir: string, options: DaemonRunOptions = {}): Promise<DaemonRunResult> {
  const listenFd = inheritedListenFd();
  const previous = uncleanEnd(runtimeDir);
  const firstLines = previous ? [describeUncleanEnd(previous, runtimePaths(runtimeDir).log)] : [];
  let daemon: Daemon;
  try {
    daemon = await Daemon.start({ runtimeDir, driverPath: envDriverPath(), ...envLauncher(), firstLines, ...(listenFd === undefined ? {} : { listenFd }) });
  } catch (error) {
    if (options.ifAbsent && error instanceof UmdError && error.code === 'EEXIST') return { pid: process.pid, reason: 'already running' };
    throw error;
  }
  // The dead daemon's blob copies were reported; nothing uses them now (we hold the lock, nothing is loaded yet).
  for (const driver of previous?.drivers ?? []) rmSync(path.join(daemon.paths.blobs, driver), { recursive: true, force: true });
  if (options.echo) {
    for (const entry of daemon.ring.tail(firstLines.length + 1)) echoEvent(entry);
    daemon.ring.subscribe(echoEvent);
  }
  const stopRecord = keepRecord(daemon, runtimeDir);
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
  stopRecord();
  return { pid: process.pid, reason };
}

/** Writes umd.pid while the daemon runs; the returned function removes it, for a clean end. */
function keepRecord(daemon: Daemon, runtimeDir: string): () => void {
  writeRecord(runtimeDir, { pid: process.pid, startedAt: daemon.startedAt });
  return () => {
    if (readRecord(runtimeDir)?.pid === process.pid) removeRecord(runtimeDir);
  };
}

/**
 * The body of `umd daemon run`, for the oclif command and for the fast path
 * the client's launcher takes: echo the log in the foreground, otherwise
 * one line when it serves (none with --if-absent when another one does).
 */
export async function daemonRunCommand(runtimeDir: string, options: { ifAbsent: boolean; quiet: boolean; log: (line: string) => void }): Promise<DaemonRunResult> {
  const echo = !options.ifAbsent && !options.quiet;
  return runDaemon(runtimeDir, {
    ifAbsent: options.ifAbsent,
    echo,
    ...(echo ? {} : { onReady: (daemon: Daemon) => options.log(`umd: daemon pid ${process.pid} serving ${daemon.paths.socket}`) }),
  });
}
