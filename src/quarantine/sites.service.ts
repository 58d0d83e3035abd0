// Quarantine sites (隔离点): the site with its three zones, its rooms (one by one or from a spreadsheet,
// the whole sheet or nothing), and its staff roster. Every change is audited in its own transaction.
// Scope: a site belongs to its area; a site worker (role quarantine_site) sees only the sites whose
// roster names their account.
import type { Readable } from 'node:stream';
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope, listingScope } from '../access/access.scope.ts';
import { userById } from '../access/access.store.ts';
import type { Executor, QuarantineRoomTable, QuarantineStaffTable } from '../db/database.ts';
import { areaById } from '../db/sql.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type Fault, type Lang } from '../platform/errors.ts';
import type { Page } from '../platform/pagination.ts';
import { readRoster, type RosterFormat } from '../registry/roster.read.ts';
import type { Services } from '../services.ts';
import { testingSiteById } from '../testing/testing.sites.store.ts';
import { quarantinePolicy, type QuarantinePolicy } from './quarantine.policy.ts';
import {
  checkRoom,
  countStates,
  duplicateRoomFaults,
  mapRoomHeader,
  ROOM_COLUMN_TITLES,
  ROOM_COLUMNS,
  roomState,
  zonesOf,
  type RoomColumn,
  type RoomInput,
  type RoomKind,
  type RoomStatus,
  type SiteKind,
  type SiteStatus,
  type StaffRole,
  type StaffShift,
  type Zones,
} from './sites.rules.ts';
import type {
  RoomBody,
  RoomCounts,
  RoomImportOutcome,
  RoomListQuery,
  RoomUpdateBody,
  RoomView,
  SiteCreateBody,
  SiteListQuery,
  SiteUpdateBody,
  SiteView,
  StaffBody,
  StaffUpdateBody,
  StaffView,
} from './sites.schema.ts';
import * as store from './sites.store.ts';
import type { RoomRow, SiteRow } from './sites.store.ts';

/** How many faults of a refused sheet are listed (the count says how many there were). */
export const FAULT_CAP = 1000;

// ---- scope ---------------------------------------------------------------------------------------

/** The sites a site worker is rostered on; null for every other role (their area decides). */
export async function rosterSites(ex: Executor, actor: Actor): Promise<string[] | null> {
  return actor.role === 'quarantine_site' ? store.siteIdsOfUser(ex, actor.userId) : null;
}

/**
 * The site, if the actor may see it: 404 when there is none, OUT_OF_SCOPE when it lies outside the
 * actor's area or (for a site worker) is not a site whose roster names them. Other parts of the module
 * ask here before they show or change anything of a site.
 */
export async function siteFor(ex: Executor, actor: Actor, siteId: string): Promise<SiteRow> {
  const site = await store.siteById(ex, siteId);
  if (!site) throw new AppError('QUARANTINE_SITE_NOT_FOUND');
  assertInScope(actor, site.area_path);
  const roster = await rosterSites(ex, actor);
  if (roster && !roster.includes(site.id)) throw new AppError('OUT_OF_SCOPE');
  return site;
}

// ---- views ---------------------------------------------------------------------------------------

export function roomCounts(rooms: readonly RoomRow[]): RoomCounts {
  const states = countStates(rooms.map(roomState));
  return {
    total: rooms.length,
    beds: rooms.reduce((n, r) => n + (r.status === 'out_of_service' ? 0 : Number(r.beds)), 0),
    ...states,
  };
}

