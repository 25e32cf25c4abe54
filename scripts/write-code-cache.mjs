// Writes dist/umd.cjs.cache, the V8 code cache bin/run.js compiles the
// bundle with. It loads the bundle exactly as bin/run.js does (the same
// wrapped source, the same file name), runs `umd version --json` and `umd
// send --help` so that oclif's loading, parsing, help and JSON output are
// compiled too, and writes the cache when the process ends. Run by
// scripts/build-binary-bundle.mjs in a child process of its own.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import vm from 'node:vm';

const BUNDLE = fileURLToPath(new URL('../dist/umd.cjs', import.meta.url));
const script = new vm.Script(Module.wrap(readFileSync(BUNDLE, 'utf8')), { filename: BUNDLE, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
const bundle = new Module(BUNDLE);
bundle.filename = BUNDLE;
const require = createRequire(BUNDLE);
require.cache[BUNDLE] = bundle;
script.runInThisContext().call(bundle.exports, bundle.exports, require, bundle, BUNDLE, path.dirname(BUNDLE));
bundle.loaded = true;
process.on('exit', () => writeFileSync(`${BUNDLE}.cache`, script.createCachedData()));
for (const argv of [['version', '--json'], ['send', '--help']]) await bundle.exports.run(argv);
