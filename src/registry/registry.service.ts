// Registry operations: browse areas and buildings, read and change households and persons, search,
// reveal. Each call checks the actor's area scope, runs in one transaction and writes its audit event
// there. The helpers exported at the top are shared with the roster importer and the demo city, so a
// person is validated, sealed, de-duplicated and shown the same way whichever door it came in by.
import type { Actor } from '../access/access.rules.ts';
import { inScope } from '../access/access.rules.ts';
import type { Executor, PersonTable } from '../db/database.ts';
import { isUniqueViolation } from '../db/sql.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import type { AuditActor } from '../platform/audit.ts';
import { newId } from '../platform/crypto.ts';
import type { FieldCipher } from '../platform/crypto.ts';
import { AppError, type Fault } from '../platform/errors.ts';
import { maskIdNumber, maskName, maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { careTagsOf, idLookup, openIdentifiers, phoneLookup, sealPerson } from './person.codec.ts';
import {
  ageOn,
  buildingLabel,
  buildingNumberNames,
  CARE_TAGS,
  classifySearch,
  dateInZone,
  isHeadRelation,
  parseBuildingSearch,
  validatePerson,
  type IdType,
  type PersonFields,
  type PersonInput,
} from './registry.rules.ts';
import {
  type AreaView,
  type HouseholdCreateBody,
  type HouseholdPatchBody,
  type HouseholdSummary,
  type HouseholdView,
  type PersonCreateBody,
  type PersonPatchBody,
  type PersonView,
} from './registry.schema.ts';
// Registers the registry's record error codes (the import above is types only and vanishes).
import * as store from './registry.store.ts';
import type { AreaRow, HouseholdRow, Paging, PersonByIdentifier, PersonRow } from './registry.store.ts';

// ---- shared helpers ----------------------------------------------------------------------------

/** Today's date in the deployment's time zone. */
export function todayOf(s: Pick<Services, 'clock' | 'config'>): string {
  return dateInZone(s.clock.now(), s.config.timeZone);
}

/** The person already registered under this document number, wherever they live. */
export async function findPersonByIdNumber(
  ex: Executor,
  cipher: FieldCipher,
  idType: IdType | string,
  idNumber: string,
): Promise<PersonByIdentifier | undefined> {
  return store.personByIdHmac(ex, [idLookup(cipher, idType, idNumber)]);
}

/** The holder behind an ID_NUMBER_REGISTERED_ELSEWHERE error, for its audit event only (never answered). */
const holderOf = new WeakMap<AppError, PersonByIdentifier>();

/**
 * The number is already taken. Inside `scopePath`: 409 ID_NUMBER_DUPLICATE naming the record that holds
 * it (id, name, area, household). Outside: 409 ID_NUMBER_REGISTERED_ELSEWHERE and nothing more — not the
 * holder's id, name, area or household; the attempt is audited (auditForeignDuplicate).
 */
export function duplicateIdError(existing: PersonByIdentifier, scopePath?: string): AppError {
  const visible = scopePath === undefined || inScope(scopePath, existing.area_path);
  if (!visible) {
    const err = new AppError(
      'ID_NUMBER_REGISTERED_ELSEWHERE',
      {},
      { faults: [{ field: 'idNumber', code: 'ID_NUMBER_REGISTERED_ELSEWHERE' }] },
    );
    holderOf.set(err, existing);
    return err;
  }
  const name = existing.name;
  return new AppError(
    'ID_NUMBER_DUPLICATE',
    { name, areaName: existing.area_name },
    {
      faults: [{ field: 'idNumber', code: 'ID_NUMBER_DUPLICATE', params: { name, areaName: existing.area_name } }],
      extra: { existing: { id: existing.id, name, areaName: existing.area_name, householdId: existing.household_id } },
    },
  );
}

/**
 * An ID number registered outside the caller's area was given for a person: the audit event
 * `person.id_registered_elsewhere` (on the holder, with what was attempted), written on its own since
 * the attempt itself wrote nothing. Returns the error to rethrow.
 */
export async function auditForeignDuplicate(
  s: Services,
  actor: AuditActor,
  err: unknown,
  attempt: string,
  detail: Record<string, unknown> = {},
): Promise<unknown> {
  const holder = err instanceof AppError ? holderOf.get(err) : undefined;
  if (holder) {
    await s.audit(s.db, actor, {
      action: 'person.id_registered_elsewhere',
      objectType: 'person',
      objectId: holder.id,
      detail: { attempt, holderAreaId: holder.area_id, ...detail },
    });
  }
  return err;
}

/** Validated person fields, or 422 PERSON_INVALID listing every fault with its field. */
export function assertValidPerson(fields: PersonFields, today: string, extraFaults: Fault[] = []): PersonInput {
  const result = validatePerson(fields, today);
  const faults = [...extraFaults, ...(result.ok ? [] : result.faults)];
  if (faults.length || !result.ok) throw new AppError('PERSON_INVALID', {}, { faults });
  return result.value;
}

/** A new person row: identifiers sealed, ids and times set. */
export function newPersonRow(
  cipher: FieldCipher,
  input: PersonInput,
  place: { areaId: string; householdId: string | null },
  now: number,
): PersonTable {
  return {
    id: newId(now),
    household_id: place.householdId,
    area_id: place.areaId,
    ...sealPerson(cipher, input),
    created_at: now,
    updated_at: now,
  };
}

/** The masked view of a stored person (age at `today`). */
export function toPersonView(cipher: FieldCipher, row: PersonRow, today: string): PersonView {
  const { idNumber, phone } = openIdentifiers(cipher, row, false);
  return {
    id: row.id,
    name: row.name,
    sex: row.sex === 'M' || row.sex === 'F' ? row.sex : null,
    birthDate: row.birth_date,
    age: ageOn(row.birth_date, today),
    idType: row.id_type,
    idNumber,
    phone,
    relation: row.relation,
    careTags: careTagsOf(row),
    note: row.note,
    householdId: row.household_id,
    areaId: row.area_id,
    areaName: row.area_name,
    address: row.household_address ?? null,
  };
}

export function toAreaView(row: AreaRow): AreaView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    level: row.level,
    parentId: row.parent_id,
    path: row.path,
    childCount: row.child_count,
  };
}

