// Writes dist/umd.cjs.cache, the V8 code cache that bin/run.js and the
// single executable compile the bundle with. It loads the bundle as they do
// (src/cli/load-bundle.ts), runs `umd version --json` and `umd send --help`
// so that oclif's loading, parsing, help and JSON output are compiled too,
// and writes the cache when the process ends. Run by
// scripts/build-binary-bundle.mjs in a child process of its own.
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { loadBundle } from '../dist/src/cli/load-bundle.js';

const BUNDLE = fileURLToPath(new URL('../dist/umd.cjs', import.meta.url));
const { exports, script } = loadBundle({ filename: BUNDLE, source: readFileSync(BUNDLE, 'latin1') });
process.on('exit', () => writeFileSync(`${BUNDLE}.cache`, script.createCachedData()));
for (const argv of [['version', '--json'], ['send', '--help']]) await exports.run(argv);
