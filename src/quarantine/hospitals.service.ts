// Designated hospitals (定点医院): the list the command centre keeps (designations, code colours taken,
// beds), the routing query (which hospitals take a person of colour X with need Y, most free beds
// first), the check other parts of the module make before a transfer, and the public list by need.
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope, listingScope } from '../access/access.scope.ts';
import type { Executor } from '../db/database.ts';
import { areaById, areasByCodes } from '../db/sql.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type Fault } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { quarantinePolicy } from './quarantine.policy.ts';
import {
  CARE_NEEDS,
  codesOf,
  COLOURS,
  designationsFor,
  HOSPITAL_DESIGNATIONS,
  refusal,
  routeHospitals,
  type CareNeed,
  type CodeColour,
} from './hospitals.rules.ts';
import type {
  HospitalBody,
  HospitalListQuery,
  HospitalUpdateBody,
  HospitalView,
  PublicHospitalList,
  RouteAnswer,
  RouteQuery,
} from './hospitals.schema.ts';
import * as store from './hospitals.store.ts';
import type { HospitalRow } from './hospitals.store.ts';

function facts(row: HospitalRow) {
  return {
    designations: codesOf(row.designations, HOSPITAL_DESIGNATIONS),
    acceptsColours: codesOf(row.accepts_colours, COLOURS),
    active: Number(row.active) === 1,
    bedsFree: Number(row.beds_free),
  };
}

function view(row: HospitalRow): HospitalView {
  const f = facts(row);
  return {
    id: row.id,
    areaId: row.area_id,
    areaName: row.area_name,
    name: row.name,
    address: row.address,
    phone: row.phone,
    designations: f.designations,
    acceptsColours: f.acceptsColours,
    beds: Number(row.beds),
    bedsFree: f.bedsFree,
    active: f.active,
    updatedAt: Number(row.updated_at),
  };
}

function checkBeds(beds: number, free: number): void {
  if (free > beds) {
    const fault: Fault = { field: 'bedsFree', code: 'HOSPITAL_BEDS_INVALID', params: { free, beds } };
    throw new AppError('HOSPITAL_BEDS_INVALID', { free, beds }, { faults: [fault] });
  }
}

async function hospitalFor(ex: Executor, actor: Actor, id: string): Promise<HospitalRow> {
  const row = await store.hospitalById(ex, id);
  if (!row) throw new AppError('HOSPITAL_NOT_FOUND');
  assertInScope(actor, row.area_path);
  return row;
}

export async function createHospital(s: Services, actor: Actor, body: HospitalBody): Promise<HospitalView> {
  assertCan(actor, 'quarantine.manage');
  const bedsFree = body.bedsFree ?? body.beds;
  checkBeds(body.beds, bedsFree);
  return s.db.transaction().execute(async (trx) => {
    const area = await areaById(trx, body.areaId);
    if (!area) throw new AppError('AREA_NOT_FOUND');
    assertInScope(actor, area.path);
    const now = s.clock.now();
    const id = newId(now);
    await store.insertHospital(trx, {
      id,
      area_id: area.id,
      area_path: area.path,
      name: body.name.trim(),
      address: body.address?.trim() ?? '',
      phone: body.phone?.trim() ?? '',
      designations: JSON.stringify(body.designations),
      accepts_colours: JSON.stringify(body.acceptsColours),
      beds: body.beds,
      beds_free: bedsFree,
      active: 1,
      created_at: now,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.hospital.create',
      objectType: 'hospital',
      objectId: id,
      detail: {
        areaId: area.id,
        name: body.name.trim(),
        designations: body.designations,
        acceptsColours: body.acceptsColours,
        beds: body.beds,
      },
    });
    return view((await store.hospitalById(trx, id))!);
  });
}

export async function updateHospital(
  s: Services,
  actor: Actor,
  id: string,
  body: HospitalUpdateBody,
): Promise<HospitalView> {
  assertCan(actor, 'quarantine.manage');
  return s.db.transaction().execute(async (trx) => {
    const row = await hospitalFor(trx, actor, id);
    checkBeds(body.beds ?? Number(row.beds), body.bedsFree ?? Math.min(Number(row.beds_free), body.beds ?? Infinity));
    const changes = {
      ...(body.name !== undefined ? { name: body.name.trim() } : {}),
      ...(body.address !== undefined ? { address: body.address.trim() } : {}),
      ...(body.phone !== undefined ? { phone: body.phone.trim() } : {}),
      ...(body.designations !== undefined ? { designations: JSON.stringify(body.designations) } : {}),
      ...(body.acceptsColours !== undefined ? { accepts_colours: JSON.stringify(body.acceptsColours) } : {}),
      ...(body.beds !== undefined ? { beds: body.beds } : {}),
      ...(body.bedsFree !== undefined
        ? { beds_free: body.bedsFree }
        : body.beds !== undefined && Number(row.beds_free) > body.beds
          ? { beds_free: body.beds }
          : {}),
      ...(body.active !== undefined ? { active: body.active ? 1 : 0 } : {}),
      updated_at: s.clock.now(),
    };
    await store.updateHospital(trx, id, changes);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.hospital.update',
      objectType: 'hospital',
      objectId: id,
      detail: { changes: { ...body } },
    });
    return view((await store.hospitalById(trx, id))!);
  });
}