/** The areas containing `path` (root first) that the actor may see; `includeSelf` adds the last one. */
async function ancestorsOf(ex: Executor, actor: Actor, path: string, includeSelf: boolean): Promise<AreaView[]> {
  const codes = path.split('/').filter(Boolean);
  if (!includeSelf) codes.pop();
  const rows = await store.areasByCodes(ex, codes);
  return rows
    .filter((a) => inScope(actor.areaPath, a.path))
    .sort((a, b) => a.path.length - b.path.length)
    .map(toAreaView);
}

async function areaInScope(ex: Executor, actor: Actor, id: string): Promise<AreaRow> {
  const area = await store.areaWithChildCount(ex, id);
  if (!area) throw new AppError('AREA_NOT_FOUND');
  assertInScope(actor, area.path);
  return area;
}

async function householdInScope(ex: Executor, actor: Actor, id: string): Promise<HouseholdRow> {
  const household = await store.householdById(ex, id);
  if (!household) throw new AppError('HOUSEHOLD_NOT_FOUND');
  assertInScope(actor, household.area_path);
  return household;
}

async function personInScope(ex: Executor, actor: Actor, id: string): Promise<PersonRow> {
  const person = await store.personById(ex, id);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  assertInScope(actor, person.area_path);
  return person;
}

function toHouseholdView(h: HouseholdRow): HouseholdView {
  return {
    id: h.id,
    buildingId: h.building_id,
    buildingName: h.building_name,
    areaId: h.area_id,
    unit: h.unit,
    door: h.door,
    address: h.address,
    rooms: h.rooms,
    headPersonId: h.head_person_id,
  };
}

function page<T>(items: T[], total: number, p: Paging): Page<T> {
  return { items, total, limit: p.limit, offset: p.offset };
}

// ---- areas and buildings -----------------------------------------------------------------------

/** Children of `parentId`, or the actor's own root area when no parent is given. */
export async function listAreas(
  s: Services,
  actor: Actor,
  parentId: string | undefined,
  paging: Paging,
): Promise<Page<AreaView>> {
  if (!parentId) {
    const root = await areaInScope(s.db, actor, actor.areaId);
    return page(paging.offset === 0 ? [toAreaView(root)] : [], 1, paging);
  }
  await areaInScope(s.db, actor, parentId);
  const { rows, total } = await store.areaChildren(s.db, parentId, paging);
  return page(rows.map(toAreaView), total, paging);
}

