import { Flags } from '@oclif/core';
import { runtimeDirOption, UmdCommand } from '../../cli/base.js';
import type { DaemonRunResult } from '../../cli/daemon-main.js';
import { envRuntimeDir } from '../../cli/context.js';

export default class DaemonRun extends UmdCommand {
  static override summary = 'Run the daemon in the foreground (for a service manager).';
  static override description = [
    'Serves the control socket of the runtime dir until SIGTERM, SIGINT or `umd daemon stop`; then kills every handler and removes the socket. Every log event is written to umd.log and echoed, one line each: information on stdout, warnings and errors on stderr. Under systemd (JOURNAL_STREAM set) the lines carry a syslog priority prefix (<6>, <4>, <3>) and no time, which the journal adds. With socket activation (LISTEN_FDS=1 and LISTEN_PID, as systemd sets them) the daemon serves the listening socket passed as fd 3 instead of binding one. See examples/systemd/.',
    'Exit status: 0 after a stop; 1 when another daemon already serves the directory (EEXIST) or it cannot start; 70 after an internal error.',
    '--json: {"pid", "reason"} when it ends.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> daemon run', 'UMD_RUNTIME_DIR=/run/umd <%= config.bin %> daemon run'];
  static override flags = {
    'if-absent': Flags.boolean({ summary: 'Exit 0, quietly, when another daemon already serves the directory.', hidden: true }),
  };

  async run(): Promise<DaemonRunResult> {
    const { flags } = await this.parse(DaemonRun);
    const quiet = this.jsonEnabled() || flags.quiet;
    // The daemon's code is loaded only when it runs: every other command loads this class too (bench/README.md, P3).
    const { daemonRunCommand } = await import('../../cli/daemon-main.js');
    return daemonRunCommand(runtimeDirOption(flags).runtimeDir ?? envRuntimeDir(), { ifAbsent: flags['if-absent'], quiet, log: (line) => this.log(line) });
  }
}
