// Types of the HTTP API (docs/openapi.json, served at /api/v1/openapi.json). Times are epoch milliseconds.

export type Permission =
  | 'registry.read' | 'registry.write' | 'registry.import' | 'registry.export'
  | 'person.reveal' | 'user.manage' | 'audit.read' | 'area.manage'
  | 'testing.plan' | 'rules.manage'
  | 'testing.round' | 'testing.view' | 'testing.sample' | 'testing.custody' | 'testing.lab' | 'testing.report' | 'testing.doorknock'
  | 'venue.manage' | 'venue.approve' | 'checkin.create' | 'checkin.export' | 'command.view'
  | 'case.manage' | 'case.read' | 'contact.call'
  | 'riskarea.manage'
  | 'health.read' | 'health.override' | 'health.approve' | 'health.recompute' | 'appeal.review' | 'recolour.approve';

export const ROLES = [
  'command', 'investigator', 'community_worker', 'lab', 'venue_operator', 'checkpoint',
  'quarantine_site', 'logistics', 'volunteer_coordinator', 'auditor', 'admin', 'resident',
  'sampler',
] as const;
export type Role = (typeof ROLES)[number];

export const CARE_TAGS = ['elderly_alone', 'bedridden', 'pregnant', 'dialysis', 'no_smartphone'] as const;
export type CareTag = (typeof CARE_TAGS)[number];

export const ID_TYPES = ['resident_id', 'passport', 'other', 'none'] as const;
export type IdType = (typeof ID_TYPES)[number];

export type Sex = 'M' | 'F';

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

export interface LoginResponse {
  user: Me;
  csrfToken: string;
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

export interface AreaDetail {
  area: Area;
  ancestors: Area[];
  counts: { children: number; buildings: number; households: number; persons: number };
}

export interface BuildingRow {
  id: string;
  name: string;
  /** The residential compound (小区); '' when not known. */
  compound: string;
  /** As a citizen names it: "瑞景家园 1号楼". */
  label: string;
  address: string;
  areaId: string;
  areaName: string;
  households: number;
  persons: number;
}

export interface HouseholdSummary {
  id: string;
  unit: string;
  door: string;
  address: string;
  rooms: number | null;
  headName: string | null;
  members: number;
  careTags: string[];
}

export interface BuildingDetail {
  building: { id: string; name: string; compound: string; label: string; address: string; areaId: string };
  ancestors: Area[];
  /** The requested page of the building's households (up to 500). */
  households: HouseholdSummary[];
  householdsTotal: number;
}

export interface PersonView {
  id: string;
  name: string;
  sex: Sex | null;
  birthDate: string | null;
  age: number | null;
  idType: string;
  idNumber: string | null;
  phone: string | null;
  relation: string | null;
  careTags: string[];
  note: string | null;
  householdId: string | null;
  areaId: string;
  areaName: string;
  address: string | null;
}

export interface HouseholdDetail {
  household: {
    id: string;
    buildingId: string | null;
    buildingName: string | null;
    areaId: string;
    unit: string;
    door: string;
    address: string;
    rooms: number | null;
    headPersonId: string | null;
  };
  ancestors: Area[];
  members: PersonView[];
}

export interface NewPerson {
  householdId?: string;
  areaId?: string;
  name: string;
  idType?: IdType;
  idNumber?: string;
  sex?: Sex;
  birthDate?: string;
  phone?: string;
  relation?: string;
  careTags?: CareTag[];
  note?: string;
}

export interface Revealed {
  idNumber: string | null;
  phone: string | null;
}

export interface ImportResult {
  dryRun: boolean;
  partial: boolean;
  rows: number;
  imported: number;
  rejected: number;
  /** Households and buildings created (or that would be). */
  households: number;
  buildings: number;
  /** Households and buildings the rows go into, new or already registered. */
  householdsInFile: number;
  buildingsInFile: number;
  /** The first faults (at most 1000); totalErrors counts them all. */
  errors: Fault[];
  totalErrors: number;
  warnings: Fault[];
  rejectsCsv: string | null;
}

export interface AuditEvent {
  seq: number;
  /** ISO 8601 with offset. */
  at: string;
  actorId: string | null;
  actorName: string;
  actorRole: string;
  action: string;
  objectType: string;
  objectId: string | null;
  /** What the object is (a household's address, a person's masked name, a username); null when unknown. */
  objectLabel: string | null;
  reason: string;
  detail: unknown;
  hash: string;
}

export interface AuditEventPage {
  items: AuditEvent[];
  limit: number;
  /** Pass as beforeSeq for the next (older) page; null on the last one. */
  nextBeforeSeq: number | null;
}

/** The auditor's filters (empty strings are left out). */
export interface AuditFilter {
  action?: string;
  actor?: string;
  objectType?: string;
  objectId?: string;
  /** YYYY-MM-DD or an ISO time with offset. */
  from?: string;
  to?: string;
  q?: string;
}

/** What an administrator may change of an account. */
export interface UserPatch {
  displayName?: string;
  role?: Role;
  areaCode?: string;
  disabled?: boolean;
  unlock?: true;
}

export interface AuditVerify {
  ok: boolean;
  events: number;
  brokenAt?: number;
  problem?: string;
  /** The anchor that found the break, or that was refused (file:line). */
  anchor?: string;
  headHash?: string;
  /** The first event hashed with the audit key. */
  keyedFrom?: number | null;
  /** The check against the server's anchor directory; absent when it has none. */
  anchors?: { checked: number; newestSeq: number | null; newestAt: string | null };
}

/** A user as user management lists it: the Me fields plus the account's state. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  areaId: string;
  areaCode: string;
  areaName: string;
  areaPath: string;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  /** An administrator set the password; the user must choose their own at the next sign-in. */
  mustChangePassword: boolean;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  areaCode: string;
  password?: string;
}

