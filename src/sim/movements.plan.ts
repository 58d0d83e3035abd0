// The plan of the demo city's venues and daily movements (pure): from the city plan, a seed and the
// window [now − days, now], the venues of every category spread over the communities, and each
// person's visits day by day — the home gate on the way back in, work or school on weekdays (adults,
// children), markets and shops, restaurants, pharmacies, hospitals, transport — with stays per
// category and exits scanned or closed by the venue's dwell. Deterministic: the same inputs give the
// same venues and the same visits; each person's visits depend only on the seed and that person.
import { Random, WeightedTable } from './random.ts';
import { chineseNumber, compoundNames } from './names.ts';
import type { PlannedArea, PlannedPerson } from './city.plan.ts';
import { newId } from '../platform/crypto.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type VenueCategoryKey =
  | 'supermarket'
  | 'market'
  | 'restaurant'
  | 'school_building'
  | 'hospital'
  | 'nursing_home'
  | 'office'
  | 'factory'
  | 'transport_hub'
  | 'residential_gate'
  | 'hotel'
  | 'entertainment'
  | 'gym'
  | 'pharmacy'
  | 'government_service';

export interface PlannedVenue {
  /** "vdemo…": lower-case letters and digits, as signed venue codes require. */
  id: string;
  name: string;
  category: VenueCategoryKey;
  /** A grid for a residential gate, else a community. */
  areaId: string;
  address: string;
  capacity: number;
  /** Schools: which pupils it teaches. */
  serves?: 'primary' | 'secondary';
}

export interface PlannedVisit {
  id: string;
  personId: string;
  venueId: string;
  category: VenueCategoryKey;
  /** self: the person's phone; assisted: a guard scanned their personal code (no smartphone). */
  method: 'self' | 'assisted';
  enteredAt: number;
  /** null: still inside now. */
  exitedAt: number | null;
  /** scan (scanned out), guard (a guard closed it), auto (closed at entry + the venue's dwell), or null while open. */
  exitKind: 'scan' | 'guard' | 'auto' | null;
}

/** How long people actually stay when they scan out, in minutes [min, max], per category. */
export const STAY_MINUTES: Record<VenueCategoryKey, readonly [number, number]> = {
  supermarket: [15, 60],
  market: [15, 50],
  restaurant: [35, 110],
  school_building: [200, 250],
  hospital: [40, 180],
  nursing_home: [30, 90],
  office: [480, 560],
  factory: [500, 600],
  transport_hub: [15, 60],
  residential_gate: [1, 3],
  hotel: [480, 720],
  entertainment: [90, 180],
  gym: [45, 120],
  pharmacy: [5, 15],
  government_service: [20, 60],
};

// ---- venues ------------------------------------------------------------------------------------

interface VenueSpec {
  category: VenueCategoryKey;
  /** One venue per this many residents (at least `min`). */
  perPeople: number;
  min: number;
  capacity: readonly [number, number];
  /** Named venues first (city-wide landmarks), then generated names. */
  names: readonly string[];
  /** Generated names: a brand or kind, placed in a community ("(文苑店)"). */
  brands?: readonly string[];
  serves?: 'primary' | 'secondary';
}

