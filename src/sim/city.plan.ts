// The plan of the synthetic demo city (pure): from (people, seed, today) the area tree, buildings,
// households and persons of a city modelled on 辽源市 (GB/T 2260 220400) as plain objects.
// Deterministic: the same inputs give the same plan, byte for byte.
import {
  checkDigit,
  isValidDate,
  type CareTag,
  type IdType,
  type PersonInput,
  type Sex,
} from '../registry/registry.rules.ts';
import { AppError, defineErrors } from '../platform/errors.ts';
import { Random, WeightedTable } from './random.ts';
import {
  buildingName,
  chineseNumber,
  COMMUNITY_STEMS,
  compoundNames,
  doorNumber,
  drawForeignFamily,
  drawGivenName,
  drawSurname,
  gridName,
  unitName,
} from './names.ts';

export const SimErrors = defineErrors({
  DEMO_OPTION_INVALID: {
    status: 400,
    zh: '参数 {option} 无效：{value}（应为 {min}–{max} 的整数）',
    en: 'Option {option} is invalid: {value} (an integer from {min} to {max})',
  },
  DEMO_CITY_EXISTS: {
    status: 409,
    zh: '数据库中已有人口登记数据（{persons} 人、{households} 户、{buildings} 栋楼）；如确需重建演示城市（将删除全部人员、户和楼栋），请加 --force',
    en: 'The database already holds registry data ({persons} persons, {households} households, {buildings} buildings); add --force to rebuild the demo city (this deletes all persons, households and buildings)',
  },
});

export const DEMO_LIMITS = {
  people: { min: 1, max: 1_000_000 },
  days: { min: 1, max: 90 },
  seed: { min: 0, max: 4_294_967_295 },
} as const;

export const CITY = { code: '220400', name: '辽源市' } as const;

export type AreaLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

export interface PlannedArea {
  id: string;
  code: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
  path: string;
}

export interface PlannedBuilding {
  id: string;
  areaId: string;
  name: string;
  /** The residential compound (小区) of the building, e.g. 瑞景家园. */
  compound: string;
  address: string;
  floors: number;
  units: number;
}

export interface PlannedHousehold {
  id: string;
  buildingId: string;
  areaId: string;
  unit: string;
  door: string;
  address: string;
  rooms: number;
  headPersonId: string;
}

export interface PlannedPerson extends PersonInput {
  id: string;
  householdId: string;
  areaId: string;
}

export interface CityPlan {
  people: number;
  seed: number;
  today: string;
  areas: PlannedArea[];
  buildings: PlannedBuilding[];
  households: PlannedHousehold[];
  persons: PlannedPerson[];
}

/**
 * Identifiers of the published sample household roster (household-roster.csv): the demo never
 * generates them, so the sample imports into a demo city without clashing.
 */
export const RESERVED_ID_NUMBERS: readonly string[] = [
  '220402195304120318',
  '220402195508230324',
  '22040219880615102X',
  '220403194011050047',
];
export const RESERVED_PHONES: readonly string[] = ['13804371234', '13904372345', '15104373456'];

/** Real mainland mobile prefixes of the three carriers. */
export const PHONE_PREFIXES: readonly string[] = [
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '147',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '178',
  '182',
  '183',
  '184',
  '187',
  '188',
  '198',
  '130',
  '131',
  '132',
  '155',
  '156',
  '166',
  '175',
  '176',
  '185',
  '186',
  '133',
  '153',
  '173',
  '177',
  '180',
  '181',
  '189',
  '199',
];

interface StreetSpec {
  code: string;
  name: string;
  /** Communities that always exist, with the fewest grids each must have. */
  named: ReadonlyArray<{ name: string; minGrids: number }>;
}

interface DistrictSpec {
  code: string;
  name: string;
  streets: readonly StreetSpec[];
}

