// Resident accounts (居民): registration against the household registry, proven by a one-time code sent
// by SMS to the registry's phone (or, at the door, by a community worker to the resident's new phone),
// the resident's own person and dependants, personal codes (亮码) and self check-in (扫码). Creating or
// re-binding an account is one transaction with its audit events and the device session; the check-in
// itself is the venue module's one decision path. A resident's phone is sealed like the registry's.
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../access/access.rules.ts';
import { permissionsOf, type Permission } from '../access/access.rules.ts';
import * as access from '../access/access.service.ts';
import { generatePassword } from '../access/access.service.ts';
import * as accessStore from '../access/access.store.ts';
import { createSession, deleteSession, type NewSession } from '../access/session.ts';
import type { Me } from '../access/access.schema.ts';
import type { Executor, ResidentChallengeTable } from '../db/database.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import { isoInZone } from '../platform/clock.ts';
import { hashPassword, newId, randomToken } from '../platform/crypto.ts';
import { AppError, type ErrorCode, type Lang } from '../platform/errors.ts';
import { maskName, maskPhone } from '../platform/mask.ts';
import { auditActor } from '../access/auth.ts';
import { checkMobile, checkResidentId } from '../registry/registry.rules.ts';
import { idLookup, phoneLookup } from '../registry/person.codec.ts';
import { findPersonByIdNumber, personForActor, setVerifiedPhone, todayOf } from '../registry/registry.service.ts';
import type { Services } from '../services.ts';
import { issuePersonalCode } from '../venues/venue.codes.ts';
import { codeFacts } from '../health/health.service.ts';
import type { VerificationView } from '../venues/venue.schema.ts';
import { checkInResidents, scanPreview } from '../venues/venue.service.ts';
import { ageOn } from '../registry/registry.rules.ts';
import {
  challengeState,
  isDependant,
  OTP_DIGITS,
  OTP_MAX_ATTEMPTS,
  OTP_TTL_MS,
  OTP_WINDOW_MS,
  RESIDENT_SESSION_TTL_MS,
  residentUsername,
  sendLimitReached,
} from './residents.rules.ts';
import type {
  ChallengeView,
  DoorAccountBody,
  DoorAccountView,
  DoorCodeBody,
  MyPersonView,
  MyScanView,
  PersonalCodeView,
  RegisterStartBody,
  RegisterVerifyBody,
  SelfCheckinBody,
} from './residents.schema.ts';
import * as store from './residents.store.ts';
import * as registry from '../registry/registry.store.ts';
import type { ResidentPerson } from '../registry/registry.store.ts';
import { reasonOf } from '../audit/audit.rules.ts';

export interface Registered {
  session: NewSession;
  user: Me;
  permissions: Permission[];
}

/** Whoever asks for a code or registers before we know who they are. */
const ANONYMOUS: AuditActor = { id: null, name: 'anonymous', role: 'anonymous' };

function uniqueViolationOn(err: unknown): 'person' | 'phone' | null {
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown } | null;
  if (e?.code !== '23505' && e?.code !== 'SQLITE_CONSTRAINT_UNIQUE') return null;
  const text = `${String(e.constraint ?? '')} ${String(e.message ?? '')}`;
  if (/person_id|app_user_person_uq/.test(text)) return 'person';
  return /phone_hmac|app_user_phone_uq/.test(text) ? 'phone' : null;
}

function mobileOf(raw: string): string {
  const mobile = checkMobile(raw);
  if (!mobile.ok) throw new AppError('PHONE_FORMAT');
  return mobile.value;
}

// ---- one-time codes ----------------------------------------------------------------------------

function randomCode(): string {
  return String(randomInt(0, 10 ** OTP_DIGITS)).padStart(OTP_DIGITS, '0');
}

/** The stored digest of a code: keyed (the lookup key) and bound to its challenge. */
function codeDigest(s: Services, challengeId: string, code: string): string {
  return s.cipher.lookup('otp', `${challengeId}:${code}`);
}

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function otpText(code: string): string {
  return `【Cordon】您的居民账号验证码为 ${code},${OTP_TTL_MS / 60_000} 分钟内有效。请勿转告他人(社区工作人员上门登记时除外)。`;
}