const VENUE_SPECS: readonly VenueSpec[] = [
  {
    category: 'supermarket',
    perPeople: 4_000,
    min: 2,
    capacity: [300, 800],
    names: ['大润发超市', '欧亚超市(辽源店)'],
    brands: ['华联超市', '家乐福超市', '新玛特超市', '百佳惠超市', '万家福超市', '东方超市'],
  },
  {
    category: 'market',
    perPeople: 8_000,
    min: 1,
    capacity: [200, 500],
    names: ['东吉农贸市场'],
    brands: ['农贸市场', '早市'],
  },
  {
    category: 'restaurant',
    perPeople: 400,
    min: 4,
    capacity: [40, 160],
    names: ['李连贵熏肉大饼(辽源店)', '老边饺子馆'],
    brands: [
      '朝鲜族冷面馆',
      '东北菜馆',
      '麻辣烫',
      '烧烤店',
      '鸡架店',
      '砂锅居',
      '火锅店',
      '拉面馆',
      '包子铺',
      '饺子馆',
      '粥铺',
      '快餐店',
    ],
  },
  {
    category: 'school_building',
    perPeople: 2_500,
    min: 1,
    capacity: [600, 1_500],
    names: ['辽源市第一小学教学楼', '东吉小学教学楼'],
    brands: ['小学教学楼'],
    serves: 'primary',
  },
  {
    category: 'school_building',
    perPeople: 4_000,
    min: 1,
    capacity: [800, 1_800],
    names: ['实验中学教学楼', '辽源市第一中学教学楼', '辽源市第五中学教学楼'],
    brands: ['中学教学楼'],
    serves: 'secondary',
  },
  {
    category: 'hospital',
    perPeople: 25_000,
    min: 1,
    capacity: [800, 2_000],
    names: [
      '辽源市中心医院门诊楼',
      '辽源市人民医院门诊楼',
      '辽源市中医院门诊楼',
      '辽源市妇婴医院门诊楼',
      '龙山区医院门诊楼',
      '西安区医院门诊楼',
    ],
  },
  {
    category: 'nursing_home',
    perPeople: 10_000,
    min: 1,
    capacity: [80, 200],
    names: ['夕阳红老年公寓'],
    brands: ['养老院'],
  },
  {
    category: 'office',
    perPeople: 2_000,
    min: 2,
    capacity: [300, 1_000],
    names: ['辽源市政府办公楼', '金融大厦', '国贸大厦', '电信大楼'],
    brands: ['商务中心', '写字楼'],
  },
  {
    category: 'factory',
    perPeople: 5_000,
    min: 1,
    capacity: [500, 2_000],
    names: ['仙城物流园', '东北袜业园', '麦达斯铝业厂区', '辽源矿业集团机修厂', '鸿图锂电厂区'],
    brands: ['工业园厂房'],
  },
  {
    category: 'transport_hub',
    perPeople: 30_000,
    min: 1,
    capacity: [1_000, 3_000],
    names: ['辽源站', '辽源客运站', '辽源公交总站'],
  },
  {
    category: 'hotel',
    perPeople: 8_000,
    min: 1,
    capacity: [100, 300],
    names: ['辽源宾馆', '如家酒店(人民大街店)'],
    brands: ['汉庭酒店', '锦江之星', '格林豪泰'],
  },
  {
    category: 'entertainment',
    perPeople: 8_000,
    min: 1,
    capacity: [100, 400],
    names: ['万达影城(辽源店)', '星光KTV'],
    brands: ['KTV', '电影院', '台球厅'],
  },
  {
    category: 'gym',
    perPeople: 8_000,
    min: 1,
    capacity: [50, 200],
    names: ['辽源市全民健身中心'],
    brands: ['健身房', '游泳馆'],
  },
  {
    category: 'pharmacy',
    perPeople: 3_000,
    min: 1,
    capacity: [20, 40],
    names: ['老百姓大药房(辽源店)'],
    brands: ['益丰大药房', '大参林药店', '医药连锁药店'],
  },
  {
    category: 'government_service',
    perPeople: 50_000,
    min: 1,
    capacity: [200, 500],
    names: ['辽源市政务服务中心', '龙山区政务服务大厅', '西安区政务服务大厅'],
  },
];

const GATE_SIDES = ['北门', '南门', '东门', '西门'] as const;

function communityStem(community: PlannedArea): string {
  return community.name.replace(/社区$/, '');
}

/**
 * The demo city's venues: one residential gate per grid (the compound's gate), and the other
 * categories in proportion to the population, spread over the communities.
 */
