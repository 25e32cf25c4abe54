import { setTimeout as sleep } from 'node:timers/promises';
import { isDaemonProcess } from '../core/daemon-record.js';
import type { RuntimePaths } from '../core/paths.js';
import { removeStaleSocket } from '../core/stale-socket.js';

/** Waits up to `ms` for `pid` to be gone; true when it is. */
export async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isDaemonProcess(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * Ends a daemon that does not answer, by pid: SIGTERM (and SIGCONT, so
 * that a stopped one can act on it: its own shutdown kills its handlers and
 * removes the socket), then SIGKILL after `graceMs`. After a SIGKILL its
 * handlers die with it (their launcher's death signal) and the socket it
 * left is removed here. Returns what it took, in words.
 */
export async function killDaemon(pid: number, paths: RuntimePaths, graceMs: number): Promise<string> {
  process.kill(pid, 'SIGTERM');
  process.kill(pid, 'SIGCONT');
  if (await gone(pid, graceMs)) return 'sent SIGTERM; it shut down';
  process.kill(pid, 'SIGKILL');
  await gone(pid, 5000);
  removeStaleSocket(paths);
  return `sent SIGTERM, then SIGKILL after ${graceMs} ms`;
}
