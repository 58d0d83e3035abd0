// A small city for the risk-area suites: a building of 文苑社区 with two residents, a venue in 文苑社区,
// a visitor from 兴阳社区 who was admitted there two days ago, a bystander in 兴阳社区, and on request
// a large building (more residents than the rule set's mass-recolour threshold).
import type { PersonTable } from '../../src/db/database.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import { AREAS, seedTestAreas, type TestServices } from './services.ts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const NOW = Date.parse('2022-03-24T08:00:00+08:00');

export function personRow(id: string, areaId: string, householdId: string | null = null): PersonTable {
  return {
    id,
    household_id: householdId,
    area_id: areaId,
    name: `居民${id}`,
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
    created_at: NOW - 30 * DAY,
    updated_at: NOW - 30 * DAY,
  };
}

export interface RiskCity {
  areas: Record<string, string>;
  building: string;
  residents: string[];
  visitor: string;
  bystander: string;
  venue: string;
  bigBuilding?: string;
  bigResidents?: string[];
}

async function building(s: TestServices, id: string, areaId: string, residents: string[]): Promise<void> {
  await s.db
    .insertInto('building')
    .values({
      id,
      area_id: areaId,
      name: id === 'b-3' ? '3号楼' : `${id}号楼`,
      compound: '',
      address: '',
      created_at: NOW,
    })
    .execute();
  await s.db
    .insertInto('household')
    .values({
      id: `h-${id}`,
      building_id: id,
      area_id: areaId,
      unit: '1',
      door: '101',
      address: '',
      rooms: 3,
      head_person_id: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  for (let i = 0; i < residents.length; i += 400) {
    await s.db
      .insertInto('person')
      .values(residents.slice(i, i + 400).map((p) => personRow(p, areaId, `h-${id}`)))
      .execute();
  }
}

export async function riskCity(
  s: TestServices,
  options: { ruleSet?: string; bigBuilding?: number } = {},
): Promise<RiskCity> {
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  await setActiveRuleSet(s, SYSTEM_ACTOR, options.ruleSet ?? '9th-edition', 'tests run under this rule set');
  const grid = areas[AREAS.wenyuanGrid]!;
  const residents = ['p-res-1', 'p-res-2'];
  await building(s, 'b-3', grid, residents);
  await s.db
    .insertInto('person')
    .values([personRow('p-visitor', areas[AREAS.xingyangGrid]!), personRow('p-bystander', areas[AREAS.xingyangGrid]!)])
    .execute();
  await s.db
    .insertInto('venue')
    .values({
      id: 'v-market',
      name: '文苑菜市场',
      category: 'market',
      address: '',
      area_id: grid,
      capacity: 100,
      operator_user_id: null,
      status: 'approved',
      approved_by: null,
      approved_at: null,
      code_version: 1,
      requires_presence: 0,
      dwell_minutes: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  await checkin(s, 'c-visit', 'p-visitor', NOW - 2 * DAY);
  const city: RiskCity = {
    areas,
    building: 'b-3',
    residents,
    visitor: 'p-visitor',
    bystander: 'p-bystander',
    venue: 'v-market',
  };
  if (options.bigBuilding) {
    const big = Array.from({ length: options.bigBuilding }, (_, i) => `p-big-${String(i).padStart(4, '0')}`);
    await building(s, 'b-9', grid, big);
    city.bigBuilding = 'b-9';
    city.bigResidents = big;
  }
  return city;
}

export async function checkin(
  s: TestServices,
  id: string,
  personId: string,
  at: number,
  venueId = 'v-market',
): Promise<void> {
  await s.db
    .insertInto('checkin')
    .values({
      id,
      venue_id: venueId,
      person_id: personId,
      client_id: null,
      method: 'assisted',
      entered_at: at,
      exited_at: at + HOUR,
      exit_kind: 'scan',
      decision: 'admitted',
      refusal_code: null,
      colour: 'green',
      reasons: null,
      test_sampled_at: null,
      test_result: null,
      vaccinated: null,
      created_at: at,
    })
    .execute();
}

export async function colourOf(s: TestServices, personId: string): Promise<string> {
  const row = await s.db
    .selectFrom('health_status')
    .select('colour')
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row?.colour ?? 'green';
}
