// How bin/run.js and the single executable load the bundle (dist/umd.cjs):
// as require() would, but compiled with the V8 code cache the build writes
// beside it (scripts/write-code-cache.mjs, after a warm-up run, so oclif's
// functions are in it). Node 20 keeps no code cache for require(), and SEA's
// own `useCodeCache` holds only what is compiled before the script runs.
// Nothing here may import more than builtins: the single executable's main
// script is this file, bundled alone.
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The bundle's exports that its loaders use (src/cli/bundle.ts). */
export interface BundleExports {
  run(argv: string[]): Promise<void>;
  readStartEnvironment(): Promise<void>;
}

export interface BundleSource {
  /** The bundle's path: its module's file name (the binary gives the path it would have beside it). */
  filename: string;
  /** Its text; the build keeps it ASCII, so callers read it as latin1, the quickest decoding. */
  source: string;
  /** The V8 code cache; one V8 rejects (another node) only costs the compile. */
  cachedData?: Buffer | undefined;
  /** The require the bundle gets: Node's for that file, or, in the binary, the builtins-only one. */
  require?: NodeJS.Require;
}

/** Compiles and runs the bundle as a CommonJS module of its own and returns its exports (and the script, for its cache). */
export function loadBundle(bundle: BundleSource): { exports: BundleExports; script: vm.Script } {
  const script = new vm.Script(Module.wrap(bundle.source), {
    filename: bundle.filename,
    cachedData: bundle.cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = new Module(bundle.filename);
  module.filename = bundle.filename;
  const require = bundle.require ?? createRequire(bundle.filename);
  // oclif requires its explicit command target, the bundle itself: it gets this module.
  if (require.cache) require.cache[bundle.filename] = module;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, require, module, bundle.filename, path.dirname(bundle.filename));
  module.loaded = true;
  return { exports: module.exports as BundleExports, script };
}
