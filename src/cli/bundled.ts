// The command line as one file: the entry of dist/umd.cjs (esbuild, see
// scripts/build-binary-bundle.mjs), which the npm bin loads and the single
// executable carries. It takes the fast path first, as bin/run.js does, and
// loads oclif only when that declines. oclif normally finds commands as
// files; a bundle has none, so the commands and their manifest are handed to
// oclif from here.
import type { Command, Interfaces } from '@oclif/core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runningAsSea } from '../core/embedded.js';
import { prepareArgv, runFastPath } from './fast-path.js';

/** package.json and oclif.manifest.json, put in by the bundler (esbuild `define`). */
declare const UMD_BUNDLED: { pjson: Interfaces.PJSON; manifest: Interfaces.Manifest };

async function runOclif(argv: string[]): Promise<void> {
  const [{ Plugin }, { COMMANDS }, { runCli }] = await Promise.all([import('@oclif/core'), import('./commands.js'), import('./main.js')]);

  /** The root plugin: its commands come from COMMANDS, their flags and help from the bundled manifest. */
  class BundledPlugin extends Plugin {
    override async load(): Promise<void> {
      await super.load();
      this.manifest = UMD_BUNDLED.manifest;
      this.hasManifest = true;
      this.commandIDs = Object.keys(this.manifest.commands);
      this.commands = Object.entries(this.manifest.commands)
        .map(([id, cached]) => ({
          ...cached,
          load: async () => this.findCommand(id, { must: true }),
          pluginAlias: this.alias,
          pluginType: this.type,
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
    }

    override async findCommand(id: string, opts: { must: true }): Promise<Command.Class>;
    override async findCommand(id: string, opts?: { must: boolean }): Promise<Command.Class | undefined>;
    override async findCommand(id: string, opts: { must?: boolean } = {}): Promise<Command.Class | undefined> {
      const command = COMMANDS[id];
      if (!command) {
        if (opts.must) throw new Error(`umd: command ${id} is not in the bundle`);
        return undefined;
      }
      command.id = id;
      command.plugin = this;
      return command;
    }
  }

  const root = runningAsSea() ? path.dirname(process.execPath) : fileURLToPath(new URL('../../../', import.meta.url));
  // With no "commands" and ignoreManifest, oclif's own Plugin.load reads nothing from disk.
  const pjson = { ...UMD_BUNDLED.pjson, oclif: { ...UMD_BUNDLED.pjson.oclif, commands: undefined } };
  const plugin = new BundledPlugin({ root, pjson, isRoot: true, ignoreManifest: true });
  await plugin.load();
  await runCli(argv, { root, pjson, plugins: new Map([[plugin.name, plugin]]) });
}

async function main(): Promise<void> {
  const argv = prepareArgv(process.argv.slice(2));
  if (!(await runFastPath(argv))) await runOclif(argv);
}

// A CommonJS bundle has no top-level await; a failure still ends the process with its stack, as in bin/run.js.
void main();
