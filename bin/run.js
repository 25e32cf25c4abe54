#!/usr/bin/env node
// The umd command line. `umd send DRIVER INPUT` and the daemon the client
// launches run without oclif, whose loading costs more than they do (see
// src/cli/fast-path.ts); everything else goes through oclif: from
// dist/umd.cjs, the bundle `npm run build` writes (one file, no module
// lookups on disk), when it is newer than the compiled sources; otherwise
// (after a plain `tsc` in development) oclif finds the command in
// oclif.manifest.json and loads only that command's module.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { prepareArgv, runFastPath } from '../dist/src/cli/fast-path.js';

function bundleIsFresh() {
  try {
    const bundle = statSync(new URL('../dist/umd.cjs', import.meta.url));
    return bundle.mtimeMs >= statSync(new URL('../dist/src/cli/bundled.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

const argv = prepareArgv(process.argv.slice(2));
if (!(await runFastPath(argv))) {
  if (bundleIsFresh()) {
    // The bundle takes its argv from process.argv again.
    createRequire(import.meta.url)('../dist/umd.cjs');
  } else {
    const { runCli } = await import('../dist/src/cli/main.js');
    await runCli(argv, fileURLToPath(import.meta.url));
  }
}
