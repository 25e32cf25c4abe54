import { count } from '../core/plural.js';
import type { SelftestProgress, SelftestResult } from './run.js';

/** The selftest's last line, in the kernel script's words where it has them; it always names the seed. */
export function verdictLine(result: SelftestResult): string {
  const counts = `${result.completed}/${result.iterations} iterations, ${count(result.unloads, 'unload')}, ${count(result.reloads, 'reload')}, ${result.seconds.toFixed(2)} s, seed ${result.seed}`;
  switch (result.result) {
    case 'pass':
      return `umd_mgmt: ${counts} [PASS]`;
    case 'skip':
      return `umd_mgmt: driver ${result.driver} not found, seed ${result.seed} [SKIP]`;
    case 'fail': {
      const where = result.error?.iteration === undefined ? 'before the first iteration' : `at iteration ${result.error.iteration}`;
      return `umd_mgmt: test failed ${where}: ${counts} [FAIL]`;
    }
  }
}

/** What is printed when the run is interrupted (Ctrl-C): how far it got, and how to replay it. */
export function interruptedLine(result: { iterations: number; seed: number }, done: number): string {
  return `umd_mgmt: interrupted after ${done}/${result.iterations} iterations, seed ${result.seed}; replay with \`umd selftest --seed ${result.seed}\``;
}

/** One plain line every `every` iterations, for logs that are not a terminal. */
export function plainProgress(iterations: number, every = 50): (p: SelftestProgress) => string | null {
  return (p) => {
    const done = p.iteration + 1;
    return done % every === 0 || done === iterations ? `umd_mgmt: ${done}/${iterations} ok` : null;
  };
}
