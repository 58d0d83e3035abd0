// Writes the demo city's venues (approved, every category) and the daily movements of its people over
// the last D days as check-ins, inside the caller's transaction: prepared multi-row statements on
// SQLite, chunked multi-row inserts on PostgreSQL. Visits are planned person by person and written in
// chunks, so a city of millions of check-ins never sits in memory at once.
import { performance } from 'node:perf_hooks';
import type SQLite from 'better-sqlite3';
import type { CheckinTable, Dialect, Executor, VenueTable } from '../db/database.ts';
import type { DbHandle } from '../db/connect.ts';
import { venueCategories } from '../venues/venue.categories.ts';
import { CHECKIN_COLUMNS } from '../venues/venue.store.ts';
import type { CityPlan } from './city.plan.ts';
import { MovementPlanner, planVenues, type PlannedVisit } from './movements.plan.ts';
import { isEmpty, rowsPerStatement, withIndexesDropped } from './sim.store.ts';

export interface MovementOptions {
  seed: number;
  days: number;
  now: number;
  timeZone: string;
  /** Plan area id → stored area id (areas that already existed keep theirs). */
  mapArea(id: string): string;
  onProgress?: (done: number, total: number, phase: string) => void;
}

export interface MovementSummary {
  venues: number;
  checkins: number;
  /** Time spent planning and writing the movements (not the venues). */
  movementsMs: number;
}

/** Demo venues carry this id prefix; a rebuilt demo city replaces them. */
export const DEMO_VENUE_PREFIX = 'vdemo';

/** Check-in columns the demo fills from each visit, in the order of the bound parameters. */
const BOUND = ['id', 'venue_id', 'person_id', 'method', 'entered_at', 'exited_at', 'exit_kind', 'created_at'] as const;
/** The same for every demo check-in. */
const FIXED = {
  client_id: null,
  decision: 'admitted',
  refusal_code: null,
  colour: 'green',
  reasons: null,
  test_sampled_at: null,
  test_result: null,
  vaccinated: null,
  scan_gap_ms: null,
} as const;

/** The zone's offset from UTC in minutes at the instant. */
export function utcOffsetMinutes(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
}

export async function writeDemoMovements(
  ex: Executor,
  db: { dialect: Dialect; handle: DbHandle },
  plan: CityPlan,
  o: MovementOptions,
): Promise<MovementSummary> {
  const progress = o.onProgress ?? (() => {});
  const venues = planVenues(plan.areas, plan.persons.length, o.seed);

  // Venues: replace the demo's own (their check-ins went with the registry), keep everyone else's.
  await ex.deleteFrom('venue').where('id', 'like', `${DEMO_VENUE_PREFIX}%`).execute();
  const venueRows: VenueTable[] = venues.map((v) => ({
    id: v.id,
    name: v.name,
    category: v.category,
    address: v.address,
    area_id: o.mapArea(v.areaId),
    capacity: v.capacity,
    operator_user_id: null,
    status: 'approved',
    approved_by: null,
    approved_at: o.now,
    code_version: 1,
    requires_presence: 0,
    dwell_minutes: null,
    created_at: o.now,
    updated_at: o.now,
  }));
  for (let i = 0; i < venueRows.length; i += 500)
    await ex
      .insertInto('venue')
      .values(venueRows.slice(i, i + 500))
      .execute();

  const started = performance.now();
  const dwellMinutes: Record<string, number> = {};
  for (const c of venueCategories().categories.values()) dwellMinutes[c.key] = c.defaultDwellMinutes;
  const planner = new MovementPlanner(plan.areas, venues, {
    seed: o.seed,
    now: o.now,
    days: o.days,
    utcOffsetMinutes: utcOffsetMinutes(o.timeZone, o.now),
    dwellMinutes,
  });
  const sqlite = db.dialect === 'sqlite' ? db.handle.sqlite : undefined;
  // Millions of rows land in four indexes: a large page cache for the load keeps them off the disk.
  const cacheSize = sqlite?.pragma('cache_size', { simple: true });
  sqlite?.pragma('cache_size = -524288');
  const total = plan.persons.length;
  let checkins = 0;
  const write = async () => {
    const writer = new CheckinWriter(ex, sqlite);
    for (let i = 0; i < total; i++) {
      for (const visit of planner.visitsOf(plan.persons[i]!, i)) {
        await writer.add(visit);
        checkins += 1;
      }
      if (i % 2_000 === 0) progress(i, total, 'movements');
    }
    await writer.flush();
    progress(total, total, 'indexes');
  };
  try {
    // Into an empty table, the check-in indexes are built once at the end instead of row by row.
    if (await isEmpty(ex, 'checkin')) await withIndexesDropped(ex, db.dialect, 'checkin', write);
    else await write();
  } finally {
    if (sqlite) sqlite.pragma(`cache_size = ${Number(cacheSize)}`);
  }
  progress(total, total, 'movements');
  return { venues: venues.length, checkins, movementsMs: Math.round(performance.now() - started) };
}

/** Buffers check-in rows and inserts them a chunk at a time. */
class CheckinWriter {
  private readonly perStatement: number;
  private buffer: unknown[] = [];
  private rows = 0;
  private statement: SQLite.Statement | null = null;

  constructor(
    private readonly ex: Executor,
    private readonly sqlite?: SQLite.Database,
  ) {
    this.perStatement = rowsPerStatement(BOUND.length, sqlite ? 'sqlite' : 'postgres');
  }

  async add(v: PlannedVisit): Promise<void> {
    this.buffer.push(v.id, v.venueId, v.personId, v.method, v.enteredAt, v.exitedAt, v.exitKind, v.enteredAt);
    this.rows += 1;
    if (this.rows >= this.perStatement) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows === 0) return;
    const params = this.buffer;
    const rows = this.rows;
    this.buffer = [];
    this.rows = 0;
    if (this.sqlite) {
      if (rows === this.perStatement) {
        this.statement ??= this.prepare(rows);
        this.statement.run(params);
      } else {
        this.prepare(rows).run(params);
      }
      return;
    }
    const values: CheckinTable[] = [];
    const width = BOUND.length;
    for (let r = 0; r < rows; r++) {
      const row: Record<string, unknown> = { ...FIXED };
      BOUND.forEach((c, k) => {
        row[c] = params[r * width + k];
      });
      values.push(row as unknown as CheckinTable);
    }
    await this.ex.insertInto('checkin').values(values).execute();
  }

  private prepare(rows: number): SQLite.Statement {
    // Only the columns that vary are bound (binding dominates the cost of a row); the rest are literals.
    const literal = (v: string | null) => (v === null ? 'null' : `'${v}'`);
    const tuple = `(${CHECKIN_COLUMNS.map((c) => (c in FIXED ? literal(FIXED[c as keyof typeof FIXED]) : '?')).join(',')})`;
    return this.sqlite!.prepare(
      `insert into checkin (${CHECKIN_COLUMNS.join(',')}) values ${Array.from({ length: rows }, () => tuple).join(',')}`,
    );
  }
}
