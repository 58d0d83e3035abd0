// Small writers of quarantine rows (sites, rooms, staff, hospitals, people under orders) for the care
// tests: straight into the 0028 tables, so allocation, checks and site operations can be tested alone.
import type { Services } from '../../src/services.ts';
import { newId } from '../../src/platform/crypto.ts';

const DAY = 86_400_000;

export async function insertSite(
  s: Services,
  areaId: string,
  name = '龙山宾馆隔离点',
  extra: { status?: string } = {},
): Promise<string> {
  const area = await s.db.selectFrom('area').select('path').where('id', '=', areaId).executeTakeFirstOrThrow();
  const id = newId(s.clock.now());
  const now = s.clock.now();
  await s.db
    .insertInto('quarantine_site')
    .values({
      id,
      area_id: areaId,
      area_path: area.path,
      name,
      address: '龙山区向阳路 1 号',
      kind: 'hotel',
      zones: '{}',
      status: extra.status ?? 'in_service',
      testing_site_id: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

export async function insertRooms(
  s: Services,
  siteId: string,
  rooms: Array<{ number: string; kind?: string; beds?: number; status?: string; dueAt?: number | null }>,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const now = s.clock.now();
  for (const r of rooms) {
    const id = newId(now);
    ids[r.number] = id;
    await s.db
      .insertInto('quarantine_room')
      .values({
        id,
        site_id: siteId,
        floor: Number(r.number.slice(0, 1)) || 1,
        number: r.number,
        kind: r.kind ?? 'single',
        beds: r.beds ?? 1,
        own_bathroom: 1,
        status: r.status ?? 'in_service',
        disinfection_due_at: r.dueAt ?? null,
        disinfected_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  return ids;
}

export async function insertStaff(
  s: Services,
  siteId: string,
  userId: string | null,
  role = 'medical',
  name = '李医生',
): Promise<string> {
  const id = newId(s.clock.now());
  await s.db
    .insertInto('quarantine_staff')
    .values({
      id,
      site_id: siteId,
      user_id: userId,
      name,
      role,
      shift: 'day',
      ppe_level: 2,
      active: 1,
      created_at: s.clock.now(),
    })
    .execute();
  return id;
}

export async function insertHospital(
  s: Services,
  areaId: string,
  name: string,
  designations: string[],
  colours = ['green', 'yellow', 'red'],
): Promise<string> {
  const area = await s.db.selectFrom('area').select('path').where('id', '=', areaId).executeTakeFirstOrThrow();
  const id = newId(s.clock.now());
  await s.db
    .insertInto('hospital')
    .values({
      id,
      area_id: areaId,
      area_path: area.path,
      name,
      address: '',
      phone: '',
      designations: JSON.stringify(designations),
      accepts_colours: JSON.stringify(colours),
      beds: 50,
      beds_free: 10,
      active: 1,
      created_at: s.clock.now(),
      updated_at: s.clock.now(),
    })
    .execute();
  return id;
}

export async function insertHousehold(s: Services, areaId: string, address: string): Promise<string> {
  const id = newId(s.clock.now());
  await s.db
    .insertInto('household')
    .values({
      id,
      building_id: null,
      area_id: areaId,
      unit: '',
      door: '',
      address,
      rooms: null,
      head_person_id: null,
      created_at: s.clock.now(),
      updated_at: s.clock.now(),
    })
    .execute();
  return id;
}

export interface OrderSpec {
  name: string;
  areaId: string;
  householdId?: string | null;
  kind?: string;
  place?: string;
  status?: string;
  caseId?: string | null;
  needs?: Record<string, boolean>;
  guardianPersonId?: string | null;
  /** Day 0 of the order; the clock's now by default. */
  startAt?: number;
  /** The schedule's test days (with their dates); the 9th edition's day numbers, undated, by default. */
  testDays?: Array<{ phase: 'centralised' | 'home'; day: number; date: string }>;
}

/** A person and their order; returns both ids. */
export async function insertOrder(s: Services, spec: OrderSpec): Promise<{ personId: string; orderId: string }> {
  const now = s.clock.now();
  const area = await s.db.selectFrom('area').select('path').where('id', '=', spec.areaId).executeTakeFirstOrThrow();
  const personId = newId(now);
  await s.db
    .insertInto('person')
    .values({
      id: personId,
      household_id: spec.householdId ?? null,
      area_id: spec.areaId,
      name: spec.name,
      id_type: 'none',
      id_enc: null,
      id_hmac: null,
      birth_date: null,
      sex: null,
      phone_enc: null,
      phone_hmac: null,
      relation: '',
      elderly_alone: 0,
      bedridden: 0,
      pregnant: 0,
      dialysis: 0,
      no_smartphone: 0,
      note: '',
      created_at: now,
      updated_at: now,
    })
    .execute();
  const orderId = newId(now);
  const start = spec.startAt ?? now;
  await s.db
    .insertInto('quarantine_order')
    .values({
      id: orderId,
      person_id: personId,
      area_id: spec.areaId,
      area_path: area.path,
      kind: spec.kind ?? 'close_contact',
      place: spec.place ?? 'centralised',
      status: spec.status ?? 'active',
      source_type: 'manual',
      source_id: null,
      case_id: spec.caseId ?? null,
      household_id: spec.householdId ?? null,
      rule_set_id: '9th-edition',
      start_at: start,
      centralised_until: start + 7 * DAY,
      home_until: start + 10 * DAY,
      ends_at: start + 10 * DAY,
      home_kind: 'home_health_monitoring',
      test_days: JSON.stringify(
        spec.testDays ?? [
          { phase: 'centralised', day: 1 },
          { phase: 'centralised', day: 2 },
          { phase: 'centralised', day: 3 },
          { phase: 'centralised', day: 5 },
          { phase: 'centralised', day: 7 },
          { phase: 'home', day: 3 },
        ],
      ),
      care_needs: JSON.stringify(spec.needs ?? {}),
      guardian_person_id: spec.guardianPersonId ?? null,
      door_measure: 'none',
      door_measure_at: null,
      released_at: null,
      release_basis: null,
      follow_order_id: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { personId, orderId };
}

/** A current stay of an order in a room. */
export async function insertStay(s: Services, orderId: string, siteId: string, roomId: string): Promise<string> {
  const id = newId(s.clock.now());
  await s.db
    .insertInto('quarantine_stay')
    .values({
      id,
      order_id: orderId,
      site_id: siteId,
      room_id: roomId,
      status: 'current',
      plan_id: null,
      from_at: s.clock.now(),
      to_at: null,
      created_at: s.clock.now(),
    })
    .execute();
  return id;
}
