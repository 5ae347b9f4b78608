/**
 * @module cli/format
 * Terminal output that lines up with CJK text: widths from string-width, not `.length`.
 */
import stringWidth from 'string-width';

/** Renders rows as a padded table; cells wider than `maxWidth` are cut with an ellipsis. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidth = 48): string[] {
  const cells = [headers, ...rows].map((row) => row.map((cell) => truncate(cell.replace(/\s+/g, ' '), maxWidth)));
  const widths = headers.map((_, col) => Math.max(...cells.map((row) => stringWidth(row[col] ?? ''))));
  return cells.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : pad(cell, widths[col]!))).join('  ').trimEnd());
}

export function truncate(text: string, maxWidth: number): string {
  if (stringWidth(text) <= maxWidth) return text;
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > maxWidth - 1) break;
    out += ch;
  }
  return `${out}…`;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

/** Marks highlight ranges: bold on a terminal, 【】 in plain output. */
export function markHighlights(text: string, highlights: readonly [number, number][], ansi: boolean): string {
  let out = '';
  let at = 0;
  for (const [start, end] of highlights) {
    out += text.slice(at, start);
    const word = text.slice(start, end);
    out += ansi ? `\u001b[1;33m${word}\u001b[0m` : `【${word}】`;
    at = end;
  }
  return (out + text.slice(at)).replace(/\s*\n\s*/g, ' ');
}

export function printJson(out: (line: string) => void, value: unknown): void {
  out(JSON.stringify(value, null, 2));
}
