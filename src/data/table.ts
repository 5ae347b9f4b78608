/**
 * @module data/table
 * A sheet held by column in typed arrays, built row by row as a reader streams: numbers and dates in
 * Float64Arrays, text dictionary-encoded, so memory follows the cell count, not the string count.
 */
import { ZhikuError } from '../errors.js';
import { type Cell, readCell } from './values.js';

export type ColumnType = 'number' | 'date' | 'text' | 'empty';

const KIND = { empty: 0, number: 1, date: 2, text: 3 } as const;

export class Column {
  readonly name: string;
  #values = new Float64Array(1024);
  #kinds = new Uint8Array(1024);
  #length = 0;
  readonly #dictionary: string[] = [];
  readonly #codes = new Map<string, number>();

  constructor(name: string) {
    this.name = name;
  }

  get length(): number {
    return this.#length;
  }

  push(cell: Cell): void {
    if (this.#length === this.#values.length) {
      const values = new Float64Array(this.#values.length * 2);
      values.set(this.#values);
      this.#values = values;
      const kinds = new Uint8Array(this.#kinds.length * 2);
      kinds.set(this.#kinds);
      this.#kinds = kinds;
    }
    const at = this.#length++;
    this.#kinds[at] = KIND[cell.kind];
    if (cell.kind === 'number' || cell.kind === 'date') this.#values[at] = cell.value;
    else if (cell.kind === 'text') {
      let code = this.#codes.get(cell.value);
      if (code === undefined) {
        code = this.#dictionary.push(cell.value) - 1;
        this.#codes.set(cell.value, code);
      }
      this.#values[at] = code;
    }
  }

  /** Number of cells of each kind. */
  counts(): Record<ColumnType, number> {
    const counts = { empty: 0, number: 0, date: 0, text: 0 };
    for (let i = 0; i < this.#length; i++) counts[(['empty', 'number', 'date', 'text'] as const)[this.#kinds[i]!]!]++;
    return counts;
  }

  /** The column's type: the kind of at least 90 % of its non-empty cells, else text. */
  type(): ColumnType {
    const counts = this.counts();
    const filled = counts.number + counts.date + counts.text;
    if (!filled) return 'empty';
    if (counts.number >= filled * 0.9) return 'number';
    if (counts.date >= filled * 0.9) return 'date';
    return 'text';
  }

  /** The value at a row as the column's type reads it: null for empty cells and cells of another kind. */
  number(row: number): number | null {
    const kind = this.#kinds[row];
    return kind === KIND.number || kind === KIND.date ? this.#values[row]! : null;
  }

  text(row: number): string | null {
    const kind = this.#kinds[row];
    if (kind === KIND.text) return this.#dictionary[this.#values[row]!]!;
    if (kind === KIND.number) return String(this.#values[row]);
    if (kind === KIND.date) return new Date(this.#values[row]!).toISOString().slice(0, 10);
    return null;
  }

  kindAt(row: number): ColumnType {
    return (['empty', 'number', 'date', 'text'] as const)[this.#kinds[row]!]!;
  }
}

export interface Sheet {
  name: string;
  columns: Column[];
  rows: number;
}

export interface SheetLimits {
  /** Cells held per sheet; a larger sheet is refused (nothing stored) rather than truncated. */
  maxCells: number;
}

export const DEFAULT_SHEET_LIMITS: SheetLimits = { maxCells: 20_000_000 };

/** Builds a sheet from a header row and streamed data rows. */
export class SheetBuilder {
  readonly #name: string;
  readonly #item: string;
  readonly #limits: SheetLimits;
  #columns: Column[] | null = null;
  #rows = 0;

  constructor(name: string, item: string, limits = DEFAULT_SHEET_LIMITS) {
    this.#name = name;
    this.#item = item;
    this.#limits = limits;
  }

  /** The first non-empty row is the header; later rows are data. */
  add(raw: readonly unknown[]): void {
    if (!this.#columns) {
      if (raw.every((value) => readCell(value).kind === 'empty')) return;
      this.#columns = uniqueNames(raw.map((value, index) => readCell(value)).map((cell, index) => (cell.kind === 'empty' ? `column ${index + 1}` : cellText(cell)))).map(
        (name) => new Column(name),
      );
      return;
    }
    if (raw.every((value) => readCell(value).kind === 'empty')) return;
    const columns = this.#columns;
    // Rows wider than the header get named columns of their own, back-filled with empties.
    while (raw.length > columns.length) {
      const column = new Column(`column ${columns.length + 1}`);
      for (let i = 0; i < this.#rows; i++) column.push({ kind: 'empty' });
      columns.push(column);
    }
    if ((this.#rows + 1) * columns.length > this.#limits.maxCells) {
      throw new ZhikuError(
        'E_INVALID_INPUT',
        `sheet "${this.#name}" has more than ${this.#limits.maxCells.toLocaleString('en-US')} cells (${columns.length} columns × over ${this.#rows.toLocaleString('en-US')} rows); nothing was stored`,
        { item: this.#item },
      );
    }
    columns.forEach((column, index) => column.push(readCell(raw[index])));
    this.#rows++;
  }

  build(): Sheet {
    return { name: this.#name, columns: this.#columns ?? [], rows: this.#rows };
  }
}

function cellText(cell: Cell): string {
  if (cell.kind === 'date') return new Date(cell.value).toISOString().slice(0, 10);
  return cell.kind === 'empty' ? '' : String(cell.value);
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count ? `${name} (${count + 1})` : name;
  });
}
