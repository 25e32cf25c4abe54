import { runtimeDirOption, UmdCommand } from '../../cli/base.js';
import { gone, killDaemon } from '../../cli/daemon-kill.js';
import { probeDaemon, STOP_GRACE_MS } from '../../cli/daemon-probe.js';
import { readRecord } from '../../core/daemon-record.js';
import { UmdError } from '../../core/errors.js';

export interface StopResult {
  pid: number | null;
  wasRunning: boolean;
  /** How it ended: `asked` (it shut down on request), `SIGTERM` or `SIGKILL` (it did not answer). */
  how: 'asked' | 'SIGTERM' | 'SIGKILL' | null;
}

export default class DaemonStop extends UmdCommand {
  static override summary = 'Stop the daemon: every handler is killed and the socket removed. Not running is fine.';
  static override description = [
    'Asks the daemon to shut down and waits for it. A daemon that does not answer within UMD_STOP_GRACE_MS (3000), or is stopped (kill -STOP), is ended by the pid in umd.pid: SIGTERM (with SIGCONT), then SIGKILL after the same grace; the output says which it took.',
    'Exit status: 0 the daemon is gone (or none was running); 1 it could not be ended.',
    '--json: {"pid": N | null, "wasRunning": true|false, "how": "asked"|"SIGTERM"|"SIGKILL"|null}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> daemon stop', '<%= config.bin %> daemon stop --json'];

  async run(): Promise<StopResult> {
    const { flags } = await this.parse(DaemonStop);
    const probe = await probeDaemon(runtimeDirOption(flags).runtimeDir);
    if (probe.state === 'none') {
      this.log('umd: no daemon was running');
      return { pid: null, wasRunning: false, how: null };
    }
    if (probe.state === 'stuck') {
      const how = await killDaemon(probe.pid, probe.paths, STOP_GRACE_MS);
      this.log(`umd: daemon pid ${probe.pid} ${probe.why}; ${how}`);
      return { pid: probe.pid, wasRunning: true, how: how.includes('SIGKILL') ? 'SIGKILL' : 'SIGTERM' };
    }
    const daemon = probe.connection;
    try {
      const { pid } = await daemon.request('shutdown', {}, { timeoutMs: STOP_GRACE_MS });
      await daemon.closed();
      // It has let go of its clients; "stopped" is said once its handlers are killed and it has exited.
      if (!(await gone(pid, 2 * STOP_GRACE_MS))) {
        const how = await killDaemon(pid, probe.paths, STOP_GRACE_MS);
        this.log(`umd: daemon pid ${pid} did not finish shutting down; ${how}`);
        return { pid, wasRunning: true, how: how.includes('SIGKILL') ? 'SIGKILL' : 'SIGTERM' };
      }
      this.log(`umd: daemon pid ${pid} stopped`);
      return { pid, wasRunning: true, how: 'asked' };
    } catch (error) {
      if (!(error instanceof UmdError) || error.code !== 'ETIMEDOUT') throw error;
      daemon.close();
      const record = readRecord(probe.paths.dir);
      if (!record) throw error;
      const how = await killDaemon(record.pid, probe.paths, STOP_GRACE_MS);
      this.log(`umd: daemon pid ${record.pid} did not shut down within ${STOP_GRACE_MS} ms; ${how}`);
      return { pid: record.pid, wasRunning: true, how: how.includes('SIGKILL') ? 'SIGKILL' : 'SIGTERM' };
    }
  }
}