export async function getArea(s: Services, actor: Actor, id: string) {
  const area = await areaInScope(s.db, actor, id);
  const [ancestors, counts] = await Promise.all([
    ancestorsOf(s.db, actor, area.path, false),
    store.subtreeCounts(s.db, area.path),
  ]);
  return { area: toAreaView(area), ancestors, counts: { children: area.child_count, ...counts } };
}

/**
 * Buildings in the area's subtree, by compound and number; with `q`, only those matching a search by
 * compound and number ("瑞景 1": compound or name containing 瑞景, building number 1).
 */
export async function listBuildings(s: Services, actor: Actor, areaId: string, paging: Paging, q?: string) {
  const area = await areaInScope(s.db, actor, areaId);
  const search = parseBuildingSearch(q);
  const { rows, total } = await store.buildingsInSubtree(s.db, area.path, paging, {
    words: search.words,
    names: search.numbers.flatMap(buildingNumberNames),
  });
  return page(
    rows.map((b) => ({
      id: b.id,
      name: b.name,
      compound: b.compound,
      label: buildingLabel(b.compound, b.name),
      address: b.address,
      areaId: b.area_id,
      areaName: b.area_name,
      households: b.households,
      persons: b.persons,
    })),
    total,
    paging,
  );
}

export async function getBuilding(s: Services, actor: Actor, id: string, paging: Paging) {
  const building = await store.buildingById(s.db, id);
  if (!building) throw new AppError('BUILDING_NOT_FOUND');
  assertInScope(actor, building.area_path);
  const [ancestors, { rows, total }] = await Promise.all([
    ancestorsOf(s.db, actor, building.area_path, true),
    store.householdsOfBuilding(s.db, id, paging),
  ]);
  const flags = await store.memberFlags(
    s.db,
    rows.map((h) => h.id),
  );
  const households: HouseholdSummary[] = rows.map((h) => {
    const members = flags.filter((f) => f.household_id === h.id);
    const careTags = CARE_TAGS.filter((tag) => members.some((m) => m[tag] === 1));
    return {
      id: h.id,
      unit: h.unit,
      door: h.door,
      address: h.address,
      rooms: h.rooms,
      headName: h.head_name,
      members: members.length,
      careTags,
    };
  });
  return {
    building: {
      id: building.id,
      name: building.name,
      compound: building.compound,
      label: buildingLabel(building.compound, building.name),
      address: building.address,
      areaId: building.area_id,
    },
    ancestors,
    households,
    householdsTotal: total,
  };
}

// ---- households --------------------------------------------------------------------------------

export async function getHousehold(s: Services, actor: Actor, id: string) {
  return s.db.transaction().execute(async (trx) => {
    const household = await householdInScope(trx, actor, id);
    const [ancestors, members] = await Promise.all([
      ancestorsOf(trx, actor, household.area_path, true),
      store.personsOfHousehold(trx, id),
    ]);
    await s.audit(trx, auditActor(actor), {
      action: 'person.read',
      objectType: 'household',
      objectId: id,
      detail: { persons: members.length },
    });
    const today = todayOf(s);
    // The head first, then the others in the order they were registered.
    const ordered = [...members].sort(
      (a, b) => Number(b.id === household.head_person_id) - Number(a.id === household.head_person_id),
    );
    return {
      household: toHouseholdView(household),
      ancestors,
      members: ordered.map((m) => toPersonView(s.cipher, m, today)),
    };
  });
}

