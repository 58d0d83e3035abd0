// Sign-in with lockout, sign-out, user management and API tokens: one transaction per change, each
// with its audit event. Usable without HTTP (the CLI and first-start seeding call it directly).
// A password or a secret token never reaches the audit log; a password hash never leaves this file.
import { randomInt } from 'node:crypto';
import type { Executor } from '../db/database.ts';
import { areaById, areaByCode, isUniqueViolation, type AreaRef } from '../db/sql.ts';
import type { Services } from '../services.ts';
import { AppError } from '../platform/errors.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import { isoInZone } from '../platform/clock.ts';
import { hashPassword, newId, randomToken, verifyPassword } from '../platform/crypto.ts';
import {
  afterFailedLogin,
  FAILURE_MEMORY_MS,
  isLocked,
  isRole,
  isValidUsername,
  normaliseUsername,
  permissionsOf,
  usernameForLog,
  type Permission,
  type Role,
} from './access.rules.ts';
import { judgePassword } from './password.rules.ts';
import { assertInScope } from './access.scope.ts';
import type { Me, TokenView, UserView } from './access.schema.ts';
import * as store from './access.store.ts';
import { maskPhone } from '../platform/mask.ts';
import { phoneLookup } from '../registry/person.codec.ts';
import { checkMobile } from '../registry/registry.rules.ts';
import { createApiToken, createSession, deleteSession, type NewSession } from './session.ts';

/** Whoever tries to sign in before we know who they are. */
const ANONYMOUS: AuditActor = { id: null, name: 'anonymous', role: 'anonymous' };

/**
 * The area subtree an operation may touch: an area path prefix such as "220400/220402/".
 * The empty string is the whole tree (the terminal operator, first-start seeding).
 */
export type ScopePath = string;

// ---- passwords ---------------------------------------------------------------------------------

/** No 0/o, 1/l/i: easy to read aloud and to type from paper. */
const PASSWORD_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

/** A print-friendly random password: four groups of four, e.g. "k7mq-3xtd-9fhr-w2cp" (≈79 bits). */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) group += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * Throws PASSWORD_WEAK (too short) or PASSWORD_GUESSABLE (zxcvbn score below PASSWORD_MIN_SCORE, with
 * its warning key in `warning`) unless the password may be set. `userInputs` are the account's own
 * words (username, display name, phone), which an attacker is assumed to know. The fault names the
 * `password` field, so a form shows the reason beside it.
 */
export function checkPassword(password: string, userInputs: readonly (string | null | undefined)[] = []): void {
  const verdict = judgePassword(password, userInputs);
  if (verdict.ok) return;
  const extra = verdict.code === 'PASSWORD_GUESSABLE' ? { warning: verdict.params.warning, score: verdict.score } : {};
  throw new AppError(verdict.code, verdict.params, {
    faults: [{ field: 'password', code: verdict.code, params: verdict.params }],
    extra,
  });
}

let dummyHash: Promise<string> | null = null;
/** A hash to verify against when the username is unknown, so that case takes as long as a wrong password. */
function unknownUserHash(): Promise<string> {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
}

// ---- views -------------------------------------------------------------------------------------

function meOf(row: store.UserRow): Me {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    areaId: row.area_id,
    areaCode: row.area_code,
    areaName: row.area_name,
    areaPath: row.area_path,
    mustChangePassword: row.must_change_password === 1,
  };
}

/** An account's failed sign-ins as administrators see them: the worst of its source addresses. */
interface LockSummary {
  failedLogins: number;
  /** The latest lock still in force from any address, else null. */
  lockedUntil: number | null;
  sources: number;
}

const NO_FAILURES: LockSummary = { failedLogins: 0, lockedUntil: null, sources: 0 };

