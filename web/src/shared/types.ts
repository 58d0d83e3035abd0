// Types of the HTTP API (docs/openapi.json, served at /api/v1/openapi.json). Times are epoch milliseconds.
// Only the types every domain shares (the signed-in user and roles, pages, problems, areas, names in two
// languages, code colours); each domain's own are in its folder (registry/types.ts, access/types.ts, ...).

export type Permission =
  | 'registry.read'
  | 'registry.write'
  | 'registry.import'
  | 'registry.export'
  | 'person.reveal'
  | 'user.manage'
  | 'audit.read'
  | 'area.manage'
  | 'testing.plan'
  | 'rules.manage'
  | 'testing.round'
  | 'testing.view'
  | 'testing.sample'
  | 'testing.custody'
  | 'testing.lab'
  | 'testing.report'
  | 'testing.doorknock'
  | 'venue.manage'
  | 'venue.approve'
  | 'checkin.create'
  | 'checkin.export'
  | 'command.view'
  | 'case.manage'
  | 'case.read'
  | 'contact.call'
  | 'riskarea.manage'
  | 'health.read'
  | 'health.override'
  | 'health.approve'
  | 'health.recompute'
  | 'appeal.review'
  | 'recolour.approve'
  | 'quarantine.read'
  | 'quarantine.manage'
  | 'quarantine.order'
  | 'quarantine.allocate'
  | 'quarantine.site'
  | 'quarantine.home'
  | 'logistics.read'
  | 'logistics.enterprise'
  | 'logistics.review'
  | 'checkpoint.check'
  | 'logistics.reserves'
  | 'logistics.stock'
  | 'volunteer.manage'
  | 'volunteer.post'
  | 'volunteer.self';

export const ROLES = [
  'command',
  'investigator',
  'community_worker',
  'lab',
  'venue_operator',
  'checkpoint',
  'quarantine_site',
  'logistics',
  'volunteer_coordinator',
  'auditor',
  'admin',
  'resident',
  'sampler',
  'enterprise',
  'warehouse',
  'volunteer',
] as const;
export type Role = (typeof ROLES)[number];

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** One fault of a problem document: a field of a form, or a row and column of an upload. */
export interface Fault {
  row?: number;
  column?: string;
  field?: string;
  code: string;
  message: string;
}

/** RFC 9457 problem+json as the server sends it; extra members (e.g. lockedUntil, existing) may follow. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail: string;
  errors?: Fault[];
  [extra: string]: unknown;
}

export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  areaId: string;
  areaCode: string;
  areaName: string;
  areaPath: string;
  /** An administrator set the password: the user must choose a new one before anything else. */
  mustChangePassword: boolean;
}

export interface MeResponse {
  user: Me;
  csrfToken: string | null;
  permissions: Permission[];
}

export interface Area {
  id: string;
  code: string;
  name: string;
  level: string;
  parentId: string | null;
  path: string;
  childCount: number;
}

/** A name in both languages, as the server's category and level tables carry it. */
export interface Bilingual {
  zh: string;
  en: string;
}

export type CodeColour = 'green' | 'yellow' | 'red';