export interface CreatedUser {
  user: UserView;
  /** The generated password, shown once; null when the administrator chose it. */
  password: string | null;
}

/** GET /testing/pool-advisor: expected tests per person by pool size, and the recommended size. */
export type PoolReason =
  | 'lowest_expected_tests' | 'prevalence_above_threshold' | 'no_gain' | 'ct_dilution' | 'mandated_single_tube' | 'capped_by_mandate';

export interface PoolRecommendation {
  poolSize: number;
  testsPerPerson: number;
  saving: number;
  reason: PoolReason;
}

export interface PoolAdvice {
  prevalence: number;
  sizeMode: 'validated' | 'any' | 'list';
  ctCutoff: number;
  typicalCt: number;
  maxCtShift: number | null;
  sensitivity: number;
  specificity: number;
  threshold: number;
  rows: Array<{
    k: number;
    dorfman: number;
    threeStage: number | null;
    threeStageSubPool: number | null;
    squareArray: number | null;
    tubesPer10k: number;
    retestsPer10k: number;
    ctShift: number;
    dilutedCt: number;
    allowed: boolean;
  }>;
  recommendation: PoolRecommendation;
  controlLevels: Array<PoolRecommendation & { controlLevel: string; mandatedPoolSize: number; householdTube: boolean }>;
  theory: { approximateOptimalPoolSize: number; approximateTestsPerPerson: number; optimalPoolSize: number | null; optimalTestsPerPerson: number };
  rules: { version: string; effectiveFrom: string };
}

export interface PoolAdvisorQuery {
  prevalence: string;
  ctCutoff?: string;
  typicalCt?: string;
  sizes?: string;
}

// ---- venues, check-in, live occupancy (issue 3) ----

/** A name in both languages, as the server's category and level tables carry it. */
export interface Bilingual {
  zh: string;
  en: string;
}

export type VenueStatus = 'pending' | 'approved' | 'suspended';
export type CrowdLevel = 'relaxed' | 'moderate' | 'crowded' | 'full';
export type CodeColour = 'green' | 'yellow' | 'red';