/** The lock summaries of users, by user id. */
async function lockSummaries(
  s: Services,
  ex: Executor,
  rows: readonly store.UserRow[],
  now: number,
): Promise<Map<string, LockSummary>> {
  const idOfKey = new Map(rows.map((r) => [loginAccountKey(s, r.username), r.id]));
  const summaries = new Map<string, LockSummary>();
  for (const f of await store.loginFailuresOf(ex, [...idOfKey.keys()])) {
    const id = idOfKey.get(f.account_key)!;
    const sum = summaries.get(id) ?? { ...NO_FAILURES };
    const lockedUntil = f.locked_until === null ? null : Number(f.locked_until);
    if (!(lockedUntil !== null && lockedUntil <= now))
      sum.failedLogins = Math.max(sum.failedLogins, Number(f.failures));
    if (isLocked(lockedUntil, now)) sum.lockedUntil = Math.max(sum.lockedUntil ?? 0, lockedUntil!);
    sum.sources += 1;
    summaries.set(id, sum);
  }
  return summaries;
}

function userViewOf(row: store.UserRow, now: number, zone: string, lock: LockSummary = NO_FAILURES): UserView {
  return {
    ...meOf(row),
    disabled: row.disabled === 1,
    failedLogins: lock.failedLogins,
    lockedUntil: lock.lockedUntil !== null ? isoInZone(lock.lockedUntil, zone) : null,
    createdAt: isoInZone(Number(row.created_at), zone),
    updatedAt: isoInZone(Number(row.updated_at), zone),
  };
}

/** One user's view with their lock summary. */
async function viewOfUser(s: Services, row: store.UserRow, now: number): Promise<UserView> {
  return userViewOf(row, now, s.config.timeZone, (await lockSummaries(s, s.db, [row], now)).get(row.id));
}

function isoOrNull(ms: number | null, zone: string): string | null {
  return ms === null ? null : isoInZone(Number(ms), zone);
}

function permissionsFor(role: string): Permission[] {
  return isRole(role) ? [...permissionsOf(role)] : [];
}

// ---- sign-in -----------------------------------------------------------------------------------

export interface LoginInput {
  username: string;
  password: string;
  /** The caller's address, for the audit log. */
  ip?: string;
  /** A cookie token the client still holds; that session is ended in favour of the new one. */
  previousSessionToken?: string;
}

export interface SignedIn {
  session: NewSession;
  user: Me;
  permissions: Permission[];
}

/** The key failed sign-ins are counted under: a keyed digest of the username as typed (known or not). */
export function loginAccountKey(s: Services, username: string): string {
  return s.cipher.lookup('login', normaliseUsername(username));
}

/** Where sign-in attempts came from when the caller gives no address (the terminal, tests). */
const NO_ADDRESS = 'none';

/**
 * Checks the password and opens a session. Failures are counted per account AND source address, for
 * known and unknown usernames alike, and recorded (and committed) before the error is thrown:
 * LOGIN_FAILED, or ACCOUNT_LOCKED once the failures from this address reach the lockout limit. An
 * account locked from one address still signs in from another; an unknown username is answered
 * exactly as a known one.
 */
