import chalk from 'chalk';
import { writeSync } from 'node:fs';
import type { DaemonConnection } from '../client/connection.js';
import { emptySelftestResult, KSFT_EXIT, runSelftest, type SelftestOptions, type SelftestResult, type SelftestTarget } from '../selftest/run.js';
import { interruptedLine, plainProgress, verdictLine } from '../selftest/reporter.js';

/** The selftest's target: the daemon, reached as `umd load`, `send` and `unload` reach it; `progress.done` counts the sends answered. */
export function daemonTarget(daemon: DaemonConnection, searchPath: string[], progress: { done: number } = { done: 0 }): SelftestTarget {
  return {
    load: async (driver) => daemon.request('load', { driver, searchPath }),
    send: async (driver, input) => {
      const sent = await daemon.request('send', { driver, input, searchPath });
      progress.done++;
      return sent;
    },
    unload: async (driver) => daemon.request('unload', { driver }),
  };
}

/**
 * Ctrl-C ends the selftest with status 130 (128 + SIGINT), after saying how
 * far it got and the seed that replays it. Returns the function that removes
 * the handler. Nothing else (listr2's own handler exits 127) may take SIGINT.
 */
export function exitOnInterrupt(options: SelftestOptions, progress: { done: number }, json: boolean): () => void {
  const onSigint = () => {
    const line = interruptedLine(options, progress.done);
    // Straight to the descriptor: listr2 holds process.stdout's writes back while it renders. On a terminal, show the cursor it hid.
    if (json) writeSync(1, `${JSON.stringify({ error: { code: 'EINTR', message: line }, seed: options.seed, completed: progress.done }, null, 2)}\n`);
    else writeSync(1, `${process.stdout.isTTY ? '\x1b[?25h' : ''}\n${line}\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}

/** Runs the selftest with one plain progress line every 50 iterations, for output that is not a terminal. */
export async function runPlain(target: SelftestTarget, options: SelftestOptions, log: (line: string) => void): Promise<SelftestResult> {
  const line = plainProgress(options.iterations);
  return runSelftest(target, options, (p) => {
    const text = line(p);
    if (text) log(text);
  });
}

/** The result when no daemon can be reached: a failure (skip is only for a driver that is not there). */
export function unreachable(options: SelftestOptions, error: unknown): SelftestResult {
  const code = (error as { code?: string }).code ?? 'ECONNREFUSED';
  return { ...emptySelftestResult(options, 'fail'), error: { code, message: (error as Error).message } };
}

/** Sets kselftest's exit status; unless `json`, prints why it failed or skipped, then the verdict line. */
export function finishSelftest(result: SelftestResult, output: { json: boolean; log: (line: string) => void }): SelftestResult {
  process.exitCode = KSFT_EXIT[result.result];
  if (!output.json) {
    if (result.result === 'fail' && result.error) {
      const where = result.error.iteration === undefined ? '' : `iteration ${result.error.iteration}, offset ${result.error.offset}: `;
      process.stderr.write(`umd: selftest: ${where}${result.error.code}: ${result.error.message}\n`);
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

/** How `umd selftest` reaches the daemon and reports, as the oclif command and the fast path each set it up. */
export interface SelftestIo {
  json: boolean;
  log: (line: string) => void;
  connect: () => Promise<DaemonConnection>;
  searchPath: string[];
  /** The live progress for a terminal (listr2); without it, plain lines. */
  interactive?: (target: SelftestTarget, options: SelftestOptions) => Promise<SelftestResult>;
}

/** The body of `umd selftest` once its options are known: connect, run with Ctrl-C handled, report, set the exit status. */
export async function selftestCommand(options: SelftestOptions, io: SelftestIo): Promise<SelftestResult> {
  const output = { json: io.json, log: io.log };
  let daemon: DaemonConnection;
  try {
    daemon = await io.connect();
  } catch (error) {
    return finishSelftest(unreachable(options, error), output);
  }
  const progress = { done: 0 };
  const target = daemonTarget(daemon, io.searchPath, progress);
  const stopListening = exitOnInterrupt(options, progress, io.json);
  try {
    const result = io.interactive ? await io.interactive(target, options) : await runPlain(target, options, io.log);
    return finishSelftest(result, output);
  } finally {
    stopListening();
  }
}
