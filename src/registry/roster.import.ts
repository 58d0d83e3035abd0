// Roster import: read the file row by row, validate every row (cells, person rules, areas in the
// importer's scope, duplicates in the file and in the registry), then write the good rows in one
// transaction with multi-row inserts: buildings and households created when absent, heads set, one
// audit event for the import. Whole mode writes nothing when any row is bad; partial mode writes the
// good rows and hands back the bad ones as a rejects CSV.
import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { BuildingTable, Executor, HouseholdTable, PersonTable } from '../db/database.ts';
import type { Services } from '../services.ts';
import type { AuditActor } from '../platform/audit.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, localizeFaults, type Fault, type Lang } from '../platform/errors.ts';
import { exportCell } from '../platform/text.ts';
import { maskName } from '../platform/mask.ts';
import { inScope } from '../access/access.rules.ts';
import { dateInZone, isHeadRelation, validatePerson, type PersonInput } from './registry.rules.ts';
import { idLookup, sealPerson } from './person.codec.ts';
import { duplicateIdError } from './registry.service.ts';
import { isUniqueViolation } from '../db/sql.ts';
import {
  columnOfField,
  columnTitle,
  composeAddress,
  mapHeader,
  parseRow,
  type HeaderMap,
  type RowPlace,
} from './roster.columns.ts';
import { readRoster, type RosterFormat } from './roster.read.ts';
import * as store from './roster.store.ts';

/** Who imports: the audit identity and the root of the area subtree they may write into ('' = everywhere). */
export interface ImportActor {
  audit: AuditActor;
  areaPath: string;
}

export interface ImportOptions {
  fileName: string;
  format: RosterFormat;
  dryRun?: boolean;
  partial?: boolean;
  /**
   * A row whose address already has a household headed by someone else than the file's head
   * (户主姓名, 户主证件号): refused with HOUSEHOLD_HEAD_MISMATCH unless this is set, when the file's
   * people become a new household at that address (warned per row as HOUSEHOLD_NEW_AT_ADDRESS).
   */
  newHouseholdOnHeadMismatch?: boolean;
  /** Language of the messages in the rejects file. */
  lang?: Lang;
  /** Called as rows are read and written. */
  onProgress?: (done: number, phase: 'read' | 'write') => void;
}

export interface ImportReport {
  dryRun: boolean;
  partial: boolean;
  /** Data rows in the file (blank rows not counted). */
  rows: number;
  /** Persons written (or, on a dry run, that would be written). */
  imported: number;
  rejected: number;
  /** Households and buildings created (or that would be). */
  households: number;
  buildings: number;
  /**
   * Households and buildings the written rows go into, new or already registered (or would go into, on
   * a dry run): a file of three households is 3 here even where two of them were registered before.
   */
  householdsInFile: number;
  buildingsInFile: number;
  /** Every fault, in row order (whole mode: any fault means nothing was written, see refused()). */
  faults: Fault[];
  warnings: Fault[];
  /** The rejected rows with an errors column; null when no row was rejected. */
  rejectsCsv: string | null;
}

/** Faults returned in one response; the total is always given. */
export const FAULT_LIST_CAP = 1000;

interface RowRecord {
  row: number;
  /** The row's cells joined by U+001F, kept compact for the rejects file (controls, U+001F too, stripped). */
  raw: string;
  place: RowPlace;
  person: PersonInput | null;
  faults: Fault[];
  areaId?: string;
  idHmac?: string;
  /** Set when the row's address has households, none headed by the file's head, and a new one is wanted. */
  newHousehold?: boolean;
}

const SEP = '\u001f';
/** Persons sealed and inserted per round. */
const PERSON_CHUNK = 2000;

