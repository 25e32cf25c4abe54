// `npm run bench`: every figure of umd against its physical limit, measured
// side by side in one run on this machine; prints one table (or --json).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { p1 } from './figures/p1-request.js';
import { p2 } from './figures/p2-selftest.js';
import { p3 } from './figures/p3-send.js';
import { p4a } from './figures/p4a-parallel.js';
import { p4b } from './figures/p4b-memory.js';
import { p5 } from './figures/p5-start.js';
import { p6 } from './figures/p6-verify.js';
import { C_BIN, cleanUp } from './lib/env.js';
import type { BenchOptions } from './lib/options.js';
import { renderTable, type Figure } from './lib/report.js';
import { msSince } from './lib/stats.js';

const FIGURES: Record<string, (options: BenchOptions) => Promise<Figure | Figure[]>> = { P1: p1, P2: p2, P3: p3, P4a: p4a, P4b: p4b, P5: p5, P6: p6 };

const USAGE = `usage: node dist/bench/run.js [--json] [--only P1,P3,...] [--rounds N] [--requests N] [--budget SECONDS]
  --rounds    rounds per figure, each one sample of umd and one of its baseline, side by side
              (default 7; P1 runs 3×, P3, P4a and P5 2×, P2 from cold half as many)
  --requests  requests for P4b's growth check (default 100000)
  --budget    seconds P4b may spend on them before stopping short (default 60)`;

function positive(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`bench: --${what}: expected a positive integer, got ${text}\n${USAGE}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      rounds: { type: 'string' },
      requests: { type: 'string' },
      budget: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  for (const name of ['rtt', 'relay', 'selftest', 'start']) {
    if (!existsSync(path.join(C_BIN, name))) throw new Error(`bench: ${path.join(C_BIN, name)} is missing; build the C baselines with \`make -C bench\``);
  }
  const only = values.only?.split(',') ?? Object.keys(FIGURES);
  for (const id of only) if (!(id in FIGURES)) throw new Error(`bench: unknown figure ${id}; known: ${Object.keys(FIGURES).join(', ')}`);
  const options: BenchOptions = {
    rounds: positive(values.rounds, 7, 'rounds'),
    requests: positive(values.requests, 100_000, 'requests'),
    requestBudgetMs: positive(values.budget, 60, 'budget') * 1000,
    progress: (line) => process.stderr.write(`${line}\n`),
  };
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    kernel: os.release(),
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const started = process.hrtime.bigint();
  const figures: Figure[] = [];
  for (const id of only) {
    const t = process.hrtime.bigint();
    options.progress(`bench: ${id} ...`);
    const result = await (FIGURES[id])(options);
    figures.push(...(Array.isArray(result) ? result : [result]));
    options.progress(`bench: ${id} done in ${(msSince(t) / 1000).toFixed(1)} s`);
  }
  const seconds = msSince(started) / 1000;
  await cleanUp();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ machine, rounds: options.rounds, seconds, figures }, null, 2)}\n`);
    return;
  }
  const head = `umd bench: ${machine.cpus} × ${machine.cpuModel}, Linux ${machine.kernel}, node ${machine.node}, load ${machine.loadavg.join(' ')}; ${options.rounds} rounds; ${seconds.toFixed(0)} s`;
  process.stdout.write(`${head}\n\n${renderTable(figures)}\n`);
}

const interrupted = (signal: NodeJS.Signals) => {
  process.stderr.write(`bench: ${signal}: stopping the daemons\n`);
  void cleanUp().finally(() => process.exit(130));
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

try {
  await main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  await cleanUp();
  process.exitCode = 1;
}