export async function createHousehold(s: Services, actor: Actor, body: HouseholdCreateBody): Promise<HouseholdView> {
  return s.db.transaction().execute(async (trx) => {
    const now = s.clock.now();
    let buildingId: string | null = null;
    let areaId: string;
    if (body.buildingId) {
      const building = await store.buildingById(trx, body.buildingId);
      if (!building) throw new AppError('BUILDING_NOT_FOUND');
      assertInScope(actor, building.area_path);
      buildingId = building.id;
      areaId = building.area_id;
      if (body.areaId && body.areaId !== building.area_id) {
        const area = await areaInScope(trx, actor, body.areaId);
        if (!area.path.startsWith(building.area_path)) {
          throw new AppError(
            'HOUSEHOLD_AREA_MISMATCH',
            {},
            { faults: [{ field: 'areaId', code: 'HOUSEHOLD_AREA_MISMATCH' }] },
          );
        }
        areaId = area.id;
      }
    } else if (body.areaId) {
      const area = await areaInScope(trx, actor, body.areaId);
      areaId = area.id;
      const name = body.buildingName?.trim();
      if (name) {
        const claimed = await store.claimBuilding(trx, {
          id: newId(now),
          area_id: area.id,
          name,
          compound: body.buildingCompound?.trim() ?? '',
          address: '',
          created_at: now,
        });
        buildingId = claimed.id;
        if (claimed.created) {
          await s.audit(trx, auditActor(actor), {
            action: 'building.create',
            objectType: 'building',
            objectId: buildingId,
            detail: { areaId: area.id },
          });
        }
      }
    } else {
      throw new AppError('AREA_REQUIRED', {}, { faults: [{ field: 'areaId', code: 'AREA_REQUIRED' }] });
    }
    const id = newId(now);
    await store.insertHousehold(trx, {
      id,
      building_id: buildingId,
      area_id: areaId,
      unit: (body.unit ?? '').trim(),
      door: (body.door ?? '').trim(),
      address: (body.address ?? '').trim(),
      rooms: body.rooms ?? null,
      head_person_id: null,
      created_at: now,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'household.create',
      objectType: 'household',
      objectId: id,
      detail: { buildingId, areaId },
    });
    return toHouseholdView((await store.householdById(trx, id))!);
  });
}

export async function updateHousehold(
  s: Services,
  actor: Actor,
  id: string,
  patch: HouseholdPatchBody,
): Promise<HouseholdView> {
  return s.db.transaction().execute(async (trx) => {
    const current = await householdInScope(trx, actor, id);
    if (patch.headPersonId) {
      const head = await store.personById(trx, patch.headPersonId);
      if (!head || head.household_id !== id) {
        throw new AppError('HEAD_NOT_MEMBER', {}, { faults: [{ field: 'headPersonId', code: 'HEAD_NOT_MEMBER' }] });
      }
    }
    const next = {
      unit: patch.unit?.trim() ?? current.unit,
      door: patch.door?.trim() ?? current.door,
      address: patch.address?.trim() ?? current.address,
      rooms: patch.rooms !== undefined ? patch.rooms : current.rooms,
      head_person_id: patch.headPersonId !== undefined ? patch.headPersonId : current.head_person_id,
    };
    const fieldNames = {
      unit: 'unit',
      door: 'door',
      address: 'address',
      rooms: 'rooms',
      head_person_id: 'headPersonId',
    } as const;
    const changes: Record<string, unknown> = {};
    const changed: string[] = [];
    for (const column of Object.keys(fieldNames) as Array<keyof typeof fieldNames>) {
      if (next[column] !== current[column]) {
        changes[column] = next[column];
        changed.push(fieldNames[column]);
      }
    }
    if (changed.length) {
      await store.updateHousehold(trx, id, { ...(changes as Partial<typeof next>), updated_at: s.clock.now() });
      await s.audit(trx, auditActor(actor), {
        action: 'household.update',
        objectType: 'household',
        objectId: id,
        detail: { changed },
      });
    }
    return toHouseholdView((await store.householdById(trx, id))!);
  });
}

// ---- persons -----------------------------------------------------------------------------------

