/** Paints one laid-out cell (column `col` of a body row); padding is already in `text`. */
export type CellPainter = (col: number, value: string, text: string) => string;

/** Lays rows out in left-aligned columns, as lsmod and ps do; colour goes on after the padding. */
export function table(header: string[], rows: string[][], paint: CellPainter = (_c, _v, text) => text): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], painter: CellPainter) =>
    cells
      .map((c, i) => painter(i, c, i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header, (_c, _v, text) => text), ...rows.map((row) => line(row, paint))].join('\n');
}
