// Enterprises, their vehicles and drivers: registration by the departments (an enterprise by its
// unified social credit code), vehicles and drivers by the enterprise's own accounts (or a reviewer),
// reads by area scope — and an enterprise's own account sees that enterprise only. Contact and driver
// phones and ID numbers are sealed at rest and masked in every answer; every change is audited.
import type { Actor } from '../access/access.rules.ts';
import { assertInScope, listingScope } from '../access/access.scope.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import type { Executor } from '../db/database.ts';
import { userByUsername } from '../access/access.store.ts';
import type { AuditActor } from '../platform/audit.ts';
import { areaById, isUniqueViolation } from '../db/sql.ts';
import { dateInZone } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { maskIdNumber, maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { idLookup, phoneLookup } from '../registry/person.codec.ts';
import { checkMobile, checkResidentId, divisionName } from '../registry/registry.rules.ts';
import { personByIdHmac } from '../registry/registry.store.ts';
import {
  checkCreditCode,
  checkVehiclePlates,
  type EnterpriseCategory,
  type EnterpriseStatus,
  type LicenceClass,
  type VehicleStatus,
  type VehicleType,
} from './enterprises.rules.ts';
import type {
  DriverBody,
  DriverView,
  EnterpriseBody,
  EnterpriseListQuery,
  EnterpriseView,
  LogisticsRulesView,
  OwnedListQuery,
  VehicleBody,
  VehicleView,
} from './enterprises.schema.ts';
import * as store from './enterprises.store.ts';
import type { DriverRow, EnterpriseRow, Paging, VehicleRow } from './enterprises.store.ts';
import { logisticsPolicy } from './logistics.policy.ts';
import { countyOfPath, periodOn } from './passes.rules.ts';

/** Who the actor acts for in logistics: an enterprise (its own account) and/or a reviewing department. */
export interface LogisticsRole {
  enterpriseId: string | null;
  department: string | null;
}

/** The actor's enterprise and department; an enterprise account linked to none is refused. */
export async function logisticsRoleOf(ex: Executor, actor: Actor): Promise<LogisticsRole> {
  const row = await store.accountOf(ex, actor.userId);
  const role = { enterpriseId: row?.enterprise_id ?? null, department: row?.department ?? null };
  if (actor.role === 'enterprise' && !role.enterpriseId) throw new AppError('ENTERPRISE_ACCOUNT_UNLINKED');
  return role;
}

/** The enterprise's records are the actor's to see: inside the area scope, and the actor's own enterprise if it has one. */
export function assertEnterpriseAccess(
  actor: Actor,
  role: LogisticsRole,
  enterprise: { id: string; area_path: string },
): void {
  assertInScope(actor, enterprise.area_path);
  if (role.enterpriseId && role.enterpriseId !== enterprise.id) throw new AppError('OUT_OF_SCOPE');
}

export function today(s: Services): string {
  return dateInZone(s.clock.now(), s.config.timeZone);
}

function fault(code: ErrorCode, field: string, params: Record<string, string> = {}): AppError {
  return new AppError(code, { field, ...params }, { faults: [{ field, code, params: { field, ...params } }] });
}

// ---- views -------------------------------------------------------------------------------------

function enterpriseView(s: Services, r: EnterpriseRow): EnterpriseView {
  return {
    id: r.id,
    name: r.name,
    creditCode: r.credit_code,
    category: r.category as EnterpriseCategory,
    areaId: r.area_id,
    areaName: r.area_name,
    county: r.county,
    countyName: divisionName(r.county),
    address: r.address,
    contactName: r.contact_name,
    contactPhone: maskPhone(s.cipher.decrypt(r.contact_phone_enc)) ?? '',
    status: r.status as EnterpriseStatus,
    vehicles: r.vehicles,
    drivers: r.drivers,
    createdAt: Number(r.created_at),
  };
}

export function vehicleView(r: VehicleRow): VehicleView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    plate: r.plate,
    plateKind: r.plate_kind as 'standard' | 'new_energy',
    trailerPlate: r.trailer_plate,
    type: r.vehicle_type as VehicleType,
    loadKg: Number(r.load_kg),
    status: r.status as VehicleStatus,
    createdAt: Number(r.created_at),
  };
}