export async function listHospitals(
  s: Services,
  actor: Actor,
  query: HospitalListQuery,
): Promise<{ items: HospitalView[] }> {
  assertCan(actor, 'quarantine.read');
  const path = await listingScope(s.db, actor, query.areaId);
  const rows = await store.hospitalsUnder(s.db, path);
  const items = rows.map(view).filter((h) => !query.designation || h.designations.includes(query.designation));
  return { items };
}

export async function getHospital(s: Services, actor: Actor, id: string): Promise<HospitalView> {
  assertCan(actor, 'quarantine.read');
  return view(await hospitalFor(s.db, actor, id));
}

/** Hospitals in the actor's area (or the one named) that take the colour and serve the need, most free beds first. */
export async function routeQuery(s: Services, actor: Actor, query: RouteQuery): Promise<RouteAnswer> {
  assertCan(actor, 'quarantine.read');
  const policy = quarantinePolicy();
  const path = await listingScope(s.db, actor, query.areaId);
  const rows = await store.hospitalsUnder(s.db, path, true);
  const need = (query.need ?? null) as CareNeed | null;
  const routed = routeHospitals(
    rows.map((r) => ({ ...facts(r), name: r.name, row: r })),
    query.colour,
    need,
    policy,
  );
  return {
    colour: query.colour,
    need,
    designations: need ? [...designationsFor(need, policy)] : [],
    items: routed.map((h) => view(h.row)),
  };
}

/**
 * The hospital, when it takes a person of this colour with this need; else HOSPITAL_INACTIVE,
 * HOSPITAL_COLOUR_NOT_ACCEPTED or HOSPITAL_NEED_NOT_SERVED naming the field `hospitalId`. For the
 * transfers of other parts of the module, inside their transaction.
 */
export async function assertHospitalTakes(
  ex: Executor,
  actor: Actor,
  hospitalId: string,
  colour: CodeColour,
  need: CareNeed | null,
): Promise<HospitalView> {
  const row = await hospitalFor(ex, actor, hospitalId);
  const why = refusal(facts(row), colour, need, quarantinePolicy());
  const field = { field: 'hospitalId' };
  if (why === 'inactive')
    throw new AppError(
      'HOSPITAL_INACTIVE',
      { name: row.name },
      { faults: [{ ...field, code: 'HOSPITAL_INACTIVE', params: { name: row.name } }] },
    );
  if (why === 'colour')
    throw new AppError(
      'HOSPITAL_COLOUR_NOT_ACCEPTED',
      { name: row.name, colour },
      { faults: [{ ...field, code: 'HOSPITAL_COLOUR_NOT_ACCEPTED', params: { name: row.name, colour } }] },
    );
  if (why === 'need')
    throw new AppError(
      'HOSPITAL_NEED_NOT_SERVED',
      { name: row.name, need: need ?? '' },
      { faults: [{ ...field, code: 'HOSPITAL_NEED_NOT_SERVED', params: { name: row.name, need: need ?? '' } }] },
    );
  return view(row);
}

/** The public list (no sign-in): active hospitals of the whole deployment, those serving the need when one is named. */
export async function publicHospitals(s: Services, need: CareNeed | undefined): Promise<PublicHospitalList> {
  const policy = quarantinePolicy();
  const rows = await store.hospitalsUnder(s.db, '', true);
  const codes = rows.flatMap((r) => r.area_path.split('/').filter(Boolean));
  const districts = new Map(
    (await areasByCodes(s.db, codes)).filter((a) => a.level === 'district').map((a) => [a.code, a.name]),
  );
  const wanted = need ? designationsFor(need, policy) : null;
  const items = rows
    .map((r) => ({ r, f: facts(r) }))
    .filter(({ f }) => !wanted || wanted.some((d) => f.designations.includes(d)))
    .map(({ r, f }) => ({
      id: r.id,
      name: r.name,
      district:
        r.area_path
          .split('/')
          .filter(Boolean)
          .map((c) => districts.get(c))
          .find((n) => n !== undefined) ?? r.area_name,
      address: r.address,
      phone: r.phone,
      designations: f.designations,
      acceptsColours: f.acceptsColours,
    }));
  return { need: need ?? null, items };
}

export { CARE_NEEDS };
