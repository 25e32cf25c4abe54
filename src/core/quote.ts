/**
 * A value quoted for an error message, cut so that a huge input cannot make
 * a huge message: `"abc"`, or `"aaaa…" (60000 bytes)` past `max` characters.
 */
export function quote(value: unknown, max = 40): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return 'nothing';
  if (text.length <= max) return typeof value === 'string' ? JSON.stringify(text) : text;
  const head = text.slice(0, max);
  const shown = typeof value === 'string' ? `${JSON.stringify(head).slice(0, -1)}…"` : `${head}…`;
  return `${shown} (${Buffer.byteLength(text)} bytes)`;
}
