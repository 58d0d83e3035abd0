// Roles, what each may do, and the area-subtree scope rule. Pure: no I/O.
import { maskPhone } from '../platform/mask.ts';
import { judgePassword } from './password.rules.ts';

export const ROLES = [
  'command', // 指挥部 command centre
  'investigator', // 流调员 epidemiological investigator
  'community_worker', // 社区/网格员 community worker
  'lab', // 检测/实验室 testing and lab staff
  'venue_operator', // 场所经营者 venue operator
  'checkpoint', // 卡口 checkpoint staff
  'quarantine_site', // 隔离点 quarantine-site staff
  'logistics', // 物资保障 logistics
  'volunteer_coordinator', // 志愿者协调 volunteer coordinator
  'auditor', // 审计 auditor
  'admin', // 系统管理员 administrator
  'resident', // 居民 resident
  'sampler', // 采样员 sampling-table staff and the emergency sampling squad
  'enterprise', // 物资企业 a supply enterprise's own account (its portal: its vehicles, drivers, passes)
  'warehouse', // 仓储 warehouse staff of the supply reserves (物资储备)
  'volunteer', // 志愿者 an approved volunteer's own account (their tasks, accept or decline, hours)
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'registry.read', // browse areas, buildings, households, persons (masked)
  'registry.write', // create and change households and persons
  'registry.import', // import rosters
  'registry.export', // export rosters
  'person.reveal', // see a full ID number or phone, with a reason, audited
  'user.manage', // create users, reset passwords, issue API tokens for others
  'audit.read', // read and verify the audit log
  'area.manage', // change the area tree
  'venue.manage', // register venues, reissue their codes, see venue lists
  'venue.approve', // approve or suspend venues (code goes live or stops)
  'checkin.create', // assisted check-in at a venue door, scan-out (guard)
  'checkin.export', // export check-ins (person references, not identities)
  'command.view', // the command centre's city-wide views (most crowded venues, …)
  'testing.plan', // size testing rounds: the pool-size advisor (arithmetic, no personal data)
  'rules.manage', // choose the deployment's active rule set (防控方案 edition), audited with a reason
  'case.manage', // register cases, change their status, trace them, review and enter contacts (流调)
  'case.read', // read cases and their contacts (masked), within the area of the case's person
  'contact.call', // work the call list of contacts (通知): see the tasks of the area, record call outcomes, export
  'riskarea.manage', // designate, re-level and lift risk areas (中高风险区), run downgrades, read their history
  'testing.round', // create, change and close testing rounds (全员核酸); sites, tables, staff; planner
  'testing.view', // read rounds, plans, coverage, tubes, boxes, custody, pools and tasks (names masked)
  'testing.sample', // sample at a table: open tubes, scan people, close tubes, pack boxes, re-sample at home
  'testing.custody', // hand boxes of tubes to transport and receive them at the lab
  'testing.lab', // upload lab results of tubes
  'testing.report', // one-click report of a suspected-positive pool (一键即报); the open-pool command view
  'testing.doorknock', // door-knock list of a building and visit marks (敲门行动)
  'health.read', // a person's health code colour (健康码) with reasons, end conditions, latest test and history
  'health.override', // request a manual colour change with a written legal basis (needs a second person's approval)
  'health.approve', // approve or reject another user's manual colour change request
  'health.recompute', // recompute colours under the active rule set (all people or some)
  'appeal.review', // answer residents' appeals about their colour (uphold, or request a correction)
  'recolour.approve', // approve or reject mass recolouring held by the circuit breaker (command centre)
  'quarantine.read', // quarantine sites, rooms, orders and capacity (names masked); designated hospitals
  'quarantine.manage', // create and change quarantine sites, rooms, staff rosters and designated hospitals
  'quarantine.order', // issue, extend, cancel and release quarantine orders (隔离医学观察)
  'quarantine.allocate', // allocate people under orders to rooms, move them, plan transfers (转运)
  'quarantine.site', // a site's daily work: health checks, alerts, requests, disinfection, medical waste, staff health
  'quarantine.home', // the community's homes under orders: door seals, reports, visits, deliveries, breaches
  'logistics.read', // supply enterprises, their vehicles, drivers (masked) and passes
  'logistics.enterprise', // an enterprise's portal: register its vehicles and drivers, apply for passes
  'logistics.review', // register enterprises; issue, refuse and revoke passes for the cargo's department
  'checkpoint.check', // verify vehicle passes at a checkpoint (卡口)
  'logistics.reserves', // supply reserves: warehouses, their stock and movements, days of supply, alerts (read)
  'logistics.stock', // register warehouses and record stock movements (in, out, transfer, distribution)
  'volunteer.manage', // vet volunteers' sign-ups, see the volunteers of the area, propose and confirm matches
  'volunteer.post', // post needs of volunteers (需求) for a unit of the area, read the area's needs
  'volunteer.self', // a volunteer's own page: their tasks, accept or decline, hours
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  command: [
    'registry.read',
    'registry.export',
    'person.reveal',
    'venue.manage',
    'venue.approve',
    'checkin.export',
    'testing.plan',
    'rules.manage',
    'command.view',
    'case.manage',
    'case.read',
    'riskarea.manage',
    'testing.round',
    'testing.view',
    'testing.report',
    'testing.doorknock',
    'contact.call',
    'health.read',
    'health.override',
    'health.approve',
    'health.recompute',
    'appeal.review',
    'recolour.approve',
    'quarantine.read',
    'quarantine.manage',
    'quarantine.order',
    'quarantine.allocate',
    'quarantine.site',
    'quarantine.home',
    'logistics.read',
    'logistics.enterprise',
    'logistics.review',
    'checkpoint.check',
    'logistics.reserves',
    'volunteer.manage',
    'volunteer.post',
  ],
  investigator: [
    'registry.read',
    'person.reveal',
    'checkin.export',
    'case.manage',
    'case.read',
    'contact.call',
    'health.read',
    'health.override',
    'health.approve',
    'appeal.review',
    'quarantine.read',
    'quarantine.order',
  ],
  community_worker: [
    'registry.read',
    'registry.write',
    'registry.import',
    'registry.export',
    'person.reveal',
    'venue.manage',
    'venue.approve',
    'checkin.create',
    'case.read',
    'testing.view',
    'testing.doorknock',
    'contact.call',
    'health.read',
    'quarantine.read',
    'quarantine.home',
    'volunteer.post',
  ],
  lab: ['registry.read', 'testing.plan', 'testing.view', 'testing.custody', 'testing.lab', 'testing.report'],
  venue_operator: ['venue.manage', 'checkin.create'],
  checkpoint: ['registry.read', 'health.read', 'checkpoint.check'],
  quarantine_site: ['registry.read', 'health.read', 'quarantine.read', 'quarantine.site', 'volunteer.post'],
  logistics: ['logistics.read', 'logistics.review', 'checkpoint.check', 'logistics.reserves', 'logistics.stock'],
  volunteer_coordinator: ['registry.read', 'health.read', 'volunteer.manage', 'volunteer.post'],
  auditor: ['audit.read', 'registry.read'],
  admin: [
    'registry.read',
    'registry.write',
    'registry.import',
    'registry.export',
    'user.manage',
    'audit.read',
    'area.manage',
    'venue.manage',
    'testing.plan',
    'rules.manage',
    'command.view',
    'testing.round',
    'testing.view',
    'health.recompute',
    'quarantine.read',
    'quarantine.manage',
  ],
  resident: [],
  sampler: ['testing.view', 'testing.sample', 'testing.custody'],
  enterprise: ['logistics.read', 'logistics.enterprise'],
  warehouse: ['logistics.reserves', 'logistics.stock'],
  volunteer: ['volunteer.self'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** An area path is inside a scope when the scope's path is a prefix of it (paths end with "/"). */
export function inScope(scopePath: string, areaPath: string): boolean {
  return areaPath.startsWith(scopePath);
}

/** The signed-in user or API token behind a request. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  /** The root of the area subtree this actor may see. */
  areaId: string;
  areaPath: string;
  /** 'session' needs a CSRF token on unsafe methods; 'token' (API token) does not. */
  via: 'session' | 'token';
  /** An administrator set the password: nothing but choosing a new one is allowed until then. */
  mustChangePassword?: boolean;
}

/** Usernames: 3–32 of a–z, 0–9, "_", "." and "-" (normalised to lower case first). */
export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;

export function normaliseUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isValidUsername(username: string): boolean {
  return USERNAME_PATTERN.test(username);
}

/**
 * Long enough and hard enough to guess (password.rules.ts: judgePassword says why not); length counts
 * characters, not bytes. `userInputs` are the account's own words (username, name, phone).
 */
export function isStrongPassword(password: string, userInputs: readonly (string | null | undefined)[] = []): boolean {
  return judgePassword(password, userInputs).ok;
}

export interface LockoutPolicy {
  /** Consecutive failures (of one account from one address) that lock it there; 0 turns lockout off. */
  maxFailures: number;
  lockMs: number;
}

/** Failures whose last one is older than this are forgotten (and their row may be purged). */
export const FAILURE_MEMORY_MS = 24 * 3600_000;

export interface LoginFailureState {
  failedLogins: number;
  lockedUntil: number | null;
  /** When the last counted failure happened; older than FAILURE_MEMORY_MS and they no longer count. */
  lastFailureAt?: number | null;
}

export function isLocked(lockedUntil: number | null, now: number): boolean {
  return lockedUntil !== null && lockedUntil > now;
}

/**
 * The state after one more failed login. Failures before a lock that has since run out do not count
 * again, so an expired lock gives the full number of attempts back; nor do failures forgotten after
 * FAILURE_MEMORY_MS.
 */
export function afterFailedLogin(
  state: LoginFailureState,
  now: number,
  policy: LockoutPolicy,
): LoginFailureState & { lockedNow: boolean } {
  const lockRanOut = state.lockedUntil !== null && state.lockedUntil <= now;
  const forgotten = state.lastFailureAt != null && now - state.lastFailureAt >= FAILURE_MEMORY_MS;
  const previous = lockRanOut || forgotten ? 0 : state.failedLogins;
  const failedLogins = previous + 1;
  if (policy.maxFailures > 0 && failedLogins >= policy.maxFailures) {
    return { failedLogins, lockedUntil: now + policy.lockMs, lockedNow: true };
  }
  return { failedLogins, lockedUntil: null, lockedNow: false };
}

/**
 * A username as the audit log may record it: resident usernames are mobile numbers, so anything that
 * looks like a phone number (7 or more digits, with "+", spaces or "-" at most) is masked.
 */
export function usernameForLog(username: string): string {
  const digits = username.replace(/[\s+-]/g, '');
  if (/^\d{7,}$/.test(digits)) return maskPhone(digits) ?? '***';
  return username;
}
