import type { ExecutionContext } from 'ava';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The repository root, from dist/test/helpers/. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = path.join(ROOT, 'test/fixtures/handlers/bin');
export const SAMPLE_HANDLER = path.join(ROOT, 'drivers/sample/sample_umh');
export const BIN = path.join(ROOT, 'bin/run.js');

/** A fresh private directory for one test, removed when the test ends. */
export function tempDir(t: ExecutionContext, prefix = 'umd-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Pids of live processes started from blob copies under `dir`: handlers
 * (their executable is there) and their launchers (their command line names it).
 */
export function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const exe = readlinkSync(`/proc/${entry}/exe`);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if ((exe.startsWith(`${dir}/`) || cmdline.includes(`\0${dir}/`)) && alive(Number(entry))) pids.push(Number(entry));
    } catch {
      // gone, or a kernel thread
    }
  }
  return pids;
}

/** Waits (a little) for processes to be reaped, then lists those still there. */
export async function strayProcesses(dir: string, waitMs = 2000): Promise<number[]> {
  const deadline = Date.now() + waitMs;
  let pids = processesUnder(dir);
  while (pids.length > 0 && Date.now() < deadline) {
    await sleep(25);
    pids = processesUnder(dir);
  }
  return pids;
}

/** For teardowns: throws (failing the test) when processes started under `dir` outlive it. */
export async function assertNoStrayProcesses(dir: string): Promise<void> {
  const stray = await strayProcesses(dir);
  if (stray.length > 0) throw new Error(`stray processes left: ${stray.join(', ')}`);
}

/** Is `pid` alive (and not a zombie)? */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `check` until it is true or `ms` pass; returns its last answer (for conditions that arrive on another pipe). */
export async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(10);
  return check();
}
