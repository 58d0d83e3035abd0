// Services on a fresh database with a fake clock and throwaway keys, plus a small two-community city.
import { loadConfig } from '../../src/config.ts';
import type { Dialect } from '../../src/db/database.ts';
import { createServices, type ServiceOptions, type Services } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { generateKeys, newId } from '../../src/platform/crypto.ts';
import { createSession } from '../../src/access/session.ts';
import { LogSmsSender } from '../../src/platform/sms.ts';
import type { Actor, Role } from '../../src/access/access.rules.ts';
import { freshDatabase } from './dialects.ts';
import { installErrorCatalogue } from '../../src/errors.catalogue.ts';
import { testPasswordHash } from './password.ts';

// Tests compose the services themselves, so they install the error catalogue as the entry points do.
installErrorCatalogue();

export interface TestServices extends Services {
  clock: FakeClock;
  /** Text messages stay in memory: tests read one-time codes from it. */
  sms: LogSmsSender;
}

/** `options.ports`: fakes to stand in for the installed ports (a health module that fails, or none). */
export async function testServices(
  dialect: Dialect = 'sqlite',
  options: Pick<ServiceOptions, 'ports'> = {},
): Promise<TestServices> {
  const handle = await freshDatabase(dialect);
  const clock = new FakeClock();
  const config = loadConfig({}, { dataDir: '/nonexistent-cordon-test-dir' });
  const s = await createServices(config, {
    handle,
    clock,
    keys: generateKeys(),
    skipMigrations: true,
    sms: new LogSmsSender(),
    ports: options.ports,
  });
  return s as TestServices;
}

/** Area codes of the test city. */
export const AREAS = {
  city: '220400', // 辽源市
  district: '220402', // 龙山区
  street: '220402001', // 向阳街道
  wenyuan: '220402001001', // 文苑社区
  wenyuanGrid: '220402001001001',
  xingyang: '220402001002', // 兴阳社区
  xingyangGrid: '220402001002001',
} as const;

/** Inserts the test city's area tree and returns area ids by code. */
export async function seedTestAreas(s: Services): Promise<Record<string, string>> {
  const rows: Array<[string, string, string, string | null]> = [
    [AREAS.city, '辽源市', 'city', null],
    [AREAS.district, '龙山区', 'district', AREAS.city],
    [AREAS.street, '向阳街道', 'street', AREAS.district],
    [AREAS.wenyuan, '文苑社区', 'community', AREAS.street],
    [AREAS.wenyuanGrid, '第一网格', 'grid', AREAS.wenyuan],
    [AREAS.xingyang, '兴阳社区', 'community', AREAS.street],
    [AREAS.xingyangGrid, '第一网格', 'grid', AREAS.xingyang],
  ];
  const ids: Record<string, string> = {};
  const paths: Record<string, string> = {};
  for (const [code, name, level, parent] of rows) {
    const id = `a_${code}`;
    const path = `${parent ? paths[parent] : ''}${code}/`;
    ids[code] = id;
    paths[code] = path;
    await s.db
      .insertInto('area')
      .values({
        id,
        code,
        name,
        level,
        parent_id: parent ? ids[parent]! : null,
        path,
        created_at: s.clock.now(),
      })
      .execute();
  }
  return ids;
}

export interface SignedIn {
  userId: string;
  headers: Record<string, string>;
}

/** A user of the role scoped to the area code, with a live session: cookie and CSRF headers. Its password is TEST_PASSWORD. */
export async function signIn(
  s: Services,
  role: Role,
  areaCode: string,
  username = `${role}-${areaCode}-${newId().slice(-6)}`,
): Promise<SignedIn> {
  const area = await s.db.selectFrom('area').select('id').where('code', '=', areaCode).executeTakeFirstOrThrow();
  const userId = newId(s.clock.now());
  await s.db
    .insertInto('app_user')
    .values({
      id: userId,
      username,
      display_name: username,
      password_hash: await testPasswordHash(),
      role,
      area_id: area.id,
      failed_logins: 0,
      locked_until: null,
      disabled: 0,
      created_at: s.clock.now(),
      updated_at: s.clock.now(),
    })
    .execute();
  const session = await createSession(s, userId);
  return { userId, headers: { cookie: `cordon_session=${session.token}`, 'x-csrf-token': session.csrfToken } };
}

/**
 * An actor of the role scoped to the area code, for calling services directly (no user row, no
 * session): the caller a route would pass in.
 */
export async function actorOf(s: Services, role: Role, areaCode: string): Promise<Actor> {
  const area = await s.db
    .selectFrom('area')
    .select(['id', 'path'])
    .where('code', '=', areaCode)
    .executeTakeFirstOrThrow();
  return {
    userId: `u-${role}-${areaCode}`,
    username: `${role}@${areaCode}`,
    displayName: role,
    role,
    areaId: area.id,
    areaPath: area.path,
    via: 'session',
  };
}

/** How many rows a table holds. */
export async function countRows(
  s: Services,
  table: 'person' | 'household' | 'building' | 'audit_event',
): Promise<number> {
  const r = await s.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
