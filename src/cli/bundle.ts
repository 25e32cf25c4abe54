// The entry of dist/umd.cjs, the bundle (scripts/build-binary-bundle.mjs):
// the same main() as every other way in, with the package.json and the
// oclif manifest the bundle was built with. bin/run.js calls run(); run as a
// program (`node dist/umd.cjs`) the bundle calls it itself; the single
// executable runs `version --json` with it at build time, then run() at
// each start (src/cli/sea-snapshot.ts).
import type { Interfaces } from '@oclif/core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runningAsSea } from '../core/embedded.js';
import { main } from './entry.js';
import type { OclifManifest } from './root-plugin.js';


/** package.json and oclif.manifest.json as built, put in by the bundler (esbuild `define`). */
declare const UMD_BUNDLED: { pjson: Interfaces.PJSON; manifest: OclifManifest };
/** The CommonJS module of the bundle (the bundle is CommonJS; this file is compiled to it). */
declare const module: { id: string } | undefined;
declare const require: { main?: { id: string } } | undefined;

/** `umd ARGV...` from the bundle. Its root is the package (or, for the single executable, the binary's directory). */
export async function run(argv: string[]): Promise<void> {
  const root = runningAsSea() ? path.dirname(process.execPath) : fileURLToPath(new URL('../../../', import.meta.url));
  await main(argv, { root, pjson: UMD_BUNDLED.pjson, manifest: UMD_BUNDLED.manifest });
}

/** The single executable's first step at each start (src/cli/start-environment.ts); loaded only there. */
export async function readStartEnvironment(): Promise<void> {
  (await import('./start-environment.js')).readStartEnvironment();
}

// A CommonJS bundle has no top-level await; a failure still ends the process with its stack.
if (typeof module !== 'undefined' && typeof require !== 'undefined' && require.main?.id === module.id) void run(process.argv.slice(2));