export async function importRoster(
  s: Services,
  actor: ImportActor,
  input: Readable,
  options: ImportOptions,
): Promise<ImportReport> {
  const dryRun = options.dryRun ?? false;
  const partial = options.partial ?? false;
  const lang = options.lang ?? 'zh';
  const today = dateInZone(s.clock.now(), s.config.timeZone);

  // Pass 1: read and validate each row on its own.
  let header: HeaderMap | null = null;
  const records: RowRecord[] = [];
  const warnings: Fault[] = [];
  const firstRowOfId = new Map<string, number>();
  for await (const sheetRow of readRoster(input, options.format)) {
    if (!header) {
      const mapped = mapHeader(sheetRow.cells);
      if (!mapped.ok) throw headerError(mapped.missing, lang);
      header = mapped.header;
      if (header.unknown.length) {
        warnings.push({
          row: sheetRow.row,
          code: 'ROSTER_UNKNOWN_COLUMNS',
          params: { columns: header.unknown.join(', ') },
        });
      }
      continue;
    }
    if (sheetRow.cells.every((c) => !c.trim())) continue;
    const record = checkRow(header, sheetRow.row, sheetRow.cells, sheetRow.imprecise, today);
    if (record.person?.idNumber) {
      const key = `${record.person.idType}:${record.person.idNumber}`;
      const other = firstRowOfId.get(key);
      if (other !== undefined) {
        record.faults.push({
          row: record.row,
          column: header.title.idNumber,
          code: 'ID_NUMBER_DUPLICATE_IN_FILE',
          params: { otherRow: other },
        });
      } else {
        firstRowOfId.set(key, record.row);
      }
    }
    records.push(record);
    if (records.length % 1000 === 0) options.onProgress?.(records.length, 'read');
  }
  if (!header) throw headerError([columnTitle('name', lang), columnTitle('community', lang)], lang);
  options.onProgress?.(records.length, 'read');

  // Pass 2: what needs the registry — areas in scope, ID numbers already stored, one head per household.
  await resolveAreas(s.db, actor, header, records);
  await findStoredDuplicates(s, actor, header, records, options.fileName);
  checkHeads(header, records);
  await checkExistingHeads(s, header, records, options.newHouseholdOnHeadMismatch ?? false, warnings);

  const faults = records.flatMap((r) => r.faults);
  const bad = records.filter((r) => r.faults.length > 0);
  const good = bad.length && !partial ? [] : records.filter((r) => r.faults.length === 0);
  const report: ImportReport = {
    dryRun,
    partial,
    rows: records.length,
    imported: 0,
    rejected: bad.length,
    households: 0,
    buildings: 0,
    householdsInFile: 0,
    buildingsInFile: 0,
    faults,
    warnings,
    rejectsCsv: bad.length ? rejectsCsv(header, bad, lang) : null,
  };
  if (bad.length && !partial && !dryRun) return report;

  if (dryRun) {
    // The rows without faults, as a partial import would write them (a whole import writes them once the rest are fixed).
    const valid = records.filter((r) => r.faults.length === 0);
    const plan = await planWrites(s, s.db, valid);
    return { ...report, imported: valid.length, ...counts(plan) };
  }
  const written = await s.db
    .transaction()
    .execute(async (trx) => {
      // Planned inside the transaction, after any import running now has committed: its buildings and
      // households are found, not created twice; an ID number it stored meanwhile is ROSTER_CONFLICT.
      await store.lockRosterWrites(trx, s.dialect);
      const plan = await planWrites(s, trx, good);
      await store.insertBuildings(trx, plan.buildings);
      for (const b of plan.buildings) {
        await s.audit(trx, actor.audit, {
          action: 'building.create',
          objectType: 'building',
          objectId: b.id,
          detail: {
            name: b.name,
            compound: b.compound,
            areaId: b.area_id,
            source: 'roster.import',
            file: options.fileName,
          },
        });
      }
      for (const [buildingId, compound] of plan.compoundsOfExisting) {
        if (!(await store.fillBuildingCompound(trx, buildingId, compound))) continue;
        await s.audit(trx, actor.audit, {
          action: 'building.update',
          objectType: 'building',
          objectId: buildingId,
          detail: { compound, source: 'roster.import', file: options.fileName },
        });
      }
      await store.insertHouseholds(trx, plan.households);
      // Sealed a chunk at a time, so the ciphertexts of the whole file are never all in memory.
      const now = s.clock.now();
      for (let i = 0; i < plan.persons.length; i += PERSON_CHUNK) {
        const rows: PersonTable[] = plan.persons.slice(i, i + PERSON_CHUNK).map((p) => ({
          ...sealPerson(s.cipher, p.person),
          id: p.id,
          household_id: p.householdId,
          area_id: p.areaId,
          created_at: now,
          updated_at: now,
        }));
        await store.insertPersons(trx, rows);
        options.onProgress?.(i + rows.length, 'write');
      }
      for (const [householdId, personId] of plan.headsOfExisting)
        await store.setHouseholdHead(trx, householdId, personId, s.clock.now());
      await s.audit(trx, actor.audit, {
        action: 'roster.import',
        objectType: 'roster',
        objectId: null,
        detail: {
          file: options.fileName,
          format: options.format,
          mode: partial ? 'partial' : 'whole',
          rows: records.length,
          imported: plan.persons.length,
          rejected: bad.length,
          ...counts(plan),
        },
      });
      return plan;
    })
    .catch((err: unknown) => {
      if (isUniqueViolation(err)) throw new AppError('ROSTER_CONFLICT');
      throw err;
    });
  return { ...report, imported: written.persons.length, ...counts(written) };
}

