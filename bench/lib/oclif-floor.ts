// Builds the oclif floor of P3 (bench/floor/oclif-hello.ts) into a package
// of its own under dist/bench/oclif-floor/: the bundle (esbuild, CommonJS,
// ASCII), its package.json (oclif's explicit strategy pointing at the
// bundle), a CommonJS starter that loads it as bin/run.js loads umd
// (dist/load-bundle.cjs), and the V8 code cache a warm-up run writes.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mustRun, ROOT } from './env.js';

/** Where the floor's package is built. */
const DIR = path.join(ROOT, 'dist/bench/oclif-floor');

const STARTER = `'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { loadBundle } = require(${JSON.stringify(path.join(ROOT, 'dist/load-bundle.cjs'))});
const filename = path.join(__dirname, 'cli.cjs');
const warm = process.env.OCLIF_FLOOR_WARM_UP === '1';
const { exports: cli, script } = loadBundle({ filename, source: readFileSync(filename, 'latin1'), cachedData: warm ? undefined : readFileSync(filename + '.cache') });
if (warm) process.on('exit', () => writeFileSync(filename + '.cache', script.createCachedData()));
void cli.main(process.argv.slice(2), __dirname);
`;

/** Builds the floor's package and returns the command line that runs `hello --json` through it. */
export async function buildOclifFloor(): Promise<string[]> {
  mkdirSync(DIR, { recursive: true });
  const bundle = path.join(DIR, 'cli.cjs');
  await build({
    entryPoints: [path.join(ROOT, 'dist/bench/floor/oclif-hello.js')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['typescript'],
    logLevel: 'error',
  });
  const text = readFileSync(bundle, 'utf8');
  writeFileSync(bundle, text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const pjson = { name: 'oclif-floor', version: '1.0.0', oclif: { bin: 'oclif-floor', commands: { strategy: 'explicit', target: './cli.cjs', identifier: 'COMMANDS' } } };
  writeFileSync(path.join(DIR, 'package.json'), `${JSON.stringify(pjson, null, 2)}\n`);
  writeFileSync(path.join(DIR, 'run.cjs'), STARTER);
  const command = [process.execPath, path.join(DIR, 'run.cjs'), 'hello', '--json'];
  const [file = '', ...args] = command;
  await mustRun(file, args, { OCLIF_FLOOR_WARM_UP: '1' });
  return command;
}
