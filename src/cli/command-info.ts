import type { Command } from '@oclif/core';

/** What completion, the man page and the README's reference need to know of one command. */
export interface CommandInfo {
  /** As typed: `daemon stop`. */
  id: string;
  summary: string;
  description: string;
  examples: string[];
  args: Array<{ name: string; description: string; required: boolean }>;
  flags: Array<{ name: string; char?: string; summary: string; takesValue: boolean; options?: string[]; global: boolean }>;
}

const GLOBAL = new Set(['json', 'runtime-dir', 'quiet', 'color']);

/** The visible commands, sorted, from oclif's cached metadata (the manifest, in every loader). */
export function commandInfos(commands: readonly Command.Loadable[]): CommandInfo[] {
  return commands
    .filter((c) => !c.hidden)
    .map((c) => ({
      id: c.id.replaceAll(':', ' '),
      summary: c.summary ?? '',
      description: c.description ?? '',
      examples: (c.examples ?? []).map((e) => (typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', 'umd')),
      args: Object.values(c.args ?? {}).map((a) => ({ name: a.name, description: a.description ?? '', required: a.required === true })),
      flags: Object.values(c.flags ?? {})
        .filter((f) => !f.hidden)
        .map((f) => ({
          name: f.name,
          ...(f.char ? { char: f.char } : {}),
          summary: f.summary ?? f.description ?? '',
          takesValue: f.type === 'option',
          ...(f.type === 'option' && f.options ? { options: [...f.options] } : {}),
          global: GLOBAL.has(f.name),
        })),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
