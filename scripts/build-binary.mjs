// Builds dist/umd, one executable file: this machine's node with a Single
// Executable Application blob holding a V8 startup snapshot, taken after its
// main script (src/cli/sea-snapshot.ts) loaded the bundled CLI
// (dist/umd.cjs) and oclif; the built-in drivers and the handler launcher
// are assets. Nothing is downloaded: the node binary is the one running
// this script.
// Usage: node scripts/build-binary.mjs   (after `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { NODE_CJS } from './esbuild-cjs.mjs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = (...parts) => path.join(root, ...parts);
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const say = (line) => process.stdout.write(`umd: ${line}\n`);

function fail(message) {
  process.stderr.write(`umd: cannot build the binary: ${message}\n`);
  process.exit(1);
}

/** Runs a build step quietly (postject's ELF library warns about harmless things); its output is shown if it fails. */
function step(what, command, args) {
  const run = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}`);
    fail(`${what} failed (${run.error?.message ?? `exit status ${run.status}`})`);
  }
}

/** The files the binary carries: each built-in driver's driver.json, its blob and any manager module, and umd-exec. */
function embeddedFiles() {
  const files = [];
  for (const name of readdirSync(from('drivers')).sort()) {
    const manifestPath = path.join('drivers', name, 'driver.json');
    if (!existsSync(from(manifestPath))) continue;
    const manifest = JSON.parse(readFileSync(from(manifestPath), 'utf8'));
    files.push(manifestPath, path.join('drivers', name, manifest.handler));
    if (manifest.manager.includes('/') || manifest.manager.includes('.')) files.push(path.join('drivers', name, manifest.manager));
  }
  files.push('libexec/umd-exec');
  return files.map((file) => {
    if (!existsSync(from(file))) fail(`${file} is missing: build the C parts first (npm run build:drivers)`);
    const executable = (statSync(from(file)).mode & 0o100) !== 0;
    const sha256 = createHash('sha256').update(readFileSync(from(file))).digest('hex');
    return { path: file, sha256, size: statSync(from(file)).size, mode: executable ? 0o500 : 0o400 };
  });
}

if (!existsSync(from('dist/umd.cjs'))) fail('dist/umd.cjs is missing: run `npm run build` first');
const started = Date.now();
mkdirSync(from('dist/sea'), { recursive: true });

// The SEA config: sea-config.json, plus the assets listed by the index that src/core/embedded.ts reads.
const files = embeddedFiles();
// The index names its own digest (the extracted copy's directory): a command need not hash it to find the copy.
const digest = createHash('sha256').update(JSON.stringify(files)).digest('hex');
writeFileSync(from('dist/sea/embedded.json'), `${JSON.stringify({ digest, files }, null, 2)}\n`);
// The main script is the startup snapshot's builder: it loads the bundle from dist/ now, at build time (src/cli/sea-snapshot.ts).
await build({
  entryPoints: [from('dist/src/cli/sea-snapshot.js')],
  define: { UMD_BUNDLE_PATH: JSON.stringify(from('dist/umd.cjs')) },
  outfile: from('dist/sea/main.cjs'),
  ...NODE_CJS,
});
const config = JSON.parse(readFileSync(from('sea-config.json'), 'utf8'));
config.assets = {
  'embedded.json': 'dist/sea/embedded.json',
  ...Object.fromEntries(files.map((f) => [f.path, f.path])),
};
writeFileSync(from('dist/sea/sea-config.json'), `${JSON.stringify(config, null, 2)}\n`);
step('node --experimental-sea-config', process.execPath, ['--experimental-sea-config', 'dist/sea/sea-config.json']);

// A copy of this node, stripped of its symbol table when `strip` is there (about 10 MB less), with the blob injected.
const temp = from('dist/umd.partial');
rmSync(temp, { force: true });
copyFileSync(process.execPath, temp);
chmodSync(temp, 0o755);
if (spawnSync('strip', [temp]).status !== 0) say("strip did not run: the binary keeps node's symbol table");
const postject = path.join(path.dirname(createRequire(import.meta.url).resolve('postject')), 'cli.js');
step('postject', process.execPath, [postject, temp, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', FUSE]);
renameSync(temp, from('dist/umd'));

const version = execFileSync(from('dist/umd'), ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' } }).trim();
const mb = (statSync(from('dist/umd')).size / 1024 / 1024).toFixed(1);
say(`wrote dist/umd (${mb} MiB, ${files.length} embedded files, ${((Date.now() - started) / 1000).toFixed(1)} s): ${version}`);
