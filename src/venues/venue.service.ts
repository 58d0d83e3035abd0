// Venue operations: register, approve or suspend, reissue codes, list; check-in with the door
// verification, scan-out, live occupancy, auto-closing after dwell, and the retention purge.
// Venue administration is audited. Check-ins are high volume and are not audited one by one; an
// assisted check-in that looks a person up by ID number is (it reads personal data), and so is a purge.
import type { Actor } from '../access/access.rules.ts';
import { can, inScope } from '../access/access.rules.ts';
import type { CheckinTable, Executor } from '../db/database.ts';
import { areaById } from '../db/sql.ts';
import { userById } from '../access/access.store.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import { newId, type FieldCipher } from '../platform/crypto.ts';
import { AppError, messageFor, type Lang } from '../platform/errors.ts';
import { maskName, maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { findPersonByIdNumber } from '../registry/registry.service.ts';
import { checkMobile, checkResidentId, dateInZone } from '../registry/registry.rules.ts';
import { phoneLookup } from '../registry/person.codec.ts';
import { personName } from '../registry/registry.store.ts';
import { factLabel } from '../health/health.rules.ts';
import { closeVisit, ingestCheckin, ingestCheckins, type IngestResult, type WriteJob } from './checkin.ingest.ts';
import { cachedVenue, venueChanged } from './venue.cache.ts';
import { venueCategories, type VenueCategory } from './venue.categories.ts';
import {
  deviceQueueKey,
  newDeviceId,
  parseVenueCode,
  posterUrl,
  screenCodeValidUntil,
  screenUrl,
  verifyPersonalCode,
  verifyPosterCode,
  verifyQueuedScan,
  verifyScreenCode,
  DEVICE_KEY_TTL_MS,
  SCAN_CLOCK_SKEW_MS,
  SCREEN_WINDOW_MS,
  type VenueCodeVerdict,
} from './venue.codes.ts';
import {
  CROWD_LEVEL_NAMES,
  crowdLevel,
  dwellMinutesOf,
  expiredBefore,
  hoursSince,
  mayApprove,
  rescanAction,
  type Colour,
  type EntryReason,
  type RescanAction,
} from './venue.rules.ts';
import type {
  CheckinBody,
  ExitView,
  OccupancyView,
  QueueKeyView,
  ScreenCodeView,
  VenueCodeView,
  VenueContactView,
  VenueCreateBody,
  VenueListQuery,
  VenueStatus,
  VenueView,
  VerificationView,
} from './venue.schema.ts';
import * as store from './venue.store.ts';
import * as partitions from './checkin.partitions.ts';
import type { Paging, VenueRow } from './venue.store.ts';
import { publishOccupancy } from './venue.events.ts';
import { listingScope } from '../access/access.scope.ts';
import { reasonOf } from '../audit/audit.rules.ts';

const DAY_MS = 86_400_000;

// ---- helpers -----------------------------------------------------------------------------------

export function categoryOf(key: string): VenueCategory {
  const category = venueCategories().categories.get(key);
  if (!category) throw new AppError('CATEGORY_UNKNOWN', { category: key });
  return category;
}

/** The venue's dwell in minutes: its own, else its category's default. */
export function dwellOf(venue: Pick<VenueRow, 'category' | 'dwell_minutes'>): number {
  return dwellMinutesOf(venue.dwell_minutes, categoryOf(venue.category).defaultDwellMinutes);
}

/** A venue as answered: the operator's contact phone masked (138****1234). */
export function toVenueView(row: VenueRow, cipher: FieldCipher): VenueView {
  const category = categoryOf(row.category);
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    categoryName: category.name,
    address: row.address,
    areaId: row.area_id,
    areaName: row.area_name,
    capacity: row.capacity,
    operatorUserId: row.operator_user_id,
    status: row.status as VenueStatus,
    registeredBy: row.registered_by ?? null,
    responsiblePerson: row.responsible_person ?? null,
    contactPhone: row.contact_phone_enc ? maskPhone(cipher.decrypt(row.contact_phone_enc)) : null,
    licenceNo: row.licence_no ?? null,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    codeVersion: row.code_version,
    requiresPresence: row.requires_presence === 1,
    dwellMinutes: dwellOf(row),
    dwellOverride: row.dwell_minutes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A venue operator acts only on the venues they run; everyone else on the venues of their subtree. */
function assertVenueAccess(actor: Actor, venue: VenueRow): void {
  assertInScope(actor, venue.area_path);
  if (actor.role === 'venue_operator' && venue.operator_user_id !== actor.userId) throw new AppError('OUT_OF_SCOPE');
}

export async function venueForActor(ex: Executor, actor: Actor, id: string): Promise<VenueRow> {
  const venue = await store.venueById(ex, id);
  if (!venue) throw new AppError('VENUE_NOT_FOUND');
  assertVenueAccess(actor, venue);
  return venue;
}

function assertCanSeeVenues(actor: Actor): void {
  if (!can(actor.role, 'venue.manage') && !can(actor.role, 'venue.approve'))
    throw new AppError('FORBIDDEN', { permission: 'venue.manage' });
}

// ---- venues ------------------------------------------------------------------------------------

export async function registerVenue(s: Services, actor: Actor, body: VenueCreateBody): Promise<VenueView> {
  assertCan(actor, 'venue.manage');
  categoryOf(body.category);
  return s.db.transaction().execute(async (trx) => {
    const area = await areaById(trx, body.areaId);
    if (!area) throw new AppError('AREA_NOT_FOUND');
    assertInScope(actor, area.path);
    let operatorUserId: string | null = body.operatorUserId ?? null;
    if (actor.role === 'venue_operator') {
      if (operatorUserId !== null && operatorUserId !== actor.userId) throw new AppError('VENUE_OPERATOR_INVALID');
      operatorUserId = actor.userId;
    } else if (operatorUserId !== null) {
      const user = await userById(trx, operatorUserId);
      if (!user || user.role !== 'venue_operator' || !inScope(user.area_path, area.path))
        throw new AppError('VENUE_OPERATOR_INVALID');
    }
    let contactPhone: string | null = null;
    if (body.contactPhone) {
      const phone = checkMobile(body.contactPhone);
      if (!phone.ok) throw new AppError('VENUE_CONTACT_PHONE_FORMAT');
      contactPhone = phone.value;
    }
    const now = s.clock.now();
    const id = newId(now);
    await store.insertVenue(trx, {
      id,
      name: body.name.trim(),
      category: body.category,
      address: body.address?.trim() ?? '',
      area_id: area.id,
      capacity: body.capacity,
      operator_user_id: operatorUserId,
      status: 'pending',
      approved_by: null,
      approved_at: null,
      code_version: 1,
      requires_presence: body.requiresPresence ? 1 : 0,
      dwell_minutes: body.dwellMinutes ?? null,
      registered_by: actor.userId,
      responsible_person: body.responsiblePerson?.trim() || null,
      contact_phone_enc: contactPhone ? s.cipher.encrypt(contactPhone) : null,
      contact_phone_hmac: contactPhone ? phoneLookup(s.cipher, contactPhone) : null,
      licence_no: body.licenceNo?.trim().toUpperCase() || null,
      created_at: now,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'venue.create',
      objectType: 'venue',
      objectId: id,
      detail: {
        name: body.name,
        category: body.category,
        areaId: area.id,
        capacity: body.capacity,
        operatorUserId,
        requiresPresence: Boolean(body.requiresPresence),
        // The contact phone is personal data: only that one was given.
        responsiblePerson: body.responsiblePerson ?? null,
        contactPhone: contactPhone !== null,
        licenceNo: body.licenceNo ?? null,
      },
    });
    return toVenueView((await store.venueById(trx, id))!, s.cipher);
  });
}

export async function getVenue(s: Services, actor: Actor, id: string): Promise<VenueView> {
  assertCanSeeVenues(actor);
  return toVenueView(await venueForActor(s.db, actor, id), s.cipher);
}

export async function listVenues(
  s: Services,
  actor: Actor,
  query: VenueListQuery,
  paging: Paging,
): Promise<Page<VenueView>> {
  assertCanSeeVenues(actor);
  const path = await listingScope(s.db, actor, query.areaId);
  const { rows, total } = await store.listVenues(
    s.db,
    {
      path,
      status: query.status,
      category: query.category,
      operatorUserId: actor.role === 'venue_operator' ? actor.userId : undefined,
    },
    paging,
  );
  return { items: rows.map((row) => toVenueView(row, s.cipher)), total, ...paging };
}

/** approve: the code goes live; suspend: it stops (check-ins refused with VENUE_NOT_APPROVED). */
export async function setVenueStatus(
  s: Services,
  actor: Actor,
  id: string,
  to: 'approved' | 'suspended',
  reason = '',
): Promise<VenueView> {
  assertCan(actor, 'venue.approve');
  const view = await s.db.transaction().execute(async (trx) => {
    const venue = await venueForActor(trx, actor, id);
    if (venue.status === to) throw new AppError('VENUE_STATUS_CONFLICT', { status: venue.status });
    // Two-person rule: whoever registered the venue does not also put its code live.
    if (to === 'approved' && !mayApprove(venue.registered_by ?? null, actor.userId))
      throw new AppError('VENUE_SELF_APPROVAL');
    const now = s.clock.now();
    await store.updateVenue(
      trx,
      id,
      to === 'approved'
        ? { status: to, approved_by: actor.userId, approved_at: now, updated_at: now }
        : { status: to, updated_at: now },
    );
    await s.audit(trx, auditActor(actor), {
      action: to === 'approved' ? 'venue.approve' : 'venue.suspend',
      objectType: 'venue',
      objectId: id,
      reason,
      detail: { from: venue.status, to },
    });
    return toVenueView((await store.venueById(trx, id))!, s.cipher);
  });
  venueChanged(s, id);
  return view;
}

/**
 * First start: hands the demo operator a venue of the demo city to run (a supermarket in their area,
 * else any approved venue there), audited `venue.operator` as the system. Returns the venue's name.
 */
export async function assignDemoOperator(
  s: Services,
  operatorUserId: string,
  areaPath: string,
): Promise<string | null> {
  const view = await s.db.transaction().execute(async (trx) => {
    let id: string | null = null;
    for (const category of ['supermarket', ...venueCategories().categories.keys()]) {
      id = await store.unrunVenueIn(trx, areaPath, category);
      if (id) break;
    }
    if (!id) return null;
    await store.updateVenue(trx, id, { operator_user_id: operatorUserId, updated_at: s.clock.now() });
    await s.audit(trx, SYSTEM_ACTOR, {
      action: 'venue.operator',
      objectType: 'venue',
      objectId: id,
      detail: { operatorUserId, demo: true },
    });
    return (await store.venueById(trx, id))!;
  });
  if (view) venueChanged(s, view.id);
  return view?.name ?? null;
}

/** The operator's full contact phone, for a role that approves venues, with a reason that lands in the audit log. */
export async function revealVenueContact(
  s: Services,
  actor: Actor,
  id: string,
  reason: string,
): Promise<VenueContactView> {
  assertCan(actor, 'venue.approve');
  return s.db.transaction().execute(async (trx) => {
    const venue = await venueForActor(trx, actor, id);
    await s.audit(trx, auditActor(actor), {
      action: 'venue.contact.reveal',
      objectType: 'venue',
      objectId: id,
      reason,
      detail: { fields: venue.contact_phone_enc ? ['contactPhone'] : [] },
    });
    return { venueId: id, contactPhone: venue.contact_phone_enc ? s.cipher.decrypt(venue.contact_phone_enc) : null };
  });
}

/** Revokes every code printed so far and issues the next version. */
export async function reissueCode(
  s: Services,
  actor: Actor,
  id: string,
  baseUrl: string,
  reason = '',
): Promise<VenueCodeView> {
  assertCan(actor, 'venue.manage');
  const code = await s.db.transaction().execute(async (trx) => {
    const venue = await venueForActor(trx, actor, id);
    const version = await store.bumpCodeVersion(trx, id, s.clock.now());
    await s.audit(trx, auditActor(actor), {
      action: 'venue.code.reissue',
      objectType: 'venue',
      objectId: id,
      reason,
      detail: { revokedVersion: venue.code_version, codeVersion: version },
    });
    return {
      venueId: id,
      url: posterUrl(baseUrl, s.signing.venueCodeKey, id, version),
      codeVersion: version,
      requiresPresence: venue.requires_presence === 1,
    };
  });
  venueChanged(s, id);
  return code;
}

export async function venueCode(s: Services, actor: Actor, id: string, baseUrl: string): Promise<VenueCodeView> {
  assertCan(actor, 'venue.manage');
  const venue = await venueForActor(s.db, actor, id);
  return {
    venueId: id,
    url: posterUrl(baseUrl, s.signing.venueCodeKey, id, venue.code_version),
    codeVersion: venue.code_version,
    requiresPresence: venue.requires_presence === 1,
  };
}

/** The rotating code for the venue's screen; the screen fetches a new one every window. */
export async function screenCode(s: Services, actor: Actor, id: string, baseUrl: string): Promise<ScreenCodeView> {
  assertCan(actor, 'venue.manage');
  const venue = await venueForActor(s.db, actor, id);
  const now = s.clock.now();
  return {
    venueId: id,
    url: screenUrl(baseUrl, s.signing.venueCodeKey, id, venue.code_version, now),
    validUntil: screenCodeValidUntil(now),
    refreshAfterMs: SCREEN_WINDOW_MS - (now % SCREEN_WINDOW_MS),
  };
}

// ---- occupancy and dwell -----------------------------------------------------------------------

/** Closes the venue's visits past their dwell and counts the open ones, in the caller's transaction. */
async function openVisits(ex: Executor, venue: VenueRow, now: number): Promise<number> {
  const dwell = dwellOf(venue);
  await store.autoCloseAtVenue(ex, venue.id, dwell * 60_000, expiredBefore(dwell, now));
  return store.countOpen(ex, venue.id, expiredBefore(dwell, now));
}

/** Live head-count of an approved venue (public: counts only). */
export async function occupancy(s: Services, venueId: string): Promise<OccupancyView> {
  return s.db.transaction().execute(async (trx) => {
    const venue = await store.venueById(trx, venueId);
    if (!venue || venue.status !== 'approved') throw new AppError('VENUE_NOT_FOUND');
    const count = await openVisits(trx, venue, s.clock.now());
    const level = crowdLevel(count, venue.capacity);
    return {
      venueId,
      venueName: venue.name,
      count,
      capacity: venue.capacity,
      level,
      levelName: CROWD_LEVEL_NAMES[level],
    };
  });
}

/**
 * For a scheduled job: closes every visit still open past its venue's dwell, at entry + dwell
 * (exit_kind 'auto'), and tells live views which venues changed. Returns how many were closed.
 */
export async function closeExpiredVisits(s: Pick<Services, 'db' | 'clock' | 'events'>): Promise<number> {
  const now = s.clock.now();
  const venueIds = await s.db.transaction().execute(async (trx) => {
    const closed: string[] = [];
    for (const category of venueCategories().categories.values()) {
      const dwell = category.defaultDwellMinutes;
      closed.push(
        ...(await store.autoCloseByDwell(trx, { category: category.key }, dwell * 60_000, expiredBefore(dwell, now))),
      );
    }
    for (const dwell of await store.dwellOverrides(trx)) {
      closed.push(
        ...(await store.autoCloseByDwell(trx, { dwellOverride: dwell }, dwell * 60_000, expiredBefore(dwell, now))),
      );
    }
    return closed;
  });
  publishOccupancy(s, venueIds);
  return venueIds.length;
}

// ---- check-in ----------------------------------------------------------------------------------

function reasonsOf(row: CheckinTable): EntryReason[] {
  return row.reasons ? (JSON.parse(row.reasons) as EntryReason[]) : [];
}

/** The facts a colour refusal names (`params.facts`), in words: "（密切接触者、集中隔离）", or "". */
function basisText(params: EntryReason['params'], lang: Lang): string {
  const facts = typeof params.facts === 'string' && params.facts ? params.facts.split(',') : [];
  if (!facts.length) return '';
  const words = facts.map((f) =>
    f === 'manual_change' ? (lang === 'en' ? 'manual change' : '人工变更') : factLabel(f, lang),
  );
  return lang === 'en' ? ` (${words.join(', ')})` : `（${words.join('、')}）`;
}

/** The door's answer for a stored visit; `exited` when this scan closed it (or repeats that closing). */
function verificationOf(
  row: CheckinTable,
  personName: string,
  venue: VenueRow,
  lang: Lang,
  duplicate: boolean,
  exited = false,
): VerificationView {
  return {
    checkinId: row.id,
    decision: exited ? 'exited' : row.decision === 'admitted' ? 'admitted' : 'refused',
    colour: row.colour as Colour,
    maskedName: maskName(personName),
    latestTest:
      row.test_sampled_at === null
        ? null
        : {
            sampledAt: row.test_sampled_at,
            result: row.test_result ?? '',
            hoursAgo: hoursSince(row.test_sampled_at, row.entered_at),
          },
    vaccinated: row.vaccinated === null ? null : row.vaccinated === 1,
    venueId: venue.id,
    venueName: venue.name,
    method: row.method,
    reasons: reasonsOf(row).map((r) => ({
      code: r.code,
      params: r.params,
      message: messageFor(r.code, { ...r.params, basis: basisText(r.params, lang) }, lang),
    })),
    at: row.entered_at,
    exitedAt: exited ? row.exited_at : null,
    duplicate,
  };
}

/**
 * The venue behind a scanned code, checked as of `at`; each failure has its own code. `heldMs`: how
 * long before `at` a guard's device may have scanned a screen code it queued scans with.
 */
async function venueOfCode(s: Services, code: string, at: number, heldMs = 0): Promise<VenueRow> {
  const parsed = parseVenueCode(code);
  if (!parsed) throw new AppError('VENUE_CODE_INVALID');
  const key = s.signing.venueCodeKey;
  const venue = await cachedVenue(s, parsed.venueId);
  if (!venue) {
    // A genuine poster of a venue that is gone is "not found"; anything else is not our code.
    const genuine = parsed.kind === 'poster' && verifyPosterCode(key, parsed, parsed.number) === 'ok';
    throw new AppError(genuine ? 'VENUE_NOT_FOUND' : 'VENUE_CODE_INVALID');
  }
  let verdict: VenueCodeVerdict;
  if (parsed.kind === 'screen') verdict = verifyScreenCode(key, parsed, venue.code_version, at, heldMs);
  else {
    verdict = verifyPosterCode(key, parsed, venue.code_version);
    if (verdict === 'ok' && venue.requires_presence === 1) throw new AppError('VENUE_SCREEN_CODE_REQUIRED');
  }
  if (verdict !== 'ok') throw new AppError(verdict);
  if (venue.status !== 'approved') throw new AppError('VENUE_NOT_APPROVED');
  return venue;
}

/** When a scan was made, as the server accepts it. */
interface ScanTime {
  /** The time the codes are checked against and the visit starts at. */
  at: number;
  /** How long a held screen code may be older than `at` (ms): only for a queued scan. */
  heldMs: number;
  /** A signed queued scan older than the queue window (refused, unless it was stored before). */
  expired: boolean;
}

/**
 * The scan time of an assisted check-in. Sent at once (no `scannedAt`): the server's arrival time —
 * a code is checked as of now, so an expired personal code or a photo of an earlier screen is refused.
 * `scannedAt` is honoured only for a scan from a guard device's offline queue: signed with the queue
 * key this server issued to this guard for that device (venue.codes.ts verifyQueuedScan; an HMAC, no
 * database read), not in the future, and within the queue window of the category rules.
 */
function scanTimeOf(s: Services, actor: Actor, body: CheckinBody, now: number): ScanTime {
  if (body.scannedAt === undefined) {
    if (body.deviceId !== undefined || body.scanSig !== undefined) throw new AppError('CHECKIN_SCANNED_AT_INVALID');
    return { at: now, heldMs: 0, expired: false };
  }
  if (!body.clientId || body.scannedAt > now + SCAN_CLOCK_SKEW_MS) throw new AppError('CHECKIN_SCANNED_AT_INVALID');
  const signed =
    body.deviceId !== undefined &&
    body.scanSig !== undefined &&
    verifyQueuedScan(
      s.signing.venueCodeKey,
      actor.userId,
      {
        deviceId: body.deviceId,
        clientId: body.clientId,
        scannedAt: body.scannedAt,
        code: body.code,
        personalCode: body.personalCode,
        idType: body.idType,
        idNumber: body.idNumber,
        personId: body.personId,
      },
      body.scanSig,
      now,
    );
  if (!signed) throw new AppError('SCAN_QUEUE_DEVICE_INVALID');
  const rules = venueCategories();
  const at = Math.min(body.scannedAt, now);
  return { at, heldMs: rules.screenCodeQueuedMinutes * 60_000, expired: now - at > rules.queuedScanMinutes * 60_000 };
}

/**
 * A signed queued scan that arrives after the queue window: refused with its own code, unless this
 * scan (venue, clientId) was stored by an earlier send whose answer was lost — that answers again.
 */
async function refuseExpiredScan(s: Services, actor: Actor, body: CheckinBody, lang: Lang): Promise<VerificationView> {
  const parsed = parseVenueCode(body.code);
  const venue = parsed && (await cachedVenue(s, parsed.venueId));
  if (venue && body.clientId) {
    assertVenueAccess(actor, venue);
    const first = await store.checkinByClientId(s.db, venue.id, body.clientId);
    if (first) return answerDuplicate(s, first, venue, lang);
  }
  throw new AppError('SCAN_QUEUE_EXPIRED', { minutes: venueCategories().queuedScanMinutes });
}

/**
 * A queue key for a guard's device (POST /checkins/queue-key): a new device id and the key derived
 * for it and this guard. Nothing is stored; the issue is audited (who was given a queue, when).
 */
export async function issueQueueKey(s: Services, actor: Actor): Promise<QueueKeyView> {
  assertCan(actor, 'checkin.create');
  const now = s.clock.now();
  const deviceId = newDeviceId(now);
  await s.db.transaction().execute((trx) =>
    s.audit(trx, auditActor(actor), {
      action: 'checkin.queue_key',
      objectType: 'device',
      objectId: deviceId,
      detail: { validUntil: now + DEVICE_KEY_TTL_MS },
    }),
  );
  return {
    deviceId,
    key: deviceQueueKey(s.signing.venueCodeKey, actor.userId, deviceId).toString('base64url'),
    issuedAt: now,
    validUntil: now + DEVICE_KEY_TTL_MS,
    queuedScanMinutes: venueCategories().queuedScanMinutes,
  };
}

/** Who is checked in, and how: by a guard (assisted), by themselves, or by a family member (dependant). */
export type CheckinMethod = 'assisted' | 'self' | 'dependant';

/** One entry to write: who, how, when, and the scan's client id. */
interface VisitRequest {
  personId: string;
  method: CheckinMethod;
  clientId: string | null;
  /** When the scan was made (a queued scan: earlier than now). */
  at: number;
  now: number;
  /** A personal code's issue time: a visit here since then is this same scan (see WriteJob). */
  sameScanSince: number | null;
}

/**
 * The ingest job of one entry (src/venues/checkin.ingest.ts): the repeat checks, the person's facts,
 * the open-visit count, the decision and the row are read and written together by the write, and
 * answered only once committed. A resident's own scan (self, dependant) of a venue where their visit
 * is open closes it instead (exit_kind 'scan'); a repeat within the grace period answers with the
 * previous result. The same (venue, clientId) is stored once.
 */
function entryJob(venue: VenueRow, req: VisitRequest): WriteJob {
  return {
    venueId: venue.id,
    dwellMs: dwellOf(venue) * 60_000,
    policy: categoryOf(venue.category).entryPolicy,
    capacity: venue.capacity,
    // The person's facts are read by the write, in the transaction that stores the entry.
    facts: null,
    sameScanSince: req.sameScanSince,
    rescan: req.method !== 'assisted',
    row: {
      id: newId(req.now),
      venue_id: venue.id,
      person_id: req.personId,
      client_id: req.clientId,
      method: req.method,
      entered_at: req.at,
      exited_at: null,
      exit_kind: null,
      decision: 'refused',
      refusal_code: null,
      colour: 'green',
      reasons: null,
      test_sampled_at: null,
      test_result: null,
      vaccinated: null,
      created_at: req.now,
      scan_gap_ms: req.now - req.at,
    },
  };
}

/** The door's answer for an ingested entry; not stored: a repeat of an earlier scan. */
function answerOf(result: IngestResult, venue: VenueRow, lang: Lang): VerificationView {
  return verificationOf(result.row, result.personName, venue, lang, !result.stored, result.exited);
}

/**
 * Assisted check-in (代扫) by a guard: the venue code, and the person by personal code, ID number or
 * person reference. The decision is recorded whether admitted or refused. The same (venue, clientId)
 * answers with the first stored result and never stores a second row; so does the same personal code
 * scanned again at the same venue during its life (a double scan at the door, or a replayed code: the
 * guard sees the first scan's result and time, marked as a repeat). The entry is written by the
 * check-in ingest and answered once committed; an ID-number lookup's audit event commits just before
 * it (the lookup happened even if the entry then fails).
 */
export async function checkIn(
  s: Services,
  actor: Actor,
  body: CheckinBody,
  lang: Lang = 'zh',
): Promise<VerificationView> {
  assertCan(actor, 'checkin.create');
  const now = s.clock.now();
  const scan = scanTimeOf(s, actor, body, now);
  if (scan.expired) return refuseExpiredScan(s, actor, body, lang);
  const { at } = scan;
  const venue = await venueOfCode(s, body.code, at, scan.heldMs);
  assertVenueAccess(actor, venue);
  const given = [body.personalCode, body.idNumber, body.personId].filter((v) => v !== undefined);
  if (given.length !== 1) throw new AppError('CHECKIN_PERSON_REQUIRED');

  let personId: string;
  let sameScanSince: number | null = null;
  if (body.personalCode !== undefined) {
    const verdict = verifyPersonalCode(s.signing.personalPublicKey, body.personalCode, at);
    if (!verdict.ok) {
      // A resent scan whose code has expired since: the stored result still answers.
      const first = body.clientId ? await store.checkinByClientId(s.db, venue.id, body.clientId) : undefined;
      if (first) return answerDuplicate(s, first, venue, lang);
      throw new AppError(verdict.code);
    }
    personId = verdict.personId;
    // A visit of this person here since the code was issued was made with this code (or during its
    // life): this scan repeats it. The issue time is the server's clock, as is an online scan's.
    sameScanSince = verdict.issuedAt;
  } else if (body.idNumber !== undefined) {
    // A resent queued scan answers before the lookup: the lookup (and its audit event) happened once.
    if (body.clientId) {
      const first = await store.checkinByClientId(s.db, venue.id, body.clientId);
      if (first) return answerDuplicate(s, first, venue, lang);
    }
    const idType = body.idType ?? 'resident_id';
    const idNumber = idType === 'resident_id' ? body.idNumber.trim().toUpperCase() : body.idNumber.trim();
    if (idType === 'resident_id') {
      // A mistyped number is said as such, not as "not found": every stored resident ID passes this check.
      // The expected check digit is not given: the mistyped digit may be any other, and the "fixed"
      // number could be someone else's.
      const check = checkResidentId(idNumber, dateInZone(at, s.config.timeZone));
      if (!check.ok)
        throw check.code === 'ID_NUMBER_CHECKSUM'
          ? new AppError('CHECKIN_ID_CHECK_DIGIT')
          : new AppError(check.code, check.params);
    }
    personId = await s.db.transaction().execute(async (trx) => {
      const found = await findPersonByIdNumber(trx, s.cipher, idType, idNumber);
      if (!found) throw new AppError('PERSON_NOT_FOUND');
      // Looking a person up by ID number reads personal data: recorded, with where and why.
      await s.audit(trx, auditActor(actor), {
        action: 'person.lookup',
        objectType: 'person',
        objectId: found.id,
        ...reasonOf('assisted_checkin'),
        detail: { by: 'idNumber', venueId: venue.id },
      });
      return found.id;
    });
  } else {
    personId = body.personId!;
  }
  const result = answerOf(
    await ingestCheckin(
      s,
      entryJob(venue, { personId, sameScanSince, method: 'assisted', clientId: body.clientId ?? null, at, now }),
    ),
    venue,
    lang,
  );
  if (!result.duplicate) publishOccupancy(s, [venue.id]);
  return result;
}

export interface ResidentCheckin {
  /** The scanned venue code (poster or screen URL). */
  code: string;
  /** Who enters: the resident themselves and/or dependants, already authorised by the caller. */
  persons: Array<{ id: string; method: 'self' | 'dependant' }>;
  /** Generated by the phone; with several persons each gets "<clientId>~<personId>". */
  clientId?: string;
}

/**
 * A resident's own scan (扫码) for themselves and the dependants they brought: one verification per
 * person, written together (all or none). A scan where that person's visit is open closes it
 * ('exited'). With several persons each gets the client id "<clientId>~<personId>".
 */
export async function checkInResidents(
  s: Services,
  input: ResidentCheckin,
  lang: Lang = 'zh',
): Promise<VerificationView[]> {
  const now = s.clock.now();
  const venue = await venueOfCode(s, input.code, now);
  const jobs = input.persons.map((entry) =>
    entryJob(venue, {
      personId: entry.id,
      method: entry.method,
      at: now,
      now,
      sameScanSince: null,
      clientId: input.clientId ? (input.persons.length === 1 ? input.clientId : `${input.clientId}~${entry.id}`) : null,
    }),
  );
  const results = (await ingestCheckins(s, jobs)).map((r) => answerOf(r, venue, lang));
  if (results.some((r) => !r.duplicate)) publishOccupancy(s, [venue.id]);
  return results;
}

/**
 * What a resident's own scan of `code` would do now (rescanAction over their latest visit there, as the
 * check-in itself decides), and the venue's name: the check-in page shows both before the tap.
 */
export async function scanPreview(
  s: Services,
  code: string,
  personId: string,
): Promise<{ venueId: string; venueName: string; next: RescanAction; enteredAt: number | null }> {
  const now = s.clock.now();
  const venue = await venueOfCode(s, code, now);
  const last = await store.latestVisit(s.db, venue.id, personId);
  const next = rescanAction(
    last && { decision: last.decision, enteredAt: last.entered_at, exitedAt: last.exited_at, exitKind: last.exit_kind },
    dwellOf(venue),
    now,
  );
  return { venueId: venue.id, venueName: venue.name, next, enteredAt: next === 'enter' ? null : last!.entered_at };
}

async function answerDuplicate(
  s: Services,
  first: CheckinTable,
  venue: VenueRow,
  lang: Lang,
): Promise<VerificationView> {
  return verificationOf(first, (await personName(s.db, first.person_id)) ?? '', venue, lang, true);
}

function exitView(row: CheckinTable): ExitView {
  return {
    checkinId: row.id,
    venueId: row.venue_id,
    enteredAt: row.entered_at,
    exitedAt: row.exited_at!,
    exitKind: row.exit_kind!,
  };
}

/** Scan-out by the guard. Closing twice answers with the first closing; past the dwell it closes as 'auto'. */
export async function exitCheckin(s: Services, actor: Actor, id: string): Promise<ExitView> {
  assertCan(actor, 'checkin.create');
  const found = await store.checkinById(s.db, id);
  const venue = found && (await cachedVenue(s, found.venue_id));
  if (!found || !venue) throw new AppError('CHECKIN_NOT_FOUND');
  assertVenueAccess(actor, venue);
  if (found.decision !== 'admitted') throw new AppError('CHECKIN_NOT_ADMITTED');
  // Written by the check-in ingest (the writer thread on SQLite), answered once committed.
  const { row } =
    found.exited_at === null
      ? await closeVisit(s, { kind: 'exit', checkinId: id, dwellMinutes: dwellOf(venue), now: s.clock.now() })
      : { row: found };
  publishOccupancy(s, [row.venue_id]);
  return exitView(row);
}

// ---- retention ---------------------------------------------------------------------------------

export interface PurgeReport {
  before: number;
  retentionDays: number;
  checkins: number;
  /** Delete transactions it took (0 for a dry run). */
  batches: number;
  dryRun: boolean;
}

/** Check-ins deleted per transaction by the purge: a large SQLite file is never locked for long. */
export const PURGE_BATCH_SIZE = 5_000;

/**
 * Deletes check-ins that began before `before` (default: the configured retention back from now) in
 * batches, each its own short transaction, so check-ins keep flowing between them; then appends one
 * audit event with the totals (also when a batch failed: what was deleted is recorded, then the error
 * is raised). The first batch's transaction records the purge and its cutoff (checkin_purge), and each
 * batch adds its count there: whatever retention a process runs with, tracing learns from these
 * records how far back check-ins are gone (`latestPurgeCutoff`). A dry run only counts.
 *
 * On PostgreSQL the day partitions wholly before the cutoff go first, each dropped in a transaction of
 * its own that records its count (checkin.partitions.ts); the batched deletes then take what is left
 * (the default partition's rows, the cutoff's own day). The audit event names the partitions dropped.
 */
export async function purgeCheckins(
  s: Services,
  before: number = s.clock.now() - s.config.retentionDays * DAY_MS,
  options: { actor?: AuditActor; dryRun?: boolean; batchSize?: number } = {},
): Promise<PurgeReport> {
  const report = { before, retentionDays: s.config.retentionDays, dryRun: Boolean(options.dryRun) };
  if (options.dryRun) return { ...report, checkins: await store.countCheckinsBefore(s.db, before), batches: 0 };
  const batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
  let checkins = 0;
  let batches = 0;
  let failure: unknown = null;
  const dropped: string[] = [];
  try {
    const purgeId = newId(s.clock.now());
    let recorded = false;
    const record = async (trx: Executor) => {
      if (recorded) return;
      await store.insertPurge(trx, {
        id: purgeId,
        before,
        retention_days: s.config.retentionDays,
        checkins: 0,
        actor_id: options.actor?.id ?? null,
        at: s.clock.now(),
      });
    };
    if (s.dialect === 'postgres') {
      for (const p of await partitions.listPartitions(s.db)) {
        if (p.to > before) break;
        const n = await s.db.transaction().execute(async (trx) => {
          await record(trx);
          const n = await partitions.dropPartition(trx, p);
          if (n) await store.addPurged(trx, purgeId, n);
          return n;
        });
        recorded = true;
        checkins += n;
        dropped.push(p.name);
      }
    }
    for (;;) {
      const first = !recorded;
      const deleted = await s.db.transaction().execute(async (trx) => {
        if (first) await record(trx);
        const n = await store.deleteCheckinBatch(trx, before, batchSize);
        if (n) await store.addPurged(trx, purgeId, n);
        return n;
      });
      recorded = true;
      if (deleted === 0) break;
      checkins += deleted;
      batches += 1;
      if (deleted < batchSize) break;
      // Between batches the write lock is free: check-ins waiting for it go first.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    failure = err;
  }
  await s.db.transaction().execute((trx) =>
    s.audit(trx, options.actor ?? SYSTEM_ACTOR, {
      action: 'checkin.purge',
      objectType: 'checkin',
      objectId: null,
      ...reasonOf('retention', { days: s.config.retentionDays }),
      detail: {
        before,
        checkins,
        batches,
        batchSize,
        ...(dropped.length ? { partitions: dropped } : {}),
        ...(failure ? { failed: true } : {}),
      },
    }),
  );
  if (failure) throw failure;
  return { ...report, checkins, batches };
}
