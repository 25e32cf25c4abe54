// The oclif half of the command line, called by main() of entry.ts (from
// bin/run.js, the bundle and the single executable alike): argv is normalized (`-v`, `help send`), the command is run,
// and what oclif itself would report in its own format (an unknown command
// or topic) is reported as every umd error is: `umd: ...`, `umd: hint:`,
// exit status 2, or `{"error": ...}` on stdout with --json.
import type { Config, Interfaces } from '@oclif/core';
import { UmdError } from '../core/errors.js';
import { withCliHints } from './hints.js';
import { printUmdError } from './print-error.js';
import { closest } from './suggest.js';
import { exitCodeOf, usageError } from './usage.js';

/** `umd -v`/`--version` → `umd version`; `umd help [cmd...]` stays a command of its own. */
export function normalizeArgv(argv: string[]): string[] {
  if (argv.length === 1 && (argv[0] === '-v' || argv[0] === '--version')) return ['version'];
  return argv;
}

/** Commands as the user types them: `daemon start`, not `daemon:start`. */
function spaced(id: string): string {
  return id.replaceAll(':', ' ');
}

/** The error for a command line that names no command: the closest one, or the commands of its topic. */
export function unknownCommand(config: Config, argv: string[]): UmdError {
  const words = argv.filter((a) => !a.startsWith('-'));
  const ids = config.commandIDs.filter((id) => !config.findCommand(id)?.hidden).map(spaced);
  const topic = words[0] !== undefined && config.findTopic(words[0]) ? words[0] : undefined;
  const typed = (topic ? words.slice(0, 2) : words.slice(0, 1)).join(' ');
  const inTopic = topic ? ids.filter((id) => id.startsWith(`${topic} `)).map((id) => id.slice(topic.length + 1)) : [];
  const guess = topic ? closest(words[1] ?? '', inTopic) : closest(typed, ids);
  const hints: string[] = [];
  if (guess) hints.push(`did you mean \`umd ${topic ? `${topic} ${guess}` : guess}\`?`);
  else if (topic) hints.push(`the ${topic} commands are: ${inTopic.join(', ')}`);
  hints.push(`see \`umd help${topic ? ` ${topic}` : ''}\` for every command`);
  return usageError(`unknown command \`umd ${typed}\``, hints);
}

/** Runs the command line under oclif; an error that escapes a command is reported the umd way. */
export async function runCli(argv: string[], loadOptions: Interfaces.LoadOptions): Promise<void> {
  const { Config: ConfigClass, run, flush, settings } = await import('@oclif/core');
  // umd runs compiled JavaScript only: oclif must not look for TypeScript sources (NODE_ENV=test or development turns that on).
  settings.enableAutoTranspile = false;
  const config = await ConfigClass.load(loadOptions);
  const args = normalizeArgv(argv);
  try {
    await run(args, config);
    await flush();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    let reported: UmdError;
    if (error instanceof UmdError) reported = error;
    else if (/^command \S+ not found$/.test(message)) reported = unknownCommand(config, args);
    else if ((error as { oclif?: { exit?: number } }).oclif?.exit === 0) return;
    else reported = new UmdError('EIO', `internal error: ${message}`, { suggestions: ['Run again with DEBUG=* for details, and report it'] });
    process.exitCode = exitCodeOf(reported);
    if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ error: withCliHints(reported).toJSON() }, null, 2)}\n`);
    else printUmdError(reported);
  }
}