function counts(
  plan: WritePlan,
): Pick<ImportReport, 'households' | 'buildings' | 'householdsInFile' | 'buildingsInFile'> {
  return {
    households: plan.households.length,
    buildings: plan.buildings.length,
    householdsInFile: new Set(plan.persons.map((p) => p.householdId)).size,
    buildingsInFile: plan.buildingsUsed.size,
  };
}

function headerError(missing: string[], lang: Lang): AppError {
  return new AppError('ROSTER_HEADER', { missing: missing.join(lang === 'en' ? ', ' : '、') }, { extra: { missing } });
}

/** Whole mode refused the file: the problem to answer with (faults capped, the total given). */
export function rosterInvalid(report: ImportReport, lang: Lang): AppError {
  return new AppError(
    'ROSTER_INVALID',
    { count: report.faults.length },
    {
      faults: report.faults.slice(0, FAULT_LIST_CAP),
      extra: {
        totalErrors: report.faults.length,
        rows: report.rows,
        rejected: report.rejected,
        warnings: localizeFaults(report.warnings, lang),
      },
    },
  );
}

/** True when the import wrote nothing because whole mode met a bad row. */
export function refused(report: ImportReport): boolean {
  return !report.dryRun && !report.partial && report.rejected > 0;
}

function checkRow(header: HeaderMap, row: number, cells: string[], imprecise: number[], today: string): RowRecord {
  const parsed = parseRow(header, cells, row, imprecise);
  const faults = parsed.faults;
  const checked = validatePerson(parsed.fields, today);
  for (const f of checked.ok ? [] : checked.faults) {
    // A flag or ID type already reported by the cell reader is not reported twice.
    if (faults.some((g) => g.code === f.code && g.column === columnOfField(header, f.field))) continue;
    faults.push({
      row,
      column: columnOfField(header, f.field),
      code: f.code,
      ...(f.params ? { params: f.params } : {}),
    });
  }
  const { place } = parsed;
  if (!place.community) faults.push({ row, column: header.title.community, code: 'COMMUNITY_REQUIRED' });
  if (!place.address && (!place.building || !place.door)) {
    const missing = !place.building ? 'building' : 'door';
    faults.push({
      row,
      column: header.title[missing] ?? header.title.address ?? columnTitle(missing, header.lang),
      code: 'ADDRESS_REQUIRED',
    });
  }
  const person = checked.ok ? checked.value : null;
  if (person && isHeadRelation(person.relation) && place.head && place.head !== person.name) {
    faults.push({ row, column: header.title.head, code: 'HEAD_NAME_MISMATCH', params: { head: place.head } });
  }
  return { row, raw: cells.map(exportCell).join(SEP), place, person, faults };
}

