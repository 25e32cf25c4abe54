import { Command, Flags } from '@oclif/core';
import { UmdError } from '../core/errors.js';
import { driverSearchPath } from '../core/paths.js';
import { connectDaemon } from '../client/launcher.js';
import { printUmdError } from './print-error.js';
import type { DaemonConnection } from '../client/connection.js';

interface OclifError {
  message: string;
  oclif?: { exit?: number };
}

/**
 * What every umd command shares: `--json`, errors printed as one `umd:`
 * line (or `{"error": ...}` with --json) with exit 1, usage errors with
 * exit 2, and a daemon connection that is closed when the command ends.
 */
export abstract class UmdCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    'runtime-dir': Flags.string({
      summary: 'The daemon runtime directory (socket, blob copies, log).',
      env: 'UMD_RUNTIME_DIR',
      helpGroup: 'GLOBAL',
    }),
  };

  #connection: DaemonConnection | null = null;

  /** The daemon's connection, starting the daemon when none answers. */
  protected async daemon(flags: { 'runtime-dir'?: string | undefined }, options: { autostart?: boolean } = {}): Promise<DaemonConnection> {
    if (this.#connection) return this.#connection;
    this.#connection = await connectDaemon({
      ...(flags['runtime-dir'] ? { runtimeDir: flags['runtime-dir'] } : {}),
      ...options,
    });
    return this.#connection;
  }

  /** The driver search path of this client: UMD_DRIVER_PATH, then the built-in drivers. */
  protected searchPath(): string[] {
    return driverSearchPath();
  }

  override async catch(error: Error & OclifError): Promise<unknown> {
    if (error instanceof UmdError) {
      process.exitCode = 1;
      if (this.jsonEnabled()) this.logJson({ error: error.toJSON() });
      else printUmdError(error);
      return undefined;
    }
    if (error.oclif?.exit === 2) {
      process.exitCode = 2;
      const message = error.message.replace(/\n\s*See more help with --help$/, '');
      if (this.jsonEnabled()) this.logJson({ error: { code: 'EUSAGE', message } });
      else process.stderr.write(`umd: usage: ${message.split('\n').join('\numd: ')}\numd: hint: see \`umd ${this.id?.replace(':', ' ') ?? ''} --help\`\n`);
      return undefined;
    }
    return super.catch(error);
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    this.#connection?.close();
    this.#connection = null;
    return super.finally(error);
  }
}
