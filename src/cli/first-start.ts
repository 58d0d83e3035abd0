// On the first start of an empty database: seed the demo city and create the demo accounts, then
// print the logins (also kept in dataDir/initial-credentials.txt, readable only by its owner).
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services.ts';
import { addUser } from '../access/access.service.ts';
import { anyUser, userByUsername } from '../access/access.store.ts';
import { rootArea } from '../db/sql.ts';
import { areaByNameAndLevel } from '../registry/registry.store.ts';
import type { Role } from '../access/access.rules.ts';
import { generateDemoCity } from '../sim/city.ts';
import { SYSTEM_ACTOR } from '../platform/audit.ts';
import { progressLine } from './context.ts';
import { seedDemoRound } from '../testing/testing.demo.ts';
import { seedDemoQuarantine } from '../quarantine/sites.demo.ts';
import { seedDemoOrders } from '../quarantine/orders.demo.ts';
import { seedDemoSiteDay } from '../quarantine/care.demo.ts';
import { assignDemoOperator } from '../venues/venue.service.ts';
import { createDemoResident } from '../residents/residents.service.ts';
import { seedDemoLogistics } from '../logistics/logistics.demo.ts';
import { seedDemoReserves } from '../logistics/reserves.demo.ts';
import { seedDemoOutbreak } from '../decision/decision.demo.ts';
import { seedDemoTrips } from '../logistics/trips.demo.ts';
import { seedDemoVolunteers } from '../volunteers/volunteers.demo.ts';

interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  /** An area by name and level in the demo city; the city itself when absent. */
  area?: { name: string; level: string };
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin' },
  { username: 'command', displayName: '市指挥部值班员', role: 'command' },
  { username: 'investigator', displayName: '流调员', role: 'investigator' },
  {
    username: 'wenyuan',
    displayName: '文苑社区网格员',
    role: 'community_worker',
    area: { name: '文苑社区', level: 'community' },
  },
  {
    username: 'xingyang',
    displayName: '兴阳社区网格员',
    role: 'community_worker',
    area: { name: '兴阳社区', level: 'community' },
  },
  { username: 'lab', displayName: '检测实验室', role: 'lab' },
  { username: 'sampler', displayName: '核酸采样员', role: 'sampler' },
  { username: 'auditor', displayName: '审计员', role: 'auditor' },
  {
    username: 'operator',
    displayName: '文苑社区场所经营者',
    role: 'venue_operator',
    area: { name: '文苑社区', level: 'community' },
  },
  {
    username: 'quarantine',
    displayName: '龙山宾馆隔离点医护',
    role: 'quarantine_site',
    area: { name: '龙山区', level: 'district' },
  },
  {
    username: 'logistics',
    displayName: '物资保障专班',
    role: 'logistics',
    area: { name: '龙山区', level: 'district' },
  },
  {
    username: 'enterprise',
    displayName: '民生保供商贸（企业账号）',
    role: 'enterprise',
    area: { name: '文苑社区', level: 'community' },
  },
  {
    username: 'warehouse',
    displayName: '龙山区物资储备库管理员',
    role: 'warehouse',
    area: { name: '龙山区', level: 'district' },
  },
  {
    username: 'coordinator',
    displayName: '龙山区志愿者协调员',
    role: 'volunteer_coordinator',
    area: { name: '龙山区', level: 'district' },
  },
  {
    username: 'volunteer',
    displayName: '文苑社区志愿者',
    role: 'volunteer',
    area: { name: '文苑社区', level: 'community' },
  },
];

/** The demo resident: a household head of this community, signing in with the registry's phone. */
export const DEMO_RESIDENT_AREA = { name: '文苑社区', level: 'community' };

export function credentialsFile(s: Services): string {
  return path.join(s.config.dataDir, 'initial-credentials.txt');
}

