import { Flags } from '@oclif/core';
import { UmdCommand } from '../../cli/base.js';
import { UmdError } from '../../core/errors.js';
import { runtimeDir } from '../../core/paths.js';
import { Daemon } from '../../daemon/server.js';

export default class DaemonRun extends UmdCommand {
  static override summary = 'Run the daemon in the foreground (for a service manager).';
  static override description =
    'Serves the control socket of the runtime dir until SIGTERM, SIGINT or `umd daemon stop`; then kills every handler and removes the socket. Exits 1 with EEXIST when another daemon already serves the directory.';
  static override examples = ['<%= config.bin %> daemon run', 'UMD_RUNTIME_DIR=/run/umd <%= config.bin %> daemon run'];
  static override flags = {
    'if-absent': Flags.boolean({ summary: 'Exit 0, quietly, when another daemon already serves the directory.', hidden: true }),
  };

  async run(): Promise<{ pid: number; reason: string }> {
    const { flags } = await this.parse(DaemonRun);
    let daemon: Daemon;
    try {
      daemon = await Daemon.start({ runtimeDir: flags['runtime-dir'] ?? runtimeDir() });
    } catch (error) {
      if (flags['if-absent'] && error instanceof UmdError && error.code === 'EEXIST') return { pid: process.pid, reason: 'already running' };
      throw error;
    }
    let reason = 'stop requested';
    const stop = (why: string) => {
      reason = why;
      void daemon.shutdown(why);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => undefined);
    process.on('uncaughtException', (error) => {
      daemon.ring.log({ level: 'error', source: 'umd', message: `internal error: ${error.stack ?? error.message}` });
      process.exitCode = 70;
      stop('internal error');
    });
    this.log(`umd: daemon pid ${process.pid} serving ${daemon.paths.socket}`);
    await daemon.closed;
    return { pid: process.pid, reason };
  }
}
