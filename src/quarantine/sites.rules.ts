// Pure rules of quarantine sites: the kinds of site, room, staff role and shift; a room's state as the
// board shows it; and the reading of a room spreadsheet (header in Chinese or English, one room a row),
// each fault naming its row and column.
import type { Fault } from '../platform/errors.ts';
import { ROOM_KINDS, type QuarantinePolicy, type RoomKind } from './quarantine.policy.ts';

export { ROOM_KINDS, type RoomKind };

export const SITE_KINDS = ['hotel', 'dormitory', 'cabin_hospital'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export const SITE_STATUSES = ['in_service', 'out_of_service'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

export const ROOM_STATUSES = ['in_service', 'cleaning', 'out_of_service'] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];

/** What the board shows of a room: its stored status and who is in it, taken together. */
export const ROOM_STATES = ['free', 'reserved', 'occupied', 'cleaning', 'out_of_service'] as const;
export type RoomState = (typeof ROOM_STATES)[number];

export const STAFF_ROLES = [
  'manager',
  'medical',
  'service',
  'security',
  'cleaning',
  'psychological',
  'liaison',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const STAFF_SHIFTS = ['day', 'night', 'rotating'] as const;
export type StaffShift = (typeof STAFF_SHIFTS)[number];

export const ZONES = ['observation', 'service', 'sanitation'] as const;
export type Zone = (typeof ZONES)[number];
export type Zones = Record<Zone, string>;

/**
 * A room's state: out of service wins; then cleaning (its status, or a terminal disinfection due and not
 * yet logged); then occupied (someone staying now), reserved (an allocation planned), else free.
 */
export function roomState(room: {
  status: string;
  disinfection_due_at: number | null;
  current: number;
  planned: number;
}): RoomState {
  if (room.status === 'out_of_service') return 'out_of_service';
  if (room.current > 0) return 'occupied';
  if (room.status === 'cleaning' || room.disinfection_due_at !== null) return 'cleaning';
  if (room.planned > 0) return 'reserved';
  return 'free';
}

/** A site's zones from its stored JSON; a zone not described is ''. */
export function zonesOf(json: string): Zones {
  let raw: unknown = {};
  try {
    raw = JSON.parse(json);
  } catch {
    raw = {};
  }
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return Object.fromEntries(ZONES.map((z) => [z, typeof obj[z] === 'string' ? obj[z] : ''])) as Zones;
}

/** Counts of rooms by state, every state present. */
export function countStates(states: readonly RoomState[]): Record<RoomState, number> {
  const out = Object.fromEntries(ROOM_STATES.map((s) => [s, 0])) as Record<RoomState, number>;
  for (const s of states) out[s]++;
  return out;
}

// ---- the room spreadsheet -------------------------------------------------------------------------

export const ROOM_COLUMNS = ['floor', 'number', 'kind', 'beds', 'ownBathroom'] as const;
export type RoomColumn = (typeof ROOM_COLUMNS)[number];
/** Columns a sheet must have; the others take defaults (beds by kind, own bathroom yes). */
const REQUIRED: readonly RoomColumn[] = ['floor', 'number', 'kind'];

export const ROOM_COLUMN_TITLES: Record<RoomColumn, { zh: string; en: string }> = {
  floor: { zh: '楼层', en: 'Floor' },
  number: { zh: '房间号', en: 'Room' },
  kind: { zh: '房型', en: 'Kind' },
  beds: { zh: '床位', en: 'Beds' },
  ownBathroom: { zh: '独立卫生间', en: 'Own bathroom' },
};

const HEADER_NAMES: Record<RoomColumn, readonly string[]> = {
  floor: ['楼层', 'floor', '层'],
  number: ['房间号', '房号', 'room', 'room number', 'number'],
  kind: ['房型', '类型', 'kind', 'type', 'room type'],
  beds: ['床位', '床位数', 'beds'],
  ownBathroom: ['独立卫生间', '卫生间', 'own bathroom', 'bathroom'],
};

const KIND_WORDS: Record<string, RoomKind> = {
  单人间: 'single',
  单间: 'single',
  single: 'single',
  双人间: 'double',
  double: 'double',
  家庭间: 'family',
  家庭房: 'family',
  family: 'family',
  无障碍间: 'accessible',
  无障碍: 'accessible',
  accessible: 'accessible',
  病床: 'ward_bed',
  方舱床位: 'ward_bed',
  ward_bed: 'ward_bed',
  'ward bed': 'ward_bed',
};

const YES = new Set(['是', '有', 'y', 'yes', 'true', '1']);
const NO = new Set(['否', '无', 'n', 'no', 'false', '0']);

const norm = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');

export type RoomHeader =
  | { ok: true; index: Partial<Record<RoomColumn, number>>; titles: Record<RoomColumn, string> }
  | { ok: false; missing: RoomColumn[]; unknown: string[] };

/** Maps a header row (Chinese or English titles, any order): floor, room and kind are required. */
export function mapRoomHeader(cells: readonly string[]): RoomHeader {
  const index: Partial<Record<RoomColumn, number>> = {};
  const titles = Object.fromEntries(ROOM_COLUMNS.map((c) => [c, ROOM_COLUMN_TITLES[c].zh])) as Record<
    RoomColumn,
    string
  >;
  const unknown: string[] = [];
  cells.forEach((cell, i) => {
    const h = norm(cell);
    if (!h) return;
    const col = ROOM_COLUMNS.find((c) => HEADER_NAMES[c].includes(h));
    if (!col || index[col] !== undefined) unknown.push(cell.trim());
    else {
      index[col] = i;
      titles[col] = cell.trim();
    }
  });
  const missing = REQUIRED.filter((c) => index[c] === undefined);
  if (missing.length || unknown.length) return { ok: false, missing, unknown };
  return { ok: true, index, titles };
}

export interface RoomInput {
  floor: number;
  number: string;
  kind: RoomKind;
  beds: number;
  ownBathroom: boolean;
}

export function parseRoomKind(text: string): RoomKind | null {
  return KIND_WORDS[norm(text)] ?? null;
}

/** Checks one room (from a form or a sheet's row); faults name the field (or the sheet's column). */
export function checkRoom(
  raw: { floor: string | number; number: string; kind: string; beds?: string | number; ownBathroom?: string | boolean },
  policy: QuarantinePolicy,
  where: { row?: number; column: (c: RoomColumn) => string },
): { room: RoomInput | null; faults: Fault[] } {
  const faults: Fault[] = [];
  const at = (c: RoomColumn) =>
    where.row !== undefined ? { row: where.row, column: where.column(c) } : { field: where.column(c) };
  const floorText = String(raw.floor).trim();
  const floor = /^-?\d{1,4}$/.test(floorText) ? Number(floorText) : NaN;
  if (!Number.isInteger(floor) || floor < -5 || floor > policy.rooms.maxFloor || floor === 0)
    faults.push({
      ...at('floor'),
      code: 'QUARANTINE_ROOM_FLOOR_INVALID',
      params: { value: floorText, max: policy.rooms.maxFloor },
    });
  const number = raw.number.trim();
  if (!number || number.length > 20 || /[\p{Cc}\p{Cf}]/u.test(number))
    faults.push({ ...at('number'), code: 'QUARANTINE_ROOM_NUMBER_INVALID', params: { value: number } });
  const kind = parseRoomKind(raw.kind);
  if (!kind) faults.push({ ...at('kind'), code: 'QUARANTINE_ROOM_KIND_INVALID', params: { value: raw.kind.trim() } });
  let beds = kind ? policy.rooms.defaultBeds[kind] : 1;
  const bedsText = raw.beds === undefined ? '' : String(raw.beds).trim();
  if (bedsText !== '') {
    const n = /^\d{1,3}$/.test(bedsText) ? Number(bedsText) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > policy.rooms.maxBeds)
      faults.push({
        ...at('beds'),
        code: 'QUARANTINE_ROOM_BEDS_INVALID',
        params: { value: bedsText, max: policy.rooms.maxBeds },
      });
    else beds = n;
  }
  let ownBathroom = true;
  if (typeof raw.ownBathroom === 'boolean') ownBathroom = raw.ownBathroom;
  else if (raw.ownBathroom !== undefined && raw.ownBathroom.trim() !== '') {
    const w = norm(raw.ownBathroom);
    if (YES.has(w)) ownBathroom = true;
    else if (NO.has(w)) ownBathroom = false;
    else
      faults.push({
        ...at('ownBathroom'),
        code: 'QUARANTINE_ROOM_FLAG_INVALID',
        params: { value: raw.ownBathroom.trim() },
      });
  }
  if (faults.length || !kind) return { room: null, faults };
  return { room: { floor, number, kind, beds, ownBathroom }, faults };
}

/** Rooms of one sheet whose number repeats an earlier row's: one fault per repeat, naming both rows. */
export function duplicateRoomFaults(rows: ReadonlyArray<{ row: number; number: string }>, column: string): Fault[] {
  const first = new Map<string, number>();
  const faults: Fault[] = [];
  for (const r of rows) {
    const key = r.number.toLowerCase();
    const seen = first.get(key);
    if (seen !== undefined)
      faults.push({
        row: r.row,
        column,
        code: 'QUARANTINE_ROOM_DUPLICATE_ROW',
        params: { value: r.number, first: seen },
      });
    else first.set(key, r.row);
  }
  return faults;
}