function siteView(row: SiteRow, rooms: readonly RoomRow[], staff: number): SiteView {
  return {
    id: row.id,
    areaId: row.area_id,
    areaName: row.area_name,
    name: row.name,
    address: row.address,
    kind: row.kind as SiteKind,
    zones: zonesOf(row.zones),
    status: row.status as SiteStatus,
    testingSiteId: row.testing_site_id,
    rooms: roomCounts(rooms),
    staff,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function roomView(r: RoomRow): RoomView {
  return {
    id: r.id,
    siteId: r.site_id,
    floor: Number(r.floor),
    number: r.number,
    kind: r.kind as RoomKind,
    beds: Number(r.beds),
    ownBathroom: Number(r.own_bathroom) === 1,
    status: r.status as RoomStatus,
    state: roomState(r),
    occupants: r.current,
    disinfectionDueAt: r.disinfection_due_at === null ? null : Number(r.disinfection_due_at),
    disinfectedAt: r.disinfected_at === null ? null : Number(r.disinfected_at),
  };
}

async function staffView(ex: Executor, row: QuarantineStaffTable): Promise<StaffView> {
  const user = row.user_id ? await userById(ex, row.user_id) : undefined;
  return {
    id: row.id,
    siteId: row.site_id,
    userId: row.user_id,
    username: user?.username ?? null,
    name: row.name,
    role: row.role as StaffRole,
    shift: row.shift as StaffShift,
    ppeLevel: Number(row.ppe_level),
    active: Number(row.active) === 1,
    createdAt: Number(row.created_at),
  };
}

async function siteViewById(ex: Executor, id: string): Promise<SiteView> {
  const row = await store.siteById(ex, id);
  if (!row) throw new AppError('QUARANTINE_SITE_NOT_FOUND');
  const rooms = await store.roomsOfSites(ex, [id]);
  const staff = (await store.staffCounts(ex, [id])).get(id) ?? 0;
  return siteView(row, rooms, staff);
}

function zonesJson(body: Partial<Zones> | undefined, base: Zones = { observation: '', service: '', sanitation: '' }) {
  const z = { ...base };
  for (const k of ['observation', 'service', 'sanitation'] as const)
    if (body?.[k] !== undefined) z[k] = body[k]!.trim();
  return JSON.stringify(z);
}

async function checkTestingSite(ex: Executor, actor: Actor, testingSiteId: string | null | undefined) {
  if (!testingSiteId) return;
  const ts = await testingSiteById(ex, testingSiteId);
  if (!ts) throw new AppError('QUARANTINE_TESTING_SITE_NOT_FOUND', { testingSiteId });
  assertInScope(actor, ts.area_path);
}

// ---- sites ---------------------------------------------------------------------------------------

export async function createSite(s: Services, actor: Actor, body: SiteCreateBody): Promise<SiteView> {
  assertCan(actor, 'quarantine.manage');
  return s.db.transaction().execute(async (trx) => {
    const area = await areaById(trx, body.areaId);
    if (!area) throw new AppError('AREA_NOT_FOUND');
    assertInScope(actor, area.path);
    await checkTestingSite(trx, actor, body.testingSiteId);
    const now = s.clock.now();
    const id = newId(now);
    await store.insertSite(trx, {
      id,
      area_id: area.id,
      area_path: area.path,
      name: body.name.trim(),
      address: body.address?.trim() ?? '',
      kind: body.kind,
      zones: zonesJson(body.zones),
      status: 'in_service',
      testing_site_id: body.testingSiteId ?? null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.site.create',
      objectType: 'quarantine_site',
      objectId: id,
      detail: { areaId: area.id, name: body.name.trim(), kind: body.kind },
    });
    return siteViewById(trx, id);
  });
}

export async function updateSite(s: Services, actor: Actor, id: string, body: SiteUpdateBody): Promise<SiteView> {
  assertCan(actor, 'quarantine.manage');
  return s.db.transaction().execute(async (trx) => {
    const site = await siteFor(trx, actor, id);
    if (body.testingSiteId !== undefined) await checkTestingSite(trx, actor, body.testingSiteId);
    if (body.status === 'out_of_service' && site.status !== 'out_of_service') {
      const rooms = await store.roomsOfSites(trx, [id]);
      const occupied = rooms.filter((r) => r.current > 0 || r.planned > 0).length;
      if (occupied > 0) throw new AppError('QUARANTINE_SITE_IN_USE', { occupied });
    }
    const changes = {
      ...(body.name !== undefined ? { name: body.name.trim() } : {}),
      ...(body.address !== undefined ? { address: body.address.trim() } : {}),
      ...(body.kind !== undefined ? { kind: body.kind } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.zones !== undefined ? { zones: zonesJson(body.zones, zonesOf(site.zones)) } : {}),
      ...(body.testingSiteId !== undefined ? { testing_site_id: body.testingSiteId } : {}),
    };
    await store.updateSite(trx, id, { ...changes, updated_at: s.clock.now() });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.site.update',
      objectType: 'quarantine_site',
      objectId: id,
      detail: { changes: { ...body } },
    });
    return siteViewById(trx, id);
  });
}

export async function getSite(s: Services, actor: Actor, id: string): Promise<SiteView> {
  assertCan(actor, 'quarantine.read');
  await siteFor(s.db, actor, id);
  return siteViewById(s.db, id);
}

