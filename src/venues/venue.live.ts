// Live occupancy (实时人流): the public list of venues with their head-counts, an operator's curve of
// today, the command centre's most crowded venues, and the server-sent event stream that pushes a
// venue's fresh count whenever a check-in, exit or auto-close changes it. Counts are always read from
// the database (the source of truth); change notices arrive through s.events (venue.events.ts), so
// with REDIS_URL a check-in on one node reaches viewers connected to another.
import type { ServerResponse } from 'node:http';
import { can, type Actor } from '../access/access.rules.ts';
import { assertCan } from '../access/auth.ts';
import { areaById, areaChildren } from '../db/sql.ts';
import { AppError } from '../platform/errors.ts';
import { LiveStreams, type LiveStreamOptions } from '../platform/sse.ts';
import type { Page } from '../platform/pagination.ts';
import { dateInZone, startOfDayPlus } from '../platform/calendar.ts';
import type { Services } from '../services.ts';
import { venueCategories } from './venue.categories.ts';
import { onOccupancy } from './venue.events.ts';
import { crowdLevel, expiredBefore, type CrowdLevel } from './venue.rules.ts';
import { categoryOf, dwellOf, venueForActor } from './venue.service.ts';
import * as store from './venue.store.ts';
import type { Paging, VenueRow } from './venue.store.ts';

export interface LiveVenueView {
  id: string;
  name: string;
  category: string;
  categoryName: { zh: string; en: string };
  areaName: string;
  count: number;
  capacity: number;
  level: CrowdLevel;
}

export interface OccupancySnapshot {
  venueId: string;
  count: number;
  capacity: number;
  level: CrowdLevel;
}

export interface TodayCurve {
  hours: Array<{ hour: string; entries: number; peak: number }>;
}

const HOUR_MS = 3600_000;

/** Every category's default dwell, and the longest dwell any venue has (own or default), in ms. */
async function dwellTable(s: Services): Promise<{ dwell: store.DwellByCategory; maxDwellMs: number }> {
  const dwell: store.DwellByCategory = {};
  let max = 0;
  for (const c of venueCategories().categories.values()) {
    dwell[c.key] = c.defaultDwellMinutes;
    max = Math.max(max, c.defaultDwellMinutes);
  }
  for (const minutes of await store.dwellOverrides(s.db)) max = Math.max(max, minutes);
  return { dwell, maxDwellMs: max * 60_000 };
}

function liveView(venue: VenueRow, count: number): LiveVenueView {
  return {
    id: venue.id,
    name: venue.name,
    category: venue.category,
    categoryName: categoryOf(venue.category).name,
    areaName: venue.area_name,
    count,
    capacity: venue.capacity,
    level: crowdLevel(count, venue.capacity),
  };
}

async function areaPathOf(s: Services, areaId: string | undefined): Promise<string> {
  if (!areaId) return '';
  const area = await areaById(s.db, areaId);
  if (!area) throw new AppError('AREA_NOT_FOUND');
  return area.path;
}

/** Staff who see venue lists see their own area here too; residents and visitors see the whole deployment. */
function liveScope(actor: Actor | undefined): string {
  return actor && can(actor.role, 'venue.manage') ? actor.areaPath : '';
}

export interface LiveFilter {
  /** A district, street or community (any area): its subtree. */
  areaId?: string;
  /** Text in the venue's or its area's name. */
  q?: string;
}

/**
 * Public (no sign-in): the approved venues of an area (or of the whole deployment) with live counts,
 * filtered and paged on the server. Signed in as staff who see venue lists, the list is the actor's area: an area outside it is
 * OUT_OF_SCOPE.
 */
