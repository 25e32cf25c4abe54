import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DaemonConnection } from '../../src/client/connection.js';
import type { DaemonStatus } from '../../src/protocol/messages.js';
import { makePackage } from '../../test/helpers/packages.js';
import { alive, processesUnder } from '../../test/helpers/runtime.js';
import { msSince } from './stats.js';

/** The repository root, from dist/bench/lib/. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin/run.js');
export const BUILTIN_DRIVERS = path.join(ROOT, 'drivers');
export const SAMPLE_HANDLER = path.join(BUILTIN_DRIVERS, 'sample/sample_umh');
/** The C baselines, built by bench/Makefile. */
export const C_BIN = path.join(ROOT, 'bench/bin');

export interface Run {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a whole process and times it from just before spawn() to its exit,
 * the way a shell would feel it. stdout and stderr are pipes (not a TTY).
 */
export async function timeProcess(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const start = process.hrtime.bigint();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let ms = 0;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.once('exit', () => (ms = msSince(start)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  return { ms, code, stdout, stderr };
}

/** Runs a process that must exit 0, else throws with what it printed. */
export async function mustRun(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const run = await timeProcess(command, args, env);
  if (run.code !== 0) {
    throw new Error(`bench: ${[command, ...args].join(' ')} exited with ${run.code}: ${run.stderr.trim() || run.stdout.trim()}`);
  }
  return run;
}

/** The `umd` CLI as a user runs it. */
export async function umd(args: string[], env: Record<string, string>): Promise<Run> {
  return timeProcess(process.execPath, [BIN, ...args], env);
}

/** A C baseline from bench/bin. */
export async function baseline(name: string, args: string[]): Promise<Run> {
  return mustRun(path.join(C_BIN, name), args);
}

/** Resident set size of `pid`, in MB (from /proc/<pid>/status). */
export function rssMB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`bench: no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

const scratch = new Set<string>();

/** A fresh temp directory, removed by `cleanUp()`. */
export function scratchDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `umd-bench-${label}-`));
  scratch.add(dir);
  return dir;
}

/** Driver packages `<dir>/<name>/` that all run the sample handler with the sample manager. */
export function samplePackages(dir: string, names: string[]): void {
  for (const name of names) makePackage(dir, name, { handler: SAMPLE_HANDLER });
}

const running = new Set<BenchDaemon>();

/**
 * A real daemon in a temp runtime dir, started as a user would
 * (`umd daemon start`) and stopped the same way; the bench fails if the
 * daemon or any handler outlives `stop()`.
 */
export class BenchDaemon {
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly pid: number;
  readonly socket: string;
  /** What the CLI sends as the search path: UMD_DRIVER_PATH, then the built-in drivers. */
  readonly searchPath: string[];

  private constructor(dir: string, env: Record<string, string>, status: DaemonStatus, searchPath: string[]) {
    this.dir = dir;
    this.env = env;
    this.pid = status.pid;
    this.socket = status.socket;
    this.searchPath = searchPath;
  }

  /** Env for a runtime dir under `dir`, and optionally a driver dir. */
  static envFor(dir: string, driverPath?: string): Record<string, string> {
    return { UMD_RUNTIME_DIR: path.join(dir, 'run'), NO_COLOR: '1', ...(driverPath ? { UMD_DRIVER_PATH: driverPath } : {}) };
  }

  static async start(dir: string, driverPath?: string): Promise<BenchDaemon> {
    const env = BenchDaemon.envFor(dir, driverPath);
    const run = await mustRun(process.execPath, [BIN, 'daemon', 'start', '--json'], env);
    const searchPath = [...(driverPath ? [driverPath] : []), BUILTIN_DRIVERS];
    const daemon = new BenchDaemon(dir, env, JSON.parse(run.stdout) as DaemonStatus, searchPath);
    running.add(daemon);
    return daemon;
  }

  async connect(): Promise<DaemonConnection> {
    return DaemonConnection.connect(this.socket);
  }

  rssMB(): number {
    return rssMB(this.pid);
  }

  async stop(): Promise<void> {
    running.delete(this);
    await stopDaemonIn(this.dir, this.env, this.pid);
  }
}

/**
 * Stops whatever daemon serves `dir`'s runtime dir with `umd daemon stop`,
 * and checks that it and every handler started from `dir` are gone.
 */
export async function stopDaemonIn(dir: string, env: Record<string, string>, pid?: number): Promise<void> {
  await mustRun(process.execPath, [BIN, 'daemon', 'stop'], env);
  const deadline = Date.now() + 3000;
  const left = () => [...(pid !== undefined && alive(pid) ? [pid] : []), ...processesUnder(dir)];
  while (left().length > 0 && Date.now() < deadline) await sleep(20);
  const stray = left();
  if (stray.length > 0) throw new Error(`bench: processes left after stopping the daemon in ${dir}: ${stray.join(', ')}`);
}

const autostarted = new Map<string, Record<string, string>>();

/** Notes that the CLI may start a daemon of its own in `dir` (autostart), for `cleanUp()`. */
export function mayAutostart(dir: string, env: Record<string, string>): void {
  autostarted.set(dir, env);
}

/** Stops an autostarted daemon of `dir` and checks that nothing is left. */
export async function stopAutostarted(dir: string): Promise<void> {
  const env = autostarted.get(dir);
  autostarted.delete(dir);
  if (env) await stopDaemonIn(dir, env);
}

/** Last resort on error or Ctrl-C: stop every daemon still up, remove temp dirs. */
export async function cleanUp(): Promise<void> {
  for (const dir of [...autostarted.keys()]) await stopAutostarted(dir).catch(() => undefined);
  for (const daemon of running) {
    try {
      process.kill(daemon.pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }
  const pids = [...running].map((d) => d.pid);
  running.clear();
  const deadline = Date.now() + 3000;
  while (pids.some(alive) && Date.now() < deadline) await sleep(20);
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  scratch.clear();
}
