// The only SQL of access: users, sessions and API tokens. A user's scope is an area subtree, so
// lists are filtered by area path prefix in the query.
import { sql } from 'kysely';
import type { ApiTokenTable, AppUserTable, Executor, LoginFailureTable, SessionTable } from '../db/database.ts';
import type { ObjectLabel } from '../registry/registry.store.ts';
import { areaById, chunks } from '../db/sql.ts';

export interface Paging {
  limit: number;
  offset: number;
}

/** A user with their area; the password hash is only here for sign-in and never leaves the service. */
export interface UserRow extends AppUserTable {
  area_code: string;
  area_name: string;
  area_path: string;
}

/** A prefix pattern for LIKE with the prefix's own wildcard characters escaped (ESCAPE '\'). */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function areaPathUnder(prefix: string) {
  return sql<boolean>`area.path like ${prefixPattern(prefix)} escape '\\'`;
}

// ---- users -------------------------------------------------------------------------------------

/** The account with its area's code, name and path (the shared area reader, after the account). */
async function withArea(ex: Executor, user: AppUserTable | undefined): Promise<UserRow | undefined> {
  if (!user) return undefined;
  const area = await areaById(ex, user.area_id);
  return area && { ...user, area_code: area.code, area_name: area.name, area_path: area.path };
}

export async function userById(ex: Executor, id: string): Promise<UserRow | undefined> {
  return withArea(ex, await ex.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst());
}

export async function userByUsername(ex: Executor, username: string): Promise<UserRow | undefined> {
  return withArea(ex, await ex.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst());
}

/** The account bound to a phone, by the phone's lookup digest (resident accounts). */
export async function userByPhoneHmac(ex: Executor, phoneHmac: string): Promise<UserRow | undefined> {
  return withArea(
    ex,
    await ex.selectFrom('app_user').selectAll().where('phone_hmac', '=', phoneHmac).executeTakeFirst(),
  );
}