export interface Venue {
  id: string;
  name: string;
  category: string;
  categoryName: Bilingual;
  address: string;
  areaId: string;
  areaName: string;
  capacity: number;
  operatorUserId: string | null;
  status: VenueStatus;
  registeredBy: string | null;
  responsiblePerson: string | null;
  /** Masked (138****1234). */
  contactPhone: string | null;
  licenceNo: string | null;
  approvedBy: string | null;
  approvedAt: number | null;
  codeVersion: number;
  requiresPresence: boolean;
  dwellMinutes: number;
  dwellOverride: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewVenue {
  name: string;
  category: string;
  address?: string;
  areaId: string;
  capacity: number;
  requiresPresence?: boolean;
  responsiblePerson?: string;
  contactPhone?: string;
  licenceNo?: string;
}

export interface VenueCategory {
  key: string;
  name: Bilingual;
  entryPolicy: { allowedColours: string[]; testWithinHours: number | null; vaccinationRequired: boolean };
  defaultDwellMinutes: number;
}

export interface VenueCategories {
  version: string;
  effectiveFrom: string;
  items: VenueCategory[];
}

export interface VenueCode {
  venueId: string;
  url: string;
  codeVersion: number;
  requiresPresence: boolean;
}

export interface ScreenCode {
  venueId: string;
  url: string;
  validUntil: number;
  refreshAfterMs: number;
}

export interface Occupancy {
  venueId: string;
  venueName: string;
  count: number;
  capacity: number;
  level: CrowdLevel;
}

/** What the door shows after a scan (POST /checkins, POST /checkins/self). */
export interface Verification {
  checkinId: string;
  decision: 'admitted' | 'refused' | 'exited';
  colour: CodeColour;
  maskedName: string;
  latestTest: { sampledAt: number; result: string; hoursAgo: number } | null;
  vaccinated: boolean | null;
  venueId: string;
  venueName: string;
  method: string;
  reasons: Array<{ code: string; message: string }>;
  /** Entry time; for a refused scan, when it was scanned. */
  at: number;
  /** For 'exited': when the visit was closed. */
  exitedAt?: number | null;
  /** A repeat: the previous answer given again, nothing stored. */
  duplicate: boolean;
}

/** GET /me/scan: the venue a code names and what the resident's scan will do there. */
export interface MyScan {
  venueId: string;
  venueName: string;
  next: 'enter' | 'exit' | 'repeat-entry' | 'repeat-exit';
  enteredAt: number | null;
}

/** An assisted check-in as the guard's device sends it (possibly later, from its queue). */
export interface AssistedCheckin {
  code: string;
  personalCode?: string;
  idNumber?: string;
  clientId?: string;
  scannedAt?: number;
  /** A queued scan: the device queue that signed it and the signature (scanSignature.ts). */
  deviceId?: string;
  scanSig?: string;
}

/** POST /checkins/queue-key: the key a guard's device signs its queued scans with. */
export interface QueueKey {
  deviceId: string;
  key: string;
  issuedAt: number;
  validUntil: number;
  queuedScanMinutes: number;
}

/** Step one of resident registration: the person as registered and the registry's phone. */
export interface RegistrationStart {
  phone: string;
  name: string;
  idNumber: string;
}

/** A one-time code was sent (if the details matched the registry) to `sentTo` (masked). */
export interface Challenge {
  challengeId: string;
  expiresAt: string;
  sentTo: string;
}

/** Step two: the texted code and the new account's password. */
export interface RegistrationVerify {
  challengeId: string;
  code: string;
  password: string;
}

/** A community worker's door registration or re-binding of a resident account. */
export interface DoorAccount {
  userId: string;
  personId: string;
  created: boolean;
  phone: string;
  password: string | null;
  sessionsEnded: number;
}

export interface MyPerson {
  person: { id: string; name: string; maskedName: string };
  dependants: Array<{ id: string; name: string; relation: string; age: number | null }>;
}

export interface PersonalCode {
  token: string;
  /** ISO 8601. */
  expiresAt: string;
  personId: string;
  /** The colour and latest test signed into the code (健康码). */
  colour?: 'green' | 'yellow' | 'red';
  latestTest?: { sampledAt: string; result: 'negative' | 'positive' } | null;
}

export interface LiveVenue {
  id: string;
  name: string;
  category: string;
  categoryName: Bilingual;
  areaName: string;
  count: number;
  capacity: number;
  level: CrowdLevel;
}

export interface TodayCurve {
  hours: Array<{ hour: string; entries: number; peak: number }>;
}
