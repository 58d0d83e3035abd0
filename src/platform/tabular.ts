// Streaming tabular files (CSV with a BOM for Excel, or XLSX) from rows of strings, for every export.
import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { exportCell } from './text.ts';

export type TabularFormat = 'csv' | 'xlsx';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV cell that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection). */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes guardFormula on the way back in. */
export function unguardFormula(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

export const CONTENT_TYPES: Record<TabularFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Streams the records (the first one is the header row) as the format; XLSX gets one sheet of that name.
 * No cell carries a NUL or another control character (exportCell), whatever was stored.
 */
export function tabularStream(records: AsyncIterable<string[]>, format: TabularFormat, sheetName: string): Readable {
  if (format === 'csv') {
    const csv = stringify({ bom: true });
    const guarded = (async function* () {
      for await (const r of records) yield r.map((v) => guardFormula(exportCell(v)));
    })();
    Readable.from(guarded)
      .on('error', (err) => csv.destroy(err))
      .pipe(csv);
    return csv;
  }
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  (async () => {
    for await (const values of records)
      sheet.addRow(values.map((v) => (typeof v === 'string' ? exportCell(v) : v))).commit();
    sheet.commit();
    await workbook.commit();
  })().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