/** Seeds an empty deployment; returns the accounts created (empty when the database was not new). */
export async function seedDemoDeployment(
  s: Services,
  people: number,
  log: (line: string) => void = console.log,
): Promise<Array<{ username: string; password: string; role: string; area: string }>> {
  if (await anyUser(s.db)) return [];
  log(`first start: building a demo city of ${people.toLocaleString()} people…`);
  const summary = await generateDemoCity(s, { people, days: 14, seed: 1, onProgress: progressLine('demo city') });
  log(
    `demo city: ${summary.areas} areas, ${summary.buildings} buildings, ${summary.households} households, ${summary.persons} persons (${(summary.elapsedMs / 1000).toFixed(1)} s)`,
  );
  const city = await rootArea(s.db);
  if (!city) throw new Error('the demo city has no root area');
  const areaOf = async (a: { name: string; level: string } | undefined) =>
    a ? areaByNameAndLevel(s.db, a.name, a.level) : city;
  const created = [];
  for (const account of DEMO_ACCOUNTS) {
    const area = await areaOf(account.area);
    if (!area) continue;
    const { user, password } = await addUser(s, SYSTEM_ACTOR, {
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      areaId: area.id,
    });
    let note = '';
    if (account.role === 'venue_operator') {
      const venue = await assignDemoOperator(s, user.id, area.path);
      if (venue) note = ` (runs ${venue})`;
    }
    created.push({ username: account.username, password, role: account.role, area: area.name + note });
  }
  // A resident account made as the door flow makes one; residents sign in with their phone.
  const residentArea = await areaOf(DEMO_RESIDENT_AREA);
  const resident = residentArea && (await createDemoResident(s, residentArea.path));
  if (resident)
    created.push({
      username: resident.phone,
      password: resident.password,
      role: 'resident',
      area: `${residentArea.name} (${resident.name})`,
    });
  const round = await seedDemoRound(s, {
    seed: 1,
    quietCommunities: [...new Set(DEMO_ACCOUNTS.flatMap((a) => (a.area?.level === 'community' ? [a.area.name] : [])))],
  });
  const commandUser = created.find((c) => c.role === 'command');
  const enterpriseUser = await userByUsername(s.db, 'enterprise');
  const commandRow = await userByUsername(s.db, 'command');
  if (commandUser && commandRow) {
    const logistics = await seedDemoLogistics(
      s,
      {
        userId: commandRow.id,
        username: 'command',
        displayName: '市指挥部值班员',
        role: 'command',
        areaId: city.id,
        areaPath: city.path,
        via: 'token',
      },
      { enterpriseUserId: enterpriseUser?.id },
    );
    log(
      `demo logistics: ${logistics.enterprises} enterprises, ${logistics.vehicles} vehicles, ${logistics.drivers} drivers, ${logistics.passes} passes`,
    );
    const reserves = await seedDemoReserves(
      s,
      {
        userId: commandRow.id,
        username: 'command',
        displayName: '市指挥部值班员',
        role: 'logistics',
        areaId: city.id,
        areaPath: city.path,
        via: 'token',
      },
      { sealedCommunity: '兴阳社区' },
    );
    log(
      `demo reserves: ${reserves.warehouses} warehouses, ${reserves.movements} movements, ${reserves.alerts} open alert(s)`,
    );
    const trips = await seedDemoTrips(
      s,
      {
        userId: commandRow.id,
        username: 'command',
        displayName: '市指挥部值班员',
        role: 'command',
        areaId: city.id,
        areaPath: city.path,
        via: 'token',
      },
      { officerUsername: 'logistics' },
    );
    log(
      `demo trips: ${trips.trips} trips, ${trips.checks} checkpoint checks, ${trips.visits} vehicles inside the station`,
    );
  }
  log(
    `demo testing round: ${round.sampled.toLocaleString()} people sampled in ${round.tubes.toLocaleString()} tubes, ${round.resulted.toLocaleString()} resulted, one suspected-positive pool reported (${(round.elapsedMs / 1000).toFixed(1)} s)`,
  );
  const quarantine = await seedDemoQuarantine(s);
  log(
    `demo quarantine: ${quarantine.sites} sites with ${quarantine.rooms.toLocaleString()} rooms and ${quarantine.staff} staff, ${quarantine.hospitals} designated hospitals`,
  );
  const orders = await seedDemoOrders(s, {
    quietCommunities: [...new Set(DEMO_ACCOUNTS.flatMap((a) => (a.area?.level === 'community' ? [a.area.name] : [])))],
  });
  log(`demo quarantine orders: ${orders.orders} people at every stage, ${orders.released} released`);
  const day = await seedDemoSiteDay(s);
  log(
    `demo quarantine site day: ${day.checks} morning checks (${day.fevers} fever), ${day.requests} open request, ${day.disinfections} disinfections, ${day.waste} waste entry`,
  );
  const outbreak = await seedDemoOutbreak(s, {
    seed: 1,
    quietCommunities: [...new Set(DEMO_ACCOUNTS.flatMap((a) => (a.area?.level === 'community' ? [a.area.name] : [])))],
  });
  log(
    `demo outbreak for decision support: ${outbreak.cases} cases over 42 days, ${outbreak.contacts} infector contacts, ${outbreak.projections} projections (${outbreak.scored} scored)`,
  );
  const coordinatorArea = await areaOf({ name: '龙山区', level: 'district' });
  if (coordinatorArea) {
    const volunteerRow = await userByUsername(s.db, 'volunteer');
    const volunteerArea = await areaOf({ name: '文苑社区', level: 'community' });
    const volunteers = await seedDemoVolunteers(s, {
      districtPath: coordinatorArea.path,
      volunteerUser: volunteerRow && volunteerArea ? { id: volunteerRow.id, areaPath: volunteerArea.path } : undefined,
      coordinatorUserId: (await userByUsername(s.db, 'coordinator'))?.id,
    });
    log(
      `demo volunteers: ${volunteers.volunteers.toLocaleString()} signed up (${volunteers.approved.toLocaleString()} approved), ${volunteers.needs} needs over a week, ${volunteers.bookings} bookings`,
    );
  }
  return created;
}

export async function ensureFirstStart(s: Services): Promise<void> {
  const created = await seedDemoDeployment(s, s.config.demoPeople);
  const file = credentialsFile(s);
  if (created.length) {
    const lines = [
      'Cordon demo logins (created on first start; change these passwords and delete this file)',
      ...created.map((c) => `${c.username.padEnd(14)} ${c.password}   ${c.role} @ ${c.area}`),
    ];
    fs.mkdirSync(s.config.dataDir, { recursive: true });
    fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
    console.log(`\n${lines.join('\n')}\n`);
  } else if (fs.existsSync(file)) {
    const admin = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('admin '));
    if (admin)
      console.log(`admin login: ${admin.trim().split(/\s+/).slice(0, 2).join(' / ')}   (all demo logins: ${file})`);
  }
}