export async function login(s: Services, input: LoginInput): Promise<SignedIn> {
  const { user, username } = await accountToSignIn(s, input.username);
  const ip = input.ip ?? null;
  const source = input.ip ?? NO_ADDRESS;
  const logged = usernameForLog(username);
  const now = s.clock.now();
  // Known accounts are counted under their stored username (a resident's is not their phone, which
  // is never stored in plaintext); an unknown name under what was typed.
  const accountKey = loginAccountKey(s, user?.username ?? input.username);

  const failure = await store.loginFailure(s.db, accountKey, source);
  if (failure && isLocked(failure.locked_until, now)) {
    // Refused before the password is looked at, the same way whether the username exists or not.
    await s.db.transaction().execute((trx) =>
      s.audit(trx, ANONYMOUS, {
        action: 'auth.login_failed',
        objectType: 'user',
        objectId: user?.id ?? null,
        detail: { username: logged, reason: 'locked', ip },
      }),
    );
    throw lockedError(s, Number(failure.locked_until));
  }

  // An unknown username is checked against a dummy hash, so it takes as long as a wrong password.
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? (await unknownUserHash()));

  if (!user || user.disabled || !passwordOk) {
    const reason = !user ? 'unknown_user' : user.disabled ? 'disabled' : 'wrong_password';
    const lockedUntil = await s.db.transaction().execute(async (trx) => {
      const row = await store.loginFailureForUpdate(trx, accountKey, source, now, s.dialect === 'postgres');
      const next = afterFailedLogin(
        {
          failedLogins: Number(row.failures),
          lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
          lastFailureAt: Number(row.last_failure_at),
        },
        now,
        s.config.lockout,
      );
      await store.setLoginFailure(trx, accountKey, source, next.failedLogins, next.lockedUntil, now);
      await s.audit(trx, ANONYMOUS, {
        action: 'auth.login_failed',
        objectType: 'user',
        objectId: user?.id ?? null,
        detail: { username: logged, reason, failedLogins: next.failedLogins, ip },
      });
      if (next.lockedNow) {
        await s.audit(trx, SYSTEM_ACTOR, {
          action: 'auth.lockout',
          objectType: 'user',
          objectId: user?.id ?? null,
          detail: { username: logged, failedLogins: next.failedLogins, lockedUntil: next.lockedUntil, ip },
        });
      }
      return next.lockedNow ? next.lockedUntil : null;
    });
    throw lockedUntil !== null ? lockedError(s, lockedUntil) : new AppError('LOGIN_FAILED');
  }

  const session = await s.db.transaction().execute(async (trx) => {
    if (failure) await store.clearLoginFailures(trx, accountKey, source);
    await store.purgeStaleLoginFailures(trx, now, now - FAILURE_MEMORY_MS);
    if (input.previousSessionToken) await deleteSession(s, input.previousSessionToken, trx);
    await store.purgeExpiredSessions(trx, now);
    const opened = await createSession(s, user.id, trx);
    await s.audit(
      trx,
      { id: user.id, name: username, role: user.role },
      {
        action: 'auth.login',
        objectType: 'user',
        objectId: user.id,
        detail: { ip },
      },
    );
    return opened;
  });
  return { session, user: meOf(user), permissions: permissionsFor(user.role) };
}

/**
 * The account a sign-in names, and the name the audit log records for it. A mobile number is looked up
 * through the lookup digest of resident phones (a resident signs in by phone; it is never stored in
 * plaintext) and recorded masked, known account or not; anything else is a username.
 */
export async function accountToSignIn(
  s: Services,
  raw: string,
): Promise<{ user: store.UserRow | undefined; username: string }> {
  const mobile = checkMobile(raw);
  if (mobile.ok) {
    const resident = await store.userByPhoneHmac(s.db, phoneLookup(s.cipher, mobile.value));
    if (resident) return { user: resident, username: maskPhone(mobile.value)! };
    const staff = await store.userByUsername(s.db, normaliseUsername(raw));
    return { user: staff, username: staff ? staff.username : maskPhone(mobile.value)! };
  }
  const username = normaliseUsername(raw);
  return { user: await store.userByUsername(s.db, username), username };
}

function lockedError(s: Services, lockedUntil: number): AppError {
  const iso = isoInZone(lockedUntil, s.config.timeZone);
  return new AppError('ACCOUNT_LOCKED', { lockedUntil: iso }, { extra: { lockedUntil: iso } });
}

/** Ends the session behind a cookie token (a no-op when it is already gone). */
export async function logout(s: Services, actor: AuditActor | null, sessionToken: string): Promise<void> {
  await s.db.transaction().execute(async (trx) => {
    const userId = await deleteSession(s, sessionToken, trx);
    if (userId)
      await s.audit(trx, actor ?? SYSTEM_ACTOR, { action: 'auth.logout', objectType: 'user', objectId: userId });
  });
}

/** The signed-in user as the web app needs it. */
export async function me(s: Services, userId: string): Promise<{ user: Me; permissions: Permission[] }> {
  const row = await store.userById(s.db, userId);
  if (!row) throw new AppError('UNAUTHENTICATED');
  return { user: meOf(row), permissions: permissionsFor(row.role) };
}