/** The districts and their streets and towns (codes 001–099 streets, 100– towns, as in GB/T 10114). */
export const DISTRICTS: readonly DistrictSpec[] = [
  {
    code: '220402',
    name: '龙山区',
    streets: [
      {
        code: '220402001',
        name: '向阳街道',
        named: [
          { name: '文苑社区', minGrids: 2 },
          { name: '兴阳社区', minGrids: 1 },
        ],
      },
      { code: '220402002', name: '南康街道', named: [] },
      { code: '220402003', name: '东吉街道', named: [] },
      { code: '220402004', name: '西宁街道', named: [] },
      { code: '220402005', name: '北寿街道', named: [] },
      { code: '220402006', name: '福镇街道', named: [] },
      { code: '220402100', name: '寿山镇', named: [] },
    ],
  },
  {
    code: '220403',
    name: '西安区',
    streets: [
      { code: '220403001', name: '仙城街道', named: [{ name: '桥北社区', minGrids: 1 }] },
      { code: '220403002', name: '东山街道', named: [] },
      { code: '220403003', name: '安家街道', named: [] },
      { code: '220403004', name: '先锋街道', named: [] },
      { code: '220403005', name: '富国街道', named: [] },
      { code: '220403006', name: '太安街道', named: [] },
      { code: '220403100', name: '灯塔镇', named: [] },
    ],
  },
];

/** Grids that must hold at least this many buildings: the sample roster's 文苑社区 第一网格 3号楼 and 第二网格 5号楼. */
const MIN_BUILDINGS: Record<string, number> = { '文苑社区/1': 3, '文苑社区/2': 5 };

const FLOORS = 6;
const DOORS_PER_FLOOR = 2;
const OCCUPANCY = 0.9;
const GRID_HOUSEHOLDS = { min: 300, max: 500 } as const;
const COMMUNITY_GRIDS = { min: 5, max: 15 } as const;

/** Household sizes: 1: 25%, 2: 30%, 3: 25%, 4: 12%, 5+: 8% (5, 6 and 7 people). */
const HOUSEHOLD_SIZE = new WeightedTable<number>([
  [1, 25],
  [2, 30],
  [3, 25],
  [4, 12],
  [5, 5.6],
  [6, 1.8],
  [7, 0.6],
]);

export function areaId(code: string): string {
  return `a_${code}`;
}

/** Throws DEMO_OPTION_INVALID unless the value is an integer within the option's range. */
export function checkDemoOption(option: keyof typeof DEMO_LIMITS, value: number): number {
  const { min, max } = DEMO_LIMITS[option];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AppError('DEMO_OPTION_INVALID', { option: `--${option}`, value: String(value), min, max });
  }
  return value;
}

// ---------------------------------------------------------------- identifiers

/** Hands out resident ID numbers that are valid, unique within the plan, and never a reserved one. */
export class ResidentIdAllocator {
  private readonly used: Set<string>;

  constructor(reserved: Iterable<string> = RESERVED_ID_NUMBERS) {
    this.used = new Set(reserved);
  }

  /** Region (6 digits) + birth date + two sequence digits + a sex digit (odd: male) + check character. */
  allocate(rng: Random, region: string, birthDate: string, sex: Sex): string {
    const ymd = birthDate.slice(0, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10);
    for (let attempt = 0; attempt < 5000; attempt++) {
      const sexDigit = 2 * rng.int(0, 4) + (sex === 'M' ? 1 : 0);
      const first17 = `${region}${ymd}${String(rng.int(0, 99)).padStart(2, '0')}${sexDigit}`;
      const id = first17 + checkDigit(first17);
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
    throw new Error(`no free ID number left for ${region} ${birthDate} ${sex}`);
  }
}

class UniqueDrawer {
  private readonly used: Set<string>;
  constructor(reserved: Iterable<string>) {
    this.used = new Set(reserved);
  }
  draw(make: () => string): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const v = make();
      if (!this.used.has(v)) {
        this.used.add(v);
        return v;
      }
    }
    throw new Error('could not draw a unique value');
  }
}

// ---------------------------------------------------------------- dates and ages

interface Day {
  iso: string;
  y: number;
  m: number;
  d: number;
}

function parseDay(iso: string): Day {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return { iso, y, m, d };
}