export async function listSites(
  s: Services,
  actor: Actor,
  query: SiteListQuery,
  paging: { limit: number; offset: number },
): Promise<Page<SiteView>> {
  assertCan(actor, 'quarantine.read');
  const scopePath = await listingScope(s.db, actor, query.areaId);
  const siteIds = await rosterSites(s.db, actor);
  const { rows, total } = await store.listSites(s.db, { scopePath, siteIds, status: query.status }, paging);
  const ids = rows.map((r) => r.id);
  const rooms = await store.roomsOfSites(s.db, ids);
  const staff = await store.staffCounts(s.db, ids);
  return {
    items: rows.map((r) =>
      siteView(
        r,
        rooms.filter((x) => x.site_id === r.id),
        staff.get(r.id) ?? 0,
      ),
    ),
    total,
    limit: paging.limit,
    offset: paging.offset,
  };
}

// ---- rooms ---------------------------------------------------------------------------------------

export async function listRooms(
  s: Services,
  actor: Actor,
  siteId: string,
  query: RoomListQuery,
): Promise<{ site: SiteView; items: RoomView[] }> {
  assertCan(actor, 'quarantine.read');
  const site = await siteFor(s.db, actor, siteId);
  const rooms = await store.roomsOfSites(s.db, [siteId]);
  const staff = (await store.staffCounts(s.db, [siteId])).get(siteId) ?? 0;
  const items = rooms
    .map(roomView)
    .filter((r) => (query.floor === undefined || r.floor === query.floor) && (!query.state || r.state === query.state));
  return { site: siteView(site, rooms, staff), items };
}

function roomRow(siteId: string, r: RoomInput, now: number): QuarantineRoomTable {
  return {
    id: newId(now),
    site_id: siteId,
    floor: r.floor,
    number: r.number,
    kind: r.kind,
    beds: r.beds,
    own_bathroom: r.ownBathroom ? 1 : 0,
    status: 'in_service',
    disinfection_due_at: null,
    disinfected_at: null,
    created_at: now,
    updated_at: now,
  };
}

const FIELD_NAMES: Record<RoomColumn, string> = {
  floor: 'floor',
  number: 'number',
  kind: 'kind',
  beds: 'beds',
  ownBathroom: 'ownBathroom',
};

export async function addRoom(s: Services, actor: Actor, siteId: string, body: RoomBody): Promise<RoomView> {
  assertCan(actor, 'quarantine.manage');
  const policy = quarantinePolicy();
  const { room, faults } = checkRoom(
    { floor: body.floor, number: body.number, kind: body.kind, beds: body.beds, ownBathroom: body.ownBathroom },
    policy,
    { column: (c) => FIELD_NAMES[c] },
  );
  if (!room) {
    const first = faults[0]!;
    throw new AppError(first.code, first.params ?? {}, { faults });
  }
  return s.db.transaction().execute(async (trx) => {
    await siteFor(trx, actor, siteId);
    if ((await store.takenRoomNumbers(trx, siteId, [room.number])).size)
      throw new AppError(
        'QUARANTINE_ROOM_EXISTS',
        { number: room.number },
        { faults: [{ field: 'number', code: 'QUARANTINE_ROOM_EXISTS', params: { number: room.number } }] },
      );
    const row = roomRow(siteId, room, s.clock.now());
    await store.insertRooms(trx, [row]);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.room.create',
      objectType: 'quarantine_room',
      objectId: row.id,
      detail: { siteId, number: row.number, floor: row.floor, kind: row.kind, beds: row.beds },
    });
    return roomView({ ...row, current: 0, planned: 0 });
  });
}

