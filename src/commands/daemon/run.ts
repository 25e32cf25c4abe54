import { Flags } from '@oclif/core';
import { runtimeDirOption, UmdCommand } from '../../cli/base.js';
import { runDaemon, type DaemonRunResult } from '../../cli/daemon-main.js';
import { runtimeDir } from '../../core/paths.js';

export default class DaemonRun extends UmdCommand {
  static override summary = 'Run the daemon in the foreground (for a service manager).';
  static override description =
    'Serves the control socket of the runtime dir until SIGTERM, SIGINT or `umd daemon stop`; then kills every handler and removes the socket. Exits 1 with EEXIST when another daemon already serves the directory.';
  static override examples = ['<%= config.bin %> daemon run', 'UMD_RUNTIME_DIR=/run/umd <%= config.bin %> daemon run'];
  static override flags = {
    'if-absent': Flags.boolean({ summary: 'Exit 0, quietly, when another daemon already serves the directory.', hidden: true }),
  };

  async run(): Promise<DaemonRunResult> {
    const { flags } = await this.parse(DaemonRun);
    return runDaemon(runtimeDirOption(flags).runtimeDir ?? runtimeDir(), {
      ifAbsent: flags['if-absent'],
      onReady: (daemon) => this.log(`umd: daemon pid ${process.pid} serving ${daemon.paths.socket}`),
    });
  }
}
