import { UmdCommand } from '../../cli/base.js';
import type { DaemonStatus } from '../../protocol/messages.js';

export default class DaemonStatusCommand extends UmdCommand {
  static override summary = 'Show whether the daemon runs, its pid, socket and drivers; exit 1 if it does not run.';
  static override examples = ['<%= config.bin %> daemon status', '<%= config.bin %> daemon status --json'];

  async run(): Promise<DaemonStatus> {
    const { flags } = await this.parse(DaemonStatusCommand);
    const daemon = await this.daemon(flags, { autostart: false });
    const s = await daemon.request('status', {});
    this.log(`umd: daemon pid ${s.pid} (umd ${s.version}) serving ${s.socket}`);
    this.log(`umd: up ${(s.uptimeMs / 1000).toFixed(1)} s, ${s.drivers} drivers known, ${s.loaded} loaded`);
    return s;
  }
}
