// Streaming readers for roster files: CSV (UTF-8, with or without BOM) through csv-parse, XLSX through
// exceljs's streaming WorkbookReader. Both yield rows as arrays of strings with their sheet row number
// (the header is row 1), so a fault can point at the row a person sees in a spreadsheet.
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError } from '../platform/errors.ts';

export type RosterFormat = 'csv' | 'xlsx';

export interface SheetRow {
  /** Row number as a spreadsheet shows it (1-based; the header is the first row). */
  row: number;
  cells: string[];
  /** Indexes of cells that held numbers too long for a spreadsheet to keep exactly. */
  imprecise: number[];
}

/** The format from a file name, or null when it is neither .csv nor .xlsx. */
export function formatOf(fileName: string): RosterFormat | null {
  const ext = path.extname(fileName).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : null;
}

export function readRoster(input: Readable, format: RosterFormat): AsyncGenerator<SheetRow> {
  return format === 'csv' ? readCsv(input) : readXlsx(input);
}

/** Decodes UTF-8 strictly (a GBK file fails here rather than turning into mojibake); drops a BOM. */
function strictUtf8(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      try {
        done(null, decoder.decode(chunk, { stream: true }));
      } catch {
        done(new AppError('ROSTER_ENCODING'));
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(new AppError('ROSTER_ENCODING'));
      }
    },
  });
}

async function* readCsv(input: Readable): AsyncGenerator<SheetRow> {
  const decode = strictUtf8();
  const parser = parse({ relax_column_count: true, relax_quotes: true });
  input.on('error', (err) => decode.destroy(err));
  decode.on('error', (err) => parser.destroy(err));
  input.pipe(decode).pipe(parser);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: record, imprecise: [] };
    }
  } catch (err) {
    throw readError(err, 'csv');
  } finally {
    input.unpipe();
    input.resume();
  }
}

/**
 * Keeps our own errors, turns an upload over the size limit into 413, and a library's parse error into a
 * code of ours with a zh/en message: a file that is not a workbook (or is damaged) is ROSTER_XLSX_INVALID,
 * a CSV the parser cannot follow is ROSTER_CSV_INVALID with its line, anything else ROSTER_UNREADABLE. The
 * library's own words ("invalid signature: 0x…") go only to `cause`, for whoever debugs.
 */
function readError(err: unknown, format: RosterFormat): AppError {
  if (err instanceof AppError) return err;
  if ((err as { statusCode?: number }).statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE');
  const cause = { cause: String((err as Error)?.message ?? err) };
  if (format === 'xlsx') return new AppError('ROSTER_XLSX_INVALID', {}, { extra: cause });
  const csvCode = (err as { code?: unknown }).code;
  const line = (err as { lines?: unknown }).lines;
  if (typeof csvCode === 'string' && csvCode.startsWith('CSV_') && typeof line === 'number') {
    return new AppError('ROSTER_CSV_INVALID', { line }, { extra: cause });
  }
  return new AppError('ROSTER_UNREADABLE', {}, { extra: cause });
}

function isoDate(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** One cell's value as text; numbers beyond 2^53 are flagged because the sheet has already lost digits. */
function cellText(value: ExcelJS.CellValue): { text: string; imprecise: boolean } {
  if (value === null || value === undefined) return { text: '', imprecise: false };
  if (typeof value === 'string') return { text: value, imprecise: false };
  if (typeof value === 'number') {
    return { text: String(value), imprecise: Number.isInteger(value) && !Number.isSafeInteger(value) };
  }
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', imprecise: false };
  if (value instanceof Date) return { text: isoDate(value), imprecise: false };
  if (typeof value === 'object') {
    if ('richText' in value) return { text: value.richText.map((r) => r.text).join(''), imprecise: false };
    if ('result' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return { text: String((value as { text: unknown }).text ?? ''), imprecise: false };
    if ('error' in value) return { text: '', imprecise: false };
  }
  return { text: String(value), imprecise: false };
}

/** Reads the first worksheet; later sheets are drained unread. */
async function* readXlsx(input: Readable): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let sheets = 0;
  try {
    for await (const worksheet of reader) {
      sheets++;
      for await (const r of worksheet as unknown as AsyncIterable<ExcelJS.Row>) {
        if (sheets > 1) continue;
        const values = r.values as ExcelJS.CellValue[];
        const cells: string[] = [];
        const imprecise: number[] = [];
        for (let i = 1; i < values.length; i++) {
          const { text, imprecise: lost } = cellText(values[i] ?? null);
          cells[i - 1] = text;
          if (lost) imprecise.push(i - 1);
        }
        for (let i = 0; i < cells.length; i++) cells[i] ??= '';
        yield { row: r.number, cells, imprecise };
      }
    }
  } catch (err) {
    throw readError(err, 'xlsx');
  } finally {
    // Drain what is left (a refused header stops reading early) so an upload still completes.
    input.resume();
  }
}