export async function searchPersons(
  s: Services,
  actor: Actor,
  query: { q?: string; areaId?: string },
  paging: Paging,
): Promise<Page<PersonView>> {
  return s.db.transaction().execute(async (trx) => {
    const path = query.areaId ? (await areaInScope(trx, actor, query.areaId)).path : actor.areaPath;
    const search = classifySearch(query.q);
    const filter: store.PersonFilter = { path };
    if (search.kind === 'id') filter.idHmacs = search.candidates.map((c) => idLookup(s.cipher, c.idType, c.idNumber));
    else if (search.kind === 'phone') filter.phoneHmac = phoneLookup(s.cipher, search.phone);
    else if (search.kind === 'name') filter.namePrefix = search.prefix;
    const { rows, total } = await store.searchPersons(trx, filter, paging);
    // What was searched is recorded masked (an ID number, a phone or a name is personal data itself),
    // so the auditor sees who looked for whom without the log becoming a copy of the registry.
    const detail: Record<string, unknown> = { kind: search.kind, results: total };
    if (search.kind === 'name') detail.q = maskName(search.prefix);
    else if (search.kind === 'id') detail.q = maskIdNumber(search.candidates[0]!.idNumber);
    else if (search.kind === 'phone') detail.q = maskPhone(search.phone);
    if (query.areaId) detail.areaId = query.areaId;
    await s.audit(trx, auditActor(actor), { action: 'person.search', objectType: 'person', objectId: null, detail });
    const today = todayOf(s);
    return page(
      rows.map((r) => toPersonView(s.cipher, r, today)),
      total,
      paging,
    );
  });
}

export async function getPerson(s: Services, actor: Actor, id: string): Promise<PersonView> {
  return s.db.transaction().execute(async (trx) => {
    const person = await personInScope(trx, actor, id);
    await s.audit(trx, auditActor(actor), { action: 'person.read', objectType: 'person', objectId: id });
    return toPersonView(s.cipher, person, todayOf(s));
  });
}

/** Where a person is placed: a household (whose area they take) or an area alone. */
interface Place {
  areaId: string;
  household: HouseholdRow | null;
}

async function resolvePlace(
  ex: Executor,
  actor: Actor,
  householdId: string | null,
  areaId: string | null,
): Promise<Place> {
  if (householdId) {
    const household = await householdInScope(ex, actor, householdId);
    if (areaId && areaId !== household.area_id) {
      throw new AppError('PERSON_AREA_MISMATCH', {}, { faults: [{ field: 'areaId', code: 'PERSON_AREA_MISMATCH' }] });
    }
    return { areaId: household.area_id, household };
  }
  if (!areaId) throw new AppError('AREA_REQUIRED', {}, { faults: [{ field: 'areaId', code: 'AREA_REQUIRED' }] });
  const area = await areaInScope(ex, actor, areaId);
  return { areaId: area.id, household: null };
}

/**
 * A unique-index failure on a person write (a concurrent insert of the same ID) is named like any
 * duplicate; a number registered outside the caller's area is audited on the way out.
 */
async function explainUniqueViolation(
  s: Services,
  actor: Actor,
  err: unknown,
  input: PersonInput | undefined,
  attempt: string,
): Promise<never> {
  if (input?.idNumber && isUniqueViolation(err)) {
    const existing = await findPersonByIdNumber(s.db, s.cipher, input.idType, input.idNumber);
    if (existing) err = duplicateIdError(existing, actor.areaPath);
  }
  throw await auditForeignDuplicate(s, auditActor(actor), err, attempt);
}

export async function createPerson(s: Services, actor: Actor, body: PersonCreateBody): Promise<PersonView> {
  const today = todayOf(s);
  const missingPlace: Fault[] = body.householdId || body.areaId ? [] : [{ field: 'areaId', code: 'AREA_REQUIRED' }];
  const input = assertValidPerson(body, today, missingPlace);
  try {
    return await s.db.transaction().execute(async (trx) => {
      const place = await resolvePlace(trx, actor, body.householdId ?? null, body.areaId ?? null);
      if (input.idNumber) {
        const existing = await findPersonByIdNumber(trx, s.cipher, input.idType, input.idNumber);
        if (existing) throw duplicateIdError(existing, actor.areaPath);
      }
      const row = newPersonRow(
        s.cipher,
        input,
        { areaId: place.areaId, householdId: place.household?.id ?? null },
        s.clock.now(),
      );
      await store.insertPerson(trx, row);
      const becameHead = !!place.household && !place.household.head_person_id && isHeadRelation(input.relation);
      if (becameHead)
        await store.updateHousehold(trx, place.household!.id, { head_person_id: row.id, updated_at: row.updated_at });
      await s.audit(trx, auditActor(actor), {
        action: 'person.create',
        objectType: 'person',
        objectId: row.id,
        detail: {
          fields: filledFields(input),
          householdId: row.household_id,
          areaId: row.area_id,
          ...(becameHead ? { head: true } : {}),
        },
      });
      return toPersonView(s.cipher, (await store.personById(trx, row.id))!, today);
    });
  } catch (err) {
    return explainUniqueViolation(s, actor, err, input, 'person.create');
  }
}

