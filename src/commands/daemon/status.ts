import { runtimeDirOption, UmdCommand } from '../../cli/base.js';
import { probeDaemon } from '../../cli/daemon-probe.js';
import { count } from '../../core/plural.js';
import { UmdError } from '../../core/errors.js';
import type { DaemonStatus } from '../../protocol/messages.js';

export default class DaemonStatusCommand extends UmdCommand {
  static override summary = 'Show whether the daemon runs, its pid, socket and drivers; exit 1 if it does not run.';
  static override description = [
    'Never starts a daemon, and answers within UMD_STOP_GRACE_MS (3000) even when the daemon does not: a daemon that is stopped (kill -STOP) or silent is reported by the pid in umd.pid. The driver counts are those `umd list` shows.',
    'Exit status: 0 the daemon runs and answers; 1 no daemon runs (ECONNREFUSED), or it does not answer (EAGAIN, ETIMEDOUT).',
    '--json: {"pid", "version", "runtimeDir", "socket", "startedAt", "uptimeMs", "drivers" (as many as `umd list` shows), "loaded"}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> daemon status', '<%= config.bin %> daemon status --json'];

  async run(): Promise<DaemonStatus> {
    const { flags } = await this.parse(DaemonStatusCommand);
    const probe = await probeDaemon(runtimeDirOption(flags).runtimeDir);
    if (probe.state === 'none') {
      throw new UmdError('ECONNREFUSED', `no umd daemon is running on ${probe.paths.socket}`, { suggestions: ['Start one with `umd daemon start`'] });
    }
    if (probe.state === 'stuck') {
      throw new UmdError(probe.why.startsWith('is stopped') ? 'EAGAIN' : 'ETIMEDOUT', `the umd daemon pid ${probe.pid} ${probe.why}`, {
        suggestions: [`Let a stopped one go on with \`kill -CONT ${probe.pid}\`, or end it with \`umd daemon stop\` (SIGTERM, then SIGKILL)`],
      });
    }
    const daemon = probe.connection;
    try {
      const [s, list] = await Promise.all([daemon.request('status', {}), daemon.request('list', { searchPath: this.searchPath() })]);
      const loaded = list.filter((e) => e.state !== 'unloaded' && e.state !== 'broken').length;
      this.log(`umd: daemon pid ${s.pid} (umd ${s.version}) serving ${s.socket}`);
      this.log(`umd: up ${(s.uptimeMs / 1000).toFixed(1)} s, ${count(list.length, 'driver')} found, ${loaded} loaded (see \`umd list\`)`);
      return { ...s, drivers: list.length, loaded };
    } finally {
      daemon.close();
    }
  }
}
