import { UmdCommand } from '../../cli/base.js';
import type { DaemonStatus } from '../../protocol/messages.js';

export default class DaemonStart extends UmdCommand {
  static override summary = 'Start the daemon in the background, unless one already runs.';
  static override description = [
    'Starts `umd daemon run` detached (its output goes to umd.log in the runtime dir) and waits up to UMD_DAEMON_START_TIMEOUT_MS (5000) for it to answer. Every other command does the same when no daemon answers, so this is rarely needed. Says whether it started one or one was already running.',
    'Exit status: 0 a daemon runs (started now or before); 1 it could not be started.',
    '--json: {"started": true|false, "pid", "version", "runtimeDir", "socket", "startedAt", "uptimeMs", "drivers", "loaded"}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> daemon start', '<%= config.bin %> daemon start --json'];

  async run(): Promise<DaemonStatus & { started: boolean }> {
    const { flags } = await this.parse(DaemonStart);
    const daemon = await this.daemon(flags);
    const status = await daemon.request('status', {});
    const started = daemon.launchedPid === status.pid;
    this.log(started ? `umd: started daemon pid ${status.pid} serving ${status.socket}` : `umd: daemon pid ${status.pid} was already running, serving ${status.socket}`);
    return { started, ...status };
  }
}