/** Community by name within the actor's reach, grid by name inside it; the row's area is the grid, else the community. */
async function resolveAreas(ex: Executor, actor: ImportActor, header: HeaderMap, records: RowRecord[]): Promise<void> {
  const names = [...new Set(records.map((r) => r.place.community).filter(Boolean))];
  const communities = await store.areasByName(ex, 'community', names);
  const grids = await store.childAreas(
    ex,
    communities.map((c) => c.id),
  );
  const byName = new Map<string, store.AreaRow[]>();
  for (const c of communities) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  const reachable = (path: string) => inScope(actor.areaPath, path) || actor.areaPath.startsWith(path);

  for (const r of records) {
    const { community: name, grid: gridName } = r.place;
    if (!name) continue;
    const all = byName.get(name) ?? [];
    const near = all.filter((c) => reachable(c.path));
    if (!all.length) {
      r.faults.push({ row: r.row, column: header.title.community, code: 'AREA_UNKNOWN', params: { name } });
      continue;
    }
    if (!near.length) {
      r.faults.push({ row: r.row, column: header.title.community, code: 'OUT_OF_SCOPE', params: { name } });
      continue;
    }
    if (near.length > 1) {
      r.faults.push({ row: r.row, column: header.title.community, code: 'AREA_AMBIGUOUS', params: { name } });
      continue;
    }
    const community = near[0]!;
    let target = community;
    if (gridName) {
      const grid = grids.find((g) => g.parent_id === community.id && g.name === gridName);
      if (!grid) {
        r.faults.push({ row: r.row, column: header.title.grid, code: 'AREA_UNKNOWN', params: { name: gridName } });
        continue;
      }
      target = grid;
    }
    if (!inScope(actor.areaPath, target.path)) {
      r.faults.push({
        row: r.row,
        column: gridName ? header.title.grid : header.title.community,
        code: 'OUT_OF_SCOPE',
        params: { name: target.name },
      });
      continue;
    }
    r.areaId = target.id;
  }
}

/**
 * An ID number already in the registry is a fault: naming its holder inside the importer's scope,
 * only "registered in another area" outside it — those rows audited together, once per file.
 */
async function findStoredDuplicates(
  s: Services,
  actor: ImportActor,
  header: HeaderMap,
  records: RowRecord[],
  fileName: string,
): Promise<void> {
  const withId = records.filter((r) => r.person?.idNumber);
  for (const r of withId) r.idHmac = idLookup(s.cipher, r.person!.idType, r.person!.idNumber!);
  const stored = await store.personsByIdHmac(
    s.db,
    withId.map((r) => r.idHmac!),
  );
  if (!stored.length) return;
  const byHmac = new Map(stored.map((p) => [p.id_hmac, p]));
  const elsewhere: Array<{ row: number; holderId: string; holderAreaId: string }> = [];
  for (const r of withId) {
    const existing = byHmac.get(r.idHmac!);
    if (!existing) continue;
    // The registry's own duplicate error, so a row answers as a single create would.
    const { code, params } = duplicateIdError(existing, actor.areaPath).faults[0]!;
    r.faults.push({ row: r.row, column: header.title.idNumber, code, ...(params ? { params } : {}) });
    if (code === 'ID_NUMBER_REGISTERED_ELSEWHERE')
      elsewhere.push({ row: r.row, holderId: existing.id, holderAreaId: existing.area_id });
  }
  if (elsewhere.length) {
    await s.audit(s.db, actor.audit, {
      action: 'person.id_registered_elsewhere',
      objectType: 'roster',
      objectId: null,
      detail: { attempt: 'roster.import', file: fileName, rows: elsewhere.slice(0, 1000), count: elsewhere.length },
    });
  }
}

function householdKey(r: RowRecord): string {
  const p = r.place;
  return p.building && p.door
    ? `b${SEP}${r.areaId}${SEP}${p.building}${SEP}${p.unit}${SEP}${p.door}`
    : `a${SEP}${r.areaId}${SEP}${p.address}`;
}

/** At most one row per household may be the head (本人). */
function checkHeads(header: HeaderMap, records: RowRecord[]): void {
  const headRow = new Map<string, number>();
  for (const r of records) {
    if (!r.areaId || !r.person || !isHeadRelation(r.person.relation)) continue;
    const key = householdKey(r);
    const other = headRow.get(key);
    if (other === undefined) headRow.set(key, r.row);
    else
      r.faults.push({ row: r.row, column: header.title.relation, code: 'HEAD_DUPLICATE', params: { otherRow: other } });
  }
}

interface WritePlan {
  buildings: BuildingTable[];
  households: HouseholdTable[];
  persons: Array<{ id: string; householdId: string; areaId: string; person: PersonInput }>;
  /** Existing households without a head that get one from this file. */
  headsOfExisting: Array<[string, string]>;
  /** Existing buildings without a compound (小区) that get the file's. */
  compoundsOfExisting: Array<[string, string]>;
  /** Every building the rows go into, new or existing. */
  buildingsUsed: Set<string>;
}