/** A birth date giving the age in whole years on `today`. */
function birthDateFor(today: Day, age: number, rng: Random): string {
  const anniversary = Date.UTC(today.y - age, today.m - 1, today.d);
  return new Date(anniversary - rng.int(0, 364) * 86_400_000).toISOString().slice(0, 10);
}

/** The elderly part of the pyramid, by five-year band (60–64 … 90+). */
const ELDERLY_BAND = new WeightedTable<[number, number]>([
  [[60, 64], 30],
  [[65, 69], 27],
  [[70, 74], 19],
  [[75, 79], 12],
  [[80, 84], 8],
  [[85, 89], 3.5],
  [[90, 98], 0.8],
]);

function elderlyAge(rng: Random): number {
  const [lo, hi] = ELDERLY_BAND.draw(rng);
  return rng.int(lo, hi);
}

// ---------------------------------------------------------------- household composition

type Relation = '本人' | '配偶' | '子女' | '父母' | '孙子女' | '其他';

interface Member {
  age: number;
  sex: Sex;
  relation: Relation;
  /** Whose surname the member carries. */
  surname: 'head' | 'paternal' | 'own';
}

function otherSex(sex: Sex): Sex {
  return sex === 'M' ? 'F' : 'M';
}

function spouseAge(rng: Random, headAge: number, headSex: Sex): number {
  const gap = rng.int(-2, 5);
  return Math.max(20, Math.min(99, headSex === 'M' ? headAge - gap : headAge + gap));
}

/** A child's age: the mother was 22–35 at the birth (younger mothers have younger children). */
function childAge(rng: Random, motherAge: number): number {
  if (motherAge <= 22) return 0;
  return motherAge - rng.int(22, Math.min(35, motherAge));
}

function siblingAge(rng: Random, olderAge: number): number {
  return Math.max(0, olderAge - rng.int(1, 8));
}

function parentAge(rng: Random, childAgeYears: number): number {
  return Math.min(99, childAgeYears + rng.int(24, 33));
}

/** A couple: head and spouse. Returns the members and the mother's age (for children). */
function couple(rng: Random, headAge: number): { members: Member[]; motherAge: number } {
  const headSex: Sex = rng.chance(0.72) ? 'M' : 'F';
  const wifeOrHusband = spouseAge(rng, headAge, headSex);
  const members: Member[] = [
    { age: headAge, sex: headSex, relation: '本人', surname: headSex === 'M' ? 'paternal' : 'own' },
    { age: wifeOrHusband, sex: otherSex(headSex), relation: '配偶', surname: headSex === 'M' ? 'own' : 'paternal' },
  ];
  return { members, motherAge: headSex === 'F' ? headAge : wifeOrHusband };
}

function children(rng: Random, motherAge: number, count: number): Member[] {
  const out: Member[] = [];
  let age = childAge(rng, motherAge);
  for (let i = 0; i < count; i++) {
    out.push({ age, sex: rng.chance(0.51) ? 'M' : 'F', relation: '子女', surname: 'paternal' });
    age = siblingAge(rng, age);
  }
  return out;
}

/** One or both parents of the head; the father carries the head's surname. */
function headParents(rng: Random, headAge: number, count: 1 | 2): Member[] {
  const fatherAge = parentAge(rng, headAge);
  const both: Member[] = [
    { age: fatherAge, sex: 'M', relation: '父母', surname: 'head' },
    {
      age: Math.max(headAge + 20, Math.min(99, fatherAge - rng.int(0, 4))),
      sex: 'F',
      relation: '父母',
      surname: 'own',
    },
  ];
  if (count === 2) return both;
  // Widowed: mothers outlive fathers more often.
  return [rng.chance(0.7) ? both[1]! : both[0]!];
}

function composeSingle(rng: Random): Member[] {
  if (rng.chance(0.38)) {
    return [{ age: elderlyAge(rng), sex: rng.chance(0.65) ? 'F' : 'M', relation: '本人', surname: 'paternal' }];
  }
  const age = rng.chance(0.55) ? rng.int(20, 38) : rng.int(39, 59);
  return [{ age, sex: rng.chance(0.55) ? 'M' : 'F', relation: '本人', surname: 'paternal' }];
}