function driverView(s: Services, r: DriverRow): DriverView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    name: r.name,
    idType: r.id_type as DriverView['idType'],
    idNumber: maskIdNumber(s.cipher.decrypt(r.id_number_enc)) ?? '',
    phone: maskPhone(s.cipher.decrypt(r.phone_enc)) ?? '',
    resident: r.person_id !== null,
    licenceClass: r.licence_class as LicenceClass,
    status: r.status as VehicleStatus,
    createdAt: Number(r.created_at),
  };
}

// ---- enterprises -------------------------------------------------------------------------------

export async function createEnterprise(s: Services, actor: Actor, body: EnterpriseBody): Promise<EnterpriseView> {
  assertCan(actor, 'logistics.review');
  const code = checkCreditCode(body.creditCode);
  if (!code.ok) throw fault(code.code, 'creditCode', code.expected ? { expected: code.expected } : {});
  const phone = checkMobile(body.contactPhone);
  if (!phone.ok) throw fault('PHONE_FORMAT', 'contactPhone');
  const area = await areaById(s.db, body.areaId);
  if (!area) throw new AppError('AREA_NOT_FOUND');
  assertInScope(actor, area.path);
  const county = countyOfPath(area.path);
  if (!county) throw fault('ENTERPRISE_AREA_NO_COUNTY', 'areaId');
  const now = s.clock.now();
  const id = newId(now);
  try {
    await s.db.transaction().execute(async (trx) => {
      await store.insertEnterprise(trx, {
        id,
        credit_code: code.value,
        name: body.name.trim(),
        category: body.category,
        area_id: area.id,
        area_path: area.path,
        county,
        address: body.address?.trim() ?? '',
        contact_name: body.contactName.trim(),
        contact_phone_enc: s.cipher.encrypt(phone.value),
        contact_phone_hmac: phoneLookup(s.cipher, phone.value),
        status: 'active',
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
      });
      await s.audit(trx, auditActor(actor), {
        action: 'logistics.enterprise.create',
        objectType: 'enterprise',
        objectId: id,
        detail: { creditCode: code.value, name: body.name.trim(), category: body.category, areaId: area.id, county },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fault('CREDIT_CODE_TAKEN', 'creditCode');
    throw err;
  }
  return enterpriseView(s, (await store.enterpriseById(s.db, id))!);
}

export async function listEnterprises(
  s: Services,
  actor: Actor,
  q: EnterpriseListQuery,
  page: Paging,
): Promise<Page<EnterpriseView>> {
  assertCan(actor, 'logistics.read');
  const role = await logisticsRoleOf(s.db, actor);
  const scopePath = await listingScope(s.db, actor, q.areaId);
  const { rows, total } = await store.listEnterprises(
    s.db,
    { scopePath, enterpriseId: role.enterpriseId ?? undefined, category: q.category, q: q.q },
    page,
  );
  return { items: rows.map((r) => enterpriseView(s, r)), total, ...page };
}

/** The enterprise, if the actor may see it (404 when it does not exist, 403 outside the actor's reach). */
export async function enterpriseFor(s: Services, ex: Executor, actor: Actor, id: string): Promise<EnterpriseRow> {
  const role = await logisticsRoleOf(ex, actor);
  const row = await store.enterpriseById(ex, id);
  if (!row) throw new AppError('ENTERPRISE_NOT_FOUND');
  assertEnterpriseAccess(actor, role, row);
  return row;
}

export async function getEnterprise(s: Services, actor: Actor, id: string): Promise<EnterpriseView> {
  assertCan(actor, 'logistics.read');
  return enterpriseView(s, await enterpriseFor(s, s.db, actor, id));
}

/** An enterprise's vehicles and drivers are changed by its own account or by a reviewer. */
function assertMayManage(actor: Actor): void {
  try {
    assertCan(actor, 'logistics.enterprise');
  } catch {
    assertCan(actor, 'logistics.review');
  }
}

// ---- vehicles ----------------------------------------------------------------------------------

export async function addVehicle(
  s: Services,
  actor: Actor,
  enterpriseId: string,
  body: VehicleBody,
): Promise<VehicleView> {
  assertMayManage(actor);
  const enterprise = await enterpriseFor(s, s.db, actor, enterpriseId);
  if (enterprise.status !== 'active') throw new AppError('ENTERPRISE_SUSPENDED');
  const plates = checkVehiclePlates(body.type, body.plate, body.trailerPlate);
  if (!plates.ok) throw fault(plates.code, plates.field);
  const now = s.clock.now();
  const id = newId(now);
  try {
    await s.db.transaction().execute(async (trx) => {
      await store.insertVehicle(trx, {
        id,
        enterprise_id: enterprise.id,
        plate: plates.plate,
        plate_kind: plates.plateKind,
        trailer_plate: plates.trailerPlate,
        vehicle_type: body.type,
        load_kg: body.loadKg,
        status: 'active',
        created_at: now,
        updated_at: now,
      });
      await s.audit(trx, auditActor(actor), {
        action: 'logistics.vehicle.create',
        objectType: 'vehicle',
        objectId: id,
        detail: {
          enterpriseId: enterprise.id,
          plate: plates.plate,
          trailerPlate: plates.trailerPlate,
          type: body.type,
        },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fault('PLATE_TAKEN', 'plate');
    throw err;
  }
  return vehicleView((await store.vehicleById(s.db, id))!);
}

export async function listVehicles(
  s: Services,
  actor: Actor,
  q: OwnedListQuery,
  page: Paging,
): Promise<Page<VehicleView>> {
  assertCan(actor, 'logistics.read');
  const enterpriseId = await ownedFilter(s, actor, q.enterpriseId);
  const { rows, total } = await store.listVehicles(s.db, { scopePath: actor.areaPath, enterpriseId }, page);
  return { items: rows.map(vehicleView), total, ...page };
}

/** The enterprise a list is narrowed to: the account's own, or one the actor names and may see. */
async function ownedFilter(s: Services, actor: Actor, named: string | undefined): Promise<string | undefined> {
  const role = await logisticsRoleOf(s.db, actor);
  if (named) {
    await enterpriseFor(s, s.db, actor, named);
    return named;
  }
  return role.enterpriseId ?? undefined;
}

// ---- drivers -----------------------------------------------------------------------------------

export async function addDriver(
  s: Services,
  actor: Actor,
  enterpriseId: string,
  body: DriverBody,
): Promise<DriverView> {
  assertMayManage(actor);
  const enterprise = await enterpriseFor(s, s.db, actor, enterpriseId);
  if (enterprise.status !== 'active') throw new AppError('ENTERPRISE_SUSPENDED');
  let idNumber = body.idNumber.replace(/\s+/g, '').toUpperCase();
  if (body.idType === 'resident_id') {
    const id = checkResidentId(idNumber, today(s));
    if (!id.ok) throw fault(id.code, 'idNumber', Object.fromEntries(Object.entries(id.params ?? {})));
    idNumber = id.value;
  } else if (!/^[A-Z0-9]{5,20}$/.test(idNumber)) throw fault('ID_NUMBER_FORMAT', 'idNumber');
  const phone = checkMobile(body.phone);
  if (!phone.ok) throw fault('PHONE_FORMAT', 'phone');
  const idHmac = idLookup(s.cipher, body.idType, idNumber);
  // A resident driver is the registry's person: the identity comes through the registry.
  const person = body.idType === 'resident_id' ? await personByIdHmac(s.db, [idHmac]) : undefined;
  const now = s.clock.now();
  const id = newId(now);
  try {
    await s.db.transaction().execute(async (trx) => {
      await store.insertDriver(trx, {
        id,
        enterprise_id: enterprise.id,
        person_id: person?.id ?? null,
        name: body.name.trim(),
        id_type: body.idType,
        id_number_enc: s.cipher.encrypt(idNumber),
        id_hmac: idHmac,
        phone_enc: s.cipher.encrypt(phone.value),
        phone_hmac: phoneLookup(s.cipher, phone.value),
        licence_class: body.licenceClass,
        status: 'active',
        created_at: now,
        updated_at: now,
      });
      await s.audit(trx, auditActor(actor), {
        action: 'logistics.driver.create',
        objectType: 'driver',
        objectId: id,
        detail: { enterpriseId: enterprise.id, resident: person !== undefined, licenceClass: body.licenceClass },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fault('DRIVER_TAKEN', 'idNumber');
    throw err;
  }
  return driverView(s, (await store.driverById(s.db, id))!);
}

export async function listDrivers(
  s: Services,
  actor: Actor,
  q: OwnedListQuery,
  page: Paging,
): Promise<Page<DriverView>> {
  assertCan(actor, 'logistics.read');
  const enterpriseId = await ownedFilter(s, actor, q.enterpriseId);
  const { rows, total } = await store.listDrivers(s.db, { scopePath: actor.areaPath, enterpriseId }, page);
  return { items: rows.map((r) => driverView(s, r)), total, ...page };
}

// ---- accounts and the forms' rules -------------------------------------------------------------

/** Links an account to the enterprise it acts for, or to the department it reviews for (CLI, demo). */
export async function linkAccount(
  s: Services,
  ex: Executor,
  userId: string,
  link: { enterpriseId?: string | null; department?: string | null },
): Promise<void> {
  await store.putAccount(ex, {
    user_id: userId,
    enterprise_id: link.enterpriseId ?? null,
    department: link.department ?? null,
    created_at: s.clock.now(),
  });
}

export async function logisticsRules(s: Services, actor: Actor): Promise<LogisticsRulesView> {
  assertCan(actor, 'logistics.read');
  const role = await logisticsRoleOf(s.db, actor);
  const policy = logisticsPolicy();
  const day = today(s);
  const period = periodOn(policy, day);
  return {
    version: policy.version,
    today: day,
    departments: policy.departments,
    cargoCategories: policy.cargoCategories.map((c) => ({ ...c, department: period.departmentOf[c.code] ?? '' })),
    validity: period.validity,
    applyAheadDays: period.applyAheadDays,
    enterpriseId: role.enterpriseId,
    department: role.department,
  };
}

/**
 * The terminal's link of an account (by username) to an enterprise or a department: an enterprise
 * account needs its enterprise; audited like any change of who may act for whom.
 */
export async function linkAccountByUsername(
  s: Services,
  by: AuditActor,
  username: string,
  link: { enterpriseId?: string; department?: string },
): Promise<void> {
  const user = await userByUsername(s.db, username);
  if (!user) throw new AppError('NOT_FOUND', { what: username });
  if (link.enterpriseId && !(await store.enterpriseById(s.db, link.enterpriseId)))
    throw new AppError('ENTERPRISE_NOT_FOUND');
  if (link.department && !logisticsPolicy().departments.some((d) => d.code === link.department))
    throw new AppError('VALIDATION', { detail: `unknown department ${link.department}` });
  await s.db.transaction().execute(async (trx) => {
    await linkAccount(s, trx, user.id, link);
    await s.audit(trx, by, {
      action: 'logistics.account.link',
      objectType: 'app_user',
      objectId: user.id,
      detail: { enterpriseId: link.enterpriseId ?? null, department: link.department ?? null },
    });
  });
}
