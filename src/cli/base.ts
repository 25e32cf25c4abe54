import { Command, Flags } from '@oclif/core';
import { UmdError } from '../core/errors.js';
import { envClientOptions, envSearchPath } from './context.js';
import { connectDaemon, type ClientOptions } from '../client/autostart.js';
import { withCliHints } from './hints.js';
import { printUmdError } from './print-error.js';
import { closest } from './suggest.js';
import { exitCodeOf, oneLine, usageError } from './usage.js';
import type { DaemonConnection } from '../client/connection.js';

interface OclifError {
  message: string;
  oclif?: { exit?: number };
}

/**
 * What every umd command shares: `--json`, `-q`, `--runtime-dir`, errors
 * printed as one `umd:` line plus `umd: hint:` lines (or `{"error": ...}`
 * with --json), exit 1 when the operation failed and 2 for usage errors,
 * and a daemon connection that is closed when the command ends.
 */
export abstract class UmdCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    'runtime-dir': Flags.string({
      summary: 'The daemon runtime directory (socket, blob copies, log).',
      env: 'UMD_RUNTIME_DIR',
      helpGroup: 'GLOBAL',
    }),
    quiet: Flags.boolean({ char: 'q', summary: 'Print nothing on stdout; errors still go to stderr. For scripts that want the exit status.', helpGroup: 'GLOBAL' }),
    color: Flags.boolean({ summary: 'Colour even when stdout is not a terminal (--no-color: never; NO_COLOR and FORCE_COLOR are honoured).', allowNo: true, helpGroup: 'GLOBAL' }),
  };

  #connection: DaemonConnection | null = null;
  #quiet = false;

  override async init(): Promise<void> {
    await super.init();
    this.#quiet = this.argv.some((arg) => arg === '-q' || arg === '--quiet');
  }

  override log(message = '', ...args: unknown[]): void {
    if (!this.#quiet) super.log(message, ...args);
  }

  /** One line on stdout, --json or not (oclif's log() is silent under --json), unless -q. */
  protected out(line: string): void {
    if (!this.#quiet) process.stdout.write(`${line}\n`);
  }

  override logJson(json: unknown): void {
    if (this.#quiet) return;
    // oclif colours JSON with its theme; with none (umd sets none), its tokenizer only rebuilds
    // JSON.stringify's text, token by token: 2 ms of a `list --json` (bench/README.md, P3).
    if (this.config.theme?.json === undefined) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    else super.logJson(json);
  }

  /** The daemon's connection, starting the daemon when none answers. */
  protected async daemon(flags: { 'runtime-dir'?: string | undefined }, options: Partial<ClientOptions> = {}): Promise<DaemonConnection> {
    if (this.#connection) return this.#connection;
    this.#connection = await connectDaemon({ ...envClientOptions(runtimeDirOption(flags).runtimeDir), ...options });
    return this.#connection;
  }

  /** The driver search path of this client: UMD_DRIVER_PATH, then the built-in drivers. */
  protected searchPath(): string[] {
    return envSearchPath();
  }

  /** How this command is typed: `daemon stop`. */
  protected get commandLine(): string {
    return `umd ${this.id?.replaceAll(':', ' ') ?? ''}`.trim();
  }

  override async catch(error: Error & OclifError): Promise<unknown> {
    this.parsed = true; // a parse error is reported here; oclif's "did not parse" warning would be noise
    let reported: UmdError;
    if (error instanceof UmdError) reported = error;
    else if (error.oclif?.exit === 2) reported = this.#usage(error.message);
    else return super.catch(error);
    process.exitCode = exitCodeOf(reported);
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify({ error: withCliHints(reported).toJSON() }, null, 2)}\n`);
    else printUmdError(reported);
    return undefined;
  }

  /** An oclif parse error as a umd usage error, with "did you mean" for a mistyped flag. */
  #usage(message: string): UmdError {
    const hints: string[] = [];
    const flag = /^Nonexistent flags?: (\S+?)(?:,|$|\n)/.exec(message)?.[1];
    if (flag) {
      const ctor = this.constructor as typeof UmdCommand;
      const names = Object.keys({ ...ctor.baseFlags, ...ctor.flags }).map((name) => `--${name}`);
      const guess = closest(flag.replace(/=.*$/, ''), [...names, '--json', '--help']);
      if (guess) hints.push(`did you mean ${guess}?`);
    }
    hints.push(`see \`${this.commandLine} --help\``);
    return usageError(`${this.commandLine.replace(/^umd /, '')}: ${oneLine(message)}`, hints);
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    this.#connection?.close();
    this.#connection = null;
    return super.finally(error);
  }
}

/** `--runtime-dir DIR` as a client option; an empty one is a usage error, not "the default". */
export function runtimeDirOption(flags: { 'runtime-dir'?: string | undefined }): { runtimeDir?: string } {
  const dir = flags['runtime-dir'];
  if (dir === undefined) return {};
  if (dir.trim() === '') throw usageError('--runtime-dir (or UMD_RUNTIME_DIR) is empty', ['Name a directory, e.g. --runtime-dir /tmp/umd-test, or leave it out for the default']);
  return { runtimeDir: dir };
}