// ---- users -------------------------------------------------------------------------------------

export interface AddUserInput {
  username: string;
  displayName?: string;
  role: string;
  areaCode?: string;
  areaId?: string;
  /** Generated when absent. */
  password?: string;
}

async function resolveArea(ex: Executor, ref: { areaId?: string; areaCode?: string }): Promise<AreaRef> {
  const area = ref.areaId
    ? await areaById(ex, ref.areaId)
    : ref.areaCode
      ? await areaByCode(ex, ref.areaCode.trim())
      : null;
  if (area === null) throw new AppError('USER_AREA_REQUIRED');
  if (!area) throw new AppError('AREA_NOT_FOUND');
  return area;
}

function checkRole(role: string): Role {
  if (!isRole(role)) throw new AppError('ROLE_INVALID', { role });
  return role;
}

function cleanDisplayName(value: string | undefined, fallback: string): string {
  const name = (value ?? '').trim();
  return name ? name.slice(0, 100) : fallback;
}

/**
 * Creates an account in the area (which must lie inside `scopePath`) and returns it with its
 * password: the one given, or a generated one to hand over once. Audited `user.create`.
 */
export async function addUser(
  s: Services,
  actor: AuditActor,
  input: AddUserInput,
  scopePath: ScopePath = '',
): Promise<{ user: UserView; password: string }> {
  const username = normaliseUsername(input.username);
  if (!isValidUsername(username)) throw new AppError('USERNAME_INVALID');
  const role = checkRole(input.role);
  const generated = input.password === undefined;
  const password = input.password ?? generatePassword();
  const displayName = cleanDisplayName(input.displayName, username);
  if (!generated) checkPassword(password, [username, displayName]);
  // Hash before the transaction: scrypt is slow on purpose and must not hold the write lock.
  const passwordHash = await hashPassword(password);
  const now = s.clock.now();
  const id = newId(now);
  try {
    await s.db.transaction().execute(async (trx) => {
      const area = await resolveArea(trx, input);
      assertInScope({ areaPath: scopePath }, area.path);
      if (await store.usernameExists(trx, username)) throw new AppError('USERNAME_TAKEN', { username });
      await store.insertUser(trx, {
        id,
        username,
        display_name: displayName,
        password_hash: passwordHash,
        role,
        area_id: area.id,
        failed_logins: 0,
        locked_until: null,
        disabled: 0,
        created_at: now,
        updated_at: now,
      });
      await s.audit(trx, actor, {
        action: 'user.create',
        objectType: 'user',
        objectId: id,
        detail: { username, displayName, role, areaCode: area.code, generatedPassword: generated },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('USERNAME_TAKEN', { username });
    throw err;
  }
  const row = await store.userById(s.db, id);
  return { user: await viewOfUser(s, row!, now), password };
}

export async function listUsers(
  s: Services,
  scopePath: ScopePath,
  filter: { q?: string },
  page: store.Paging,
): Promise<{ items: UserView[]; total: number; limit: number; offset: number }> {
  const q = filter.q ? normaliseUsername(filter.q) : undefined;
  const { rows, total } = await store.listUsers(s.db, scopePath, q, page);
  const now = s.clock.now();
  const locks = await lockSummaries(s, s.db, rows, now);
  return {
    items: rows.map((r) => userViewOf(r, now, s.config.timeZone, locks.get(r.id))),
    total,
    limit: page.limit,
    offset: page.offset,
  };
}

async function userInScope(ex: Executor, id: string, scopePath: ScopePath): Promise<store.UserRow> {
  const row = await store.userById(ex, id);
  if (!row) throw new AppError('USER_NOT_FOUND');
  assertInScope({ areaPath: scopePath }, row.area_path);
  return row;
}

/** A user by username, for the terminal. */
export async function userByUsername(s: Services, username: string): Promise<UserView> {
  const row = await store.userByUsername(s.db, normaliseUsername(username));
  if (!row) throw new AppError('USER_NOT_FOUND');
  return viewOfUser(s, row, s.clock.now());
}

export interface UserPatch {
  displayName?: string;
  role?: string;
  areaId?: string;
  areaCode?: string;
  disabled?: boolean;
  /** Clears the failure counter and any lock. */
  unlock?: boolean;
}

/**
 * Changes a user inside `scopePath` (and moves them only within it). Disabling ends the user's
 * sessions. Nobody may disable themselves or change their own role or area. Audited `user.update`.
 */
export async function updateUser(
  s: Services,
  actor: AuditActor,
  id: string,
  patch: UserPatch,
  scopePath: ScopePath = '',
): Promise<UserView> {
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    const row = await userInScope(trx, id, scopePath);
    const changes: store.UserChanges = {};
    const detail: Record<string, unknown> = {};
    if (patch.displayName !== undefined) {
      const name = cleanDisplayName(patch.displayName, row.display_name);
      if (name !== row.display_name) {
        changes.display_name = name;
        detail.displayName = { from: row.display_name, to: name };
      }
    }
    if (patch.role !== undefined) {
      const role = checkRole(patch.role);
      if (role !== row.role) {
        changes.role = role;
        detail.role = { from: row.role, to: role };
      }
    }
    if (patch.areaId !== undefined || patch.areaCode !== undefined) {
      const area = await resolveArea(trx, patch);
      assertInScope({ areaPath: scopePath }, area.path);
      if (area.id !== row.area_id) {
        changes.area_id = area.id;
        detail.areaCode = { from: row.area_code, to: area.code };
      }
    }
    if (patch.disabled !== undefined && Number(patch.disabled) !== row.disabled) {
      changes.disabled = patch.disabled ? 1 : 0;
      detail.disabled = { from: row.disabled === 1, to: patch.disabled };
    }
    if (actor.id === id && (changes.role !== undefined || changes.area_id !== undefined || changes.disabled === 1)) {
      throw new AppError('OWN_ACCESS_CHANGE');
    }
    if (patch.unlock) {
      // Every address's failures and locks of this account are forgotten.
      const lock = (await lockSummaries(s, trx, [row], now)).get(id);
      if (lock) {
        await store.clearLoginFailures(trx, loginAccountKey(s, row.username));
        detail.unlocked = { lockedUntil: lock.lockedUntil, failedLogins: lock.failedLogins, sources: lock.sources };
      }
    }
    if (Object.keys(detail).length === 0) return;
    if (Object.keys(changes).length > 0) await store.updateUser(trx, id, changes, now);
    if (changes.disabled === 1) detail.sessionsEnded = await store.deleteSessionsOfUser(trx, id);
    await s.audit(trx, actor, {
      action: 'user.update',
      objectType: 'user',
      objectId: id,
      detail: { username: row.username, ...detail },
    });
  });
  return viewOfUser(s, (await store.userById(s.db, id))!, now);
}

/**
 * Sets a new password (generated when none is given), clears any lock and ends the user's sessions.
 * Set for someone else, the user must choose their own at the next sign-in before anything else.
 * Returns the password to hand over. Audited `user.password_reset`.
 */
export async function resetPassword(
  s: Services,
  actor: AuditActor,
  id: string,
  password: string | undefined,
  scopePath: ScopePath = '',
): Promise<{ password: string; generated: boolean }> {
  const generated = password === undefined;
  const next = password ?? generatePassword();
  if (!generated) {
    const target = await store.userById(s.db, id);
    checkPassword(next, [target?.username, target?.display_name]);
  }
  const passwordHash = await hashPassword(next);
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    const row = await userInScope(trx, id, scopePath);
    const mustChange = actor.id !== id;
    await store.updateUser(trx, id, { password_hash: passwordHash, must_change_password: mustChange ? 1 : 0 }, now);
    await store.clearLoginFailures(trx, loginAccountKey(s, row.username));
    const sessionsEnded = await store.deleteSessionsOfUser(trx, id);
    await s.audit(trx, actor, {
      action: 'user.password_reset',
      objectType: 'user',
      objectId: id,
      detail: { username: row.username, generatedPassword: generated, sessionsEnded, mustChangePassword: mustChange },
    });
  });
  return { password: next, generated };
}