/** The households already at each place key (several may share a door), and the names and ID lookups of their heads. */
interface ExistingHouseholds {
  byKey: Map<string, store.HouseholdRow[]>;
  heads: Map<string, store.HeadRow>;
  buildingIds: Map<string, string>;
  /** Existing buildings with no compound (小区) recorded yet. */
  compoundless: Set<string>;
}

async function readExisting(ex: Executor, rows: RowRecord[]): Promise<ExistingHouseholds> {
  const areaIds = [...new Set(rows.map((r) => r.areaId!))];
  const buildingIds = new Map<string, string>();
  const compoundless = new Set<string>();
  for (const b of await store.buildingsInAreas(ex, areaIds)) {
    const key = `${b.area_id}${SEP}${b.name}`;
    if (!buildingIds.has(key)) buildingIds.set(key, b.id);
    if (!b.compound) compoundless.add(b.id);
  }
  const byKey = new Map<string, store.HouseholdRow[]>();
  const add = (key: string, h: store.HouseholdRow) => byKey.set(key, [...(byKey.get(key) ?? []), h]);
  for (const h of await store.householdsInBuildings(ex, [...new Set(buildingIds.values())]))
    add(`b${SEP}${h.building_id}${SEP}${h.unit}${SEP}${h.door}`, h);
  for (const h of await store.householdsByAddress(ex, areaIds)) add(`a${SEP}${h.area_id}${SEP}${h.address}`, h);
  const headIds = [...byKey.values()]
    .flat()
    .map((h) => h.head_person_id)
    .filter((id): id is string => !!id);
  const heads = new Map((await store.headsByIds(ex, headIds)).map((p) => [p.id, p]));
  return { byKey, heads, buildingIds, compoundless };
}

/** The key of a row's place once its building is known (null: the building does not exist yet). */
function placeKey(r: RowRecord, buildingIds: Map<string, string>): string | null {
  const p = r.place;
  if (p.building && p.door) {
    const buildingId = buildingIds.get(`${r.areaId}${SEP}${p.building}`);
    return buildingId ? `b${SEP}${buildingId}${SEP}${p.unit}${SEP}${p.door}` : null;
  }
  return `a${SEP}${r.areaId}${SEP}${p.address}`;
}

/** The ID lookups the file's head ID number may have (its ID type is not in the file). */
function headLookups(s: Services, r: RowRecord): string[] {
  const id = r.place.headIdNumber;
  return id ? (['resident_id', 'passport', 'other'] as const).map((t) => idLookup(s.cipher, t, id)) : [];
}

/**
 * Whether an existing household is the row's: one without a head takes the file's people (as before);
 * one with a head only when the file names that head — by name (户主姓名) and, when given, ID number (户主证件号).
 */
function headMatches(
  h: store.HouseholdRow,
  heads: Map<string, store.HeadRow>,
  r: RowRecord,
  lookups: string[],
): boolean {
  if (!h.head_person_id) return true;
  const head = heads.get(h.head_person_id);
  if (!head) return true;
  if (!r.place.head || r.place.head !== head.name) return false;
  return !lookups.length || (!!head.id_hmac && lookups.includes(head.id_hmac));
}

/** A row's address already holding households none of which the file's head heads: refused, or a new household if asked. */
async function checkExistingHeads(
  s: Services,
  header: HeaderMap,
  records: RowRecord[],
  newHousehold: boolean,
  warnings: Fault[],
): Promise<void> {
  const placed = records.filter((r) => r.areaId);
  if (!placed.length) return;
  const existing = await readExisting(s.db, placed);
  for (const r of placed) {
    const key = placeKey(r, existing.buildingIds);
    const candidates = key ? (existing.byKey.get(key) ?? []) : [];
    if (!candidates.length) continue;
    const lookups = headLookups(s, r);
    if (candidates.some((h) => headMatches(h, existing.heads, r, lookups))) continue;
    const other = existing.heads.get(candidates[0]!.head_person_id!);
    const params = { address: r.place.address || composeAddress(r.place), head: other ? maskName(other.name) : '' };
    // The name matches a registered head but the ID number does not: the ID column is the one to check.
    const nameMatches = candidates.some((h) => existing.heads.get(h.head_person_id!)?.name === r.place.head);
    const column =
      r.place.headIdNumber && nameMatches
        ? header.title.headIdNumber
        : (header.title.head ?? columnTitle('head', header.lang));
    if (newHousehold) {
      r.newHousehold = true;
      warnings.push({ row: r.row, column, code: 'HOUSEHOLD_NEW_AT_ADDRESS', params });
    } else {
      r.faults.push({ row: r.row, column, code: 'HOUSEHOLD_HEAD_MISMATCH', params });
    }
  }
}

