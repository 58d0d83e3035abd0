import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapHeader, parseFlag, parseRow, type HeaderMap } from '../../src/registry/roster.columns.ts';
import { guardFormula, unguardFormula } from '../../src/platform/tabular.ts';
import { formatOf, readRoster, type SheetRow } from '../../src/registry/roster.read.ts';
import { SAMPLE_CSV, csvRows, fileStream, textStream, xlsxOf } from '../fixtures/roster.fixtures.ts';

async function rowsOf(gen: AsyncGenerator<SheetRow>): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

function header(cells: string[]): HeaderMap {
  const h = mapHeader(cells);
  assert.equal(h.ok, true);
  return (h as { header: HeaderMap }).header;
}

test('the Chinese header of the sample maps every column', () => {
  const h = header(csvRows(SAMPLE_CSV)[0]!);
  assert.equal(h.lang, 'zh');
  assert.deepEqual(h.unknown, []);
  assert.equal(h.index.name, 8);
  assert.equal(h.title.idNumber, '身份证号');
});

test('English headers match after trimming, in any case; unknown columns are listed; a BOM is ignored', () => {
  const h = header(['\uFEFFNo', ' name ', 'COMMUNITY', 'building', 'Door', 'ID Number', 'Shoe size']);
  assert.equal(h.lang, 'en');
  assert.equal(h.index.seq, 0);
  assert.equal(h.title.name, 'name');
  assert.equal(h.index.idNumber, 5);
  assert.deepEqual(h.unknown, ['Shoe size']);
});

test('missing required columns are named in the header language; an address stands in for building and door', () => {
  assert.deepEqual(mapHeader(['序号', '姓名', '楼栋']), { ok: false, missing: ['社区', '门牌号'], lang: 'zh' });
  assert.deepEqual(mapHeader(['Name', 'Door']), { ok: false, missing: ['Community', 'Building'], lang: 'en' });
  assert.equal(mapHeader(['姓名', '社区', '地址']).ok, true);
});

test('flags: 是/否, yes/no, Y/N, 1/0, true/false, blank; anything else is invalid', () => {
  for (const v of ['是', 'yes', 'Y', '1', 'true', 'TRUE']) assert.equal(parseFlag(v), true, v);
  for (const v of ['否', 'no', 'n', '0', 'false', ' False ']) assert.equal(parseFlag(v), false, v);
  assert.equal(parseFlag(''), null);
  assert.equal(parseFlag('  '), null);
  assert.equal(parseFlag('也许'), undefined);
});

test('a row reads into person fields, care tags and a place; a bad flag names its column', () => {
  const [head, , , , , row5] = csvRows(SAMPLE_CSV);
  const h = header(head!);
  const p = parseRow(h, row5!, 6);
  assert.deepEqual(p.fields.careTags, ['elderly_alone', 'bedridden', 'no_smartphone']);
  assert.equal(p.fields.idNumber, '220403194011050047');
  assert.equal(p.fields.phone, null);
  assert.deepEqual(p.place, {
    community: '文苑社区',
    grid: '第二网格',
    compound: '',
    building: '5号楼',
    unit: '2单元',
    door: '301',
    address: '',
    head: '赵桂芝',
    headIdNumber: '',
  });
  assert.deepEqual(p.faults, []);
  const bad = [...row5!];
  bad[13] = '也许';
  assert.deepEqual(parseRow(h, bad, 6).faults, [
    { row: 6, column: '是否卧床', code: 'FLAG_INVALID', params: { value: '也许' } },
  ]);
  const withSmartphone = [...row5!];
  withSmartphone[14] = '是';
  assert.deepEqual(parseRow(h, withSmartphone, 6).fields.careTags, ['elderly_alone', 'bedridden']);
});

test('file formats come from the extension', () => {
  assert.equal(formatOf('roster.CSV'), 'csv');
  assert.equal(formatOf('花名册.xlsx'), 'xlsx');
  assert.equal(formatOf('roster.xls'), null);
  assert.equal(formatOf('roster.txt'), null);
});

