import { execFileSync } from 'node:child_process';
import type { ExecutionContext } from 'ava';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultLauncher } from '../../src/core/context.js';
import { parseProbe } from '../../src/sandbox/probe.js';
import { planSandbox } from '../../src/sandbox/plan.js';
import { makePackage } from './packages.js';
import { ROOT, tempDir } from './runtime.js';

/** The kernel patch thread, beside the repository as ../shared/reference/ (in CI too). */
export const REFERENCE = path.join(ROOT, '../shared/reference/umd_mgmt-patchset-2023-03.txt');

/** The new file `name` of the patch, as the patch adds it (lines starting with '+'). */
function fileFromPatch(patch: string, name: string): string {
  const lines = patch.split('\n');
  const start = lines.findIndex((l) => l === `+++ b/tools/testing/selftests/umd_mgmt/sample_umd/${name}`);
  if (start < 0) throw new Error(`${name} not found in the patch`);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('diff --git') || line.startsWith('-- ')) break;
    if (line.startsWith('+')) out.push(line.slice(1));
  }
  return `${out.join('\n')}\n`;
}

/** Does the default sandbox give handlers a /dev/kmsg of their own here? */
function privateKmsg(): boolean {
  const probe = parseProbe(execFileSync(defaultLauncher('/'), ['--probe'], { encoding: 'utf8' }));
  const manifest = { name: 'kernel_sample', handler: 'sample_umh', sha256: '0'.repeat(64), manager: 'sample' };
  return planSandbox({ driver: 'kernel_sample', manifest, launch: {}, probe }).privateKmsg;
}

/**
 * Why the kernel's handler cannot run here, or null when it can. It opens
 * /dev/kmsg for writing at start and crashes if it cannot: the sandbox gives
 * it a /dev/kmsg of its own where it can make a mount namespace; elsewhere
 * it needs the host's writable.
 */
export function kernelSampleUnavailable(): string | null {
  if (!existsSync(REFERENCE)) return `no kernel patch thread at ${REFERENCE}`;
  if (privateKmsg()) return null;
  try {
    accessSync('/dev/kmsg', constants.W_OK);
  } catch {
    return 'the kernel sample handler needs a /dev/kmsg to write: the sandbox cannot give it one here (no mount namespace), and the host\'s is not writable';
  }
  return null;
}

/** Compiles the kernel's own sample handler, unchanged, from the patch into `dir`; returns the binary. */
export function buildKernelSample(dir: string): string {
  const patch = readFileSync(REFERENCE, 'utf8');
  writeFileSync(path.join(dir, 'sample_handler.c'), fileFromPatch(patch, 'sample_handler.c'));
  writeFileSync(path.join(dir, 'msgfmt.h'), fileFromPatch(patch, 'msgfmt.h'));
  const binary = path.join(dir, 'sample_umh');
  execFileSync('cc', ['-O2', '-I', dir, '-o', binary, path.join(dir, 'sample_handler.c')]);
  return binary;
}

/** A driver directory holding `kernel_sample`: the kernel's handler, unchanged, under the sample manager. */
export function kernelSamplePackage(t: ExecutionContext): string {
  const dir = tempDir(t);
  const build = path.join(dir, 'build');
  mkdirSync(build);
  const drivers = path.join(dir, 'drivers');
  makePackage(drivers, 'kernel_sample', { handler: buildKernelSample(build), manager: 'sample' });
  return drivers;
}