export async function publicVenues(
  s: Services,
  actor: Actor | undefined,
  filter: LiveFilter,
  paging: Paging,
): Promise<Page<LiveVenueView>> {
  const scope = liveScope(actor);
  const path = filter.areaId ? await areaPathOf(s, filter.areaId) : scope;
  if (!path.startsWith(scope)) throw new AppError('OUT_OF_SCOPE');
  const name = filter.q?.trim() || undefined;
  const { rows, total } = await store.listVenues(s.db, { path, status: 'approved', ...(name ? { name } : {}) }, paging);
  const { dwell, maxDwellMs } = await dwellTable(s);
  const counts = await store.openCounts(
    s.db,
    rows.map((r) => r.id),
    s.clock.now(),
    dwell,
    maxDwellMs,
  );
  return { items: rows.map((r) => liveView(r, counts.get(r.id) ?? 0)), total, ...paging };
}

/**
 * The areas the live list may be narrowed to, one level at a time (district → street → community):
 * the children of `parentId`, or of the top of the actor's area (the deployment's top areas when
 * signed out). Names only, public.
 */
/** Grids are too fine for a public filter. */
const LIVE_LEVELS = ['city', 'district', 'street', 'community'] as const;

export async function liveAreas(
  s: Services,
  actor: Actor | undefined,
  parentId: string | undefined,
): Promise<{ items: Array<{ id: string; name: string; level: string }> }> {
  const scope = liveScope(actor);
  if (parentId) {
    const parent = await areaById(s.db, parentId);
    if (!parent) throw new AppError('AREA_NOT_FOUND');
    if (!parent.path.startsWith(scope)) throw new AppError('OUT_OF_SCOPE');
    return { items: await areaChildren(s.db, LIVE_LEVELS, parentId) };
  }
  if (scope) return { items: await areaChildren(s.db, LIVE_LEVELS, actor!.areaId) };
  const tops = await areaChildren(s.db, LIVE_LEVELS, null);
  // One city at the top: its districts are the first choice.
  return { items: tops.length === 1 ? await areaChildren(s.db, LIVE_LEVELS, tops[0]!.id) : tops };
}

/** The command centre's view: the venues of the actor's subtree with the highest count / capacity now. */
export async function crowdedVenues(s: Services, actor: Actor, limit: number): Promise<{ items: LiveVenueView[] }> {
  assertCan(actor, 'command.view');
  const { dwell, maxDwellMs } = await dwellTable(s);
  const top = await store.crowdedVenues(s.db, actor.areaPath, s.clock.now(), dwell, maxDwellMs, limit);
  const venues = new Map(
    (
      await store.venuesByIds(
        s.db,
        top.map((t) => t.id),
      )
    ).map((v) => [v.id, v]),
  );
  return { items: top.filter((t) => venues.has(t.id)).map((t) => liveView(venues.get(t.id)!, t.n)) };
}

/** The fresh head-count of one approved venue, read without changing anything. */
export async function occupancySnapshot(
  s: Services,
  venueId: string,
): Promise<(OccupancySnapshot & { areaPath: string }) | null> {
  const venue = await store.venueById(s.db, venueId);
  if (!venue || venue.status !== 'approved') return null;
  const count = await store.countOpen(s.db, venue.id, expiredBefore(dwellOf(venue), s.clock.now()));
  return {
    venueId,
    count,
    capacity: venue.capacity,
    level: crowdLevel(count, venue.capacity),
    areaPath: venue.area_path,
  };
}

/** "08:00" for the hour starting at `ms` in the zone. */
function hourLabel(ms: number, timeZone: string): string {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
  return `${hour.padStart(2, '0')}:00`;
}

/**
 * Today's curve of a venue, hour by hour up to the current one, in the deployment's zone: how many
 * were admitted in each hour and the most present at once during it. A visit nobody closed counts
 * until its dwell ran out (or until now, while it is open).
 */