function composeFamily(rng: Random, size: number): Member[] {
  if (size === 1) return composeSingle(rng);
  const r = rng.next();
  if (size === 2) {
    if (r < 0.4) return couple(rng, elderlyAge(rng)).members;
    if (r < 0.68) return couple(rng, rng.int(45, 59)).members;
    if (r < 0.82) return couple(rng, rng.int(23, 44)).members;
    if (r < 0.92) {
      const headAge = rng.int(28, 55);
      const headSex: Sex = rng.chance(0.75) ? 'F' : 'M';
      return [{ age: headAge, sex: headSex, relation: '本人', surname: 'paternal' }, ...children(rng, headAge, 1)];
    }
    const headAge = rng.int(30, 60);
    return [
      { age: headAge, sex: rng.chance(0.5) ? 'M' : 'F', relation: '本人', surname: 'paternal' },
      ...headParents(rng, headAge, 1),
    ];
  }
  if (size === 3) {
    if (r < 0.72) {
      const c = couple(rng, rng.int(28, 56));
      return [...c.members, ...children(rng, c.motherAge, 1)];
    }
    if (r < 0.88) {
      const c = couple(rng, rng.int(50, 72));
      return [
        ...c.members,
        {
          age: Math.max(18, childAge(rng, c.motherAge)),
          sex: rng.chance(0.55) ? 'M' : 'F',
          relation: '子女',
          surname: 'paternal',
        },
      ];
    }
    const c = couple(rng, rng.int(30, 55));
    return [...c.members, ...headParents(rng, c.members[0]!.age, 1)];
  }
  if (size === 4) {
    if (r < 0.42) {
      const c = couple(rng, rng.int(32, 54));
      return [...c.members, ...children(rng, c.motherAge, 2)];
    }
    if (r < 0.82) {
      const c = couple(rng, rng.int(30, 54));
      return [...c.members, ...children(rng, c.motherAge, 1), ...headParents(rng, c.members[0]!.age, 1)];
    }
    const c = couple(rng, rng.int(52, 72));
    const adult = Math.max(23, childAge(rng, c.motherAge));
    return [
      ...c.members,
      { age: adult, sex: 'M', relation: '子女', surname: 'paternal' },
      {
        age: Math.max(0, adult - rng.int(22, 32)),
        sex: rng.chance(0.51) ? 'M' : 'F',
        relation: '孙子女',
        surname: 'paternal',
      },
    ];
  }
  // Five or more: three generations under one roof.
  if (r < 0.6) {
    const c = couple(rng, rng.int(28, 48));
    return [...c.members, ...headParents(rng, c.members[0]!.age, 2), ...children(rng, c.motherAge, size - 4)];
  }
  const c = couple(rng, rng.int(52, 72));
  const son = Math.max(23, childAge(rng, c.motherAge));
  const inLaw: Member = { age: Math.max(21, son - rng.int(-2, 4)), sex: 'F', relation: '其他', surname: 'own' };
  const grandchildren: Member[] = [];
  let g = Math.max(0, inLaw.age - rng.int(22, 32));
  for (let i = 0; i < size - 4; i++) {
    grandchildren.push({ age: g, sex: rng.chance(0.51) ? 'M' : 'F', relation: '孙子女', surname: 'paternal' });
    g = siblingAge(rng, g);
  }
  return [...c.members, { age: son, sex: 'M', relation: '子女', surname: 'paternal' }, inLaw, ...grandchildren];
}

// ---------------------------------------------------------------- the area tree

interface GridSlot {
  area: PlannedArea;
  community: PlannedArea;
  street: PlannedArea;
  district: PlannedArea;
  households: number;
  minBuildings: number;
}

