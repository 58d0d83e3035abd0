// Roster export: the persons of an area subtree in the import's columns, streamed as CSV (csv-stringify)
// or XLSX (exceljs's streaming WorkbookWriter). ID numbers and phones are masked unless the caller may
// reveal them and gives a reason; the export itself is audited before the first row leaves.
import type { Readable } from 'node:stream';
import type { Services } from '../services.ts';
import { areaById } from '../db/sql.ts';
import type { AuditActor } from '../platform/audit.ts';
import { CONTENT_TYPES, tabularStream } from '../platform/tabular.ts';
import { AppError, type Lang } from '../platform/errors.ts';
import { assertInScope } from '../access/access.scope.ts';
import { openIdentifiers } from './person.codec.ts';
import { EXPORT_COLUMNS, ID_TYPE_TITLES, type ColumnKey } from './roster.columns.ts';
import type { RosterFormat } from './roster.read.ts';
import { isHeadRelation, type IdType } from './registry.rules.ts';
import * as store from './roster.store.ts';

export interface ExportActor {
  audit: AuditActor;
  /** Root of the subtree the actor may see ('' = everywhere). */
  areaPath: string;
  areaId: string | null;
  /** Whether the actor holds person.reveal. */
  mayReveal: boolean;
}

export interface ExportOptions {
  format: RosterFormat;
  /** The subtree to export; defaults to the actor's own area (or the whole tree). */
  areaId?: string;
  lang?: Lang;
  reveal?: boolean;
  reason?: string;
}

export interface RosterExport {
  rows: number;
  fileName: string;
  contentType: string;
  stream: Readable;
}

/** Households are loaded in groups of this many, with their members. */
const HOUSEHOLD_BATCH = 500;

export async function exportRoster(s: Services, actor: ExportActor, options: ExportOptions): Promise<RosterExport> {
  const lang = options.lang ?? 'zh';
  const reveal = options.reveal ?? false;
  const reason = (options.reason ?? '').trim();
  if (reveal && !actor.mayReveal) throw new AppError('FORBIDDEN', { permission: 'person.reveal' });
  if (reveal && !reason) throw new AppError('REASON_REQUIRED');

  const areaId = options.areaId ?? actor.areaId;
  let path = '';
  let code = 'all';
  if (areaId) {
    const area = await areaById(s.db, areaId);
    if (!area) throw new AppError('NOT_FOUND', { what: lang === 'en' ? 'area' : '区域' });
    assertInScope(actor, area.path);
    path = area.path;
    code = area.code;
  }

  const rows = await s.db.transaction().execute(async (trx) => {
    const n = await store.countPersonsInSubtree(trx, path);
    await s.audit(trx, actor.audit, {
      action: 'roster.export',
      objectType: 'area',
      objectId: areaId ?? null,
      reason,
      detail: { format: options.format, rows: n, area: code, revealed: reveal, reason },
    });
    return n;
  });

  const records = rosterRecords(s, path, lang, reveal);
  const fileName = `roster-${code}.${options.format}`;
  return {
    rows,
    fileName,
    contentType: CONTENT_TYPES[options.format],
    stream: tabularStream(records, options.format, lang === 'en' ? 'Roster' : '花名册'),
  };
}

interface AreaInfo {
  name: string;
  path: string;
  level: string;
  parentId: string | null;
}

