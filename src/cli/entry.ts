// The one way into the command line. bin/run.js calls main() of this module
// (from the bundle dist/umd.cjs, or from dist/src after a plain `tsc`); the
// single executable is that same bundle, which calls main() itself. Every
// command is found by oclif's documented "explicit" strategy: package.json
// points oclif at src/cli/commands.ts (identifier COMMANDS); the bundle's
// copy of package.json points it at the bundle, which exports the same index
// under the same name (see scripts/build-binary-bundle.mjs).
import type { Command, Interfaces } from '@oclif/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { prepareArgv, runFastPath } from './fast-path.js';
import type { OclifManifest } from './root-plugin.js';

/**
 * The command index as the bundle exports it, filled in just before oclif
 * loads (it is the bundle's own export, and the commands import @oclif/core,
 * which the fast path must not load).
 */
export let COMMANDS: Readonly<Record<string, Command.Class>> = {};

/** Where oclif finds the package (its root) and, in the bundle, the package.json and the manifest it was built with. */
export interface EntryOptions {
  root: string;
  pjson?: Interfaces.PJSON;
  manifest?: OclifManifest;
}

/** Runs `umd ARGV...`: the fast path when it applies, otherwise oclif with the explicit command index. */
export async function main(argv: string[], options: EntryOptions): Promise<void> {
  const args = prepareArgv(argv);
  if (await runFastPath(args)) return;
  const [commands, { runCli }, { readManifest, RootPlugin }] = await Promise.all([import('./commands.js'), import('./main.js'), import('./root-plugin.js')]);
  COMMANDS = commands.COMMANDS;
  const pjson = options.pjson ?? (JSON.parse(readFileSync(path.join(options.root, 'package.json'), 'utf8')) as Interfaces.PJSON);
  const manifest = options.manifest ?? readManifest(options.root);
  // Without a manifest (a plain `tsc` tree) oclif builds one itself from COMMANDS.
  const plugins = manifest ? new Map([[pjson.name, new RootPlugin(options.root, pjson, manifest, COMMANDS)]]) : undefined;
  await runCli(args, { root: options.root, pjson, ...(plugins ? { plugins } : {}) });
}