export async function updateRoom(s: Services, actor: Actor, roomId: string, body: RoomUpdateBody): Promise<RoomView> {
  assertCan(actor, 'quarantine.manage');
  return s.db.transaction().execute(async (trx) => {
    const room = await store.roomById(trx, roomId);
    if (!room) throw new AppError('QUARANTINE_ROOM_NOT_FOUND');
    await siteFor(trx, actor, room.site_id);
    if (body.status && body.status !== room.status) {
      if (body.status === 'out_of_service' && (room.current > 0 || room.planned > 0))
        throw new AppError('QUARANTINE_ROOM_IN_USE', { number: room.number });
      if (body.status === 'in_service' && room.disinfection_due_at !== null)
        throw new AppError('QUARANTINE_ROOM_DISINFECTION_DUE', { number: room.number });
    }
    const changes = {
      ...(body.kind !== undefined ? { kind: body.kind } : {}),
      ...(body.beds !== undefined ? { beds: body.beds } : {}),
      ...(body.ownBathroom !== undefined ? { own_bathroom: body.ownBathroom ? 1 : 0 } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      updated_at: s.clock.now(),
    };
    await store.updateRoom(trx, roomId, changes);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.room.update',
      objectType: 'quarantine_room',
      objectId: roomId,
      detail: { siteId: room.site_id, number: room.number, changes: { ...body } },
    });
    return roomView({ ...room, ...changes });
  });
}

/** Before a sheet is read: the actor may change rooms and the site is theirs (else 403/404, file unread). */
export async function canImportRooms(s: Services, actor: Actor, siteId: string): Promise<void> {
  assertCan(actor, 'quarantine.manage');
  await siteFor(s.db, actor, siteId);
}

export interface SheetRoom {
  row: number;
  raw: { floor: string; number: string; kind: string; beds: string; ownBathroom: string };
}

function refuse(faults: Fault[]): never {
  throw new AppError(
    'QUARANTINE_ROOMS_INVALID',
    { count: faults.length },
    { faults: faults.slice(0, FAULT_CAP), extra: { totalErrors: faults.length } },
  );
}

/** Reads a room sheet (CSV or XLSX) as a stream; a wrong header refuses it at row 1. */
export async function roomsFromFile(
  input: Readable,
  format: RosterFormat,
  lang: Lang,
): Promise<{ rows: SheetRoom[]; titles: Record<RoomColumn, string> }> {
  let header: Extract<ReturnType<typeof mapRoomHeader>, { ok: true }> | null = null;
  const rows: SheetRoom[] = [];
  const headerFault = (row: number, missing: RoomColumn[], unknown: string[]): never =>
    refuse([
      {
        row,
        code: 'QUARANTINE_ROOMS_HEADER_INVALID',
        params: {
          missing: missing.map((c) => ROOM_COLUMN_TITLES[c][lang]).join(', ') || '-',
          unknown: unknown.join(', ') || '-',
        },
      },
    ]);
  for await (const sheetRow of readRoster(input, format)) {
    if (!header) {
      const mapped = mapRoomHeader(sheetRow.cells);
      if (!mapped.ok) headerFault(sheetRow.row, mapped.missing, mapped.unknown);
      else header = mapped;
      continue;
    }
    const cells = sheetRow.cells;
    if (cells.every((c) => !c.trim())) continue;
    const cell = (c: RoomColumn) => {
      const i = header!.index[c];
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    rows.push({
      row: sheetRow.row,
      raw: {
        floor: cell('floor'),
        number: cell('number'),
        kind: cell('kind'),
        beds: cell('beds'),
        ownBathroom: cell('ownBathroom'),
      },
    });
  }
  if (!header) headerFault(1, ['floor', 'number', 'kind'], []);
  return { rows, titles: header!.titles };
}

/**
 * Adds a sheet's rooms to a site: every row is checked (floor, number, kind, beds, bathroom; a number
 * repeated in the sheet or already at the site), and any fault refuses the whole sheet with each fault's
 * row and column. A dry run checks and counts without writing.
 */
export async function importRooms(
  s: Services,
  actor: Actor,
  siteId: string,
  sheet: { rows: SheetRoom[]; titles: Record<RoomColumn, string> },
  options: { dryRun?: boolean; fileName?: string | null } = {},
): Promise<RoomImportOutcome> {
  assertCan(actor, 'quarantine.manage');
  const policy: QuarantinePolicy = quarantinePolicy();
  const column = (c: RoomColumn) => sheet.titles[c];
  return s.db.transaction().execute(async (trx) => {
    await siteFor(trx, actor, siteId);
    if (!sheet.rows.length) throw new AppError('QUARANTINE_ROOMS_EMPTY');
    const faults: Fault[] = [];
    const rooms: Array<{ row: number; room: RoomInput }> = [];
    for (const r of sheet.rows) {
      const checked = checkRoom(r.raw, policy, { row: r.row, column });
      faults.push(...checked.faults);
      if (checked.room) rooms.push({ row: r.row, room: checked.room });
    }
    faults.push(
      ...duplicateRoomFaults(
        rooms.map((r) => ({ row: r.row, number: r.room.number })),
        column('number'),
      ),
    );
    const taken = await store.takenRoomNumbers(
      trx,
      siteId,
      rooms.map((r) => r.room.number),
    );
    for (const r of rooms)
      if (taken.has(r.room.number.toLowerCase()))
        faults.push({
          row: r.row,
          column: column('number'),
          code: 'QUARANTINE_ROOM_EXISTS_ROW',
          params: { value: r.room.number },
        });
    if (faults.length) refuse(faults.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)));
    const byKind: Record<string, number> = {};
    for (const r of rooms) byKind[r.room.kind] = (byKind[r.room.kind] ?? 0) + 1;
    const outcome: RoomImportOutcome = {
      dryRun: !!options.dryRun,
      rows: sheet.rows.length,
      created: options.dryRun ? 0 : rooms.length,
      beds: rooms.reduce((n, r) => n + r.room.beds, 0),
      byKind,
    };
    if (options.dryRun) return outcome;
    const now = s.clock.now();
    await store.insertRooms(
      trx,
      rooms.map((r) => roomRow(siteId, r.room, now)),
    );
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.room.import',
      objectType: 'quarantine_site',
      objectId: siteId,
      detail: { fileName: options.fileName ?? null, rooms: rooms.length, beds: outcome.beds, byKind },
    });
    return outcome;
  });
}

