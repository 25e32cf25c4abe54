#!/usr/bin/env node
// The umd command line: main() of src/cli/entry.ts, the one way in (the
// single executable enters there too). It runs from dist/umd.cjs, the bundle
// `npm run build` writes (one file, no module lookups on disk), when that is
// newer than the compiled sources; otherwise (after a plain `tsc` in
// development) from dist/src, where oclif reads the same explicit command
// index from dist/src/cli/commands.js.
import { readFileSync, statSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import vm from 'node:vm';

const BUNDLE = fileURLToPath(new URL('../dist/umd.cjs', import.meta.url));

function bundleIsFresh() {
  try {
    return statSync(BUNDLE).mtimeMs >= statSync(new URL('../dist/src/cli/entry.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Loads the bundle as require() would, but compiled with the V8 code cache
 * the build wrote beside it (dist/umd.cjs.cache, see
 * scripts/build-binary-bundle.mjs): Node 20 keeps no code cache for
 * require(), and compiling the 1.2 MB bundle is a large part of a one-shot
 * command's time (bench/README.md, P3). A cache V8 rejects (another node) is
 * only slower.
 */
function loadBundle() {
  let cachedData;
  try {
    cachedData = readFileSync(`${BUNDLE}.cache`);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(BUNDLE, 'utf8')), {
    filename: BUNDLE,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const bundle = new Module(BUNDLE);
  bundle.filename = BUNDLE;
  const require = createRequire(BUNDLE);
  // oclif requires the explicit command target, the bundle itself: it gets this module.
  require.cache[BUNDLE] = bundle;
  script.runInThisContext().call(bundle.exports, bundle.exports, require, bundle, BUNDLE, path.dirname(BUNDLE));
  bundle.loaded = true;
  return bundle.exports;
}

const argv = process.argv.slice(2);
if (bundleIsFresh()) {
  await loadBundle().run(argv);
} else {
  const { main } = await import('../dist/src/cli/entry.js');
  await main(argv, { root: fileURLToPath(new URL('..', import.meta.url)) });
}
