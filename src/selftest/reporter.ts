import type { SelftestProgress, SelftestResult } from './run.js';

/** The selftest's last line, in the kernel script's words where it has them. */
export function verdictLine(result: SelftestResult): string {
  const counts = `${result.completed}/${result.iterations} iterations, ${result.unloads} unloads, ${result.reloads} reloads, ${result.seconds.toFixed(2)} s, seed ${result.seed}`;
  switch (result.result) {
    case 'pass':
      return `umd_mgmt: ${counts} [PASS]`;
    case 'skip':
      return result.error?.code === 'ENOENT'
        ? `umd_mgmt: driver ${result.driver} is not found [SKIP]`
        : `umd_mgmt: driver ${result.driver} cannot be loaded [SKIP]`;
    case 'fail':
      return 'umd_mgmt: test failed';
  }
}

/** One plain line every `every` iterations, for logs that are not a terminal. */
export function plainProgress(iterations: number, every = 50): (p: SelftestProgress) => string | null {
  return (p) => {
    const done = p.iteration + 1;
    return done % every === 0 || done === iterations ? `umd_mgmt: ${done}/${iterations} ok` : null;
  };
}