export { ROOM_COLUMNS };

// ---- staff ---------------------------------------------------------------------------------------

async function checkUser(ex: Executor, actor: Actor, userId: string | null | undefined): Promise<void> {
  if (!userId) return;
  const user = await userById(ex, userId);
  if (!user) throw new AppError('QUARANTINE_STAFF_USER_NOT_FOUND', { userId });
  assertInScope(actor, user.area_path);
}

export async function listStaff(s: Services, actor: Actor, siteId: string): Promise<{ items: StaffView[] }> {
  assertCan(actor, 'quarantine.read');
  await siteFor(s.db, actor, siteId);
  const rows = await store.staffOfSite(s.db, siteId);
  const items: StaffView[] = [];
  for (const r of rows) items.push(await staffView(s.db, r));
  return { items };
}

export async function addStaff(s: Services, actor: Actor, siteId: string, body: StaffBody): Promise<StaffView> {
  assertCan(actor, 'quarantine.manage');
  return s.db.transaction().execute(async (trx) => {
    await siteFor(trx, actor, siteId);
    await checkUser(trx, actor, body.userId);
    const now = s.clock.now();
    const row: QuarantineStaffTable = {
      id: newId(now),
      site_id: siteId,
      user_id: body.userId ?? null,
      name: body.name.trim(),
      role: body.role,
      shift: body.shift,
      ppe_level: body.ppeLevel,
      active: 1,
      created_at: now,
    };
    await store.insertStaff(trx, row);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.staff.create',
      objectType: 'quarantine_staff',
      objectId: row.id,
      detail: { siteId, role: row.role, shift: row.shift, ppeLevel: row.ppe_level, userId: row.user_id },
    });
    return staffView(trx, row);
  });
}

export async function updateStaff(
  s: Services,
  actor: Actor,
  staffId: string,
  body: StaffUpdateBody,
): Promise<StaffView> {
  assertCan(actor, 'quarantine.manage');
  return s.db.transaction().execute(async (trx) => {
    const staff = await store.staffById(trx, staffId);
    if (!staff) throw new AppError('QUARANTINE_STAFF_NOT_FOUND');
    await siteFor(trx, actor, staff.site_id);
    if (body.userId !== undefined) await checkUser(trx, actor, body.userId);
    const changes = {
      ...(body.role !== undefined ? { role: body.role } : {}),
      ...(body.shift !== undefined ? { shift: body.shift } : {}),
      ...(body.ppeLevel !== undefined ? { ppe_level: body.ppeLevel } : {}),
      ...(body.active !== undefined ? { active: body.active ? 1 : 0 } : {}),
      ...(body.userId !== undefined ? { user_id: body.userId } : {}),
    };
    await store.updateStaff(trx, staffId, changes);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.staff.update',
      objectType: 'quarantine_staff',
      objectId: staffId,
      detail: { siteId: staff.site_id, changes: { ...body } },
    });
    return staffView(trx, { ...staff, ...changes });
  });
}
