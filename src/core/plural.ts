/** `1 byte`, `2 bytes`; `plural` when adding an s will not do. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