export function planVenues(areas: readonly PlannedArea[], people: number, seed: number): PlannedVenue[] {
  const rng = new Random(seed, 'venues');
  const byId = new Map(areas.map((a) => [a.id, a]));
  const communities = areas.filter((a) => a.level === 'community');
  const grids = areas.filter((a) => a.level === 'grid');
  if (communities.length === 0) return [];
  const venues: PlannedVenue[] = [];
  const compounds = compoundNames(rng.fork('compounds'), grids.length);
  grids.forEach((grid, i) => {
    const community = byId.get(grid.parentId ?? '') ?? communities[0]!;
    venues.push({
      id: `vdemogate${grid.code}`,
      name: `${compounds[i]}${GATE_SIDES[i % GATE_SIDES.length]}`,
      category: 'residential_gate',
      areaId: grid.id,
      address: `${community.name}${grid.name}`,
      capacity: rng.int(150, 400),
    });
  });
  for (const spec of VENUE_SPECS) {
    const draw = rng.fork(`${spec.category}/${spec.serves ?? ''}`);
    const count = Math.max(spec.min, Math.round(people / spec.perPeople));
    const used = new Set<string>();
    for (let i = 0; i < count; i++) {
      const community = communities[draw.int(0, communities.length - 1)]!;
      let name = spec.names[i];
      if (name === undefined) {
        const brand = spec.brands ? draw.pick(spec.brands) : spec.names[i % spec.names.length]!;
        const stem = communityStem(community);
        const shop = !brand.endsWith('楼') && !brand.endsWith('市场') && !brand.endsWith('早市');
        name = shop ? `${brand}(${stem}店)` : `${stem}${brand}`;
        for (let n = 2; used.has(name) && n < 100; n++)
          name = shop ? `${brand}(${stem}${chineseNumber(n)}店)` : `${stem}第${chineseNumber(n)}${brand}`;
      }
      used.add(name);
      venues.push({
        id: `vdemo${spec.category.replace(/_/g, '')}${spec.serves ?? ''}${i + 1}`,
        name,
        category: spec.category,
        areaId: community.id,
        address: `${communityStem(community)}路${draw.int(1, 399)}号`,
        capacity: draw.int(spec.capacity[0], spec.capacity[1]),
        ...(spec.serves ? { serves: spec.serves } : {}),
      });
    }
  }
  return venues;
}

// ---- movements ---------------------------------------------------------------------------------

export interface MovementOptions {
  seed: number;
  /** The end of the window (epoch ms): nothing is entered later; visits still on at `now` stay open. */
  now: number;
  days: number;
  /** The deployment's offset from UTC in minutes (Asia/Shanghai: 480): days and hours are local. */
  utcOffsetMinutes: number;
  /** Each category's default dwell (rules/venue-categories.json): an unclosed visit ends after it. */
  dwellMinutes: Readonly<Record<string, number>>;
}

/** What a person's days look like. */
type Role = 'none' | 'child' | 'primary' | 'secondary' | 'worker' | 'adult' | 'elder';

const WORKPLACES = new WeightedTable<VenueCategoryKey>([
  ['office', 34],
  ['factory', 26],
  ['restaurant', 8],
  ['supermarket', 6],
  ['hospital', 6],
  ['school_building', 5],
  ['market', 3],
  ['government_service', 3],
  ['hotel', 3],
  ['transport_hub', 2],
  ['pharmacy', 2],
  ['entertainment', 1],
  ['gym', 1],
  ['nursing_home', 1],
]);

