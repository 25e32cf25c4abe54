// umd's own package as oclif's root plugin, ready-made from the manifest
// `oclif manifest` wrote at build time and the explicit command index
// (COMMANDS), and handed to oclif's Config.load through its `plugins` load
// option. oclif's own Plugin.load() does the same work from files: it finds
// and reads oclif.manifest.json, resolves the explicit target on disk, and
// sorts the commands with localeCompare, whose first call sets up an ICU
// collator (6–7 ms here, more than umd's whole request; bench/README.md,
// P3). Here the manifest is already parsed (in the bundle it is built in) and
// the command ids, plain ASCII, sort by code unit. Commands are still found
// only through COMMANDS, and every command's flags and args still come from
// oclif's manifest and are parsed by oclif.
import type { Command, Interfaces } from '@oclif/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What oclif.manifest.json holds. */
export interface OclifManifest {
  version: string;
  commands: Record<string, Command.Cached>;
}

/** Reads the manifest `oclif manifest` wrote at the package root, or undefined when there is none (a plain `tsc` tree). */
export function readManifest(root: string): OclifManifest | undefined {
  try {
    return JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as OclifManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The error oclif gives for an id no plugin has (src/cli/main.ts turns it into umd's own). */
function notFound(id: string): Error {
  return new Error(`command ${id} not found`);
}

/** umd's package as an oclif plugin: its package.json, its manifest and its command index. */
export class RootPlugin implements Interfaces.Plugin {
  readonly _base: string;
  alias: string;
  commands: Command.Loadable[];
  readonly commandsDir = undefined;
  readonly hasManifest = true;
  hooks: Interfaces.Plugin['hooks'] = {};
  isRoot = true;
  moduleType: 'commonjs' | 'module';
  name: string;
  readonly options: Interfaces.PluginOptions;
  pjson: Interfaces.PJSON;
  root: string;
  type = 'core';
  valid = true;
  version: string;
  readonly #index: Readonly<Record<string, Command.Class>>;

  constructor(root: string, pjson: Interfaces.PJSON, manifest: OclifManifest, index: Readonly<Record<string, Command.Class>>) {
    if (manifest.version !== pjson.version) throw new Error(`oclif.manifest.json is for version ${manifest.version}, package.json says ${pjson.version}: run \`npm run build\``);
    this.root = root;
    this.pjson = pjson;
    this.name = pjson.name;
    this.alias = pjson.name;
    this.version = pjson.version;
    this._base = `${pjson.name}@${pjson.version}`;
    this.moduleType = pjson.type === 'module' ? 'module' : 'commonjs';
    this.options = { root, isRoot: true, pjson };
    this.#index = index;
    this.commands = Object.entries(manifest.commands)
      .map(([id, cached]) => ({ ...cached, load: async () => this.findCommand(id, { must: true }), pluginAlias: this.alias, pluginType: this.type }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get commandIDs(): string[] {
    return this.commands.map((c) => c.id);
  }

  get topics(): Interfaces.Topic[] {
    return Object.entries(this.pjson.oclif.topics ?? {}).map(([name, topic]) => ({ ...topic, name }));
  }

  /** Already loaded: the constructor did what oclif's load() does. */
  async load(): Promise<void> {}

  findCommand(id: string, opts: { must: true }): Promise<Command.Class>;
  findCommand(id: string, opts?: { must: boolean }): Promise<Command.Class> | undefined;
  findCommand(id: string, opts?: { must: boolean }): Promise<Command.Class> | undefined {
    const command = Object.hasOwn(this.#index, id) ? this.#index[id] : undefined;
    if (!command) return opts?.must ? Promise.reject(notFound(id)) : undefined;
    command.id = id;
    command.plugin = this;
    return Promise.resolve(command);
  }
}