/** Names of the fields a person input fills (never their values). */
function filledFields(p: PersonInput): string[] {
  const out = ['name', 'idType'];
  if (p.idNumber) out.push('idNumber');
  if (p.sex) out.push('sex');
  if (p.birthDate) out.push('birthDate');
  if (p.phone) out.push('phone');
  if (p.relation) out.push('relation');
  if (p.careTags.length) out.push('careTags');
  if (p.note) out.push('note');
  return out;
}

/** The person's current fields with the patch laid over them; sex and birth date follow a changed resident ID. */
function mergePatch(
  current: PersonRow,
  clear: { idNumber: string | null; phone: string | null },
  patch: PersonPatchBody,
): PersonFields {
  const idChanged = patch.idType !== undefined || patch.idNumber !== undefined;
  const idNumber = patch.idNumber !== undefined ? patch.idNumber : clear.idNumber;
  const blankId = idNumber === null || idNumber.trim() === '';
  let idType: string | undefined = patch.idType ?? current.id_type;
  if (patch.idType === undefined && patch.idNumber !== undefined) {
    idType = blankId ? 'none' : current.id_type === 'none' ? undefined : current.id_type;
  }
  const resultingType = idType ?? (blankId ? 'none' : 'resident_id');
  const derived = idChanged && resultingType === 'resident_id';
  return {
    name: patch.name ?? current.name,
    idType,
    idNumber,
    sex: patch.sex !== undefined ? patch.sex : derived ? undefined : current.sex,
    birthDate: patch.birthDate !== undefined ? patch.birthDate : derived ? undefined : current.birth_date,
    phone: patch.phone !== undefined ? patch.phone : clear.phone,
    relation: patch.relation !== undefined ? patch.relation : current.relation,
    careTags: patch.careTags ?? careTagsOf(current),
    note: patch.note !== undefined ? patch.note : current.note,
  };
}

export async function updatePerson(s: Services, actor: Actor, id: string, patch: PersonPatchBody): Promise<PersonView> {
  const today = todayOf(s);
  const validated: { input?: PersonInput } = {};
  const write = () =>
    s.db.transaction().execute(async (trx) => {
      const current = await personInScope(trx, actor, id);
      const clear = openIdentifiers(s.cipher, current, true);
      const input = assertValidPerson(mergePatch(current, clear, patch), today);
      validated.input = input;

      // In a household the person takes its area; outside one they keep theirs unless the patch moves them.
      const householdId = patch.householdId !== undefined ? patch.householdId : current.household_id;
      const areaId = householdId ? (patch.areaId ?? null) : (patch.areaId ?? current.area_id);
      const place = await resolvePlace(trx, actor, householdId, areaId);

      const sealed = sealPerson(s.cipher, input);
      if (sealed.id_hmac && sealed.id_hmac !== current.id_hmac) {
        const existing = await store.personByIdHmac(trx, [sealed.id_hmac]);
        if (existing && existing.id !== id) throw duplicateIdError(existing, actor.areaPath);
      }

      const changes: Partial<PersonTable> = {};
      const changed: string[] = [];
      const mark = (field: string, differs: boolean, apply: () => void) => {
        if (differs) {
          changed.push(field);
          apply();
        }
      };
      mark('name', sealed.name !== current.name, () => {
        changes.name = sealed.name;
      });
      mark('idType', sealed.id_type !== current.id_type, () => {
        changes.id_type = sealed.id_type;
      });
      mark('idNumber', sealed.id_hmac !== current.id_hmac, () => {
        changes.id_enc = sealed.id_enc;
        changes.id_hmac = sealed.id_hmac;
      });
      mark('sex', sealed.sex !== current.sex, () => {
        changes.sex = sealed.sex;
      });
      mark('birthDate', sealed.birth_date !== current.birth_date, () => {
        changes.birth_date = sealed.birth_date;
      });
      mark('phone', sealed.phone_hmac !== current.phone_hmac, () => {
        changes.phone_enc = sealed.phone_enc;
        changes.phone_hmac = sealed.phone_hmac;
      });
      mark('relation', sealed.relation !== current.relation, () => {
        changes.relation = sealed.relation;
      });
      const tagsChanged = CARE_TAGS.some((t) => sealed[t] !== current[t]);
      mark('careTags', tagsChanged, () => {
        for (const t of CARE_TAGS) changes[t] = sealed[t];
      });
      mark('note', sealed.note !== current.note, () => {
        changes.note = sealed.note;
      });
      const newHouseholdId = place.household?.id ?? null;
      mark('householdId', newHouseholdId !== current.household_id, () => {
        changes.household_id = newHouseholdId;
      });
      mark('areaId', place.areaId !== current.area_id, () => {
        changes.area_id = place.areaId;
      });

      if (changed.length) {
        const now = s.clock.now();
        await store.updatePerson(trx, id, { ...changes, updated_at: now });
        if (changes.household_id !== undefined && current.household_id) {
          const old = await store.householdById(trx, current.household_id);
          if (old?.head_person_id === id)
            await store.updateHousehold(trx, old.id, { head_person_id: null, updated_at: now });
        }
        if (place.household && !place.household.head_person_id && isHeadRelation(sealed.relation)) {
          await store.updateHousehold(trx, place.household.id, { head_person_id: id, updated_at: now });
        }
        await s.audit(trx, auditActor(actor), {
          action: 'person.update',
          objectType: 'person',
          objectId: id,
          detail: { changed },
        });
      }
      return toPersonView(s.cipher, (await store.personById(trx, id))!, today);
    });
  try {
    return await write();
  } catch (err) {
    return explainUniqueViolation(s, actor, err, validated.input, 'person.update');
  }
}