export async function todayCurve(s: Services, actor: Actor, venueId: string): Promise<TodayCurve> {
  assertCan(actor, 'venue.manage');
  const venue = await venueForActor(s.db, actor, venueId);
  const now = s.clock.now();
  const zone = s.config.timeZone;
  const dayStart = startOfDayPlus(now, 0, zone);
  const dwellMs = dwellOf(venue) * 60_000;
  const visits = (await store.visitsBetween(s.db, venue.id, dayStart - dwellMs, now + 1))
    .map((v) => ({ start: v.entered_at, end: v.exited_at ?? v.entered_at + dwellMs }))
    .filter((v) => v.end > dayStart || v.start >= dayStart);
  // Entries +1, exits −1; at the same instant exits go first (someone leaving as another enters).
  const changes = visits
    .flatMap((v) => [
      { at: v.start, d: 1 },
      { at: v.end, d: -1 },
    ])
    .sort((a, b) => a.at - b.at || a.d - b.d);

  const hours: TodayCurve['hours'] = [];
  const today = dateInZone(now, zone);
  let i = 0;
  let present = 0;
  for (let start = dayStart; start <= now && dateInZone(start, zone) === today; start += HOUR_MS) {
    const end = start + HOUR_MS;
    // Everything before the hour, and those who left exactly as it began.
    while (i < changes.length && (changes[i]!.at < start || (changes[i]!.at === start && changes[i]!.d < 0)))
      present += changes[i++]!.d;
    let peak = present;
    let entries = 0;
    while (i < changes.length && changes[i]!.at < end) {
      const c = changes[i++]!;
      present += c.d;
      if (c.d > 0) entries++;
      peak = Math.max(peak, present);
    }
    hours.push({ hour: hourLabel(start, zone), entries, peak });
  }
  return { hours };
}

// ---- server-sent events ------------------------------------------------------------------------

interface Viewer {
  /** Area subtree watched ('' = everything). */
  path: string;
  out: ServerResponse;
}

/**
 * One per server: subscribes once to occupancy notices, reads each changed venue's count once (notices
 * for the same venue arriving within `coalesceMs` are read together) and writes it to every viewer
 * watching that venue's area. The streams also carry the bus state and heartbeat (platform/sse.ts), so
 * a page knows when counts changed on other processes may be missing.
 */
export class OccupancyHub {
  private readonly viewers = new Set<Viewer>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly streams: LiveStreams;
  private readonly coalesceMs: number;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly s: Services,
    options: LiveStreamOptions & { coalesceMs?: number } = {},
  ) {
    this.coalesceMs = options.coalesceMs ?? 100;
    this.streams = new LiveStreams(s.events, options);
  }

  /** Area path of an areaId to watch (AREA_NOT_FOUND when unknown). */
  resolveArea(areaId: string | undefined): Promise<string> {
    return areaPathOf(this.s, areaId);
  }

  /** Starts streaming to an HTTP response whose headers the caller has not sent yet. */
  attach(out: ServerResponse, path: string): void {
    const viewer: Viewer = { path, out };
    this.viewers.add(viewer);
    this.streams.open(out, () => this.detach(viewer));
    this.unsubscribe ??= onOccupancy(this.s, (venueId) => this.changed(venueId));
  }

  get size(): number {
    return this.viewers.size;
  }

  private detach(viewer: Viewer): void {
    this.viewers.delete(viewer);
    if (this.viewers.size === 0) this.idle();
  }

  private idle(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  private changed(venueId: string): void {
    if (this.pending.has(venueId) || this.viewers.size === 0) return;
    this.pending.set(
      venueId,
      setTimeout(() => {
        this.pending.delete(venueId);
        this.send(venueId).catch((err: unknown) => console.error('live occupancy:', err));
      }, this.coalesceMs),
    );
  }

  private async send(venueId: string): Promise<void> {
    const snapshot = await occupancySnapshot(this.s, venueId);
    if (!snapshot) return;
    const { areaPath, ...data } = snapshot;
    const frame = `event: occupancy\ndata: ${JSON.stringify(data)}\n\n`;
    for (const v of this.viewers) if (areaPath.startsWith(v.path)) v.out.write(frame);
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    this.streams.close();
    this.viewers.clear();
    this.idle();
  }
}
