#!/usr/bin/env node
// The umd command line: main() of src/cli/entry.ts, the one way in (the
// single executable enters there too). It runs from dist/umd.cjs, the bundle
// `npm run build` writes (one file, no module lookups on disk), compiled with
// the V8 code cache written beside it (src/cli/load-bundle.ts), when that is
// newer than the compiled sources; otherwise (after a plain `tsc` in
// development) from dist/src, where oclif reads the same explicit command
// index from dist/src/cli/commands.js.
import { readFileSync, statSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const BUNDLE = fileURLToPath(new URL('../dist/umd.cjs', import.meta.url));

function bundleIsFresh() {
  try {
    return statSync(BUNDLE).mtimeMs >= statSync(new URL('../dist/src/cli/entry.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

function codeCache() {
  try {
    return readFileSync(`${BUNDLE}.cache`);
  } catch {
    return undefined;
  }
}

const argv = process.argv.slice(2);
if (bundleIsFresh()) {
  const { loadBundle } = await import('../dist/src/cli/load-bundle.js');
  await loadBundle({ filename: BUNDLE, source: readFileSync(BUNDLE, 'utf8'), cachedData: codeCache() }).exports.run(argv);
} else {
  const { main } = await import('../dist/src/cli/entry.js');
  await main(argv, { root: fileURLToPath(new URL('..', import.meta.url)) });
}
