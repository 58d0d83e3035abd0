// The situation wall's figures (大屏), assembled from what each module's own store or service answered:
// pure, no I/O, so the same inputs give the same wall (the briefing at a cut-off reads the same figures).
// Each panel has a state: `ok` (figures), `empty` (the module answered and holds nothing yet for this
// area), `forbidden` (the role may not read it) or `pending` (the module is not part of this release
// yet: logistics and volunteers fill theirs through a port later). The wall never fails for a module
// with no data: it shows the state.
import { addDays, dateInZone } from '../platform/calendar.ts';

export const WALL_PANELS = [
  'alerts',
  'cases',
  'contacts',
  'colours',
  'riskAreas',
  'testing',
  'quarantine',
  'logistics',
  'volunteers',
] as const;
export type WallPanel = (typeof WALL_PANELS)[number];
export const PANEL_STATES = ['ok', 'empty', 'forbidden', 'pending'] as const;
export type PanelState = (typeof PANEL_STATES)[number];

/** The curve's length in days, today included. */
export const CURVE_DAYS = 14;
const HOUR = 3_600_000;

export interface WallInputs {
  now: number;
  timeZone: string;
  /** null: not readable by the actor. */
  cases: { total: number; recent: ReadonlyArray<{ classification: string; source: string; createdAt: number }> } | null;
  contacts: ReadonlyArray<{ reviewStatus: string; n: number }> | null;
  /** Active quarantine orders of contacts (close or secondary) under the area, and whether each has its place. */
  contactOrders: ReadonlyArray<{ placed: boolean }> | null;
  colours: ReadonlyArray<{ areaId: string; name: string; counts: ReadonlyArray<{ colour: string; n: number }> }> | null;
  riskAreas: ReadonlyArray<{ level: string | null }> | null;
  rounds: ReadonlyArray<{
    id: string;
    name: string;
    status: string;
    deadlineAt: number;
    target: number;
    sampled: number;
    resulted: number;
    openPools: number;
  }> | null;
  /** Open suspected-positive pools (detected or reported, not settled), with when each was detected. */
  pools: { total: number; oldest: ReadonlyArray<{ id: string; detectedAt: number; status: string }> } | null;
  poolTargetHours: number;
  /** Alerts not closed (open or acknowledged) of the area, by severity. */
  alerts: { critical: number; high: number; medium: number; total: number };
  quarantine: {
    total: number;
    usable: number;
    free: number;
    reserved: number;
    occupied: number;
    cleaning: number;
    districts: ReadonlyArray<{ areaId: string; name: string; rooms: number; free: number }>;
  } | null;
}

export interface WallFigures {
  at: number;
  today: string;
  panels: Record<WallPanel, PanelState>;
  alerts: { critical: number; high: number; medium: number; total: number };
  cases: {
    total: number;
    today: number;
    byClassification: Array<{ key: string; n: number }>;
    bySource: Array<{ key: string; n: number }>;
    /** The last CURVE_DAYS days, oldest first: new cases of the day and the cumulative count at its end. */
    curve: Array<{ date: string; n: number; cumulative: number }>;
  } | null;
  contacts: { found: number; reviewed: number; pending: number; placed: number; unplaced: number } | null;
  colours: {
    totals: { green: number; yellow: number; red: number };
    districts: Array<{ areaId: string; name: string; green: number; yellow: number; red: number }>;
  } | null;
  riskAreas: { high: number; medium: number; low: number; total: number } | null;
  testing: {
    rounds: NonNullable<WallInputs['rounds']>[number][];
    openPools: number;
    /** Open pools older than the target (hours since detection). */
    overTarget: number;
    targetHours: number;
    /** Age of the oldest open pool (ms), null when none. */
    oldestAgeMs: number | null;
  } | null;
  quarantine: {
    rooms: number;
    usable: number;
    free: number;
    used: number;
    cleaning: number;
    freeShare: number | null;
    districts: Array<{ areaId: string; name: string; rooms: number; free: number }>;
  } | null;
}

function tally(values: readonly string[]): Array<{ key: string; n: number }> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].map(([key, n]) => ({ key, n })).sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
}

function colourTriple(counts: ReadonlyArray<{ colour: string; n: number }>) {
  const out = { green: 0, yellow: 0, red: 0 };
  for (const c of counts) if (c.colour === 'green' || c.colour === 'yellow' || c.colour === 'red') out[c.colour] += c.n;
  return out;
}

