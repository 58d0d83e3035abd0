// The demo city's quarantine capacity: two sites — a hotel in 龙山区 (six floors of rooms, accessible and
// family rooms on the first floor) and a dormitory in 西安区 — each with its three zones, its staff roster
// (the demo login `quarantine` is the hotel's medical staff) and a sampling site of its own (1:1 tubes),
// and the designated hospitals by need. Written through the module's own services, so it is audited like
// any other change; a second run on the same database adds nothing.
import type { Actor } from '../access/access.rules.ts';
import { userByUsername } from '../access/access.store.ts';
import type { Services } from '../services.ts';
import { createSite as createTestingSite } from '../testing/testing.service.ts';
import { createHospital } from './hospitals.service.ts';
import type { HospitalBody } from './hospitals.schema.ts';
import { addStaff, createSite, importRooms, listSites, updateRoom, type SheetRoom } from './sites.service.ts';
import { listRooms } from './sites.service.ts';
import { ROOM_COLUMN_TITLES, ROOM_COLUMNS, type RoomColumn } from './sites.rules.ts';
import type { StaffBody } from './sites.schema.ts';

export const DEMO_QUARANTINE_LOGIN = 'quarantine';

export interface DemoQuarantineSummary {
  sites: number;
  rooms: number;
  staff: number;
  hospitals: number;
}

function actor(role: 'admin' | 'command', city: { id: string; path: string }): Actor {
  return {
    userId: 'system',
    username: 'system',
    displayName: 'system',
    role,
    areaId: city.id,
    areaPath: city.path,
    via: 'token',
  };
}

const TITLES = Object.fromEntries(ROOM_COLUMNS.map((c) => [c, ROOM_COLUMN_TITLES[c].zh])) as Record<RoomColumn, string>;

function sheet(rows: Array<[number, string, string]>): { rows: SheetRoom[]; titles: Record<RoomColumn, string> } {
  return {
    titles: TITLES,
    rows: rows.map(([floor, number, kind], i) => ({
      row: i + 2,
      raw: { floor: String(floor), number, kind, beds: '', ownBathroom: '是' },
    })),
  };
}

function hotelRooms(): Array<[number, string, string]> {
  const rows: Array<[number, string, string]> = [];
  for (let n = 1; n <= 6; n++) rows.push([1, `10${n}`, n <= 4 ? 'accessible' : 'family']);
  for (let floor = 2; floor <= 6; floor++)
    for (let n = 1; n <= 20; n++)
      rows.push([floor, `${floor}${String(n).padStart(2, '0')}`, n % 5 === 0 ? 'double' : 'single']);
  return rows;
}

function dormitoryRooms(): Array<[number, string, string]> {
  const rows: Array<[number, string, string]> = [];
  for (let floor = 1; floor <= 4; floor++)
    for (let n = 1; n <= 16; n++)
      rows.push([floor, `${floor}-${String(n).padStart(2, '0')}`, floor === 1 && n <= 2 ? 'accessible' : 'single']);
  return rows;
}

const HOTEL_STAFF: StaffBody[] = [
  { name: '赵建华', role: 'manager', shift: 'day', ppeLevel: 1 },
  { name: '孙丽', role: 'medical', shift: 'day', ppeLevel: 2 },
  { name: '周明', role: 'medical', shift: 'night', ppeLevel: 2 },
  { name: '吴桂英', role: 'service', shift: 'rotating', ppeLevel: 2 },
  { name: '郑强', role: 'security', shift: 'rotating', ppeLevel: 1 },
  { name: '王秀兰', role: 'cleaning', shift: 'day', ppeLevel: 3 },
  { name: '冯静', role: 'psychological', shift: 'day', ppeLevel: 1 },
  { name: '陈志刚', role: 'liaison', shift: 'day', ppeLevel: 1 },
];

const DORM_STAFF: StaffBody[] = [
  { name: '褚卫东', role: 'manager', shift: 'day', ppeLevel: 1 },
  { name: '卫红', role: 'medical', shift: 'rotating', ppeLevel: 2 },
  { name: '蒋海燕', role: 'service', shift: 'rotating', ppeLevel: 2 },
  { name: '沈军', role: 'cleaning', shift: 'day', ppeLevel: 3 },
];

