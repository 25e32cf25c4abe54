import { Flags } from '@oclif/core';
import { randomInt } from 'node:crypto';
import { UmdCommand } from '../cli/base.js';
import { daemonTarget, finishSelftest, runPlain, unreachable } from '../cli/selftest-run.js';
import { runSelftest, SELFTEST_DEFAULTS, type SelftestResult, type SelftestTarget } from '../selftest/run.js';
import type { DaemonConnection } from '../client/connection.js';

export default class Selftest extends UmdCommand {
  static override summary = "Run the kernel's umd_mgmt selftest against a driver: random sends, with unloads and on-demand reloads.";
  static override description =
    'Reproduces tools/testing/selftests/umd_mgmt/umd_mgmt.sh: 500 times, send the offset (RANDOM % 128) * 1024; after iterations 0, 50, ..., 450 unload the driver, so the next send must load it on demand and start a fresh handler. Exit 0 on pass, 1 on failure, 4 (skip) if the driver cannot be found or loaded. --seed N replays the offsets bash would draw after RANDOM=N.';
  static override examples = ['<%= config.bin %> selftest', '<%= config.bin %> selftest --seed 42 --json', '<%= config.bin %> selftest --iterations 100 --unload-every 10'];
  static override flags = {
    driver: Flags.string({ summary: 'The driver to test (its manager must take decimal offsets).', default: SELFTEST_DEFAULTS.driver }),
    iterations: Flags.integer({ summary: 'How many requests to send.', default: SELFTEST_DEFAULTS.iterations, min: 1 }),
    'unload-every': Flags.integer({ summary: 'Unload after iteration i when i % N == 0.', default: SELFTEST_DEFAULTS.unloadEvery, min: 1 }),
    seed: Flags.integer({ summary: 'Seed for the bash-compatible $RANDOM (default: a random one, printed).', min: 0, max: 2 ** 32 - 1 }),
  };

  async run(): Promise<SelftestResult> {
    const { flags } = await this.parse(Selftest);
    const options = { driver: flags.driver, iterations: flags.iterations, unloadEvery: flags['unload-every'], seed: flags.seed ?? randomInt(2 ** 31) };
    const output = { json: this.jsonEnabled(), log: (line: string) => this.log(line) };
    let daemon: DaemonConnection;
    try {
      daemon = await this.daemon(flags);
    } catch (error) {
      return finishSelftest(unreachable(options, error), output);
    }
    const target = daemonTarget(daemon, this.searchPath());
    const interactive = process.stdout.isTTY && !this.jsonEnabled();
    const result = interactive ? await this.#runWithListr(target, options) : await runPlain(target, options, output.log);
    return finishSelftest(result, output);
  }

  async #runWithListr(target: SelftestTarget, options: Parameters<typeof runSelftest>[1]): Promise<SelftestResult> {
    const { Listr } = await import('listr2');
    let result: SelftestResult | undefined;
    const list = new Listr(
      [
        {
          title: `umd_mgmt selftest: ${options.iterations} sends to ${options.driver}, unload every ${options.unloadEvery} (seed ${options.seed})`,
          task: async (_ctx, task) => {
            result = await runSelftest(target, options, (p) => {
              if (p.iteration % 10 === 0 || p.iteration + 1 === options.iterations) {
                task.output = `iteration ${p.iteration + 1}/${options.iterations}, offset ${p.offset}${p.unloaded ? ', unloaded' : ''}`;
              }
            });
            if (result.result !== 'pass') throw new Error(result.error?.message ?? result.result);
          },
        },
      ],
      { exitOnError: true, rendererOptions: { collapseErrors: false } },
    );
    await list.run().catch(() => undefined);
    return result as SelftestResult;
  }
}