/** Splits `total` into parts proportional to `weights`, exactly, by largest remainder. */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((v, i) => [v - Math.floor(v), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}

function planAreas(rng: Random, householdCount: number): { areas: PlannedArea[]; grids: GridSlot[] } {
  const gridCount = Math.max(4, Math.round(householdCount / ((GRID_HOUSEHOLDS.min + GRID_HOUSEHOLDS.max) / 2)));
  const gridHouseholds = apportion(
    householdCount,
    Array.from({ length: gridCount }, () => rng.int(GRID_HOUSEHOLDS.min, GRID_HOUSEHOLDS.max)),
  );

  const city: PlannedArea = {
    id: areaId(CITY.code),
    code: CITY.code,
    name: CITY.name,
    level: 'city',
    parentId: null,
    path: `${CITY.code}/`,
  };
  const child = (parent: PlannedArea, code: string, name: string, level: AreaLevel): PlannedArea => ({
    id: areaId(code),
    code,
    name,
    level,
    parentId: parent.id,
    path: `${parent.path}${code}/`,
  });

  const districts = DISTRICTS.map((d) => child(city, d.code, d.name, 'district'));
  const streets = DISTRICTS.flatMap((d, i) =>
    d.streets.map((st) => ({
      spec: st,
      area: child(districts[i]!, st.code, st.name, 'street'),
      district: districts[i]!,
      communities: [] as PlannedArea[],
    })),
  );

  // Named communities first, then streets in turn (alternating districts), each taking one to three more.
  const stems = [...COMMUNITY_STEMS];
  for (let i = stems.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [stems[i], stems[j]] = [stems[j]!, stems[i]!];
  }
  let stemIndex = 0;
  const nextCommunityName = (): string => {
    const stem = stems[stemIndex % stems.length]!;
    const round = Math.floor(stemIndex / stems.length);
    stemIndex++;
    return round === 0 ? `${stem}社区` : `${stem}${chineseNumber(round + 1)}社区`;
  };
  const named = streets.flatMap((st) => st.spec.named.map((n) => ({ street: st, ...n })));
  const interleaved = DISTRICTS[0]!.streets
    .flatMap((_, i) => DISTRICTS.map((d) => d.streets[i]).filter((x) => x !== undefined))
    .map((spec) => streets.find((st) => st.spec.code === spec!.code)!);

  const grids: GridSlot[] = [];
  let gridCursor = 0;
  const addCommunity = (street: (typeof streets)[number], name: string, gridTarget: number): void => {
    const community = child(
      street.area,
      `${street.area.code}${String(street.communities.length + 1).padStart(3, '0')}`,
      name,
      'community',
    );
    street.communities.push(community);
    for (let g = 1; g <= gridTarget; g++) {
      const area = child(community, `${community.code}${String(g).padStart(3, '0')}`, gridName(g), 'grid');
      grids.push({
        area,
        community,
        street: street.area,
        district: street.district,
        households: gridHouseholds[gridCursor++]!,
        minBuildings: MIN_BUILDINGS[`${name}/${g}`] ?? 1,
      });
    }
  };

  const reservedAfter = (i: number) => named.slice(i + 1).reduce((a, n) => a + n.minGrids, 0);
  named.forEach((n, i) => {
    const remaining = gridCount - gridCursor - reservedAfter(i);
    addCommunity(
      n.street,
      n.name,
      Math.max(n.minGrids, Math.min(rng.int(COMMUNITY_GRIDS.min, COMMUNITY_GRIDS.max), remaining)),
    );
  });
  for (let turn = 0; gridCursor < gridCount; turn = (turn + 1) % interleaved.length) {
    const street = interleaved[turn]!;
    const more = rng.int(1, 3);
    for (let k = 0; k < more && gridCursor < gridCount; k++) {
      addCommunity(
        street,
        nextCommunityName(),
        Math.min(rng.int(COMMUNITY_GRIDS.min, COMMUNITY_GRIDS.max), gridCount - gridCursor),
      );
    }
  }

  const areas: PlannedArea[] = [city];
  for (const d of districts) {
    areas.push(d);
    for (const st of streets.filter((x) => x.district === d && x.communities.length > 0)) {
      areas.push(st.area);
      for (const c of st.communities) {
        areas.push(c);
        for (const g of grids.filter((x) => x.community === c)) areas.push(g.area);
      }
    }
  }
  return { areas, grids };
}

// ---------------------------------------------------------------- persons

interface PersonDraws {
  names: Random;
  ages: Random;
  ids: Random;
  phones: Random;
  care: Random;
  idAllocator: ResidentIdAllocator;
  phoneDrawer: UniqueDrawer;
  passportDrawer: UniqueDrawer;
}

function careTagsFor(rng: Random, age: number, sex: Sex, livesAlone: boolean): CareTag[] {
  const tags: CareTag[] = [];
  if (livesAlone && age >= 60) tags.push('elderly_alone');
  if ((age >= 75 && rng.chance(0.08)) || (age >= 60 && age < 75 && rng.chance(0.01))) tags.push('bedridden');
  if (sex === 'F' && age >= 22 && age <= 40 && rng.chance(0.01)) tags.push('pregnant');
  if (age >= 18 && rng.chance(age >= 50 ? 0.0016 : 0.0006)) tags.push('dialysis');
  const noSmartphone = age < 10 ? 1 : age < 14 ? 0.6 : age >= 75 ? 0.8 : age >= 65 ? 0.25 : 0.01;
  if (rng.chance(noSmartphone)) tags.push('no_smartphone');
  return tags;
}

function phoneFor(d: PersonDraws, age: number): string | null {
  const p = age < 14 ? 0 : age < 18 ? 0.85 : age >= 75 ? 0.55 : age >= 60 ? 0.92 : 0.98;
  if (!d.phones.chance(p)) return null;
  return d.phoneDrawer.draw(() => d.phones.pick(PHONE_PREFIXES) + d.phones.digits(8));
}

function residentPersons(
  d: PersonDraws,
  today: Day,
  region: string,
  household: { id: string; areaId: string },
  members: Member[],
): PlannedPerson[] {
  // Children carry the father's surname; a married head of household who is a woman keeps her own.
  const headSurname = drawSurname(d.names);
  const head = members[0]!;
  const paternal = head.sex === 'F' && members.some((m) => m.relation === '配偶') ? drawSurname(d.names) : headSurname;
  return members.map((m, i) => {
    const surname =
      m.relation === '本人' || m.surname === 'head'
        ? headSurname
        : m.surname === 'paternal'
          ? paternal
          : drawSurname(d.names);
    const birthDate = birthDateFor(today, m.age, d.ages);
    const name = surname + drawGivenName(d.names, m.sex, today.y - m.age);
    let idType: IdType = 'resident_id';
    let note = '';
    if ((m.age < 10 && d.ids.chance(0.85)) || (m.age < 16 && m.age >= 10 && d.ids.chance(0.15))) {
      idType = 'none';
      note = '未办理身份证';
    }
    const idNumber = idType === 'resident_id' ? d.idAllocator.allocate(d.ids, region, birthDate, m.sex) : null;
    return {
      id: `p_${household.id.slice(2)}_${i + 1}`,
      householdId: household.id,
      areaId: household.areaId,
      name,
      idType,
      idNumber,
      sex: m.sex,
      birthDate,
      phone: phoneFor(d, m.age),
      relation: m.relation,
      careTags: careTagsFor(d.care, m.age, m.sex, members.length === 1),
      note,
    };
  });
}

/** A household of one or two foreign residents with passports. */
function foreignPersons(
  d: PersonDraws,
  today: Day,
  household: { id: string; areaId: string },
  size: number,
): PlannedPerson[] {
  const family = drawForeignFamily(d.names);
  const headAge = d.ages.int(24, 58);
  const headSex: Sex = d.ages.chance(0.6) ? 'M' : 'F';
  const members: Member[] = [{ age: headAge, sex: headSex, relation: '本人', surname: 'head' }];
  if (size === 2)
    members.push({
      age: spouseAge(d.ages, headAge, headSex),
      sex: otherSex(headSex),
      relation: '配偶',
      surname: 'head',
    });
  return members.map((m, i) => ({
    id: `p_${household.id.slice(2)}_${i + 1}`,
    householdId: household.id,
    areaId: household.areaId,
    name: `${family.surname} ${family.given(m.sex)}`,
    idType: 'passport' as const,
    idNumber: d.passportDrawer.draw(family.passport),
    sex: m.sex,
    birthDate: birthDateFor(today, m.age, d.ages),
    phone: phoneFor(d, m.age),
    relation: m.relation,
    careTags: careTagsFor(d.care, m.age, m.sex, false),
    note: `外籍人员(${family.country})`,
  }));
}

// ---------------------------------------------------------------- the whole city

export interface PlanOptions {
  people: number;
  seed: number;
  /** The deployment's calendar date (YYYY-MM-DD): ages are counted to it. */
  today: string;
}

const FOREIGN_SHARE = 0.004;

export function planCity(options: PlanOptions): CityPlan {
  const people = checkDemoOption('people', options.people);
  const seed = checkDemoOption('seed', options.seed);
  const { today } = options;
  if (!isValidDate(today)) throw new Error(`planCity: today must be YYYY-MM-DD, got ${today}`);
  const day = parseDay(today);
  const root = new Random(seed, 'cordon-demo-city');

  // Household sizes first: exactly `people` persons (the last household takes what is left).
  const sizeRng = root.fork('household-sizes');
  const sizes: number[] = [];
  let placed = 0;
  while (placed < people) {
    const size = Math.min(HOUSEHOLD_SIZE.draw(sizeRng), people - placed);
    sizes.push(size);
    placed += size;
  }

  const { areas, grids } = planAreas(root.fork('areas'), sizes.length);
  const compounds = compoundNames(root.fork('compounds'), grids.length);
  const layout = root.fork('buildings');
  const families = root.fork('families');
  const draws: PersonDraws = {
    names: root.fork('names'),
    ages: root.fork('ages'),
    ids: root.fork('ids'),
    phones: root.fork('phones'),
    care: root.fork('care'),
    idAllocator: new ResidentIdAllocator(),
    phoneDrawer: new UniqueDrawer(RESERVED_PHONES),
    passportDrawer: new UniqueDrawer([]),
  };

  const buildings: PlannedBuilding[] = [];
  const households: PlannedHousehold[] = [];
  const persons: PlannedPerson[] = [];
  let sizeCursor = 0;

  grids.forEach((grid, gi) => {
    const compound = compounds[gi]!;
    const prefix = `${CITY.name}${grid.district.name}${grid.street.name}${compound}`;
    let left = grid.households;
    for (let b = 1; left > 0 || b <= grid.minBuildings; b++) {
      const units = layout.int(2, 4);
      const building: PlannedBuilding = {
        id: `b_${grid.area.code}_${String(b).padStart(2, '0')}`,
        areaId: grid.area.id,
        name: buildingName(b),
        compound,
        address: `${prefix}${buildingName(b)}`,
        floors: FLOORS,
        units,
      };
      buildings.push(building);
      for (let u = 1; u <= units; u++) {
        for (let floor = 1; floor <= FLOORS; floor++) {
          for (let door = 1; door <= DOORS_PER_FLOOR; door++) {
            if (left === 0 || !layout.chance(OCCUPANCY)) continue;
            left--;
            const size = sizes[sizeCursor++]!;
            const doorNo = doorNumber(floor, door);
            const id = `h_${grid.area.code}_${String(b).padStart(2, '0')}_${u}_${doorNo}`;
            const household = { id, areaId: grid.area.id };
            const members =
              size <= 2 && families.chance(FOREIGN_SHARE)
                ? foreignPersons(draws, day, household, size)
                : residentPersons(draws, day, grid.district.code, household, composeFamily(families, size));
            persons.push(...members);
            households.push({
              id,
              buildingId: building.id,
              areaId: grid.area.id,
              unit: unitName(u),
              door: doorNo,
              address: `${building.address}${unitName(u)}${doorNo}室`,
              rooms: Math.min(4, Math.max(1, Math.ceil(size / 2) + layout.int(0, 1))),
              headPersonId: members[0]!.id,
            });
          }
        }
      }
    }
  });

  return { people, seed, today, areas, buildings, households, persons };
}