function hospitals(longshan: string, xian: string): HospitalBody[] {
  return [
    {
      areaId: longshan,
      name: '辽源市传染病医院',
      address: '龙山区北寿街 1 号',
      phone: '0437-3201120',
      designations: ['red_yellow_code', 'treatment', 'fever_clinic'],
      acceptsColours: ['green', 'yellow', 'red'],
      beds: 300,
      bedsFree: 86,
    },
    {
      areaId: longshan,
      name: '辽源市中心医院',
      address: '龙山区人民大街 88 号',
      phone: '0437-3282120',
      designations: ['fever_clinic', 'dialysis', 'red_yellow_code'],
      acceptsColours: ['green', 'yellow', 'red'],
      beds: 800,
      bedsFree: 42,
    },
    {
      areaId: longshan,
      name: '辽源市妇幼保健院',
      address: '龙山区东吉大街 12 号',
      phone: '0437-3256120',
      designations: ['maternity', 'paediatrics'],
      acceptsColours: ['green', 'yellow'],
      beds: 160,
      bedsFree: 35,
    },
    {
      areaId: xian,
      name: '西安区人民医院',
      address: '西安区仙城大街 5 号',
      phone: '0437-5012120',
      designations: ['fever_clinic', 'dialysis'],
      acceptsColours: ['green', 'yellow'],
      beds: 240,
      bedsFree: 51,
    },
    {
      areaId: xian,
      name: '西安区方舱医院',
      address: '西安区体育中心',
      phone: '0437-5018000',
      designations: ['cabin', 'treatment'],
      acceptsColours: ['red'],
      beds: 600,
      bedsFree: 600,
    },
  ];
}

/** Seeds the demo's sites, rooms, rosters and hospitals once; returns what it wrote (zeros on a second run). */
export async function seedDemoQuarantine(s: Services): Promise<DemoQuarantineSummary> {
  const none = { sites: 0, rooms: 0, staff: 0, hospitals: 0 };
  const city = await s.db
    .selectFrom('area')
    .select(['id', 'path'])
    .where('parent_id', 'is', null)
    .orderBy('code')
    .executeTakeFirst();
  if (!city) return none;
  const admin = actor('admin', city);
  if ((await listSites(s, admin, {}, { limit: 1, offset: 0 })).total > 0) return none;
  const district = (name: string) =>
    s.db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('name', '=', name)
      .where('level', '=', 'district')
      .executeTakeFirst();
  const longshan = await district('龙山区');
  const xian = await district('西安区');
  if (!longshan || !xian) return none;

  const summary = { ...none };
  const plan = [
    {
      area: longshan,
      name: '龙山宾馆集中隔离点',
      address: '龙山区人民大街 2166 号',
      kind: 'hotel' as const,
      zones: { observation: '2–6 层客房', service: '1 层东侧', sanitation: '1 层西侧通道' },
      rooms: hotelRooms(),
      staff: HOTEL_STAFF,
      login: true,
    },
    {
      area: xian,
      name: '西安区职教中心宿舍隔离点',
      address: '西安区仙城大街 310 号',
      kind: 'dormitory' as const,
      zones: { observation: '1–4 层宿舍', service: '食堂及办公楼', sanitation: '宿舍楼北门' },
      rooms: dormitoryRooms(),
      staff: DORM_STAFF,
      login: false,
    },
  ];
  const command = actor('command', city);
  for (const p of plan) {
    const sampling = await createTestingSite(s, command, {
      areaId: p.area.id,
      name: `${p.name}采样点`,
      address: p.address,
      kind: 'quarantine_site',
    });
    const site = await createSite(s, admin, {
      areaId: p.area.id,
      name: p.name,
      address: p.address,
      kind: p.kind,
      zones: p.zones,
      testingSiteId: sampling.id,
    });
    summary.sites++;
    summary.rooms += (await importRooms(s, admin, site.id, sheet(p.rooms), { fileName: 'demo' })).created;
    for (const member of p.staff) {
      await addStaff(s, admin, site.id, member);
      summary.staff++;
    }
    if (p.login) {
      const user = await userByUsername(s.db, DEMO_QUARANTINE_LOGIN);
      if (user) {
        await addStaff(s, admin, site.id, {
          name: user.display_name,
          role: 'medical',
          shift: 'day',
          ppeLevel: 2,
          userId: user.id,
        });
        summary.staff++;
      }
    }
    // Life on the board: a room out of service, one being cleaned.
    const { items } = await listRooms(s, admin, site.id, {});
    const last = items[items.length - 1];
    if (last) await updateRoom(s, admin, last.id, { status: 'out_of_service' });
    const cleaning = items[items.length - 2];
    if (cleaning) await updateRoom(s, admin, cleaning.id, { status: 'cleaning' });
  }
  for (const h of hospitals(longshan.id, xian.id)) {
    await createHospital(s, admin, h);
    summary.hospitals++;
  }
  return summary;
}
