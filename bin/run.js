#!/usr/bin/env node
// The umd command line: main() of src/cli/entry.ts, the one way in (the
// single executable enters there too). This file is CommonJS (bin/package.json)
// so that Node starts no ES module loader for it. It runs the CLI from
// dist/umd.cjs, the bundle `npm run build` writes (one file, no module
// lookups on disk; plain ASCII, so read as latin1), compiled with the V8 code
// cache written beside it (src/cli/load-bundle.ts), when that is newer than
// the compiled sources; otherwise (after a plain `tsc` in development) from
// dist/src, where oclif finds the same explicit command index.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist');
const BUNDLE = path.join(DIST, 'umd.cjs');

function bundleIsFresh() {
  try {
    return statSync(BUNDLE).mtimeMs >= statSync(path.join(DIST, 'src/cli/entry.js')).mtimeMs;
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
  const { loadBundle } = require(path.join(DIST, 'load-bundle.cjs'));
  void loadBundle({ filename: BUNDLE, source: readFileSync(BUNDLE, 'latin1'), cachedData: codeCache() }).exports.run(argv);
} else {
  void import('../dist/src/cli/entry.js').then(({ main }) => main(argv, { root: path.join(__dirname, '..') }));
}
