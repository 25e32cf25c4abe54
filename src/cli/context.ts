// The one place where umd's environment variables become settings: what
// is below the CLI takes them from here, never from process.env.
import process from 'node:process';
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
  return [...envDriverPath(), builtinDriversDir(dir)];
}
