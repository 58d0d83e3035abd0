// Resident accounts (居民): registration against the household registry, the resident's own person and
// dependants, personal codes (亮码) and self check-in (扫码). Registration is one transaction with its
// audit event and the device session; the check-in itself is the venue module's one decision path.
import type { Actor } from '../access/access.rules.ts';
import { normaliseUsername, permissionsOf, type Permission } from '../access/access.rules.ts';
import * as access from '../access/access.service.ts';
import * as accessStore from '../access/access.store.ts';
import { createSession, deleteSession, type NewSession } from '../access/session.ts';
import type { Me } from '../access/access.schema.ts';
import type { Executor } from '../db/database.ts';
import { isoInZone } from '../platform/clock.ts';
import { hashPassword, newId } from '../platform/crypto.ts';
import { AppError, type Lang } from '../platform/errors.ts';
import { maskName, maskPhone } from '../platform/mask.ts';
import { auditActor } from '../platform/auth.ts';
import { checkMobile, checkResidentId } from '../registry/registry.rules.ts';
import { findPersonByIdNumber, todayOf } from '../registry/registry.service.ts';
import type { Services } from '../services.ts';
import { issuePersonalCode } from '../venues/venue.codes.ts';
import { codeFacts } from '../health/health.service.ts';
import type { VerificationView } from '../venues/venue.schema.ts';
import { checkInResidents } from '../venues/venue.service.ts';
import { ageOn } from '../registry/registry.rules.ts';
import { isDependant, RESIDENT_SESSION_TTL_MS } from './residents.rules.ts';
import type { MyPersonView, PersonalCodeView, RegisterBody, SelfCheckinBody } from './residents.schema.ts';
import './residents.schema.ts'; // registers the resident error codes wherever the service is used
import * as store from './residents.store.ts';
import type { ResidentPerson } from './residents.store.ts';

export interface RegisterInput extends RegisterBody {
  /** The caller's address, for the audit log. */
  ip?: string;
  /** A cookie token the phone still holds; that session is ended in favour of the new one. */
  previousSessionToken?: string;
}

export interface Registered {
  session: NewSession;
  user: Me;
  permissions: Permission[];
}

function uniqueViolationOn(err: unknown): 'person' | 'username' | null {
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown } | null;
  if (e?.code !== '23505' && e?.code !== 'SQLITE_CONSTRAINT_UNIQUE') return null;
  const text = `${String(e.constraint ?? '')} ${String(e.message ?? '')}`;
  return /person_id|app_user_person_uq/.test(text) ? 'person' : 'username';
}

/**
 * Creates a resident account for the registry person with this ID number and name (username = the
 * phone number), signs the phone in for 30 days, and audits `resident.register`. The person's record
 * (and its phone) is not changed.
 */
export async function registerResident(s: Services, input: RegisterInput): Promise<Registered> {
  const mobile = checkMobile(input.phone);
  if (!mobile.ok) throw new AppError('PHONE_FORMAT');
  access.checkPassword(input.password, [mobile.value, input.name, input.idNumber]);
  const idType = input.idType?.trim() || 'resident_id';
  let idNumber = input.idNumber.trim();
  if (idType === 'resident_id') {
    const checked = checkResidentId(idNumber, todayOf(s));
    if (!checked.ok) throw new AppError(checked.code, checked.params);
    idNumber = checked.value;
  }
  const name = input.name.trim();
  const username = normaliseUsername(mobile.value);
  // Hash before the transaction: scrypt is slow on purpose and must not hold the write lock.
  const passwordHash = await hashPassword(input.password);
  const now = s.clock.now();
  const userId = newId(now);
  let session: NewSession;
  try {
    session = await s.db.transaction().execute(async (trx) => {
      const person = await findPersonByIdNumber(trx, s.cipher, idType, idNumber);
      // The same answer whether the number or the name is wrong: registration does not tell who is registered.
      if (!person || person.name.trim() !== name) throw new AppError('RESIDENT_NOT_IN_REGISTRY');
      if (await store.accountOfPerson(trx, person.id)) throw new AppError('RESIDENT_ALREADY_REGISTERED');
      if (await accessStore.usernameExists(trx, username)) throw new AppError('USERNAME_TAKEN', { username });
      await accessStore.insertUser(trx, {
        id: userId, username, display_name: person.name, password_hash: passwordHash, role: 'resident', area_id: person.area_id,
        failed_logins: 0, locked_until: null, disabled: 0, created_at: now, updated_at: now, person_id: person.id,
      });
      if (input.previousSessionToken) await deleteSession(s, input.previousSessionToken, trx);
      const opened = await createSession(s, userId, trx, RESIDENT_SESSION_TTL_MS);
      await s.audit(trx, { id: userId, name: maskPhone(username) ?? username, role: 'resident' }, {
        action: 'resident.register', objectType: 'user', objectId: userId,
        detail: { personId: person.id, areaId: person.area_id, ip: input.ip ?? null },
      });
      return opened;
    });
  } catch (err) {
    const on = uniqueViolationOn(err);
    if (on === 'person') throw new AppError('RESIDENT_ALREADY_REGISTERED');
    if (on === 'username') throw new AppError('USERNAME_TAKEN', { username });
    throw err;
  }
  const { user } = await access.me(s, userId);
  return { session, user, permissions: [...permissionsOf('resident')] };
}