function ageOn(birthDate: string | null, today: string): number {
  if (!birthDate) return 35;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class MovementPlanner {
  private readonly byCategory = new Map<VenueCategoryKey, PlannedVenue[]>();
  /** Venues of a category in a community, for errands near home or work. */
  private readonly local = new Map<string, PlannedVenue[]>();
  private readonly gateOfGrid = new Map<string, PlannedVenue>();
  private readonly communityOf = new Map<string, string>();
  private readonly schools: Record<'primary' | 'secondary', PlannedVenue[]> = { primary: [], secondary: [] };
  readonly windowStart: number;
  private readonly offset: number;
  private readonly today: string;

  constructor(
    areas: readonly PlannedArea[],
    private readonly venues: readonly PlannedVenue[],
    private readonly o: MovementOptions,
  ) {
    for (const a of areas) if (a.level === 'grid' && a.parentId) this.communityOf.set(a.id, a.parentId);
    for (const v of venues) {
      if (v.category === 'residential_gate') this.gateOfGrid.set(v.areaId, v);
      if (v.serves) this.schools[v.serves].push(v);
      const list = this.byCategory.get(v.category) ?? [];
      list.push(v);
      this.byCategory.set(v.category, list);
      const key = `${v.areaId}|${v.category}`;
      this.local.set(key, [...(this.local.get(key) ?? []), v]);
    }
    this.offset = o.utcOffsetMinutes * MINUTE;
    this.windowStart = o.now - o.days * DAY;
    this.today = isoDate(o.now + this.offset);
  }

  private roleOf(p: PlannedPerson, rng: Random): Role {
    if (p.careTags.includes('bedridden')) return 'none';
    const age = ageOn(p.birthDate, this.today);
    if (age < 3) return 'none';
    if (age < 6) return 'child';
    if (age < 13) return 'primary';
    if (age < 18) return 'secondary';
    if (age >= 60) return 'elder';
    return rng.chance(0.78) ? 'worker' : 'adult';
  }

  /** A venue of the category near the community (70 %), else anywhere in the city. */
  private near(category: VenueCategoryKey, community: string, rng: Random): PlannedVenue | undefined {
    const local = this.local.get(`${community}|${category}`);
    if (local && rng.chance(0.7)) return rng.pick(local);
    const all = this.byCategory.get(category);
    return all && all.length ? rng.pick(all) : undefined;
  }

  /**
   * Every visit of the person inside the window, in time order, none overlapping. `ordinal` (the
   * person's place in the city plan) makes the visit ids unique across the city.
   */
  visitsOf(p: PlannedPerson, ordinal: number): PlannedVisit[] {
    const rng = new Random(this.o.seed, `movements/${p.id}`);
    const role = this.roleOf(p, rng.fork('role'));
    if (role === 'none') return [];
    const home = this.communityOf.get(p.areaId) ?? p.areaId;
    const gate = this.gateOfGrid.get(p.areaId);
    const smartphone = p.phone !== null && !p.careTags.includes('no_smartphone');
    // Fixed places of the person: a school by age, a workplace for workers.
    const fixed = rng.fork('fixed');
    let workplace: PlannedVenue | undefined;
    if (role === 'primary' || role === 'secondary') {
      const schools = this.schools[role];
      const nearby = schools.filter((s) => s.areaId === home);
      workplace = nearby.length ? fixed.pick(nearby) : schools.length ? fixed.pick(schools) : undefined;
    } else if (role === 'worker') {
      workplace = this.near(WORKPLACES.draw(fixed), home, fixed);
    }
    const visits: PlannedVisit[] = [];
    const firstDay = this.localMidnight(this.windowStart);
    let notBefore = firstDay;
    let idSeq = 0;
    for (let day = firstDay; day <= this.o.now; day += DAY) {
      const dayRng = rng.fork(`day/${isoDate(day + this.offset)}`);
      const weekday = new Date(day + this.offset).getUTCDay();
      const workday = weekday >= 1 && weekday <= 5;
      const d = new DayBuilder(this, p.id, smartphone, gate, day, notBefore, dayRng, () => visitId(ordinal, idSeq++));
      if (workday && workplace && (role === 'primary' || role === 'secondary'))
        this.schoolDay(d, workplace, home, dayRng);
      else if (workday && workplace && role === 'worker') this.workDay(d, workplace, home, dayRng);
      else if (workday && role !== 'child') this.freeDay(d, home, role === 'elder', dayRng);
      else this.weekend(d, home, dayRng);
      for (const v of d.visits)
        if (v.enteredAt >= this.windowStart && v.enteredAt <= this.o.now) visits.push(this.clip(v));
      notBefore = d.end();
    }
    return visits;
  }

  dwellOf(category: VenueCategoryKey): number {
    return this.o.dwellMinutes[category] ?? STAY_MINUTES[category][1];
  }

  private localMidnight(ms: number): number {
    const local = ms + this.offset;
    return local - (((local % DAY) + DAY) % DAY) - this.offset;
  }

  /** A visit still going on at `now` is open. */
  private clip(v: PlannedVisit): PlannedVisit {
    return v.exitedAt !== null && v.exitedAt > this.o.now ? { ...v, exitedAt: null, exitKind: null } : v;
  }

  private schoolDay(d: DayBuilder, school: PlannedVenue, home: string, rng: Random): void {
    d.at(7 * 60 + 15 + rng.int(0, 30));
    d.visit(school, [230, 250]);
    d.pass(rng.int(40, 80)); // lunch
    d.visit(school, [200, 220]);
    d.pass(rng.int(10, 30));
    if (rng.chance(0.1)) d.visit(this.near('supermarket', home, rng));
    d.homeGate();
  }

  private workDay(d: DayBuilder, work: PlannedVenue, home: string, rng: Random): void {
    d.at(7 * 60 + rng.int(0, 90));
    if (rng.chance(0.06)) {
      d.visit(this.near('transport_hub', home, rng), [10, 25]);
      d.pass(rng.int(10, 30));
    }
    if (rng.chance(0.25)) {
      // Out for lunch: the morning at work is scanned out.
      d.visit(work, [200, 240], true);
      d.pass(rng.int(5, 15));
      d.visit(this.near('restaurant', work.areaId, rng), [30, 60], true);
      d.pass(rng.int(5, 15));
      d.visit(work, [200, 260]);
    } else {
      d.visit(work);
    }
    d.pass(rng.int(10, 40));
    const evening = rng.next();
    if (evening < 0.3) d.visit(this.near(rng.chance(0.75) ? 'supermarket' : 'market', home, rng));
    else if (evening < 0.42) d.visit(this.near('restaurant', home, rng));
    else if (evening < 0.47) d.visit(this.near('gym', home, rng));
    else if (evening < 0.5) d.visit(this.near('entertainment', home, rng));
    d.pass(rng.int(10, 30));
    d.homeGate();
  }

  private freeDay(d: DayBuilder, home: string, elder: boolean, rng: Random): void {
    d.at(7 * 60 + 30 + rng.int(0, 90));
    let out = false;
    if (rng.chance(elder ? 0.45 : 0.25)) {
      d.visit(this.near('market', home, rng));
      out = true;
    }
    if (rng.chance(0.03)) {
      d.pass(rng.int(10, 30));
      d.visit(this.near('hospital', home, rng));
      out = true;
    }
    if (rng.chance(0.05)) {
      d.pass(rng.int(5, 20));
      d.visit(this.near('pharmacy', home, rng));
      out = true;
    }
    if (rng.chance(0.01)) {
      d.pass(rng.int(10, 30));
      d.visit(this.near('government_service', home, rng));
      out = true;
    }
    if (out) {
      d.pass(rng.int(10, 30));
      d.homeGate();
    }
    d.at(Math.max(d.minute(), 14 * 60 + rng.int(0, 150)));
    out = false;
    if (rng.chance(0.25)) {
      d.visit(this.near('supermarket', home, rng));
      out = true;
    }
    if (rng.chance(0.01)) {
      d.pass(rng.int(10, 30));
      d.visit(this.near('nursing_home', home, rng));
      out = true;
    }
    if (rng.chance(elder ? 0.05 : 0.1)) {
      d.pass(rng.int(10, 30));
      d.visit(this.near('restaurant', home, rng));
      out = true;
    }
    if (out) {
      d.pass(rng.int(10, 30));
      d.homeGate();
    }
  }

  private weekend(d: DayBuilder, home: string, rng: Random): void {
    d.at(9 * 60 + rng.int(0, 240));
    let out = false;
    if (rng.chance(0.5)) {
      d.visit(this.near(rng.chance(0.7) ? 'supermarket' : 'market', home, rng));
      out = true;
    }
    if (rng.chance(0.3)) {
      d.pass(rng.int(10, 40));
      d.visit(this.near('restaurant', home, rng));
      out = true;
    }
    if (rng.chance(0.1)) {
      d.pass(rng.int(10, 40));
      d.visit(this.near('entertainment', home, rng));
      out = true;
    }
    if (rng.chance(0.08)) {
      d.pass(rng.int(10, 40));
      d.visit(this.near('gym', home, rng));
      out = true;
    }
    if (rng.chance(0.02)) {
      d.pass(rng.int(10, 40));
      d.visit(this.near('hospital', home, rng));
      out = true;
    }
    if (rng.chance(0.02)) {
      d.pass(rng.int(10, 40));
      d.visit(this.near('transport_hub', home, rng));
      out = true;
    }
    if (out) {
      d.pass(rng.int(10, 40));
      d.homeGate();
    }
  }
}

/** One person's day, built in time order: each visit starts after the previous one ended. */
const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ID_ALPHABET[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
}

/** The 12 characters after a check-in id's time: the person's ordinal and the visit's number. */
function visitId(ordinal: number, seq: number): string {
  return base32(ordinal, 7) + base32(seq, 5);
}

class DayBuilder {
  readonly visits: PlannedVisit[] = [];
  private cursor: number;

  constructor(
    private readonly planner: MovementPlanner,
    private readonly personId: string,
    private readonly smartphone: boolean,
    private readonly gate: PlannedVenue | undefined,
    private readonly dayStart: number,
    notBefore: number,
    private readonly rng: Random,
    private readonly nextSuffix: () => string,
  ) {
    this.cursor = Math.max(dayStart, notBefore);
  }

  /** When the last visit of the day ended (the next day starts no earlier). */
  end(): number {
    return this.cursor;
  }

  /** A check-in id as newId() makes them (time first), unique by person and visit. */
  private id(enteredAt: number): string {
    return newId(enteredAt, () => 0).slice(0, 10) + this.nextSuffix();
  }

  /** Moves on to the minute of the day (never back). */
  at(minuteOfDay: number): void {
    this.cursor = Math.max(this.cursor, this.dayStart + minuteOfDay * MINUTE);
  }

  minute(): number {
    return Math.floor((this.cursor - this.dayStart) / MINUTE);
  }

  pass(minutes: number): void {
    this.cursor += minutes * MINUTE;
  }

  /**
   * A visit from now: scanned out after a stay drawn from `stay` (default: the category's), or, when
   * nobody scans out, closed by the dwell at entry + the venue's dwell. `mustScan`: the person leaves
   * before the dwell would end (to come back), so the exit is scanned.
   */
  visit(venue: PlannedVenue | undefined, stay?: readonly [number, number], mustScan = false): void {
    if (!venue) return;
    stay ??= STAY_MINUTES[venue.category];
    const rng = this.rng;
    const dwell = this.planner.dwellOf(venue.category);
    const scanned = mustScan || rng.chance(this.smartphone ? 0.55 : 0.2);
    const minutes = scanned ? rng.int(stay[0], stay[1]) : dwell;
    const enteredAt = this.cursor + rng.int(0, 59) * 1000;
    const exitedAt = enteredAt + minutes * MINUTE;
    this.visits.push({
      id: this.id(enteredAt),
      personId: this.personId,
      venueId: venue.id,
      category: venue.category,
      method: this.smartphone ? 'self' : 'assisted',
      enteredAt,
      exitedAt,
      exitKind: scanned ? (this.smartphone ? 'scan' : 'guard') : 'auto',
    });
    this.cursor = exitedAt + MINUTE;
  }

  /** Back home through the compound gate (scanned on the way in; it closes by its dwell). */
  homeGate(): void {
    if (!this.gate) return;
    const rng = this.rng;
    const enteredAt = this.cursor + rng.int(0, 59) * 1000;
    const exitedAt = enteredAt + this.planner.dwellOf('residential_gate') * MINUTE;
    this.visits.push({
      id: this.id(enteredAt),
      personId: this.personId,
      venueId: this.gate.id,
      category: 'residential_gate',
      method: this.smartphone ? 'self' : 'assisted',
      enteredAt,
      exitedAt,
      exitKind: 'auto',
    });
    this.cursor = exitedAt + MINUTE;
  }
}