/** Header row, then one row per person: households in community, grid, building, unit, door order, head first. */
async function* rosterRecords(s: Services, path: string, lang: Lang, reveal: boolean): AsyncGenerator<string[]> {
  yield EXPORT_COLUMNS.map((c) => (lang === 'en' ? c.en : c.zh));
  const areas = new Map<string, AreaInfo>();
  for (const a of await store.areasInSubtree(s.db, path))
    areas.set(a.id, { name: a.name, path: a.path, level: a.level, parentId: a.parent_id });
  const placeOf = (areaId: string): { community: string; grid: string } => {
    let grid = '';
    let community = '';
    for (let id: string | null = areaId; id && areas.has(id); id = areas.get(id)!.parentId) {
      const a = areas.get(id)!;
      if (a.level === 'grid' && !grid) grid = a.name;
      if (a.level === 'community') {
        community = a.name;
        break;
      }
    }
    return { community, grid };
  };

  const households = (await store.householdsInSubtree(s.db, path)).map((h) => ({
    ...h,
    ...placeOf(h.area_id),
    areaPath: areas.get(h.area_id)?.path ?? '',
  }));
  // Areas in the order of their codes (第一网格 before 第二网格), then buildings and doors in natural order.
  const collator = new Intl.Collator('zh-CN', { numeric: true });
  households.sort(
    (a, b) =>
      (a.areaPath < b.areaPath ? -1 : a.areaPath > b.areaPath ? 1 : 0) ||
      collator.compare(a.building_name ?? '', b.building_name ?? '') ||
      collator.compare(a.unit, b.unit) ||
      collator.compare(a.door, b.door) ||
      collator.compare(a.address, b.address) ||
      (a.id < b.id ? -1 : 1),
  );

  let seq = 0;
  const row = (
    p: store.ExportPerson,
    place: { community: string; grid: string },
    h: (typeof households)[number] | null,
    headName: string,
  ): string[] => {
    const ids = openIdentifiers(s.cipher, p, reveal);
    const flag = (on: boolean) => (lang === 'en' ? (on ? 'yes' : 'no') : on ? '是' : '否');
    const values: Record<ColumnKey, string> = {
      seq: String(++seq),
      community: place.community,
      grid: place.grid,
      compound: h?.building_compound ?? '',
      building: h?.building_name ?? '',
      unit: h?.unit ?? '',
      door: h?.door ?? '',
      head: headName,
      relation: p.relation,
      name: p.name,
      sex: p.sex === 'M' ? (lang === 'en' ? 'M' : '男') : p.sex === 'F' ? (lang === 'en' ? 'F' : '女') : '',
      idNumber: ids.idNumber ?? '',
      phone: ids.phone ?? '',
      elderlyAlone: flag(p.elderly_alone === 1),
      bedridden: flag(p.bedridden === 1),
      hasSmartphone: flag(p.no_smartphone !== 1),
      note: p.note,
      idType: ID_TYPE_TITLES[p.id_type as IdType]?.[lang] ?? p.id_type,
      birthDate: p.birth_date ?? '',
      pregnant: flag(p.pregnant === 1),
      dialysis: flag(p.dialysis === 1),
      address: h?.address ?? '',
      headIdNumber: '',
    };
    return EXPORT_COLUMNS.map((c) => values[c.key]);
  };

  for (let i = 0; i < households.length; i += HOUSEHOLD_BATCH) {
    const batch = households.slice(i, i + HOUSEHOLD_BATCH);
    const members = new Map<string, store.ExportPerson[]>();
    for (const p of await store.personsOfHouseholds(
      s.db,
      batch.map((h) => h.id),
    )) {
      members.set(p.household_id!, [...(members.get(p.household_id!) ?? []), p]);
    }
    for (const h of batch) {
      const list = members.get(h.id) ?? [];
      const head = list.find((p) => p.id === h.head_person_id) ?? list.find((p) => isHeadRelation(p.relation));
      list.sort((a, b) => (a === head ? -1 : b === head ? 1 : a.created_at - b.created_at || (a.id < b.id ? -1 : 1)));
      for (const p of list) yield row(p, h, h, head?.name ?? '');
    }
  }
  for (let after = ''; ;) {
    const page = await store.personsWithoutHousehold(s.db, path, after, HOUSEHOLD_BATCH);
    for (const p of page) yield row(p, placeOf(p.area_id), null, '');
    if (page.length < HOUSEHOLD_BATCH) break;
    after = page[page.length - 1]!.id;
  }
}
