// The in-memory visit index of contact tracing: every check-in held in typed arrays, grouped by venue
// and sorted by entry time (person, entry, exit, id), so that the co-presence join for a case is a
// binary search per visit of the case instead of an interval join in the database.
//
// The database stays the truth. Before each use the venues a trace reads are checked against it over
// the entry-time ranges it reads: the count of check-ins and the sum of their entry times (both read
// from the (venue_id, entered_at) index alone), and where the index holds open visits in the range,
// the count still open (the partial open-visit index). A venue that differs — new check-ins, a purge,
// a visit closed since — is read again from the database before it is used. Visits change in no
// other way (an exit is only ever set on an open visit), so the index answers exactly what the SQL
// join answers.
import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

// ---- check-in ids, packed ------------------------------------------------------------------------

/** Check-in ids are 22 characters of this alphabet (time + random, or time + ordinal in the demo). */
const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_CHARS = 22;
const ID_BYTES = 14; // 22 × 5 bits
const CODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ID_ALPHABET.length; i++) CODE[ID_ALPHABET.charCodeAt(i)] = i;

function packId(id: string, out: Uint8Array, at: number): boolean {
  if (id.length !== ID_CHARS) return false;
  let acc = 0;
  let bits = 0;
  let o = at;
  for (let i = 0; i < ID_CHARS; i++) {
    const c = id.charCodeAt(i);
    const v = c < 128 ? CODE[c]! : -1;
    if (v < 0) return false;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) out[o++] = (acc << (8 - bits)) & 0xff;
  return true;
}

function unpackId(buf: Uint8Array, at: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  let i = at;
  while (out.length < ID_CHARS) {
    if (bits < 5) {
      acc = ((acc << 8) | buf[i++]!) & 0xffff;
      bits += 8;
    }
    bits -= 5;
    out += ID_ALPHABET[(acc >> bits) & 31];
  }
  return out;
}

// ---- segments ------------------------------------------------------------------------------------

/**
 * The check-ins of one venue, sorted by entry time, in arrays shared with other venues
 * ([start, end) of them). person < 0 marks a refused check-in (−1 − person). A segment is never
 * changed once made (a venue read again gets a new one), so a position in it stays valid.
 */
export interface Segment {
  start: number;
  end: number;
  entered: Float64Array;
  /** NaN while the visit is open. */
  exited: Float64Array;
  person: Int32Array;
  /** The longest closed admitted visit (exit − entry), and whether any admitted visit is open. */
  longestMs: number;
  anyOpen: boolean;
  id(i: number): string;
}

export interface IndexedVisit {
  checkinId: string;
  personId: string;
  enteredAt: number;
  exitedAt: number | null;
}

export interface IndexStats {
  checkins: number;
  venues: number;
  persons: number;
  /** Venues read again from the database since the load (found changed). */
  reloadedVenues: number;
  loadMs: number;
  /** Approximate bytes held in typed arrays. */
  bytes: number;
}

/** A check-in as read from the database, for loading. */
export interface LoadRow {
  id: string;
  venue_id: string;
  person_id: string;
  entered_at: number;
  exited_at: number | null;
  decision: string;
}

export interface VenueRange {
  venueId: string;
  lo: number;
  hi: number;
}

