import type { DaemonConnection } from '../client/connection.js';
import { connectDaemon } from '../client/autostart.js';
import { isDaemonProcess, processState, readRecord } from '../core/daemon-record.js';
import { UmdError } from '../core/errors.js';
import { runtimePaths, type RuntimePaths } from '../core/paths.js';
import { envClientOptions, envDurationMs, envRuntimeDir } from './context.js';

/** How long `daemon status` and `daemon stop` wait for a daemon that does not answer: UMD_STOP_GRACE_MS, default 3 s. */
export const STOP_GRACE_MS = envDurationMs('UMD_STOP_GRACE_MS', 3000);

export type Probe =
  | { state: 'none'; paths: RuntimePaths }
  | { state: 'answers'; paths: RuntimePaths; connection: DaemonConnection }
  | { state: 'stuck'; paths: RuntimePaths; pid: number; why: string };

/**
 * Finds the daemon of a runtime dir without starting one and without
 * waiting long: connected and answering; there but not answering (stopped
 * by SIGSTOP, or silent for STOP_GRACE_MS), known by the pid in umd.pid; or none.
 */
export async function probeDaemon(dir: string | undefined): Promise<Probe> {
  const paths = runtimePaths(dir ?? envRuntimeDir());
  let connection: DaemonConnection;
  try {
    connection = await connectDaemon({ ...envClientOptions(paths.dir), autostart: false });
  } catch (error) {
    if (!(error instanceof UmdError)) throw error;
    const record = readRecord(paths.dir);
    const alive = record !== null && isDaemonProcess(record.pid);
    if (error.code === 'EAGAIN' && alive) return { state: 'stuck', paths, pid: record.pid, why: 'is stopped (SIGSTOP or a debugger)' };
    if (error.code === 'ECONNREFUSED' && alive) return { state: 'stuck', paths, pid: record.pid, why: `runs but does not listen on ${paths.socket}` };
    if (error.code === 'ECONNREFUSED') return { state: 'none', paths };
    throw error;
  }
  try {
    await connection.request('status', {}, { timeoutMs: STOP_GRACE_MS });
    return { state: 'answers', paths, connection };
  } catch (error) {
    connection.close();
    const record = readRecord(paths.dir);
    if (error instanceof UmdError && error.code === 'ETIMEDOUT' && record && isDaemonProcess(record.pid)) {
      const stopped = processState(record.pid) === 'T';
      return { state: 'stuck', paths, pid: record.pid, why: stopped ? 'is stopped (SIGSTOP or a debugger)' : `did not answer within ${STOP_GRACE_MS} ms` };
    }
    throw error;
  }
}