/**
 * The signed-in user chooses a new password (knowing the current one); this is what clears the
 * must-change flag an administrator's reset sets. Audited `auth.password_change`.
 */
export async function changeOwnPassword(
  s: Services,
  actor: AuditActor,
  userId: string,
  currentPassword: string,
  newPassword: string,
): Promise<Me> {
  const row = await store.userById(s.db, userId);
  if (!row) throw new AppError('UNAUTHENTICATED');
  if (!(await verifyPassword(currentPassword, row.password_hash))) throw new AppError('PASSWORD_CURRENT_WRONG');
  if (newPassword === currentPassword) throw new AppError('PASSWORD_UNCHANGED');
  checkPassword(newPassword, [row.username, row.display_name]);
  const passwordHash = await hashPassword(newPassword);
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    await store.updateUser(trx, userId, { password_hash: passwordHash, must_change_password: 0 }, now);
    await s.audit(trx, actor, {
      action: 'auth.password_change',
      objectType: 'user',
      objectId: userId,
      detail: { username: row.username, wasRequired: row.must_change_password === 1 },
    });
  });
  return meOf((await store.userById(s.db, userId))!);
}

// ---- API tokens --------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

export interface TokenInput {
  name: string;
  /** No expiry when absent. */
  expiresInDays?: number;
}

