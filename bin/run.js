#!/usr/bin/env node
// The umd command line: main() of src/cli/entry.ts, the one way in (the
// single executable enters there too). It runs from dist/umd.cjs, the bundle
// `npm run build` writes (one file, no module lookups on disk), when that is
// newer than the compiled sources; otherwise (after a plain `tsc` in
// development) from dist/src, where oclif reads the same explicit command
// index from dist/src/cli/commands.js.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

function bundleIsFresh() {
  try {
    const bundle = statSync(new URL('../dist/umd.cjs', import.meta.url));
    return bundle.mtimeMs >= statSync(new URL('../dist/src/cli/entry.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

const argv = process.argv.slice(2);
if (bundleIsFresh()) {
  await createRequire(import.meta.url)('../dist/umd.cjs').run(argv);
} else {
  const { main } = await import('../dist/src/cli/entry.js');
  await main(argv, { root: fileURLToPath(new URL('..', import.meta.url)) });
}
