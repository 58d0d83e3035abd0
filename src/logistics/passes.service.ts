// Vehicle passes (重点物资运输车辆通行证): an enterprise applies for one vehicle on one route with its
// cargo; the department that reviews the cargo's category (rules/logistics.json, by date) issues it
// with the next 12-digit number of the issuing county, or refuses it; an issued pass may be revoked.
// One vehicle holds one pass at a time. The electronic pass is a signed token (pass.codes.ts) that a
// checkpoint verifies offline; the verify route adds what only the server knows: revocation. Every
// change is audited in its own transaction.
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/crypto.ts';
import { maskName, maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { divisionName } from '../registry/registry.rules.ts';
import { normalisePlate, type VehicleType } from './enterprises.rules.ts';
import {
  assertEnterpriseAccess,
  enterpriseFor,
  logisticsRoleOf,
  today,
  type LogisticsRole,
} from './enterprises.service.ts';
import * as enterprises from './enterprises.store.ts';
import type { Paging } from './enterprises.store.ts';
import { logisticsPolicy } from './logistics.policy.ts';
import { issuePassCode, verifyPassCode } from './pass.codes.ts';
import {
  checkCountyCode,
  checkPassNumber,
  checkValidity,
  departmentFor,
  holdsVehicle,
  isCargoCategory,
  MAX_SERIAL,
  mayChange,
  passNumber,
  passState,
  type PassAction,
  type PassStatus,
} from './passes.rules.ts';
import type { PassApplyBody, PassListQuery, PassView, VerifyBody, VerifyView } from './passes.schema.ts';
import * as store from './passes.store.ts';
import type { PassRow } from './passes.store.ts';

function place(code: string): { code: string; name: string | null } {
  const county = divisionName(code);
  const prefecture = divisionName(`${code.slice(0, 4)}00`);
  return { code, name: county ? (prefecture && prefecture !== county ? `${prefecture}${county}` : county) : null };
}

function fault(code: 'DIVISION_CODE_INVALID' | 'PASS_CARGO_UNKNOWN' | 'PASS_DRIVER_OTHER', field: string): AppError {
  return new AppError(code, { field }, { faults: [{ field, code, params: { field } }] });
}

async function passView(s: Services, ex: Executor, r: PassRow, opts: { maskNames?: boolean } = {}): Promise<PassView> {
  const ids = JSON.parse(r.driver_ids) as string[];
  const rows = await enterprises.driversByIds(ex, ids);
  const byId = new Map(rows.map((d) => [d.id, d]));
  const drivers = ids
    .map((id) => byId.get(id))
    .filter((d) => d !== undefined)
    .map((d) => ({
      id: d.id,
      name: opts.maskNames ? maskName(d.name) : d.name,
      phone: maskPhone(s.cipher.decrypt(d.phone_enc)) ?? '',
    }));
  const status = r.status as PassStatus;
  return {
    id: r.id,
    number: r.number,
    status,
    state: passState(status, r.valid_from, r.valid_until, today(s)),
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    vehicleId: r.vehicle_id,
    plate: r.plate,
    trailerPlate: r.trailer_plate,
    vehicleType: r.vehicle_type as VehicleType,
    drivers,
    origin: place(r.origin),
    destination: place(r.destination),
    cargoCategory: r.cargo_category,
    cargoNote: r.cargo_note,
    department: r.department,
    county: place(r.county),
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    appliedAt: Number(r.applied_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    decisionNote: r.decision_note,
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    revokeReason: r.revoke_reason,
  };
}

// ---- application -------------------------------------------------------------------------------

export async function applyForPass(s: Services, actor: Actor, body: PassApplyBody): Promise<PassView> {
  assertCan(actor, 'logistics.enterprise');
  const vehicle = await enterprises.vehicleById(s.db, body.vehicleId);
  if (!vehicle) throw new AppError('VEHICLE_NOT_FOUND');
  const enterprise = await enterpriseFor(s, s.db, actor, vehicle.enterprise_id);
  if (enterprise.status !== 'active') throw new AppError('ENTERPRISE_SUSPENDED');
  if (vehicle.status !== 'active') throw new AppError('PASS_VEHICLE_RETIRED');
  const driverIds = [...new Set(body.driverIds)];
  const drivers = await enterprises.driversByIds(s.db, driverIds);
  if (
    drivers.length !== driverIds.length ||
    drivers.some((d) => d.enterprise_id !== enterprise.id || d.status !== 'active')
  )
    throw fault('PASS_DRIVER_OTHER', 'driverIds');
  const origin = checkCountyCode(body.origin);
  if (!origin.ok) throw fault('DIVISION_CODE_INVALID', 'origin');
  const destination = checkCountyCode(body.destination);
  if (!destination.ok) throw fault('DIVISION_CODE_INVALID', 'destination');
  const policy = logisticsPolicy();
  if (!isCargoCategory(policy, body.cargoCategory)) throw fault('PASS_CARGO_UNKNOWN', 'cargoCategory');
  const day = today(s);
  const validity = checkValidity(policy, day, body.validFrom, body.validUntil);
  if (!validity.ok)
    throw new AppError(validity.code, validity.params ?? {}, {
      faults: [{ field: validity.field, code: validity.code, params: validity.params ?? {} }],
    });
  const department = departmentFor(policy, body.cargoCategory, validity.validFrom)!;
  const now = s.clock.now();
  const id = newId(now);
  await s.db.transaction().execute(async (trx) => {
    await enterprises.lockVehicleTx(trx, vehicle.id, now);
    const held = (await store.holdingPasses(trx, vehicle.id, day)).find((p) =>
      holdsVehicle(p.status as PassStatus, p.valid_until, day),
    );
    if (held) throw new AppError('PASS_VEHICLE_HELD', { number: held.number ?? '—' }, { extra: { passId: held.id } });
    await store.insertPass(trx, {
      id,
      number: null,
      serial: null,
      enterprise_id: enterprise.id,
      vehicle_id: vehicle.id,
      area_path: enterprise.area_path,
      county: enterprise.county,
      origin: origin.value,
      destination: destination.value,
      cargo_category: body.cargoCategory,
      cargo_note: body.cargoNote?.trim() ?? '',
      department,
      driver_ids: JSON.stringify(driverIds),
      valid_from: validity.validFrom,
      valid_until: validity.validUntil,
      status: 'applied',
      rules_version: policy.version,
      applied_by: actor.userId,
      applied_at: now,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      revoked_by: null,
      revoked_at: null,
      revoke_reason: null,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'logistics.pass.apply',
      objectType: 'vehicle_pass',
      objectId: id,
      detail: {
        enterpriseId: enterprise.id,
        plate: vehicle.plate,
        origin: origin.value,
        destination: destination.value,
        cargoCategory: body.cargoCategory,
        department,
        validFrom: validity.validFrom,
        validUntil: validity.validUntil,
      },
    });
  });
  return passView(s, s.db, (await store.passById(s.db, id))!);
}

// ---- reads -------------------------------------------------------------------------------------

async function passFor(
  s: Services,
  ex: Executor,
  actor: Actor,
  id: string,
): Promise<{ row: PassRow; role: LogisticsRole }> {
  const role = await logisticsRoleOf(ex, actor);
  const row = await store.passById(ex, id);
  if (!row) throw new AppError('PASS_NOT_FOUND');
  assertEnterpriseAccess(actor, role, { id: row.enterprise_id, area_path: row.area_path });
  return { row, role };
}

export async function getPass(s: Services, actor: Actor, id: string): Promise<PassView> {
  assertCan(actor, 'logistics.read');
  const { row } = await passFor(s, s.db, actor, id);
  return passView(s, s.db, row);
}

export async function listPasses(s: Services, actor: Actor, q: PassListQuery, page: Paging): Promise<Page<PassView>> {
  assertCan(actor, 'logistics.read');
  const role = await logisticsRoleOf(s.db, actor);
  let enterpriseId = role.enterpriseId ?? undefined;
  if (q.enterpriseId) {
    await enterpriseFor(s, s.db, actor, q.enterpriseId);
    enterpriseId = q.enterpriseId;
  }
  const { rows, total } = await store.listPasses(
    s.db,
    {
      scopePath: actor.areaPath,
      enterpriseId,
      status: q.status,
      department: q.mine && role.department ? role.department : undefined,
      q: q.q,
    },
    page,
  );
  const items: PassView[] = [];
  for (const r of rows) items.push(await passView(s, s.db, r));
  return { items, total, ...page };
}

// ---- review ------------------------------------------------------------------------------------

const ACTION_WORDS: Record<PassAction, string> = { issue: '签发', refuse: '退回', revoke: '撤销', withdraw: '撤回' };

function assertMay(row: PassRow, action: PassAction): void {
  if (!mayChange(row.status as PassStatus, action))
    throw new AppError('PASS_STATE', { status: row.status, action: ACTION_WORDS[action] });
}

function assertDepartment(role: LogisticsRole, row: PassRow): void {
  if (role.department && role.department !== row.department) {
    const d = logisticsPolicy().departments.find((x) => x.code === row.department);
    throw new AppError('PASS_DEPARTMENT', { department: d?.zh ?? row.department });
  }
}

/** Issues an application: the county's next serial, in the same transaction as the status. */
export async function issuePass(s: Services, actor: Actor, id: string, note?: string): Promise<PassView> {
  assertCan(actor, 'logistics.review');
  const now = s.clock.now();
  const day = today(s);
  await s.db.transaction().execute(async (trx) => {
    const { row, role } = await passFor(s, trx, actor, id);
    assertDepartment(role, row);
    assertMay(row, 'issue');
    if (row.valid_until < day) throw new AppError('PASS_EXPIRED');
    const serial = await store.nextSerialTx(trx, row.county);
    if (serial > MAX_SERIAL) throw new AppError('PASS_SERIAL_EXHAUSTED', { county: row.county });
    const number = passNumber(row.county, serial);
    await store.updatePass(trx, id, {
      status: 'issued',
      number,
      serial,
      decided_by: actor.userId,
      decided_at: now,
      decision_note: note?.trim() || null,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'logistics.pass.issue',
      objectType: 'vehicle_pass',
      objectId: id,
      detail: {
        number,
        plate: row.plate,
        department: row.department,
        validFrom: row.valid_from,
        validUntil: row.valid_until,
      },
    });
  });
  return passView(s, s.db, (await store.passById(s.db, id))!);
}

export async function refusePass(s: Services, actor: Actor, id: string, reason: string): Promise<PassView> {
  return decide(s, actor, id, 'refuse', reason);
}

export async function revokePass(s: Services, actor: Actor, id: string, reason: string): Promise<PassView> {
  return decide(s, actor, id, 'revoke', reason);
}

/** The enterprise takes back its own application before it is decided. */
export async function withdrawPass(s: Services, actor: Actor, id: string): Promise<PassView> {
  return decide(s, actor, id, 'withdraw', '');
}

async function decide(
  s: Services,
  actor: Actor,
  id: string,
  action: 'refuse' | 'revoke' | 'withdraw',
  reason: string,
): Promise<PassView> {
  assertCan(actor, action === 'withdraw' ? 'logistics.enterprise' : 'logistics.review');
  const text = reason.trim();
  if (action !== 'withdraw' && !text)
    throw new AppError('PASS_REASON_REQUIRED', {}, { faults: [{ field: 'reason', code: 'PASS_REASON_REQUIRED' }] });
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    const { row, role } = await passFor(s, trx, actor, id);
    if (action !== 'withdraw') assertDepartment(role, row);
    assertMay(row, action);
    const changes =
      action === 'revoke'
        ? { status: 'revoked', revoked_by: actor.userId, revoked_at: now, revoke_reason: text, updated_at: now }
        : {
            status: action === 'refuse' ? 'refused' : 'withdrawn',
            decided_by: actor.userId,
            decided_at: now,
            decision_note: text || null,
            updated_at: now,
          };
    await store.updatePass(trx, id, changes);
    await s.audit(trx, auditActor(actor), {
      action: `logistics.pass.${action}`,
      objectType: 'vehicle_pass',
      objectId: id,
      ...(text ? { reason: text } : {}),
      detail: { number: row.number, plate: row.plate, department: row.department },
    });
  });
  return passView(s, s.db, (await store.passById(s.db, id))!);
}