test('CSV rows carry sheet row numbers: header is row 1, blank lines and quoted newlines counted as a sheet would', async () => {
  const rows = await rowsOf(readRoster(textStream('\uFEFF姓名,备注\n张三,"两行\n备注"\n\n李四,\n'), 'csv'));
  assert.deepEqual(
    rows.map((r) => [r.row, r.cells]),
    [
      [1, ['姓名', '备注']],
      [2, ['张三', '两行\n备注']],
      [3, ['']],
      [4, ['李四', '']],
    ],
  );
});

test('the sample CSV reads five data rows', async () => {
  const rows = await rowsOf(readRoster(fileStream(SAMPLE_CSV), 'csv'));
  assert.equal(rows.length, 6);
  assert.equal(rows[4]!.cells[9], '男');
});

test('a file that is not UTF-8 (GBK) is ROSTER_ENCODING', async () => {
  // "姓名,社区\n" in GBK
  const gbk = Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xc9, 0xe7, 0xc7, 0xf8, 0x0a]);
  await assert.rejects(
    rowsOf(readRoster(textStream(gbk), 'csv')),
    (err: { code: string }) => err.code === 'ROSTER_ENCODING',
  );
});

test('XLSX rows: numbers as digits, dates as YYYY-MM-DD, empty rows skipped with their numbers kept, long numbers flagged', async () => {
  const ExcelJS = (await import('exceljs')).default;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('花名册');
  sheet.addRow(['姓名', '门牌号', '出生日期', '身份证号']);
  sheet.addRow(['张三', 101, new Date(Date.UTC(1953, 3, 12)), '220402195304120318']);
  // An 18-digit ID typed into a number cell: the spreadsheet keeps only the nearest double (…120318 → …120320).
  sheet.getRow(4).values = ['李四', 102, '', 220402195304120320];
  const rows = await rowsOf(readRoster(textStream(Buffer.from(await workbook.xlsx.writeBuffer())), 'xlsx'));
  assert.deepEqual(
    rows.map((r) => r.row),
    [1, 2, 4],
  );
  assert.deepEqual(rows[1]!.cells, ['张三', '101', '1953-04-12', '220402195304120318']);
  assert.deepEqual(rows[1]!.imprecise, []);
  assert.deepEqual(rows[2]!.imprecise, [3]);
  const h = header(rows[0]!.cells.concat(['社区', '楼栋']));
  assert.equal(parseRow(h, rows[2]!.cells, 4, rows[2]!.imprecise).faults[0]!.code, 'ROSTER_NUMBER_CELL');
});

test('an XLSX made from the sample reads the same cells as the CSV', async () => {
  const fromCsv = await rowsOf(readRoster(fileStream(SAMPLE_CSV), 'csv'));
  const fromXlsx = await rowsOf(readRoster(textStream(await xlsxOf(csvRows(SAMPLE_CSV), [0, 5])), 'xlsx'));
  // A sheet does not store trailing empty cells; the importer reads absent cells as blank.
  const trimmed = (cells: string[]) => {
    const c = [...cells];
    while (c.length && c[c.length - 1] === '') c.pop();
    return c;
  };
  assert.deepEqual(
    fromXlsx.map((r) => trimmed(r.cells)),
    fromCsv.map((r) => trimmed(r.cells)),
  );
});

test('CSV cells that a spreadsheet would run as formulas are guarded on export and restored on import', () => {
  for (const v of ['=HYPERLINK("x")', '+1', '-需复核', '@SUM(A1)']) {
    assert.equal(guardFormula(v), `'${v}`);
    assert.equal(unguardFormula(guardFormula(v)), v);
  }
  assert.equal(guardFormula('张三'), '张三');
  assert.equal(unguardFormula("'O'Brien"), "'O'Brien");
});