/** Resolves buildings and households against the registry (through `ex`) and builds the rows to insert. */
async function planWrites(s: Services, ex: Executor, rows: RowRecord[]): Promise<WritePlan> {
  const now = s.clock.now();
  const { byKey: existingHouseholds, heads, buildingIds, compoundless } = await readExisting(ex, rows);

  const plan: WritePlan = {
    buildings: [],
    households: [],
    persons: [],
    headsOfExisting: [],
    compoundsOfExisting: [],
    buildingsUsed: new Set(),
  };
  const householdOf = new Map<
    string,
    { id: string; fresh: HouseholdTable | null; existing: store.HouseholdRow | null }
  >();
  for (const r of rows) {
    const p = r.place;
    let key: string;
    let buildingId: string | null = null;
    if (p.building && p.door) {
      const bKey = `${r.areaId}${SEP}${p.building}`;
      buildingId = buildingIds.get(bKey) ?? null;
      if (!buildingId) {
        buildingId = newId(now);
        buildingIds.set(bKey, buildingId);
        plan.buildings.push({
          id: buildingId,
          area_id: r.areaId!,
          name: p.building,
          compound: p.compound,
          address: '',
          created_at: now,
        });
      } else if (p.compound && compoundless.delete(buildingId)) {
        // A building registered without its compound takes the first one the file gives it.
        plan.compoundsOfExisting.push([buildingId, p.compound]);
      }
      key = `b${SEP}${buildingId}${SEP}${p.unit}${SEP}${p.door}`;
      plan.buildingsUsed.add(buildingId);
    } else {
      key = `a${SEP}${r.areaId}${SEP}${p.address}`;
    }
    const lookups = headLookups(s, r);
    const candidates = existingHouseholds.get(key) ?? [];
    const match = candidates.find((h) => headMatches(h, heads, r, lookups)) ?? null;
    // Validated on the registry as read before; a household headed by another that appeared since is a conflict.
    if (candidates.length && !match && !r.newHousehold) throw new AppError('ROSTER_CONFLICT');
    // Several households may share a door: the file's people go to the one its head heads.
    const slot = match
      ? `h${SEP}${match.id}`
      : `${key}${SEP}${r.newHousehold ? `${p.head}${SEP}${p.headIdNumber}` : ''}`;
    let household = householdOf.get(slot);
    if (!household) {
      if (match) household = { id: match.id, fresh: null, existing: match };
      else {
        const fresh: HouseholdTable = {
          id: newId(now),
          building_id: buildingId,
          area_id: r.areaId!,
          unit: p.unit,
          door: p.door,
          address: p.address || composeAddress(p),
          rooms: null,
          head_person_id: null,
          created_at: now,
          updated_at: now,
        };
        plan.households.push(fresh);
        household = { id: fresh.id, fresh, existing: null };
      }
      householdOf.set(slot, household);
    }
    const personId = newId(now);
    plan.persons.push({ id: personId, householdId: household.id, areaId: r.areaId!, person: r.person! });
    if (isHeadRelation(r.person!.relation)) {
      if (household.fresh) household.fresh.head_person_id = personId;
      else if (household.existing && !household.existing.head_person_id) {
        household.existing.head_person_id = personId;
        heads.set(personId, { id: personId, name: r.person!.name, id_hmac: r.idHmac ?? null });
        plan.headsOfExisting.push([household.id, personId]);
      }
    }
  }
  return plan;
}

function rejectsCsv(header: HeaderMap, bad: RowRecord[], lang: Lang): string {
  const width = header.cells.length;
  const lines: string[][] = [[...header.cells.map((c) => c.replace(/^\uFEFF/, '')), lang === 'en' ? 'Errors' : '错误']];
  for (const r of bad) {
    const cells = r.raw.split(SEP);
    while (cells.length < width) cells.push('');
    const messages = localizeFaults(r.faults, lang).map((f) => (f.column ? `${f.column}: ${f.message}` : f.message));
    lines.push([...cells.slice(0, width), messages.join('; ')]);
  }
  return '\uFEFF' + stringify(lines);
}