/** The full ID number and phone, for a role that may see them, with a reason that lands in the audit log. */
export async function revealPerson(
  s: Services,
  actor: Actor,
  id: string,
  reason: string | undefined,
): Promise<{ idNumber: string | null; phone: string | null }> {
  assertCan(actor, 'person.reveal');
  const why = (reason ?? '').trim();
  if (!why || [...why].length > 200)
    throw new AppError('REASON_REQUIRED', {}, { faults: [{ field: 'reason', code: 'REASON_REQUIRED' }] });
  return s.db.transaction().execute(async (trx) => {
    const person = await personInScope(trx, actor, id);
    const clear = openIdentifiers(s.cipher, person, true);
    await s.audit(trx, auditActor(actor), {
      action: 'person.reveal',
      objectType: 'person',
      objectId: id,
      reason: why,
      detail: { fields: [clear.idNumber ? 'idNumber' : null, clear.phone ? 'phone' : null].filter(Boolean) },
    });
    return clear;
  });
}

// ---- for other modules -------------------------------------------------------------------------

/** A person inside the actor's area (PERSON_NOT_FOUND, OUT_OF_SCOPE), for flows of other modules on one person. */
export async function personForActor(ex: Executor, actor: Actor, id: string): Promise<PersonRow> {
  return personInScope(ex, actor, id);
}

/**
 * Sets a person's phone to one just proven by a one-time code (door registration), inside the caller's
 * transaction: sealed with its lookup digest, audited `person.update` with the reason. Returns whether
 * it changed.
 */
export async function setVerifiedPhone(
  s: Services,
  ex: Executor,
  actor: Actor,
  personId: string,
  phone: string,
  reason: string,
): Promise<boolean> {
  const hmac = phoneLookup(s.cipher, phone);
  const current = await store.personById(ex, personId);
  if (!current) throw new AppError('PERSON_NOT_FOUND');
  if (current.phone_hmac === hmac) return false;
  await store.updatePerson(ex, personId, {
    phone_enc: s.cipher.encrypt(phone),
    phone_hmac: hmac,
    updated_at: s.clock.now(),
  });
  await s.audit(ex, auditActor(actor), {
    action: 'person.update',
    objectType: 'person',
    objectId: personId,
    reason,
    detail: { changed: ['phone'] },
  });
  return true;
}