/** Binds an account to a phone (sealed, with its lookup digest). */
export async function setUserPhone(
  ex: Executor,
  id: string,
  phone: { enc: string; hmac: string },
  now: number,
): Promise<void> {
  await ex
    .updateTable('app_user')
    .set({ phone_enc: phone.enc, phone_hmac: phone.hmac, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Resident accounts whose phone is not sealed yet (created before migration 0011: username = phone). */
export async function residentsWithPlainPhone(ex: Executor): Promise<Array<{ id: string; username: string }>> {
  return ex
    .selectFrom('app_user')
    .select(['id', 'username'])
    .where('role', '=', 'resident')
    .where('phone_hmac', 'is', null)
    .execute();
}

/** Replaces a resident's phone username by an opaque one and seals the phone. */
export async function sealResidentPhone(
  ex: Executor,
  id: string,
  username: string,
  phone: { enc: string; hmac: string },
  now: number,
): Promise<void> {
  await ex
    .updateTable('app_user')
    .set({ username, phone_enc: phone.enc, phone_hmac: phone.hmac, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** The registry person a (resident) account is bound to, if any. */
export async function personIdOfUser(ex: Executor, id: string): Promise<string | null> {
  return (
    (await ex.selectFrom('app_user').select('person_id').where('id', '=', id).executeTakeFirst())?.person_id ?? null
  );
}

/** The account bound to a registry person, if any. */
export async function accountOfPerson(ex: Executor, personId: string): Promise<string | null> {
  const row = await ex.selectFrom('app_user').select('id').where('person_id', '=', personId).executeTakeFirst();
  return row?.id ?? null;
}

/** How the audit log names accounts: the username, with the display name when it differs. */
export async function labelsForUsers(ex: Executor, ids: readonly string[]): Promise<ObjectLabel[]> {
  const out: ObjectLabel[] = [];
  for (const part of chunks([...new Set(ids)]))
    for (const r of await ex
      .selectFrom('app_user')
      .select(['id', 'username', 'display_name'])
      .where('id', 'in', part)
      .execute())
      out.push({
        id: r.id,
        label: r.display_name && r.display_name !== r.username ? `${r.username}（${r.display_name}）` : r.username,
      });
  return out;
}

/** True once any account exists (a deployment's first start has none). */
export async function anyUser(ex: Executor): Promise<boolean> {
  return !!(await ex.selectFrom('app_user').select('id').limit(1).executeTakeFirst());
}

export async function usernameExists(ex: Executor, username: string): Promise<boolean> {
  const row = await ex.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst();
  return row !== undefined;
}

/** Users whose area lies in the subtree `scopePath` (all users when it is empty), by username. */
export async function listUsers(
  ex: Executor,
  scopePath: string,
  usernamePrefix: string | undefined,
  page: Paging,
): Promise<{ rows: UserRow[]; total: number }> {
  let base = ex.selectFrom('app_user').innerJoin('area', 'area.id', 'app_user.area_id');
  if (scopePath) base = base.where(areaPathUnder(scopePath));
  if (usernamePrefix)
    base = base.where(sql<boolean>`app_user.username like ${prefixPattern(usernamePrefix)} escape '\\'`);
  const [rows, total] = await Promise.all([
    base
      .selectAll('app_user')
      .select(['area.code as area_code', 'area.name as area_name', 'area.path as area_path'])
      .orderBy('app_user.username')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Display names of the accounts with these ids (id → name; an unknown id is absent). */
export async function displayNames(ex: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(ids)]))
    for (const u of await ex.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', part).execute())
      out.set(u.id, u.display_name);
  return out;
}

export interface ActiveUserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  area_id: string;
  area_name: string;
}

/**
 * Enabled accounts of the given roles whose area lies in the subtree, by username or display-name prefix
 * (the prefix's own LIKE wildcards escaped), names first (the staff picker of a testing round).
 */
export async function activeUsersUnder(
  ex: Executor,
  path: string,
  roles: readonly string[],
  q: string,
  limit: number,
): Promise<ActiveUserRow[]> {
  let query = ex
    .selectFrom('app_user')
    .innerJoin('area', 'area.id', 'app_user.area_id')
    .select([
      'app_user.id',
      'app_user.username',
      'app_user.display_name',
      'app_user.role',
      'app_user.area_id',
      'area.name as area_name',
    ])
    .where('area.path', 'like', `${path}%`)
    .where('app_user.disabled', '=', 0)
    .where('app_user.role', 'in', [...roles]);
  if (q) {
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(app_user.username) like ${prefixPattern(q.toLowerCase())} escape '\\'`,
        sql<boolean>`lower(app_user.display_name) like ${prefixPattern(q.toLowerCase())} escape '\\'`,
      ]),
    );
  }
  return query.orderBy('app_user.display_name').orderBy('app_user.username').limit(limit).execute();
}

export async function insertUser(ex: Executor, row: AppUserTable): Promise<void> {
  await ex.insertInto('app_user').values(row).execute();
}

export type UserChanges = Partial<
  Pick<
    AppUserTable,
    | 'display_name'
    | 'role'
    | 'area_id'
    | 'disabled'
    | 'password_hash'
    | 'failed_logins'
    | 'locked_until'
    | 'must_change_password'
  >
>;

export async function updateUser(ex: Executor, id: string, changes: UserChanges, now: number): Promise<void> {
  await ex
    .updateTable('app_user')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .execute();
}

// ---- failed sign-ins (per account and source address) ------------------------------------------

export async function loginFailure(
  ex: Executor,
  accountKey: string,
  source: string,
): Promise<LoginFailureTable | undefined> {
  return ex
    .selectFrom('login_failure')
    .selectAll()
    .where('account_key', '=', accountKey)
    .where('source', '=', source)
    .executeTakeFirst();
}

/**
 * The failure row of an account and source, created empty when missing and locked for update on
 * PostgreSQL, so concurrent failures from several processes all count.
 */
export async function loginFailureForUpdate(
  ex: Executor,
  accountKey: string,
  source: string,
  now: number,
  forUpdate: boolean,
): Promise<LoginFailureTable> {
  await ex
    .insertInto('login_failure')
    .values({ account_key: accountKey, source, failures: 0, locked_until: null, last_failure_at: now })
    .onConflict((oc) => oc.columns(['account_key', 'source']).doNothing())
    .execute();
  return ex
    .selectFrom('login_failure')
    .selectAll()
    .where('account_key', '=', accountKey)
    .where('source', '=', source)
    .$if(forUpdate, (q) => q.forUpdate())
    .executeTakeFirstOrThrow();
}

export async function setLoginFailure(
  ex: Executor,
  accountKey: string,
  source: string,
  failures: number,
  lockedUntil: number | null,
  now: number,
): Promise<void> {
  await ex
    .updateTable('login_failure')
    .set({ failures, locked_until: lockedUntil, last_failure_at: now })
    .where('account_key', '=', accountKey)
    .where('source', '=', source)
    .execute();
}

/** Every source's failure rows of the accounts (for the users list and unlocking). */
export async function loginFailuresOf(ex: Executor, accountKeys: string[]): Promise<LoginFailureTable[]> {
  if (accountKeys.length === 0) return [];
  return ex.selectFrom('login_failure').selectAll().where('account_key', 'in', accountKeys).execute();
}

/** Forgets an account's failures and locks: from one source, or from all when none is given. */
export async function clearLoginFailures(ex: Executor, accountKey: string, source?: string): Promise<number> {
  const r = await ex
    .deleteFrom('login_failure')
    .where('account_key', '=', accountKey)
    .$if(source !== undefined, (q) => q.where('source', '=', source!))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Deletes rows that no longer count: no lock in force, and either a lock that ran out or a last
 * failure before `forgetBefore` (unknown usernames tried by strangers would otherwise pile up).
 */
export async function purgeStaleLoginFailures(ex: Executor, now: number, forgetBefore: number): Promise<number> {
  const r = await ex
    .deleteFrom('login_failure')
    .where((eb) =>
      eb.or([
        eb('locked_until', '<=', now),
        eb.and([eb('locked_until', 'is', null), eb('last_failure_at', '<', forgetBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---- sessions ----------------------------------------------------------------------------------

export async function insertSession(ex: Executor, row: SessionTable): Promise<void> {
  await ex.insertInto('session').values(row).execute();
}

export interface SessionWithUser {
  id: string;
  csrf_token: string;
  expires_at: number;
  last_seen_at: number;
  user_id: string;
}

export async function sessionById(ex: Executor, id: string): Promise<SessionWithUser | undefined> {
  return ex
    .selectFrom('session')
    .select(['id', 'csrf_token', 'expires_at', 'last_seen_at', 'user_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function touchSession(ex: Executor, id: string, now: number): Promise<void> {
  await ex.updateTable('session').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/** Deletes one session; returns its user when it existed. */
export async function deleteSession(ex: Executor, id: string): Promise<string | null> {
  const row = await ex.deleteFrom('session').where('id', '=', id).returning('user_id').executeTakeFirst();
  return row?.user_id ?? null;
}

export async function deleteSessionsOfUser(ex: Executor, userId: string): Promise<number> {
  const r = await ex.deleteFrom('session').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function purgeExpiredSessions(ex: Executor, now: number): Promise<number> {
  const r = await ex.deleteFrom('session').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---- API tokens --------------------------------------------------------------------------------

export async function insertApiToken(ex: Executor, row: ApiTokenTable): Promise<void> {
  await ex.insertInto('api_token').values(row).execute();
}

export async function apiTokenByHash(ex: Executor, tokenHash: string): Promise<ApiTokenTable | undefined> {
  return ex.selectFrom('api_token').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function apiTokenOfUser(ex: Executor, id: string, userId: string): Promise<ApiTokenTable | undefined> {
  return ex.selectFrom('api_token').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export async function touchApiToken(ex: Executor, id: string, now: number): Promise<void> {
  await ex.updateTable('api_token').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function revokeApiToken(ex: Executor, id: string, now: number): Promise<void> {
  await ex
    .updateTable('api_token')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** A user's tokens, newest first; the hash is never selected. */
export async function listApiTokens(
  ex: Executor,
  userId: string,
  page: Paging,
): Promise<{ rows: Omit<ApiTokenTable, 'token_hash' | 'user_id'>[]; total: number }> {
  const base = ex.selectFrom('api_token').where('user_id', '=', userId);
  const [rows, total] = await Promise.all([
    base
      .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
