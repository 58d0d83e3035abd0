// Check-in export for analysts (checkin.export): the visits at the venues of the actor's subtree, with
// person references (the person's id), never names, ID numbers or phones. Streamed as CSV
// (csv-stringify) or XLSX (exceljs's streaming WorkbookWriter) in pages by (entered_at, id); the
// export is audited, with its filters and row count, before the first row leaves.
import type { Readable } from 'node:stream';
import { assertInScope } from '../access/access.scope.ts';
import type { AuditActor } from '../platform/audit.ts';
import { CONTENT_TYPES, tabularStream } from '../platform/tabular.ts';
import { isoInZone } from '../platform/clock.ts';
import { AppError, defineErrors, type Lang } from '../platform/errors.ts';
import { parseInstant } from '../platform/calendar.ts';
import type { Services } from '../services.ts';
import * as store from './venue.store.ts';

export const CheckinExportErrors = defineErrors({
  CHECKIN_EXPORT_TIME_INVALID: {
    status: 400,
    zh: '时间“{value}”无效：请填写日期 YYYY-MM-DD、带时区的 ISO 时间或毫秒时间戳',
    en: 'Time "{value}" is not valid: give a date YYYY-MM-DD, an ISO time with offset, or epoch milliseconds',
  },
  CHECKIN_EXPORT_FORMAT: { status: 400, zh: '导出格式应为 csv 或 xlsx', en: 'The export format must be csv or xlsx' },
});

export type CheckinExportFormat = 'csv' | 'xlsx';

export interface CheckinExportActor {
  audit: AuditActor;
  /** Root of the subtree the actor may see ('' = everywhere). */
  areaPath: string;
}

export interface CheckinExportOptions {
  format: CheckinExportFormat;
  /** Inclusive: a date (its first instant in the deployment's zone), ISO time with offset, or epoch ms. */
  from?: string;
  /** Exclusive; a date means up to the end of that day. */
  to?: string;
  venueId?: string;
  lang?: Lang;
}

export interface CheckinExport {
  rows: number;
  fileName: string;
  contentType: string;
  stream: Readable;
}

const COLUMNS: Array<{ key: keyof ExportValues; zh: string; en: string }> = [
  { key: 'checkinId', zh: '扫码记录编号', en: 'Check-in' },
  { key: 'venueId', zh: '场所编号', en: 'Venue' },
  { key: 'venueName', zh: '场所名称', en: 'Venue name' },
  { key: 'areaCode', zh: '区域代码', en: 'Area code' },
  { key: 'personId', zh: '人员编号', en: 'Person' },
  { key: 'method', zh: '扫码方式', en: 'Method' },
  { key: 'enteredAt', zh: '进入时间', en: 'Entered at' },
  { key: 'exitedAt', zh: '离开时间', en: 'Exited at' },
  { key: 'exitKind', zh: '离开方式', en: 'Exit kind' },
  { key: 'decision', zh: '核验结果', en: 'Decision' },
  { key: 'refusalCode', zh: '拒绝原因', en: 'Refusal' },
  { key: 'colour', zh: '健康码', en: 'Colour' },
  { key: 'testSampledAt', zh: '核酸采样时间', en: 'Test sampled at' },
  { key: 'testResult', zh: '核酸结果', en: 'Test result' },
  { key: 'vaccinated', zh: '疫苗接种', en: 'Vaccinated' },
  // How long after the scan it reached the server: a scan queued on a guard's device (its time is the device's).
  { key: 'scanGapSeconds', zh: '扫码后送达（秒）', en: 'Arrived after scan (s)' },
];

interface ExportValues {
  checkinId: string;
  venueId: string;
  venueName: string;
  areaCode: string;
  personId: string;
  method: string;
  enteredAt: string;
  exitedAt: string;
  exitKind: string;
  decision: string;
  refusalCode: string;
  colour: string;
  testSampledAt: string;
  testResult: string;
  vaccinated: string;
  scanGapSeconds: string;
}

const PAGE = 1000;

/** An instant from a date, an ISO time with offset or epoch ms; a date bound `to` means that day's end. */
export function parseExportTime(value: string | undefined, timeZone: string, bound: 'from' | 'to'): number | undefined {
  const at = parseInstant(value, timeZone, bound);
  if (at === null) throw new AppError('CHECKIN_EXPORT_TIME_INVALID', { value: value!.trim().slice(0, 40) });
  return at;
}

export async function exportCheckins(
  s: Services,
  actor: CheckinExportActor,
  options: CheckinExportOptions,
): Promise<CheckinExport> {
  if (options.format !== 'csv' && options.format !== 'xlsx') throw new AppError('CHECKIN_EXPORT_FORMAT');
  const zone = s.config.timeZone;
  const lang = options.lang ?? 'zh';
  const filter: store.CheckinExportFilter = {
    path: actor.areaPath,
    from: parseExportTime(options.from, zone, 'from'),
    to: parseExportTime(options.to, zone, 'to'),
    venueId: options.venueId,
  };
  if (options.venueId) {
    const venue = await store.venueById(s.db, options.venueId);
    if (!venue) throw new AppError('VENUE_NOT_FOUND');
    assertInScope(actor, venue.area_path);
  }

  const rows = await s.db.transaction().execute(async (trx) => {
    const n = await store.countCheckinsForExport(trx, filter);
    await s.audit(trx, actor.audit, {
      action: 'checkin.export',
      objectType: 'checkin',
      objectId: options.venueId ?? null,
      detail: {
        format: options.format,
        rows: n,
        from: filter.from ?? null,
        to: filter.to ?? null,
        venueId: options.venueId ?? null,
        areaPath: actor.areaPath,
      },
    });
    return n;
  });

  const records = checkinRecords(s, filter, lang);
  const fileName = `checkins-${options.venueId ?? 'all'}.${options.format}`;
  return {
    rows,
    fileName,
    contentType: CONTENT_TYPES[options.format],
    stream: tabularStream(records, options.format, lang === 'en' ? 'Check-ins' : '扫码记录'),
  };
}

async function* checkinRecords(s: Services, filter: store.CheckinExportFilter, lang: Lang): AsyncGenerator<string[]> {
  yield COLUMNS.map((c) => (lang === 'en' ? c.en : c.zh));
  const zone = s.config.timeZone;
  const iso = (ms: number | null) => (ms === null ? '' : isoInZone(Number(ms), zone));
  let after: { at: number; id: string } | null = null;
  for (;;) {
    const page = await store.checkinsForExport(s.db, filter, after, PAGE);
    for (const r of page) {
      const values: ExportValues = {
        checkinId: r.id,
        venueId: r.venue_id,
        venueName: r.venue_name,
        areaCode: r.area_code,
        personId: r.person_id,
        method: r.method,
        enteredAt: iso(r.entered_at),
        exitedAt: iso(r.exited_at),
        exitKind: r.exit_kind ?? '',
        decision: r.decision,
        refusalCode: r.refusal_code ?? '',
        colour: r.colour,
        testSampledAt: iso(r.test_sampled_at),
        testResult: r.test_result ?? '',
        vaccinated: r.vaccinated === null ? '' : r.vaccinated === 1 ? 'yes' : 'no',
        scanGapSeconds: r.scan_gap_ms === null ? '' : String(Math.round(Number(r.scan_gap_ms) / 1000)),
      };
      yield COLUMNS.map((c) => values[c.key]);
    }
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    after = { at: Number(last.entered_at), id: last.id };
  }
}
