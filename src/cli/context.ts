// The one place where umd's environment variables become settings: what
// is below the CLI takes them from here, never from process.env.
import process from 'node:process';
import { DEFAULT_START_TIMEOUT_MS, type ClientOptions } from '../client/autostart.js';
import { DEFAULT_REPLY_TIMEOUT_MS, MAX_TIMER_MS } from '../client/connection.js';
import { builtinDriversDir } from '../core/context.js';
import { runtimeDir, splitDriverPath } from '../core/paths.js';

/** The runtime dir of this invocation: UMD_RUNTIME_DIR, else the default (see runtimeDir). */
export function envRuntimeDir(): string {
  return runtimeDir(process.env);
}

/** UMD_DRIVER_PATH's directories, in order. */
export function envDriverPath(): string[] {
  return splitDriverPath(process.env.UMD_DRIVER_PATH);
}

/** The handler launcher UMD_EXEC names, if any (for tests and unusual installs). */
export function envLauncher(): { launcher?: string } {
  const launcher = process.env.UMD_EXEC;
  return launcher ? { launcher } : {};
}

/** This client's driver search path: UMD_DRIVER_PATH, then the built-in drivers (sent with every request). */
export function envSearchPath(dir: string = envRuntimeDir()): string[] {
  // The client only names the copy in its request; the daemon reads it and has hashed it.
  return [...envDriverPath(), builtinDriversDir(dir, 'sizes')];
}

/** A duration in ms from the environment: a positive integer up to MAX_TIMER_MS, else `fallback`. */
export function envDurationMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? Math.min(value, MAX_TIMER_MS) : fallback;
}

/** How long a client waits for any reply: `UMD_CLIENT_TIMEOUT_MS`, default 60 s. */
export function envReplyTimeoutMs(): number {
  return envDurationMs('UMD_CLIENT_TIMEOUT_MS', DEFAULT_REPLY_TIMEOUT_MS);
}

/**
 * How this invocation reaches the daemon: its runtime dir, its reply and
 * start timeouts (UMD_CLIENT_TIMEOUT_MS, UMD_DAEMON_START_TIMEOUT_MS), and,
 * for a daemon it starts, this environment and `UMD_SELF` (a JSON array: the
 * command that runs umd, for tests).
 */
export function envClientOptions(runtimeDir: string = envRuntimeDir()): ClientOptions {
  const self = process.env.UMD_SELF;
  return {
    runtimeDir,
    replyTimeoutMs: envReplyTimeoutMs(),
    startTimeoutMs: envDurationMs('UMD_DAEMON_START_TIMEOUT_MS', DEFAULT_START_TIMEOUT_MS),
    daemonEnv: process.env,
    ...(self ? { selfCommand: JSON.parse(self) as string[] } : {}),
  };
}
