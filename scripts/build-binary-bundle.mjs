// Bundles the compiled CLI (dist/src, from tsc) into one CommonJS file,
// dist/umd.cjs: the npm `bin` loads it (bin/run.js) and the single
// executable is built from it (scripts/build-binary.mjs). Run after tsc and
// `oclif manifest`. package.json and oclif.manifest.json go in with it:
// main() hands oclif umd's package as a ready-made root plugin
// (src/cli/root-plugin.ts) whose commands are the bundle's own index.
import { build } from 'esbuild';
import { NODE_CJS } from './esbuild-cjs.mjs';
import { spawnSync } from 'node:child_process';
import { readFile, readFileSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const json = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

const { name, version, description, type, oclif } = json('package.json');
const manifest = json('oclif.manifest.json');
const bundled = { name, version, description, type, oclif };
if (manifest.version !== version) {
  throw new Error(`oclif.manifest.json is for version ${manifest.version}, package.json says ${version}: run \`oclif manifest\``);
}

/**
 * Each of umd's compiled modules (dist/src) has its `import.meta.url` become the URL its file has in dist/, computed
 * from the bundle's own place, so that `new URL('../../../drivers/', import.meta.url)`
 * still finds the package's files.
 */
const importMetaUrl = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => new Promise((resolve, reject) => {
      readFile(args.path, 'utf8', (error, text) => {
        if (error) return reject(error);
        if (!text.includes('import.meta.url')) return resolve(undefined);
        const relative = JSON.stringify(path.relative(dist, args.path));
        const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${relative})).href`;
        resolve({ contents: text.replaceAll('import.meta.url', url), loader: 'js' });
      });
    }));
  },
};

/**
 * `import('node:crypto')` is kept by esbuild as a real dynamic import, which
 * the single executable's main script cannot do (it has no ES module loader
 * when it runs from its code cache): builtins imported that way are required
 * from inside the bundle instead.
 */
const builtinImports = {
  name: 'builtin-dynamic-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' && isBuiltin(args.path) ? { path: args.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * fdir (oclif's file globbing) asks `require.resolve("picomatch")` when it
 * loads, to see whether the optional picomatch is installed. In the bundle
 * picomatch is built in, and that resolve is a walk of node_modules
 * directories on disk on every command: 3–4 ms (bench/README.md, P3). The
 * call is taken out; its require("picomatch") stays and is the bundled one.
 */
const fdirResolve = {
  name: 'fdir-resolve',
  setup(b) {
    b.onLoad({ filter: /[\\/]fdir[\\/]dist[\\/]index\.cjs$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      const call = 'require.resolve("picomatch");';
      if (!text.includes(call)) throw new Error(`${args.path} no longer calls ${call}: check the fdir-resolve plugin`);
      return { contents: text.replace(call, ''), loader: 'js' };
    });
  },
};

/**
 * oclif's compiled CommonJS requires every module it might need when it
 * loads: help and its templates (ejs) when no help is asked for, globbing
 * (tinyglobby) for a command strategy umd does not use, child_process to ask
 * Windows for its shell, readline to read a flag from stdin. Running those
 * module bodies is most of what oclif costs a one-shot command (bench/README.md,
 * P3). In the bundle, each `const x_1 = require("m");` (also wrapped in
 * __importDefault or __importStar) whose binding the file uses only as
 * `x_1.name` or `x_1[...]` becomes a proxy that runs the require on first
 * such use: the module is loaded when it is first needed, not before. A
 * binding used any other way (called, passed on) stays a plain require.
 */
const LAZY_REQUIRE = /^(?:const|var) (\w+) = ((?:__importDefault|__importStar)\()?require\("([^"]+)"\)\)?;$/gm;

function lazyRequires(text) {
  let rewritten = 0;
  const out = text.replace(LAZY_REQUIRE, (line, name, _wrapper, _module, offset) => {
    const uses = [...text.matchAll(new RegExp(`\\b${name}\\b`, 'g'))].filter((m) => m.index !== offset + line.indexOf(name));
    if (uses.length === 0 || uses.some((m) => !/^[.[]/.test(text.slice(m.index + name.length)))) return line;
    rewritten++;
    const expression = line.slice(line.indexOf('=') + 2, -1);
    return `const ${name} = __umdLazy(() => ${expression});`;
  });
  if (rewritten === 0) return text;
  return `${out}\nfunction __umdLazy(load) { let m; const get = () => (m ??= load()); return new Proxy({}, { get: (_, key) => get()[key], has: (_, key) => key in get() }); }\n`;
}

const lazyOclifRequires = {
  name: 'lazy-oclif-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/].*\.js$/ }, async (args) => ({ contents: lazyRequires(readFileSync(args.path, 'utf8')), loader: 'js' }));
  },
};

/**
 * Rewrites the bundle in ASCII: esbuild escapes non-ASCII text in strings but
 * leaves it in regular expressions (ansis has U+009B in one), and one such
 * character makes V8 hold the whole 1.3 MB source as two-byte text, which
 * takes longer to decode and to compile. `\uXXXX` means the same character in
 * a string, a template, a regular expression and an identifier. The loaders
 * then read the bundle as latin1 (src/cli/load-bundle.ts).
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

const result = await build({
  entryPoints: [path.join(dist, 'src/cli/bundle.js')],
  outfile: path.join(dist, 'umd.cjs'),
  ...NODE_CJS,
  // oclif's TypeScript support for development, never used by a built CLI.
  external: ['typescript'],
  define: { UMD_BUNDLED: JSON.stringify({ pjson: bundled, manifest }) },
  plugins: [importMetaUrl, builtinImports, fdirResolve, lazyOclifRequires],
  // oclif checks its own package.json's engines when it loads: inside a bundle
  // that file is not there (the single executable warns), and node is known.
  banner: { js: 'process.env.OCLIF_DISABLE_ENGINE_WARNING ??= "1";' },
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs)[0].bytes;
asciiOnly(path.join(dist, 'umd.cjs'));
process.stdout.write(`umd: wrote dist/umd.cjs (${Math.round(bytes / 1024)} KiB)\n`);

// bin/run.js is CommonJS (no ES module loader to start) and loads the bundle with this.
await build({
  entryPoints: [path.join(dist, 'src/cli/load-bundle.js')],
  outfile: path.join(dist, 'load-bundle.cjs'),
  ...NODE_CJS,
});

// The V8 code cache bin/run.js compiles the bundle with (see scripts/write-code-cache.mjs).
const cached = spawnSync(process.execPath, [path.join(root, 'scripts/write-code-cache.mjs')], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
if (cached.status !== 0) throw new Error(`scripts/write-code-cache.mjs failed (${cached.error?.message ?? `exit status ${cached.status}`})`);