// ---- the resident's own person and dependants --------------------------------------------------

interface ResidentContext {
  person: ResidentPerson;
  dependants: ResidentPerson[];
}

async function residentContext(ex: Executor, actor: Actor, today: string): Promise<ResidentContext> {
  const personId = actor.role === 'resident' ? await store.personIdOfUser(ex, actor.userId) : null;
  const person = personId ? await store.residentPerson(ex, personId) : undefined;
  if (!person) throw new AppError('RESIDENT_NOT_LINKED');
  const members = person.household_id ? await store.householdMembers(ex, person.household_id, person.id) : [];
  return { person, dependants: members.filter((m) => isDependant(m, today)) };
}

/** Who of `personIds` the resident may act for: themselves and their dependants; anyone else is refused. */
function authorise(ctx: ResidentContext, personIds: string[]): Array<{ id: string; method: 'self' | 'dependant' }> {
  return personIds.map((id) => {
    if (id === ctx.person.id) return { id, method: 'self' as const };
    if (ctx.dependants.some((d) => d.id === id)) return { id, method: 'dependant' as const };
    throw new AppError('DEPENDANT_NOT_ALLOWED');
  });
}

/** The resident's person and the household members they may check in; audited `person.read`. */
export async function myPerson(s: Services, actor: Actor): Promise<MyPersonView> {
  const today = todayOf(s);
  return s.db.transaction().execute(async (trx) => {
    const ctx = await residentContext(trx, actor, today);
    await s.audit(trx, auditActor(actor), {
      action: 'person.read', objectType: 'person', objectId: ctx.person.id, reason: 'resident page',
      detail: { dependants: ctx.dependants.map((d) => d.id) },
    });
    return {
      person: { id: ctx.person.id, name: ctx.person.name, maskedName: maskName(ctx.person.name) },
      dependants: ctx.dependants.map((d) => ({ id: d.id, name: d.name, relation: d.relation, age: ageOn(d.birth_date, today) })),
    };
  });
}

/** A fresh signed personal code (亮码) for the resident or one of their dependants. */
export async function personalCode(s: Services, actor: Actor, personId?: string): Promise<PersonalCodeView> {
  const ctx = await residentContext(s.db, actor, todayOf(s));
  const [who] = authorise(ctx, [personId ?? ctx.person.id]);
  const now = s.clock.now();
  const facts = await codeFacts(s.db, who!.id, now);
  const { token, expiresAt } = issuePersonalCode(s.signing.personalPrivateKey, who!.id, now, facts);
  return {
    token, expiresAt: isoInZone(expiresAt, s.config.timeZone), personId: who!.id, colour: facts.colour,
    latestTest: facts.latestTest ? { sampledAt: isoInZone(facts.latestTest.sampledAt, s.config.timeZone), result: facts.latestTest.result } : null,
  };
}

/** A resident scans a venue code for themselves and/or dependants: one verification each. */
export async function selfCheckIn(s: Services, actor: Actor, body: SelfCheckinBody, lang: Lang = 'zh'): Promise<VerificationView[]> {
  const ctx = await residentContext(s.db, actor, todayOf(s));
  const persons = authorise(ctx, body.personIds ?? [ctx.person.id]);
  return checkInResidents(s, { code: body.code, persons, clientId: body.clientId }, lang);
}