function lowerBound(a: Float64Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const big = (n: number) => sql<number>`cast(${Math.trunc(n)} as bigint)`;

export class VisitIndex {
  private readonly personIds: string[] = [];
  private readonly personNo = new Map<string, number>();
  private readonly venueNo = new Map<string, number>();
  private venueStart = new Int32Array(1);
  private entered = new Float64Array(0);
  private exited = new Float64Array(0);
  private person = new Int32Array(0);
  private ids = new Uint8Array(0);
  /** Ids that do not pack (other formats), by position. */
  private readonly oddIds = new Map<number, string>();
  /** Per venue of the load: its longest closed admitted visit, and −1 − that when one is open. */
  private longest = new Float64Array(0);
  /** Venues read again after the load (or unknown at the load), replacing their part of the arrays. */
  private readonly fresh = new Map<string, Segment>();
  private reloaded = 0;
  private loadMs = 0;

  private personOf(id: string): number {
    let n = this.personNo.get(id);
    if (n === undefined) {
      n = this.personIds.length;
      this.personIds.push(id);
      this.personNo.set(id, n);
    }
    return n;
  }

  /**
   * Loads every check-in: `counts` gives the check-ins per venue (to lay the arrays out), `rows` streams
   * them in any order. A venue whose rows do not match its count (written meanwhile) is read again on
   * first use.
   */
  static async build(
    counts: ReadonlyArray<{ venue_id: string; n: number }>,
    pages: AsyncIterable<readonly LoadRow[]>,
  ): Promise<VisitIndex> {
    const started = performance.now();
    const x = new VisitIndex();
    const nVenues = counts.length;
    x.venueStart = new Int32Array(nVenues + 1);
    counts.forEach((c, i) => {
      x.venueNo.set(c.venue_id, i);
      x.venueStart[i + 1] = x.venueStart[i]! + Number(c.n);
    });
    const total = x.venueStart[nVenues]!;
    x.entered = new Float64Array(total);
    x.exited = new Float64Array(total);
    x.person = new Int32Array(total);
    x.ids = new Uint8Array(total * ID_BYTES);
    const fill = new Int32Array(nVenues);
    const broken = new Set<number>();
    for await (const rows of pages) {
      for (const r of rows) {
        const v = x.venueNo.get(r.venue_id);
        if (v === undefined) continue; // a venue that got its first check-in after the count: read on use
        if (x.venueStart[v]! + fill[v]! >= x.venueStart[v + 1]!) {
          broken.add(v);
          continue;
        }
        const at = x.venueStart[v]! + fill[v]!++;
        x.entered[at] = Number(r.entered_at);
        x.exited[at] = r.exited_at === null ? NaN : Number(r.exited_at);
        const p = x.personOf(r.person_id);
        x.person[at] = r.decision === 'admitted' ? p : -1 - p;
        if (!packId(r.id, x.ids, at * ID_BYTES)) x.oddIds.set(at, r.id);
      }
    }
    x.longest = new Float64Array(nVenues);
    for (let v = 0; v < nVenues; v++) {
      if (fill[v] !== x.venueStart[v + 1]! - x.venueStart[v]!) broken.add(v);
      else x.sortVenue(v);
      const { longestMs, anyOpen } = longestOf(x.entered, x.exited, x.person, x.venueStart[v]!, x.venueStart[v + 1]!);
      x.longest[v] = anyOpen ? -1 - longestMs : longestMs;
    }
    // A venue that changed during the load is emptied, so the first trace that reads it finds it different.
    const names = [...x.venueNo.keys()];
    for (const v of broken) x.fresh.set(names[v]!, emptySegment());
    x.rankPersons();
    x.loadMs = Math.round(performance.now() - started);
    return x;
  }

  /** Sorts one venue's part of the arrays by entry time (then id, for a stable order). */
  private sortVenue(v: number): void {
    const s = this.venueStart[v]!;
    const e = this.venueStart[v + 1]!;
    const n = e - s;
    if (n < 2) return;
    let sorted = true;
    for (let i = s + 1; i < e; i++)
      if (this.entered[i - 1]! > this.entered[i]!) {
        sorted = false;
        break;
      }
    if (sorted) return;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = s + i;
    order.sort((a, b) => this.entered[a]! - this.entered[b]!);
    const en = this.entered.slice(s, e);
    const ex = this.exited.slice(s, e);
    const pe = this.person.slice(s, e);
    const ids = this.ids.slice(s * ID_BYTES, e * ID_BYTES);
    const odd = new Map<number, string>();
    for (let i = 0; i < n; i++) {
      const from = order[i]! - s;
      this.entered[s + i] = en[from]!;
      this.exited[s + i] = ex[from]!;
      this.person[s + i] = pe[from]!;
      this.ids.set(ids.subarray(from * ID_BYTES, (from + 1) * ID_BYTES), (s + i) * ID_BYTES);
      const oddId = this.oddIds.get(s + from);
      if (oddId !== undefined) odd.set(s + i, oddId);
    }
    for (let i = s; i < e; i++) this.oddIds.delete(i);
    for (const [k, id] of odd) this.oddIds.set(k, id);
  }

  /** The venue's check-ins as the index holds them now, or null when it holds none. */
  segmentOf(venueId: string): Segment | null {
    const f = this.fresh.get(venueId);
    if (f) return f;
    const v = this.venueNo.get(venueId);
    if (v === undefined) return null;
    const l = this.longest[v]!;
    return {
      start: this.venueStart[v]!,
      end: this.venueStart[v + 1]!,
      entered: this.entered,
      exited: this.exited,
      person: this.person,
      longestMs: l < 0 ? -1 - l : l,
      anyOpen: l < 0,
      id: (i) => this.oddIds.get(i) ?? unpackId(this.ids, i * ID_BYTES),
    };
  }

  /** Count, sum of (entry − lo) and open admitted visits among the venue's check-ins entering in [lo, hi]. */
  fingerprint(r: VenueRange): { n: number; sum: number; open: number } {
    const seg = this.segmentOf(r.venueId);
    if (!seg) return { n: 0, sum: 0, open: 0 };
    const a = lowerBound(seg.entered, seg.start, seg.end, r.lo);
    const b = upperBound(seg.entered, seg.start, seg.end, r.hi);
    let sum = 0;
    let open = 0;
    for (let i = a; i < b; i++) {
      sum += seg.entered[i]! - r.lo;
      if (seg.person[i]! >= 0 && Number.isNaN(seg.exited[i]!)) open++;
    }
    return { n: b - a, sum, open };
  }

  /** Replaces a venue's check-ins with the database's. */
  replaceVenue(venueId: string, rows: readonly LoadRow[]): void {
    const sorted = [...rows].sort((a, b) => Number(a.entered_at) - Number(b.entered_at));
    const n = sorted.length;
    const entered = new Float64Array(n);
    const exited = new Float64Array(n);
    const person = new Int32Array(n);
    const ids: string[] = [];
    sorted.forEach((r, i) => {
      entered[i] = Number(r.entered_at);
      exited[i] = r.exited_at === null ? NaN : Number(r.exited_at);
      const p = this.personOf(r.person_id);
      person[i] = r.decision === 'admitted' ? p : -1 - p;
      ids.push(r.id);
    });
    this.fresh.set(venueId, {
      start: 0,
      end: n,
      entered,
      exited,
      person,
      ...longestOf(entered, exited, person, 0, n),
      id: (i) => ids[i]!,
    });
    this.reloaded++;
  }

  /** Drops every venue's check-ins (the database was emptied, e.g. a rebuilt demo city): all are read on use. */
  forgetVenue(venueId: string): void {
    this.fresh.set(venueId, emptySegment());
  }

  /** The person's number in the index (−1 when it holds no check-in of theirs). */
  personNumber(personId: string): number {
    return this.personNo.get(personId) ?? -1;
  }

  personIdOf(no: number): string {
    return this.personIds[no]!;
  }

  /** How many persons the index numbers (numbers are 0 … this − 1). */
  personCount(): number {
    return this.personIds.length;
  }

  /** Persons by their id as strings sort (the order of contacts), from a rank made once for those known then. */
  comparePersons(a: number, b: number): number {
    if (!this.rank || this.rank.length < this.personIds.length >>> 1) this.rankPersons();
    const rank = this.rank!;
    if (a < rank.length && b < rank.length) return rank[a]! - rank[b]!;
    const x = this.personIds[a]!;
    const y = this.personIds[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  }

  private rank: Int32Array | null = null;

  private rankPersons(): void {
    const ids = this.personIds;
    const order = Array.from({ length: ids.length }, (_, i) => i);
    order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    const rank = new Int32Array(ids.length);
    for (let i = 0; i < order.length; i++) rank[order[i]!] = i;
    this.rank = rank;
  }

  /** The check-in at a position of a segment. */
  visitOf(seg: Segment, i: number): IndexedVisit {
    const x = seg.exited[i]!;
    const p = seg.person[i]!;
    return {
      checkinId: seg.id(i),
      personId: this.personIds[p < 0 ? -1 - p : p]!,
      enteredAt: seg.entered[i]!,
      exitedAt: Number.isNaN(x) ? null : x,
    };
  }

  /**
   * Calls `hit` for every admitted visit of the segment entering in [lo, hi] by a person other than
   * `except` (a person number), whose exit (or entry + maxDwell while open) + padCap reaches `reach`;
   * `hit` gets the position, the person's number, the entry and the exit (NaN while open), and decides.
   * Nothing is allocated here.
   */
  scan(
    seg: Segment,
    lo: number,
    hi: number,
    except: number,
    maxDwellMs: number,
    padCapMs: number,
    reach: number,
    hit: (seg: Segment, i: number, person: number, enteredAt: number, exitedAt: number) => void,
  ): void {
    // No visit of this venue lasts longer than its longest (an open one counts as maxDwell): those that
    // entered before reach − that − padCap end too early, so the scan starts there.
    const longest = seg.anyOpen ? Math.max(seg.longestMs, maxDwellMs) : seg.longestMs;
    const entered = seg.entered;
    const exited = seg.exited;
    const person = seg.person;
    const a = lowerBound(entered, seg.start, seg.end, Math.max(lo, reach - longest - padCapMs));
    const b = upperBound(entered, seg.start, seg.end, hi);
    for (let i = a; i < b; i++) {
      const p = person[i]!;
      if (p < 0 || p === except) continue;
      const en = entered[i]!;
      const x = exited[i]!;
      if ((x === x ? x : en + maxDwellMs) + padCapMs < reach) continue;
      hit(seg, i, p, en, x);
    }
  }

  stats(): IndexStats {
    let freshRows = 0;
    for (const f of this.fresh.values()) freshRows += f.end - f.start;
    return {
      checkins: this.entered.length + freshRows,
      venues: this.venueNo.size,
      persons: this.personIds.length,
      reloadedVenues: this.reloaded,
      loadMs: this.loadMs,
      bytes:
        this.entered.byteLength +
        this.exited.byteLength +
        this.person.byteLength +
        this.ids.byteLength +
        freshRows * 20,
    };
  }
}

function emptySegment(): Segment {
  return {
    start: 0,
    end: 0,
    entered: new Float64Array(0),
    exited: new Float64Array(0),
    person: new Int32Array(0),
    longestMs: 0,
    anyOpen: false,
    id: () => '',
  };
}

function longestOf(
  entered: Float64Array,
  exited: Float64Array,
  person: Int32Array,
  start: number,
  end: number,
): { longestMs: number; anyOpen: boolean } {
  let longestMs = 0;
  let anyOpen = false;
  for (let i = start; i < end; i++) {
    if (person[i]! < 0) continue;
    const x = exited[i]!;
    if (Number.isNaN(x)) anyOpen = true;
    else if (x - entered[i]! > longestMs) longestMs = x - entered[i]!;
  }
  return { longestMs, anyOpen };
}

// ---- loading and keeping current ------------------------------------------------------------------

const LOAD_COLUMNS = 'id, venue_id, person_id, entered_at, exited_at, decision';
const PAGE = 100_000;

/** The check-ins per venue. */
async function venueCounts(ex: Executor): Promise<Array<{ venue_id: string; n: number }>> {
  const rows = await ex
    .selectFrom('checkin')
    .select((eb) => ['venue_id', eb.fn.countAll().as('n')])
    .groupBy('venue_id')
    .orderBy('venue_id')
    .execute();
  return rows.map((r) => ({ venue_id: r.venue_id, n: Number(r.n) }));
}

/**
 * Reads every check-in into a new index, a page at a time, letting other work run between pages (a
 * server keeps answering while it loads). On SQLite pass the raw handle: pages follow the table's
 * rowid (its storage order); otherwise they follow the id.
 */
export async function loadVisitIndex(ex: Executor, sqlite?: SQLite.Database): Promise<VisitIndex> {
  const counts = await venueCounts(ex);
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  async function* pages(): AsyncGenerator<readonly LoadRow[]> {
    if (sqlite) {
      const page = sqlite.prepare(
        `select rowid as k, ${LOAD_COLUMNS} from checkin where rowid > ? order by rowid limit ${PAGE}`,
      );
      let after = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const rows = page.all(after) as Array<LoadRow & { k: number }>;
        if (!rows.length) return;
        after = rows[rows.length - 1]!.k;
        yield rows;
        await pause();
      }
    }
    let after = '';
    for (;;) {
      const rows = await ex
        .selectFrom('checkin')
        .select(['id', 'venue_id', 'person_id', 'entered_at', 'exited_at', 'decision'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (!rows.length) return;
      after = rows[rows.length - 1]!.id;
      yield rows as LoadRow[];
    }
  }
  return VisitIndex.build(counts, pages());
}

const CHECK_CHUNK = 200;

/**
 * Brings the venues the ranges name up to date with the database: one query for the counts and entry
 * sums of all ranges, one for the open visits where the index holds some, and a read of each venue
 * found different. Returns how many venues were read again.
 */
export async function refreshVenues(ex: Executor, index: VisitIndex, ranges: readonly VenueRange[]): Promise<number> {
  const merged = mergeRanges(ranges);
  const stale = new Set<string>();
  for (let i = 0; i < merged.length; i += CHECK_CHUNK) {
    const part = merged.slice(i, i + CHECK_CHUNK);
    const mine = part.map((r) => index.fingerprint(r));
    const values = sql.join(
      part.map((r, k) => sql`(cast(${k} as integer), cast(${r.venueId} as text), ${big(r.lo)}, ${big(r.hi)})`),
    );
    const rows = await sql<{ k: number; n: number; s: number | null }>`with r(k, venue, lo, hi) as (values ${values})
      select r.k as k, count(c.venue_id) as n, sum(c.entered_at - r.lo) as s
      from r left join checkin c on c.venue_id = r.venue and c.entered_at >= r.lo and c.entered_at <= r.hi
      group by r.k`.execute(ex);
    const seen = new Set<number>();
    for (const row of rows.rows) {
      const k = Number(row.k);
      seen.add(k);
      if (Number(row.n) !== mine[k]!.n || Number(row.s ?? 0) !== mine[k]!.sum) stale.add(part[k]!.venueId);
    }
    for (let k = 0; k < part.length; k++) if (!seen.has(k)) stale.add(part[k]!.venueId);
    // Visits open in the index may have closed since: compare the count still open.
    const withOpen = part.map((r, k) => ({ r, k })).filter(({ r, k }) => mine[k]!.open > 0 && !stale.has(r.venueId));
    if (withOpen.length) {
      const openValues = sql.join(
        withOpen.map(
          ({ r, k }) => sql`(cast(${k} as integer), cast(${r.venueId} as text), ${big(r.lo)}, ${big(r.hi)})`,
        ),
      );
      const open = await sql<{ k: number; n: number }>`with r(k, venue, lo, hi) as (values ${openValues})
        select r.k as k, count(c.venue_id) as n
        from r left join checkin c on c.venue_id = r.venue and c.entered_at >= r.lo and c.entered_at <= r.hi
          and c.exited_at is null and c.decision = 'admitted'
        group by r.k`.execute(ex);
      for (const row of open.rows)
        if (Number(row.n) !== mine[Number(row.k)]!.open) stale.add(part[Number(row.k)]!.venueId);
    }
  }
  for (const venueId of stale) {
    const rows = await ex
      .selectFrom('checkin')
      .select(['id', 'venue_id', 'person_id', 'entered_at', 'exited_at', 'decision'])
      .where('venue_id', '=', venueId)
      .execute();
    index.replaceVenue(venueId, rows as LoadRow[]);
  }
  return stale.size;
}

/** Per venue, its ranges with those that overlap or touch merged (a range read twice is checked once). */
function mergeRanges(ranges: readonly VenueRange[]): VenueRange[] {
  const byVenue = new Map<string, VenueRange[]>();
  for (const r of ranges) {
    const list = byVenue.get(r.venueId);
    if (list) list.push(r);
    else byVenue.set(r.venueId, [r]);
  }
  const out: VenueRange[] = [];
  for (const [venueId, list] of byVenue) {
    list.sort((a, b) => a.lo - b.lo);
    let cur: VenueRange = { venueId, lo: list[0]!.lo, hi: list[0]!.hi };
    for (let i = 1; i < list.length; i++) {
      const r = list[i]!;
      if (r.lo <= cur.hi) cur.hi = Math.max(cur.hi, r.hi);
      else {
        out.push(cur);
        cur = { venueId, lo: r.lo, hi: r.hi };
      }
    }
    out.push(cur);
  }
  return out;
}

// ---- the index of a database ----------------------------------------------------------------------

/**
 * The index attached to a database, found from any executor of it (the database or one of its
 * transactions share the same adapter).
 */
const attached = new WeakMap<object, VisitIndex>();

function keyOf(ex: Executor): object {
  return ex.getExecutor().adapter;
}

export function attachVisitIndex(ex: Executor, index: VisitIndex): void {
  attached.set(keyOf(ex), index);
}

export function detachVisitIndex(ex: Executor): void {
  attached.delete(keyOf(ex));
}

export function visitIndexOf(ex: Executor): VisitIndex | undefined {
  return attached.get(keyOf(ex));
}
