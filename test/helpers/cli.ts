import type { ExecutionContext } from 'ava';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { assertNoStrayProcesses, BIN, tempDir } from './runtime.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  runtimeDir: string;
  driverPath?: string;
  env: Record<string, string>;
}

/**
 * A runtime dir (and optional driver dir) for CLI tests. At teardown the
 * daemon the CLI started is stopped, and the test fails if it or any
 * handler survives.
 */
export function cliEnv(t: ExecutionContext, driverPath?: string): CliEnv {
  const dir = tempDir(t);
  const runtimeDir = path.join(dir, 'run');
  const env: Record<string, string> = { UMD_RUNTIME_DIR: runtimeDir, NO_COLOR: '1' };
  if (driverPath) env.UMD_DRIVER_PATH = driverPath;
  t.teardown(async () => {
    await umd(env, ['daemon', 'stop']);
    await assertNoStrayProcesses(dir);
  });
  return { runtimeDir, ...(driverPath ? { driverPath } : {}), env };
}

/** Runs `bin/run.js` as a user would, with `env` on top of ours and optional stdin. */
export async function umd(env: Record<string, string>, args: string[], input?: string): Promise<CliResult> {
  return run(process.execPath, [BIN, ...args], { ...process.env, ...env }, input ?? '');
}

/** Runs `command` to its end with `env` (and nothing else), `input` on its stdin; collects what it prints. */
export async function run(command: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<CliResult> {
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Everything written so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when stdout holds a match of `pattern` (fails the wait after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a command (bin/run.js by default) and lets the test talk to it while it runs. */
export function startCli(env: Record<string, string>, command: string, args: string[], extraFds: number[] = []): RunningCli {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe', ...extraFds] }) as ChildProcessWithoutNullStreams;
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    for (const waiter of waiters) waiter();
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    waitFor: async (pattern, ms = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${String(pattern)} in ${JSON.stringify(stdout)} / ${JSON.stringify(stderr)}`)), ms);
        const check = () => {
          if (pattern.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        };
        waiters.push(check);
        check();
      }),
  };
}

/** Runs any command to its end, stdin closed, with `env` on top of ours; its exit status and output. */
export async function runCommand(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}
