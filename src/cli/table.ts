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

/** The width to fit: the terminal's, else COLUMNS, else 120. */
export function outputWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isSafeInteger(columns) && columns > 0 ? columns : 120;
}

/** Cuts the last column (with `…`) so that every row fits `width`; it keeps at least 20 characters. */
export function fitLastColumn(header: string[], rows: string[][], width: number): string[][] {
  const last = header.length - 1;
  const before = header.slice(0, last).reduce((sum, h, i) => sum + Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)) + 2, 0);
  const room = Math.max(20, width - before);
  return rows.map((row) => {
    const cell = row[last] ?? '';
    return cell.length <= room ? row : [...row.slice(0, last), `${cell.slice(0, room - 1)}…`];
  });
}