// ---- the electronic pass and its verification --------------------------------------------------

function tokenOf(s: Services, row: PassRow): string {
  return issuePassCode(s.signing.personalPrivateKey, {
    id: row.id,
    number: row.number!,
    plate: row.plate,
    trailerPlate: row.trailer_plate,
    origin: row.origin,
    destination: row.destination,
    cargo: row.cargo_category,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    issuedAt: Number(row.decided_at ?? row.applied_at),
  });
}

/** The signed token of an issued pass (its QR), and the pass, for its holder and reviewers. */
export async function passCode(
  s: Services,
  actor: Actor,
  id: string,
): Promise<{ number: string; token: string; row: PassRow }> {
  assertCan(actor, 'logistics.read');
  const { row } = await passFor(s, s.db, actor, id);
  if (row.status !== 'issued' && row.status !== 'revoked') throw new AppError('PASS_NOT_ISSUED');
  if (row.status === 'revoked') throw new AppError('PASS_REVOKED');
  return { number: row.number!, token: tokenOf(s, row), row };
}

export async function passForPrint(s: Services, actor: Actor, id: string): Promise<{ view: PassView; token: string }> {
  const { token, row } = await passCode(s, actor, id);
  return { view: await passView(s, s.db, row), token };
}

/**
 * A checkpoint's check of a pass: the scanned token (signature and validity, as offline) or a typed
 * number, then what only the server knows — revoked, or not the pass the token claims — and, when the
 * plate in front of the checkpoint is given, that the pass is that vehicle's (or its trailer's).
 * Passes come from anywhere: a checkpoint checks them whatever the issuing area.
 */
