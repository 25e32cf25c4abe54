// The single executable's main script (bundled alone by
// scripts/build-binary.mjs), run once, at build time, as Node's startup
// snapshot builder (sea-config.json: useSnapshot). It loads the bundle
// (dist/umd.cjs) and runs `umd version --json` once, which loads what an
// oclif command loads (oclif, the command index, the root plugin) and
// compiles the functions it runs; the binary's heap starts from that snapshot: its commands
// begin with oclif and the command index evaluated and compiled, instead of
// loading them from a code cache as bin/run.js does (bench/README.md, P3).
// At each start the main function below reads again what those modules read
// of the environment when they loaded (src/cli/start-environment.ts: colour
// levels, DEBUG), then runs main() as every other way in does.
import { readFileSync } from 'node:fs';
import { startupSnapshot } from 'node:v8';
import { loadBundle } from './load-bundle.js';

/** The snapshot builder's require: builtins only, all the bundle needs. */
declare const require: NodeJS.Require;
/** Where the build left the bundle (esbuild `define`); read only while the snapshot is built. */
declare const UMD_BUNDLE_PATH: string;

const { exports } = loadBundle({ filename: UMD_BUNDLE_PATH, source: readFileSync(UMD_BUNDLE_PATH, 'latin1'), require });
// The builder runs the event loop until it is empty before it takes the snapshot.
void exports.run(['version', '--json']);
startupSnapshot.setDeserializeMainFunction(() => {
  void exports.readStartEnvironment().then(async () => exports.run(process.argv.slice(2)));
});
