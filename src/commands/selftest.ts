import { Flags } from '@oclif/core';
import { UmdCommand } from '../cli/base.js';
import { selftestCommand } from '../cli/selftest-run.js';
import { runSelftest, SELFTEST_DEFAULTS, type SelftestResult, type SelftestTarget } from '../selftest/run.js';

export default class Selftest extends UmdCommand {
  static override summary = "Run the kernel's umd_mgmt selftest against a driver: random sends, with unloads and on-demand reloads.";
  static override description =
    [
    'Reproduces tools/testing/selftests/umd_mgmt/umd_mgmt.sh: 500 times, send the offset (RANDOM % 128) * 1024; after iterations 0, 50, ..., 450 unload the driver, so the next send must load it on demand and start a fresh handler. --seed N replays the offsets bash would draw after RANDOM=N; without it a random seed is used. The last line always names the seed. On a terminal the progress is live; elsewhere one line every 50 iterations.',
    'Exit status (kselftest): 0 pass; 1 failure (a send failed, the driver is there but cannot be loaded, e.g. its blob fails the digest check, or no daemon can be reached); 4 skip (the driver is not found); 130 interrupted (Ctrl-C), after a line with the seed that replays the run; 2 usage error.',
    '--json: {"result": "pass"|"fail"|"skip", "driver", "seed", "iterations", "completed", "unloads", "reloads", "failures", "seconds", "error"?: {"code", "message", "iteration"?, "offset"?}}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> selftest', '<%= config.bin %> selftest --seed 42 --json', '<%= config.bin %> selftest --iterations 100 --unload-every 10'];
  static override flags = {
    driver: Flags.string({ summary: 'The driver to test (its manager must take decimal offsets).', default: SELFTEST_DEFAULTS.driver }),
    iterations: Flags.integer({ summary: 'How many requests to send, from 1 to 1000000.', default: SELFTEST_DEFAULTS.iterations, min: 1, max: 1_000_000 }),
    'unload-every': Flags.integer({ summary: 'Unload after iteration i when i % N == 0; from 1 to 1000000.', default: SELFTEST_DEFAULTS.unloadEvery, min: 1, max: 1_000_000 }),
    seed: Flags.integer({ summary: 'Seed for the bash-compatible $RANDOM, from 0 to 4294967295 (default: a random one, printed).', min: 0, max: 2 ** 32 - 1 }),
  };

  async run(): Promise<SelftestResult> {
    const { flags } = await this.parse(Selftest);
    // node:crypto only when it runs (every command loads this class; bench/README.md, P3).
    const { randomInt } = await import('node:crypto');
    const options = { driver: flags.driver, iterations: flags.iterations, unloadEvery: flags['unload-every'], seed: flags.seed ?? randomInt(2 ** 31) };
    const interactive = process.stdout.isTTY && !this.jsonEnabled();
    return selftestCommand(options, {
      json: this.jsonEnabled(),
      log: (line) => this.log(line),
      connect: async () => this.daemon(flags),
      searchPath: this.searchPath(),
      ...(interactive ? { interactive: async (target, opts) => this.#runWithListr(target, opts) } : {}),
    });
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
      { exitOnError: true, registerSignalListeners: false, rendererOptions: { collapseErrors: false } },
    );
    await list.run().catch(() => undefined);
    return result as SelftestResult;
  }
}