/** The wall from the modules' answers. */
export function assembleWall(i: WallInputs): WallFigures {
  const today = dateInZone(i.now, i.timeZone);
  const panels = {} as Record<WallPanel, PanelState>;
  const state = (panel: WallPanel, readable: boolean, empty: boolean): void => {
    panels[panel] = !readable ? 'forbidden' : empty ? 'empty' : 'ok';
  };

  let cases: WallFigures['cases'] = null;
  if (i.cases) {
    const dates: string[] = [];
    for (let d = CURVE_DAYS - 1; d >= 0; d--) dates.push(addDays(today, -d));
    const perDay = new Map<string, number>(dates.map((d) => [d, 0]));
    const recent = i.cases.recent.map((c) => ({ ...c, date: dateInZone(c.createdAt, i.timeZone) }));
    for (const c of recent) if (perDay.has(c.date)) perDay.set(c.date, perDay.get(c.date)! + 1);
    const inCurve = [...perDay.values()].reduce((a, b) => a + b, 0);
    let cumulative = i.cases.total - inCurve;
    const curve = dates.map((date) => {
      const n = perDay.get(date)!;
      cumulative += n;
      return { date, n, cumulative };
    });
    const todays = recent.filter((c) => c.date === today);
    cases = {
      total: i.cases.total,
      today: todays.length,
      byClassification: tally(todays.map((c) => c.classification)),
      bySource: tally(todays.map((c) => c.source)),
      curve,
    };
  }
  state('cases', i.cases !== null, (cases?.total ?? 0) === 0);

  let contacts: WallFigures['contacts'] = null;
  if (i.contacts) {
    const by = (s: string) => i.contacts!.filter((c) => c.reviewStatus === s).reduce((n, c) => n + c.n, 0);
    const found = i.contacts.reduce((n, c) => n + c.n, 0);
    const pending = by('pending');
    const orders = i.contactOrders ?? [];
    const placed = orders.filter((o) => o.placed).length;
    contacts = { found, reviewed: found - pending, pending, placed, unplaced: orders.length - placed };
  }
  state('contacts', i.contacts !== null, (contacts?.found ?? 0) === 0);

  let colours: WallFigures['colours'] = null;
  if (i.colours) {
    const districts = i.colours.map((d) => ({ areaId: d.areaId, name: d.name, ...colourTriple(d.counts) }));
    const totals = { green: 0, yellow: 0, red: 0 };
    for (const d of districts) {
      totals.green += d.green;
      totals.yellow += d.yellow;
      totals.red += d.red;
    }
    colours = { totals, districts };
  }
  state(
    'colours',
    i.colours !== null,
    !colours || colours.totals.green + colours.totals.yellow + colours.totals.red === 0,
  );

  let riskAreas: WallFigures['riskAreas'] = null;
  if (i.riskAreas) {
    const n = (level: string) => i.riskAreas!.filter((r) => r.level === level).length;
    riskAreas = { high: n('high'), medium: n('medium'), low: n('low'), total: i.riskAreas.length };
  }
  state('riskAreas', i.riskAreas !== null, false);

  let testing: WallFigures['testing'] = null;
  if (i.rounds && i.pools) {
    const target = i.poolTargetHours * HOUR;
    const ages = i.pools.oldest.map((p) => i.now - p.detectedAt);
    testing = {
      rounds: [...i.rounds],
      openPools: i.pools.total,
      overTarget: ages.filter((a) => a > target).length,
      targetHours: i.poolTargetHours,
      oldestAgeMs: ages.length ? Math.max(...ages) : null,
    };
  }
  state('testing', testing !== null, !!testing && testing.rounds.length === 0 && testing.openPools === 0);

  let quarantine: WallFigures['quarantine'] = null;
  if (i.quarantine) {
    const q = i.quarantine;
    quarantine = {
      rooms: q.total,
      usable: q.usable,
      free: q.free,
      used: q.reserved + q.occupied,
      cleaning: q.cleaning,
      freeShare: q.usable > 0 ? Math.round((q.free / q.usable) * 1000) / 1000 : null,
      districts: q.districts.map((d) => ({ ...d })),
    };
  }
  state('quarantine', i.quarantine !== null, (quarantine?.rooms ?? 0) === 0);

  state('alerts', true, i.alerts.total === 0);
  panels.logistics = 'pending';
  panels.volunteers = 'pending';
  return {
    at: i.now,
    today,
    panels,
    alerts: { ...i.alerts },
    cases,
    contacts,
    colours,
    riskAreas,
    testing,
    quarantine,
  };
}
