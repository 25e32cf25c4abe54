import test from 'ava';

/**
 * `test` when `condition` holds; otherwise `test.skip` with `why` in the
 * title, so that a skipped test says why: `only(root, 'needs root')('title', ...)`.
 * Takes the title first, then an implementation or a macro and its arguments.
 */
export function only(condition: boolean, why: string): typeof test {
  if (condition) return test;
  const skip = test.skip as unknown as (title: string, ...rest: unknown[]) => void;
  return ((title: string, ...rest: unknown[]) => skip(`${title} [skipped: ${why}]`, ...rest)) as unknown as typeof test;
}