/** Issues an API token for the user; the secret is in the result only. Audited `token.create`. */
export async function createToken(
  s: Services,
  actor: AuditActor,
  userId: string,
  input: TokenInput,
): Promise<{ id: string; name: string; token: string; expiresAt: string | null }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new AppError('TOKEN_NAME_REQUIRED');
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
    throw new AppError('VALIDATION', { detail: 'expiresInDays must be a whole number of days from 1 to 3650' });
  }
  const now = s.clock.now();
  const expiresAt = days === undefined ? null : now + days * DAY_MS;
  return s.db.transaction().execute(async (trx) => {
    const owner = await store.userById(trx, userId);
    if (!owner) throw new AppError('USER_NOT_FOUND');
    const created = await createApiToken(s, userId, name, expiresAt, trx);
    await s.audit(trx, actor, {
      action: 'token.create',
      objectType: 'api_token',
      objectId: created.id,
      detail: { name, userId, username: owner.username, expiresAt },
    });
    return { id: created.id, name, token: created.token, expiresAt: isoOrNull(expiresAt, s.config.timeZone) };
  });
}

export async function listTokens(
  s: Services,
  userId: string,
  page: store.Paging,
): Promise<{ items: TokenView[]; total: number; limit: number; offset: number }> {
  const { rows, total } = await store.listApiTokens(s.db, userId, page);
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: isoInZone(Number(r.created_at), s.config.timeZone),
      expiresAt: isoOrNull(r.expires_at, s.config.timeZone),
      lastUsedAt: isoOrNull(r.last_used_at, s.config.timeZone),
      revokedAt: isoOrNull(r.revoked_at, s.config.timeZone),
    })),
    total,
    limit: page.limit,
    offset: page.offset,
  };
}

/** Revokes one of the user's own tokens; revoking twice changes nothing. Audited `token.revoke`. */
export async function revokeToken(s: Services, actor: AuditActor, userId: string, tokenId: string): Promise<void> {
  await s.db.transaction().execute(async (trx) => {
    const token = await store.apiTokenOfUser(trx, tokenId, userId);
    if (!token) throw new AppError('TOKEN_NOT_FOUND');
    if (token.revoked_at !== null) return;
    await store.revokeApiToken(trx, tokenId, s.clock.now());
    await s.audit(trx, actor, {
      action: 'token.revoke',
      objectType: 'api_token',
      objectId: tokenId,
      detail: { name: token.name, userId },
    });
  });
}
