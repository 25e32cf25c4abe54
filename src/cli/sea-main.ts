// The single executable's main script (bundled alone by
// scripts/build-binary.mjs): it loads the bundle, an asset of the binary,
// with its warm code cache, as bin/run.js does, and runs it.
import { getAsset } from 'node:sea';
import path from 'node:path';
import { loadBundle } from './load-bundle.js';

/** The builtins-only require of the single executable's main script. */
declare const require: NodeJS.Require;

const filename = path.join(path.dirname(process.execPath), 'dist', 'umd.cjs');
const { exports } = loadBundle({
  filename,
  source: Buffer.from(getAsset('umd.cjs')).toString('latin1'),
  cachedData: Buffer.from(getAsset('umd.cjs.cache')),
  require,
});
void exports.run(process.argv.slice(2));