export async function verifyPass(s: Services, actor: Actor, body: VerifyBody): Promise<VerifyView> {
  assertCan(actor, 'checkpoint.check');
  const day = today(s);
  let row: PassRow | undefined;
  if (body.code?.trim()) {
    const verdict = verifyPassCode(s.signing.personalPublicKey, body.code, day);
    if (!verdict.ok) throw new AppError(verdict.code);
    row = await store.passById(s.db, verdict.id);
    if (
      !row ||
      row.number !== verdict.number ||
      row.plate !== verdict.plate ||
      row.valid_from !== verdict.validFrom ||
      row.valid_until !== verdict.validUntil ||
      row.origin !== verdict.origin ||
      row.destination !== verdict.destination
    )
      throw new AppError('PASS_CODE_INVALID');
  } else if (body.number?.trim()) {
    const n = checkPassNumber(body.number);
    if (!n.ok) throw new AppError(n.code, {}, { faults: [{ field: 'number', code: n.code }] });
    row = await store.passByNumber(s.db, n.value);
    if (!row) throw new AppError('PASS_NOT_FOUND');
  } else throw new AppError('PASS_VERIFY_INPUT');
  if (row.status === 'revoked') throw new AppError('PASS_REVOKED');
  if (row.status !== 'issued') throw new AppError('PASS_NOT_ISSUED');
  const state = passState('issued', row.valid_from, row.valid_until, day);
  if (state === 'expired') throw new AppError('PASS_EXPIRED');
  if (state === 'not_yet_valid') throw new AppError('PASS_NOT_YET_VALID');
  if (body.plate?.trim()) {
    const plate = normalisePlate(body.plate);
    if (plate !== row.plate && plate !== row.trailer_plate)
      throw new AppError('PASS_OTHER_VEHICLE', { plate: row.plate });
  }
  return { ok: true, pass: await passView(s, s.db, row, { maskNames: true }), checkedAt: s.clock.now() };
}
