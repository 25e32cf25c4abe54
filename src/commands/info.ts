import { escapeControl } from '../core/escape.js';
import { driverArg } from '../cli/args.js';
import { count } from '../core/plural.js';
import { UmdCommand } from '../cli/base.js';
import { describeSandbox } from '../sandbox/describe.js';
import type { InfoResult } from '../protocol/messages.js';

export default class Info extends UmdCommand {
  static override summary = "Show a driver's package, handler, digest, manager and message sizes (modinfo).";
  static override description = [
    "Shows what the driver's package declares (driver.json), whether the blob on disk matches its sha256, the sandbox its handlers run in, its state and counters, and its last error in full. Works for drivers that are not loaded; nothing is started.",
    'Exit status: 0; 1 when the driver is not found (ENOENT) or its package is invalid (EINVAL); 2 usage error.',
    '--json: {"driver", "description", "packageDir", "manifest", "handler", "sha256", "blobSha256", "manager", "managerName", "handlerName", "loaderName", "fields", "requestSize", "replySize", "timeoutMs", "env", "sandbox", "status": {"name", "state", "pid", "requests", "restarts", "failures", "lastError"}}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> info sample', '<%= config.bin %> info sample --json'];
  static override args = { driver: driverArg };

  async run(): Promise<InfoResult> {
    const { args, flags } = await this.parse(Info);
    const daemon = await this.daemon(flags);
    const info = await daemon.request('info', { driver: args.driver, searchPath: this.searchPath() });
    const digest =
      info.blobSha256 === null ? 'blob missing' : info.blobSha256 === info.sha256 ? 'matches' : `MISMATCH: blob is ${info.blobSha256}`;
    const fields: Array<[string, string]> = [
      ['driver', info.driver],
      ['description', info.description ?? '-'],
      ['package', info.packageDir],
      ['manifest', info.manifest],
      ['handler', info.handler],
      ['sha256', `${info.sha256} (${digest}; the private copy is checked again before every start)`],
      ['manager', `${info.manager} (${info.managerName})`],
      ['handler name', info.handlerName],
      ['loader name', info.loaderName ?? '-'],
      ['request size', `${info.requestSize} bytes`],
      ['reply size', `${info.replySize} bytes`],
      ['timeout', `${info.timeoutMs} ms`],
      ['env', envLine(info.env)],
      ...(info.sandbox.status === 'error' ? [['sandbox', `cannot tell: ${info.sandbox.error.message}`] as [string, string]] : describeSandbox(info.sandbox)),
      ['state', info.status.pid === null ? info.status.state : `${info.status.state} (pid ${info.status.pid})`],
      ['counters', `${count(info.status.requests, 'request')}, ${count(info.status.restarts, 'restart')}, ${count(info.status.failures, 'failure')}`],
      ['last error', info.status.lastError ? `${info.status.lastError.code}: ${info.status.lastError.message}` : '-'],
    ];
    const width = Math.max(...fields.map(([k]) => k.length)) + 1;
    // Every value may come from a package or a handler: shown escaped, never as terminal controls.
    for (const [key, value] of fields) this.log(`${`${key}:`.padEnd(width)} ${escapeControl(value)}`);
    return info;
  }
}

function envLine(env: Record<string, string>): string {
  const pairs = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return pairs.length === 0 ? '(empty: the handler gets no environment)' : pairs.join(' ');
}
