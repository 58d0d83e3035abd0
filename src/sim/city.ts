// Writes the demo city: plans it, seals every person's identifiers, and stores areas, buildings,
// households and persons in one transaction with one audit event and the demo settings.
import { performance } from 'node:perf_hooks';
import type { Services } from '../services.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import { AppError } from '../platform/errors.ts';
import { dateInZone } from '../registry/registry.rules.ts';
import { sealPerson } from '../registry/person.codec.ts';
import { areaId, checkDemoOption, CITY, planCity, type CityPlan } from './city.plan.ts';
import { writeDemoMovements, type MovementSummary } from './movements.ts';
import {
  areaIdsByCode,
  BulkInserter,
  countRegistry,
  putSettings,
  upsertAreas,
  wipeRegistry,
  type BulkRow,
  type RegistryCounts,
} from './sim.store.ts';

export interface DemoOptions {
  people: number;
  /** Days of movements to simulate; stored as the setting demo.days (movements come with the venues). */
  days: number;
  seed: number;
  /** Delete every person, household and building first; without it a database holding persons is refused. */
  force?: boolean;
  actor?: AuditActor;
  onProgress?: (done: number, total: number, phase: string) => void;
}

export interface DemoSummary {
  areas: number;
  buildings: number;
  households: number;
  persons: number;
  /** Demo venues (approved, every category) and the check-ins of the movements over the last `days`. */
  venues: number;
  checkins: number;
  /** Of elapsedMs, the time spent planning and writing the movements. */
  movementsMs: number;
  elapsedMs: number;
}

/** Persons sealed and written per step (and per progress report). */
const PERSON_BATCH = 2_000;

export async function generateDemoCity(s: Services, opts: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const people = checkDemoOption('people', opts.people);
  const days = checkDemoOption('days', opts.days);
  const seed = checkDemoOption('seed', opts.seed);
  const progress = opts.onProgress ?? (() => {});
  const now = s.clock.now();

  progress(0, 1, 'plan');
  const plan = planCity({ people, seed, today: dateInZone(now, s.config.timeZone) });
  progress(1, 1, 'plan');

  let movements: MovementSummary = { venues: 0, checkins: 0, movementsMs: 0 };
  await s.db.transaction().execute(async (trx) => {
    const existing = await countRegistry(trx);
    const occupied = existing.persons + existing.households + existing.buildings > 0;
    if (occupied && !opts.force) throw new AppError('DEMO_CITY_EXISTS', { ...existing });
    const wiped: RegistryCounts = occupied ? await wipeRegistry(trx) : { persons: 0, households: 0, buildings: 0 };

    // Areas are keyed by code: one that already exists keeps its id (users may point at it).
    const known = await areaIdsByCode(
      trx,
      plan.areas.map((a) => a.code),
    );
    const idOf = new Map(plan.areas.map((a) => [a.id, known.get(a.code) ?? a.id]));
    const mapArea = (id: string): string => idOf.get(id) ?? id;
    progress(0, plan.areas.length, 'areas');
    await upsertAreas(
      trx,
      plan.areas.map((a) => ({
        id: mapArea(a.id),
        code: a.code,
        name: a.name,
        level: a.level,
        parent_id: a.parentId ? mapArea(a.parentId) : null,
        path: a.path,
        created_at: now,
      })),
    );
    progress(plan.areas.length, plan.areas.length, 'areas');

    const bulk = new BulkInserter(trx, s.dialect === 'sqlite' ? s.handle.sqlite : undefined);
    await writeBuildings(bulk, plan, mapArea, now, progress);
    await writeHouseholds(bulk, plan, mapArea, now, progress);

    // Sealing is CPU work here, inserting is work in the database server: on PostgreSQL the next batch
    // is sealed while the previous one is being inserted.
    const total = plan.persons.length;
    let pending: Promise<void> = Promise.resolve();
    for (let i = 0; i < total; i += PERSON_BATCH) {
      const rows: BulkRow<'person'>[] = plan.persons.slice(i, i + PERSON_BATCH).map((p) => ({
        id: p.id,
        household_id: p.householdId,
        area_id: mapArea(p.areaId),
        ...sealPerson(s.cipher, p),
        created_at: now,
        updated_at: now,
      }));
      await pending;
      progress(i, total, 'persons');
      pending = bulk.insert('person', rows);
      pending.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled meanwhile
      await new Promise<void>((resolve) => setImmediate(resolve)); // let the statement leave before sealing on
    }
    await pending;
    progress(total, total, 'persons');

    // Venues of every category and the people's daily movements (need the persons; see movements.ts).
    movements = await writeDemoMovements(trx, s, plan, {
      seed,
      days,
      now,
      timeZone: s.config.timeZone,
      mapArea,
      onProgress: progress,
    });

    await putSettings(
      trx,
      { 'demo.seed': String(seed), 'demo.people': String(people), 'demo.days': String(days) },
      now,
    );
    await s.audit(trx, opts.actor ?? SYSTEM_ACTOR, {
      action: 'demo.generate',
      objectType: 'area',
      objectId: mapArea(areaId(CITY.code)),
      detail: {
        people,
        days,
        seed,
        force: Boolean(opts.force),
        today: plan.today,
        areas: plan.areas.length,
        buildings: plan.buildings.length,
        households: plan.households.length,
        persons: total,
        venues: movements.venues,
        checkins: movements.checkins,
        wiped,
      },
    });
  });

  return {
    areas: plan.areas.length,
    buildings: plan.buildings.length,
    households: plan.households.length,
    persons: plan.persons.length,
    ...movements,
    elapsedMs: Math.round(performance.now() - started),
  };
}

type Progress = NonNullable<DemoOptions['onProgress']>;

async function writeBuildings(
  bulk: BulkInserter,
  plan: CityPlan,
  mapArea: (id: string) => string,
  now: number,
  progress: Progress,
): Promise<void> {
  progress(0, plan.buildings.length, 'buildings');
  await bulk.insert(
    'building',
    plan.buildings.map((b) => ({
      id: b.id,
      area_id: mapArea(b.areaId),
      name: b.name,
      compound: b.compound,
      address: b.address,
      created_at: now,
    })),
  );
  progress(plan.buildings.length, plan.buildings.length, 'buildings');
}

async function writeHouseholds(
  bulk: BulkInserter,
  plan: CityPlan,
  mapArea: (id: string) => string,
  now: number,
  progress: Progress,
): Promise<void> {
  const total = plan.households.length;
  progress(0, total, 'households');
  await bulk.insert(
    'household',
    plan.households.map((h) => ({
      id: h.id,
      building_id: h.buildingId,
      area_id: mapArea(h.areaId),
      unit: h.unit,
      door: h.door,
      address: h.address,
      rooms: h.rooms,
      head_person_id: h.headPersonId,
      created_at: now,
      updated_at: now,
    })),
  );
  progress(total, total, 'households');
}
