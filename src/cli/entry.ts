// The one way into the command line. bin/run.js calls main() of this module
// (from the bundle dist/umd.cjs, or from dist/src after a plain `tsc`); the
// single executable is that same bundle, which calls main() itself. Every
// command is in oclif's documented "explicit" index (src/cli/commands.ts,
// package.json's oclif.commands), from which `oclif manifest` writes the
// manifest; oclif gets umd's package as a ready-made root plugin
// (src/cli/root-plugin.ts) holding that manifest and that index. Without a
// manifest (a plain `tsc` tree) oclif reads the index itself.
import type { Interfaces } from '@oclif/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { prepareArgv, runFastPath } from './fast-path.js';
import type { OclifManifest } from './root-plugin.js';

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
  // The commands import @oclif/core, which the fast path must not load: they are imported here.
  const [{ COMMANDS }, { runCli }, { readManifest, RootPlugin }] = await Promise.all([import('./commands.js'), import('./main.js'), import('./root-plugin.js')]);
  const pjson = options.pjson ?? (JSON.parse(readFileSync(path.join(options.root, 'package.json'), 'utf8')) as Interfaces.PJSON);
  const manifest = options.manifest ?? readManifest(options.root);
  const plugins = manifest ? new Map([[pjson.name, new RootPlugin(options.root, pjson, manifest, COMMANDS)]]) : undefined;
  await runCli(args, { root: options.root, pjson, ...(plugins ? { plugins } : {}) });
}
