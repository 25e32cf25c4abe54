import chalk from 'chalk';
import type { DaemonConnection } from '../client/connection.js';
import { emptySelftestResult, KSFT_EXIT, runSelftest, type SelftestOptions, type SelftestResult, type SelftestTarget } from '../selftest/run.js';
import { plainProgress, verdictLine } from '../selftest/reporter.js';

/** The selftest's target: the daemon, reached as `umd load`, `send` and `unload` reach it. */
export function daemonTarget(daemon: DaemonConnection, searchPath: string[]): SelftestTarget {
  return {
    load: async (driver) => daemon.request('load', { driver, searchPath }),
    send: async (driver, input) => daemon.request('send', { driver, input, searchPath }),
    unload: async (driver) => daemon.request('unload', { driver }),
  };
}

/** Runs the selftest with one plain progress line every 50 iterations, for output that is not a terminal. */
export async function runPlain(target: SelftestTarget, options: SelftestOptions, log: (line: string) => void): Promise<SelftestResult> {
  const line = plainProgress(options.iterations);
  return runSelftest(target, options, (p) => {
    const text = line(p);
    if (text) log(text);
  });
}

/** The result when no daemon can be reached: a skip. */
export function unreachable(options: SelftestOptions, error: unknown): SelftestResult {
  return { ...emptySelftestResult(options, 'skip'), error: { code: 'ECONNREFUSED', message: (error as Error).message } };
}

/** Sets kselftest's exit status; unless `json`, prints why it failed or skipped, then the verdict line. */
export function finishSelftest(result: SelftestResult, output: { json: boolean; log: (line: string) => void }): SelftestResult {
  process.exitCode = KSFT_EXIT[result.result];
  if (!output.json) {
    if (result.result === 'fail' && result.error) {
      process.stderr.write(`umd: selftest: iteration ${result.error.iteration}, offset ${result.error.offset}: ${result.error.code}: ${result.error.message}\n`);
    }
    if (result.result === 'skip' && result.error) process.stderr.write(`umd: selftest: ${result.error.code}: ${result.error.message}\n`);
    output.log(paintVerdict(result.result, verdictLine(result)));
  }
  return result;
}

/** The verdict in green, red or yellow on a terminal; plain elsewhere. */
function paintVerdict(verdict: SelftestResult['result'], line: string): string {
  return verdict === 'pass' ? chalk.green(line) : verdict === 'fail' ? chalk.red(line) : chalk.yellow(line);
}
