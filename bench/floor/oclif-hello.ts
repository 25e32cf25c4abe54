// The oclif floor of P3: the smallest oclif CLI there is, one command that
// parses its flags and prints a small JSON object (`hello --json`). With
// UMD_RUNTIME_DIR set it first asks the daemon there for its `list` over
// umd's client connection (src/client/connection.ts, the wire and nothing
// else of umd), as `umd list --json` does. bench/lib/oclif-floor.ts bundles it and
// starts it the way bin/run.js starts umd (CommonJS loader, ASCII bundle read
// as latin1, a V8 code cache written after a warm-up run), so what it costs
// over `node -e 0` is what oclif costs a command by itself on this machine.
import { Command, Flags, flush, run } from '@oclif/core';
import path from 'node:path';
import { DaemonConnection } from '../../src/client/connection.js';

class Hello extends Command {
  static override enableJsonFlag = true;
  static override summary = 'Print a greeting.';
  static override flags = { name: Flags.string({ summary: 'Whom to greet.', default: 'umd' }) };

  async run(): Promise<{ hello: string; drivers?: number }> {
    const { flags } = await this.parse(Hello);
    const dir = process.env.UMD_RUNTIME_DIR;
    if (!dir) return { hello: flags.name };
    const daemon = await DaemonConnection.connect(path.join(dir, 'umd.sock'));
    try {
      const list = await daemon.request('list', { searchPath: (process.env.UMD_DRIVER_PATH ?? '').split(':').filter(Boolean) });
      return { hello: flags.name, drivers: list.length };
    } finally {
      daemon.close();
    }
  }
}

/** oclif's explicit command index (the floor's package.json names this module). */
export const COMMANDS = { hello: Hello };

/** `hello ARGV...` with the floor's package root. */
export async function main(argv: string[], root: string): Promise<void> {
  await run(argv, { root });
  await flush();
}