interface NewChallenge {
  purpose: 'register' | 'door';
  subject: string;
  personId: string | null;
  phone: string;
  source: string | null;
  createdBy: string | null;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

/**
 * Opens a challenge inside `trx` after the send limits (RESIDENT_CODE_LIMIT, audited
 * `resident.otp_limited`); a challenge without a person takes no code at all. Returns the code to send.
 */
async function openChallenge(
  s: Services,
  trx: Executor,
  actor: AuditActor,
  c: NewChallenge,
  detail: Record<string, unknown>,
): Promise<Outcome<{ id: string; code: string | null; expiresAt: number }>> {
  const now = s.clock.now();
  const phoneHmac = phoneLookup(s.cipher, c.phone);
  const counts = await store.challengeCounts(
    trx,
    { subject: c.subject, phoneHmac, source: c.source },
    now - OTP_WINDOW_MS,
  );
  const limit = sendLimitReached(counts);
  if (limit) {
    await s.audit(trx, actor, {
      action: 'resident.otp_limited',
      objectType: 'person',
      objectId: c.personId,
      detail: { purpose: c.purpose, limit, phone: maskPhone(c.phone), ip: c.source, ...detail },
    });
    return { ok: false, error: new AppError('RESIDENT_CODE_LIMIT') };
  }
  const id = newId(now);
  const code = c.personId ? randomCode() : null;
  await store.insertChallenge(trx, {
    id,
    purpose: c.purpose,
    subject: c.subject,
    person_id: c.personId,
    phone_hmac: phoneHmac,
    phone_enc: s.cipher.encrypt(c.phone),
    code_hash: codeDigest(s, id, code ?? randomToken()),
    attempts: 0,
    source: c.source,
    created_by: c.createdBy,
    created_at: now,
    expires_at: now + OTP_TTL_MS,
    closed_at: null,
  });
  await s.audit(trx, actor, {
    action: code ? 'resident.otp_sent' : 'resident.otp_withheld',
    objectType: 'resident_challenge',
    objectId: id,
    detail: { purpose: c.purpose, personId: c.personId, phone: maskPhone(c.phone), ip: c.source, ...detail },
  });
  return { ok: true, value: { id, code, expiresAt: now + OTP_TTL_MS } };
}

/** Sends the code after its challenge committed; a failing gateway closes the challenge (audited) and answers 503. */
async function sendCode(
  s: Services,
  actor: AuditActor,
  challengeId: string,
  phone: string,
  code: string,
): Promise<void> {
  try {
    await s.sms.send({ to: phone, text: otpText(code) });
  } catch (err) {
    await s.db.transaction().execute(async (trx) => {
      await store.closeChallenge(trx, challengeId, s.clock.now());
      await s.audit(trx, actor, {
        action: 'resident.otp_send_failed',
        objectType: 'resident_challenge',
        objectId: challengeId,
        detail: { phone: maskPhone(phone), code: err instanceof AppError ? err.code : 'SMS_ERROR' },
      });
    });
    throw err instanceof AppError ? err : new AppError('SMS_UNAVAILABLE');
  }
}

function challengeView(s: Services, opened: { id: string; expiresAt: number }, phone: string): ChallengeView {
  return {
    challengeId: opened.id,
    expiresAt: isoInZone(opened.expiresAt, s.config.timeZone),
    sentTo: maskPhone(phone) ?? '',
  };
}

/**
 * Checks a code against its challenge inside `trx`. A wrong code counts an attempt (the challenge is
 * spent after OTP_MAX_ATTEMPTS); every failure is audited `resident.otp_failed` and returned, not
 * thrown, so the caller commits it. A challenge that sent no code (details that did not match the
 * registry) answers as a wrong code does. A good code closes the challenge.
 */
async function consumeCode(
  s: Services,
  trx: Executor,
  actor: AuditActor,
  challengeId: string,
  code: string,
  expect: { purpose: 'register' | 'door'; personId?: string },
  ip: string | null,
): Promise<Outcome<ResidentChallengeTable>> {
  const now = s.clock.now();
  const challenge = await store.challengeById(trx, challengeId, s.dialect === 'postgres');
  const fail = async (
    reason: string,
    error: ErrorCode,
    extra: Record<string, unknown> = {},
  ): Promise<Outcome<ResidentChallengeTable>> => {
    await s.audit(trx, actor, {
      action: 'resident.otp_failed',
      objectType: 'resident_challenge',
      objectId: challenge ? challengeId : null,
      detail: { purpose: expect.purpose, reason, personId: challenge?.person_id ?? null, ip, ...extra },
    });
    return { ok: false, error: new AppError(error) };
  };
  if (
    !challenge ||
    challenge.purpose !== expect.purpose ||
    (expect.personId !== undefined && challenge.person_id !== expect.personId)
  ) {
    return fail('unknown_challenge', 'RESIDENT_CODE_INVALID');
  }
  const state = challengeState(challenge, now);
  if (state === 'closed') return fail('closed', 'RESIDENT_CODE_INVALID');
  if (state === 'exhausted') return fail('attempts', 'RESIDENT_CODE_ATTEMPTS');
  if (state === 'expired') return fail('expired', 'RESIDENT_CODE_EXPIRED');
  const good = challenge.person_id !== null && sameDigest(codeDigest(s, challengeId, code.trim()), challenge.code_hash);
  if (!good) {
    const attempts = await store.countWrongCode(trx, challengeId);
    return fail('wrong_code', attempts >= OTP_MAX_ATTEMPTS ? 'RESIDENT_CODE_ATTEMPTS' : 'RESIDENT_CODE_INVALID', {
      attempts,
    });
  }
  await store.closeChallenge(trx, challengeId, now);
  return { ok: true, value: challenge };
}

// ---- registration by the resident --------------------------------------------------------------

export interface RegisterStartInput extends RegisterStartBody {
  /** The caller's address: the audit log and the per-address limit. */
  ip?: string;
}

/**
 * Step one: when the name, ID number and phone match the registry (the phone compared through its
 * lookup digest), a one-time code goes by SMS to that phone. The answer is the same when they do not
 * match (no code is sent; `resident.otp_withheld` is audited with the reason), so it tells nobody who
 * is registered. Codes are limited per ID number, per phone and per address.
 */
export async function startRegistration(s: Services, input: RegisterStartInput): Promise<ChallengeView> {
  const phone = mobileOf(input.phone);
  const idType = input.idType?.trim() || 'resident_id';
  let idNumber = input.idNumber.trim();
  if (idType === 'resident_id') {
    const checked = checkResidentId(idNumber, todayOf(s));
    if (!checked.ok) throw new AppError(checked.code, checked.params);
    idNumber = checked.value;
  }
  const name = input.name.trim();
  const ip = input.ip ?? null;
  const opened = await s.db.transaction().execute(async (trx) => {
    const person = await findPersonByIdNumber(trx, s.cipher, idType, idNumber);
    const registryPhone = person ? await registry.personPhoneHmac(trx, person.id) : null;
    const mismatch = !person
      ? 'unknown_id'
      : person.name.trim() !== name
        ? 'name'
        : registryPhone === null
          ? 'no_registry_phone'
          : registryPhone !== phoneLookup(s.cipher, phone)
            ? 'phone'
            : null;
    return openChallenge(
      s,
      trx,
      ANONYMOUS,
      {
        purpose: 'register',
        subject: idLookup(s.cipher, idType, idNumber),
        personId: mismatch ? null : person!.id,
        phone,
        source: ip,
        createdBy: null,
      },
      mismatch ? { reason: mismatch } : {},
    );
  });
  if (!opened.ok) throw opened.error;
  if (opened.value.code) await sendCode(s, ANONYMOUS, opened.value.id, phone, opened.value.code);
  return challengeView(s, opened.value, phone);
}

export interface RegisterVerifyInput extends RegisterVerifyBody {
  ip?: string;
  /** A cookie token the phone still holds; that session is ended in favour of the new one. */
  previousSessionToken?: string;
}

/**
 * Step two: the code from the text message creates the resident account for the challenge's person,
 * bound to the proven phone (sealed, with its lookup digest; the username is opaque), signs the phone
 * in for 30 days and audits `resident.register`. The registry's record is not changed.
 */
export async function completeRegistration(s: Services, input: RegisterVerifyInput): Promise<Registered> {
  access.checkPassword(input.password);
  // Hash before the transaction: scrypt is slow on purpose and must not hold the write lock.
  const passwordHash = await hashPassword(input.password);
  const ip = input.ip ?? null;
  let userId = '';
  let outcome: Outcome<NewSession>;
  try {
    outcome = await s.db.transaction().execute(async (trx) => {
      const checked = await consumeCode(s, trx, ANONYMOUS, input.challengeId, input.code, { purpose: 'register' }, ip);
      if (!checked.ok) return checked;
      const challenge = checked.value;
      const person = await registry.residentPerson(trx, challenge.person_id!);
      if (!person) throw new AppError('RESIDENT_CODE_INVALID');
      if (await accessStore.accountOfPerson(trx, person.id)) throw new AppError('RESIDENT_ALREADY_REGISTERED');
      if (await accessStore.userByPhoneHmac(trx, challenge.phone_hmac)) throw new AppError('RESIDENT_PHONE_TAKEN');
      const phone = s.cipher.decrypt(challenge.phone_enc!);
      // The resident registers themself: the new account is the audit event's actor.
      userId = await insertResidentAccount(
        s,
        trx,
        (id) => ({ id, name: maskPhone(phone) ?? 'resident', role: 'resident' }),
        person,
        { enc: s.cipher.encrypt(phone), hmac: challenge.phone_hmac },
        passwordHash,
        { challengeId: challenge.id, ip },
      );
      if (input.previousSessionToken) await deleteSession(s, input.previousSessionToken, trx);
      const opened = await createSession(s, userId, trx, RESIDENT_SESSION_TTL_MS);
      return { ok: true as const, value: opened };
    });
  } catch (err) {
    const on = uniqueViolationOn(err);
    if (on === 'person') throw new AppError('RESIDENT_ALREADY_REGISTERED');
    if (on === 'phone') throw new AppError('RESIDENT_PHONE_TAKEN');
    throw err;
  }
  if (!outcome.ok) throw outcome.error;
  const { user } = await access.me(s, userId);
  return { session: outcome.value, user, permissions: [...permissionsOf('resident')] };
}

// ---- registration at the door by a community worker --------------------------------------------

/**
 * A community worker, for a person inside their area, sends a one-time code to the phone the resident
 * holds now (the registry's may be missing or old). A phone bound to another person's account is
 * refused (RESIDENT_PHONE_TAKEN). Limited per person, phone and address like self-registration.
 */
export async function startDoorCode(
  s: Services,
  actor: Actor,
  personId: string,
  body: DoorCodeBody,
  ip?: string,
): Promise<ChallengeView> {
  const phone = mobileOf(body.phone);
  const who = auditActor(actor);
  const opened = await s.db.transaction().execute(async (trx) => {
    const person = await personForActor(trx, actor, personId);
    const holder = await accessStore.userByPhoneHmac(trx, phoneLookup(s.cipher, phone));
    if (holder && holder.person_id !== person.id) throw new AppError('RESIDENT_PHONE_TAKEN');
    return openChallenge(
      s,
      trx,
      who,
      {
        purpose: 'door',
        subject: `person:${person.id}`,
        personId: person.id,
        phone,
        source: ip ?? null,
        createdBy: actor.userId,
      },
      {},
    );
  });
  if (!opened.ok) throw opened.error;
  await sendCode(s, who, opened.value.id, phone, opened.value.code!);
  return challengeView(s, opened.value, phone);
}

/**
 * With the code the resident reads from their new phone: creates the person's resident account, or
 * re-binds their existing one to the new phone and ends its sessions (the old phone is signed out),
 * and sets the registry's phone to the new one, all in one audited transaction (`resident.register` or
 * `resident.rebind`, and `person.update`). Without a password a new account gets a generated one to
 * hand over; a re-bound account keeps its password unless a new one is given.
 */
export async function completeDoorAccount(
  s: Services,
  actor: Actor,
  personId: string,
  body: DoorAccountBody,
  ip?: string,
): Promise<DoorAccountView> {
  if (body.password !== undefined) access.checkPassword(body.password);
  const generated = body.password === undefined ? generatePassword() : null;
  const passwordHash = await hashPassword(body.password ?? generated!);
  const who = auditActor(actor);
  const now = s.clock.now();
  let outcome: Outcome<DoorAccountView>;
  try {
    outcome = await s.db.transaction().execute(async (trx) => {
      const person = await personForActor(trx, actor, personId);
      const checked = await consumeCode(
        s,
        trx,
        who,
        body.challengeId,
        body.code,
        { purpose: 'door', personId: person.id },
        ip ?? null,
      );
      if (!checked.ok) return checked;
      const challenge = checked.value;
      const phone = s.cipher.decrypt(challenge.phone_enc!);
      const sealed = { enc: s.cipher.encrypt(phone), hmac: challenge.phone_hmac };
      const holder = await accessStore.userByPhoneHmac(trx, sealed.hmac);
      if (holder && holder.person_id !== person.id) throw new AppError('RESIDENT_PHONE_TAKEN');
      const existing = await accessStore.accountOfPerson(trx, person.id);
      let view: DoorAccountView;
      if (existing) {
        await accessStore.setUserPhone(trx, existing, sealed, now);
        if (body.password !== undefined) {
          await accessStore.updateUser(trx, existing, { password_hash: passwordHash }, now);
          const account = await accessStore.userById(trx, existing);
          if (account) await accessStore.clearLoginFailures(trx, access.loginAccountKey(s, account.username));
        }
        const sessionsEnded = await accessStore.deleteSessionsOfUser(trx, existing);
        await s.audit(trx, who, {
          action: 'resident.rebind',
          objectType: 'user',
          objectId: existing,
          detail: {
            personId: person.id,
            phone: maskPhone(phone),
            challengeId: challenge.id,
            passwordChanged: body.password !== undefined,
            sessionsEnded,
            ip: ip ?? null,
          },
        });
        view = {
          userId: existing,
          personId: person.id,
          created: false,
          phone: maskPhone(phone) ?? '',
          password: null,
          sessionsEnded,
        };
      } else {
        const userId = await insertResidentAccount(s, trx, who, person, sealed, passwordHash, {
          challengeId: challenge.id,
          atDoor: true,
          generatedPassword: generated !== null,
          ip: ip ?? null,
        });
        view = {
          userId,
          personId: person.id,
          created: true,
          phone: maskPhone(phone) ?? '',
          password: generated,
          sessionsEnded: 0,
        };
      }
      await setVerifiedPhone(s, trx, actor, person.id, phone, 'door registration: phone verified by code');
      return { ok: true as const, value: view };
    });
  } catch (err) {
    const on = uniqueViolationOn(err);
    if (on === 'person') throw new AppError('RESIDENT_ALREADY_REGISTERED');
    if (on === 'phone') throw new AppError('RESIDENT_PHONE_TAKEN');
    throw err;
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * A new resident account for a person, with the phone proven for them; audited `resident.register` by
 * `who` (or, for a resident registering themself, by the actor named from the new account's id).
 */
async function insertResidentAccount(
  s: Services,
  trx: Executor,
  who: AuditActor | ((userId: string) => AuditActor),
  person: { id: string; name: string; area_id: string },
  sealed: { enc: string; hmac: string },
  passwordHash: string,
  detail: Record<string, unknown>,
): Promise<string> {
  const now = s.clock.now();
  const userId = newId(now);
  await accessStore.insertUser(trx, {
    id: userId,
    username: residentUsername(userId),
    display_name: person.name,
    password_hash: passwordHash,
    role: 'resident',
    area_id: person.area_id,
    failed_logins: 0,
    locked_until: null,
    disabled: 0,
    created_at: now,
    updated_at: now,
    person_id: person.id,
    phone_enc: sealed.enc,
    phone_hmac: sealed.hmac,
  });
  await s.audit(trx, typeof who === 'function' ? who(userId) : who, {
    action: 'resident.register',
    objectType: 'user',
    objectId: userId,
    detail: { personId: person.id, areaId: person.area_id, ...detail },
  });
  return userId;
}

/**
 * The demo deployment's resident login (first start): an account for a household head of the area
 * subtree on the phone the registry holds for them, made by the door flow's account step without a
 * one-time code (the system itself vouches; audited as the system, `demo: true`). Returns the phone to
 * sign in with and a generated password; null when the area has nobody with a phone.
 */
export async function createDemoResident(
  s: Services,
  areaPath: string,
): Promise<{ userId: string; personId: string; name: string; phone: string; password: string } | null> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return s.db.transaction().execute(async (trx) => {
    const personId = await store.headWithPhoneIn(trx, areaPath);
    const person = personId ? await registry.personForAccount(trx, personId) : undefined;
    if (!person?.phone_enc) return null;
    const phone = s.cipher.decrypt(person.phone_enc);
    const sealed = { enc: s.cipher.encrypt(phone), hmac: phoneLookup(s.cipher, phone) };
    const userId = await insertResidentAccount(s, trx, SYSTEM_ACTOR, person, sealed, passwordHash, {
      atDoor: false,
      demo: true,
    });
    return { userId, personId: person.id, name: person.name, phone, password };
  });
}

// ---- start-up ----------------------------------------------------------------------------------

/** Challenges are kept a day for the send limits and the audit trail's references, then deleted. */
const CHALLENGE_KEEP_MS = 86_400_000;

/**
 * Runs at server start: seals the phones of resident accounts created before phones were sealed (their
 * username was the phone; it becomes opaque and the phone moves to the sealed column with its lookup
 * digest), audited `resident.phones_sealed`; and deletes day-old challenges. Nothing to do is one query.
 */
export async function residentStartup(s: Services): Promise<{ sealed: number; challengesPurged: number }> {
  const now = s.clock.now();
  let sealed = 0;
  await s.db.transaction().execute(async (trx) => {
    for (const row of await accessStore.residentsWithPlainPhone(trx)) {
      const mobile = checkMobile(row.username);
      if (!mobile.ok) continue;
      await accessStore.sealResidentPhone(
        trx,
        row.id,
        residentUsername(row.id),
        { enc: s.cipher.encrypt(mobile.value), hmac: phoneLookup(s.cipher, mobile.value) },
        now,
      );
      sealed++;
    }
    if (sealed)
      await s.audit(trx, SYSTEM_ACTOR, {
        action: 'resident.phones_sealed',
        objectType: 'user',
        detail: { accounts: sealed },
      });
  });
  const challengesPurged = await store.purgeChallenges(s.db, now - CHALLENGE_KEEP_MS);
  return { sealed, challengesPurged };
}

// ---- the resident's own person and dependants --------------------------------------------------

interface ResidentContext {
  person: ResidentPerson;
  dependants: ResidentPerson[];
}

async function residentContext(ex: Executor, actor: Actor, today: string): Promise<ResidentContext> {
  const personId = actor.role === 'resident' ? await accessStore.personIdOfUser(ex, actor.userId) : null;
  const person = personId ? await registry.residentPerson(ex, personId) : undefined;
  if (!person) throw new AppError('RESIDENT_NOT_LINKED');
  const members = person.household_id ? await registry.householdMembers(ex, person.household_id, person.id) : [];
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
      action: 'person.read',
      objectType: 'person',
      objectId: ctx.person.id,
      ...reasonOf('resident_page'),
      detail: { dependants: ctx.dependants.map((d) => d.id) },
    });
    return {
      person: { id: ctx.person.id, name: ctx.person.name, maskedName: maskName(ctx.person.name) },
      dependants: ctx.dependants.map((d) => ({
        id: d.id,
        name: d.name,
        relation: d.relation,
        age: ageOn(d.birth_date, today),
      })),
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
    token,
    expiresAt: isoInZone(expiresAt, s.config.timeZone),
    personId: who!.id,
    colour: facts.colour,
    latestTest: facts.latestTest
      ? { sampledAt: isoInZone(facts.latestTest.sampledAt, s.config.timeZone), result: facts.latestTest.result }
      : null,
  };
}

/** Before the tap: the venue the scanned code names and what the resident's own scan will do there. */
export async function myScan(s: Services, actor: Actor, code: string): Promise<MyScanView> {
  const ctx = await residentContext(s.db, actor, todayOf(s));
  return scanPreview(s, code, ctx.person.id);
}

/** A resident scans a venue code for themselves and/or dependants: one verification each. */
export async function selfCheckIn(
  s: Services,
  actor: Actor,
  body: SelfCheckinBody,
  lang: Lang = 'zh',
): Promise<VerificationView[]> {
  const ctx = await residentContext(s.db, actor, todayOf(s));
  const persons = authorise(ctx, body.personIds ?? [ctx.person.id]);
  return checkInResidents(s, { code: body.code, persons, clientId: body.clientId }, lang);
}
