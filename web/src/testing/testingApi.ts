// The client for mass testing rounds (全员核酸, issue 5): rounds and their planner, sites and staff,
// sampling (online and the offline sync), boxes, lab results, suspected-positive pools and the
// one-click report (一键即报), re-sampling tasks, coverage and door-knocking. The same fetch, CSRF and
// problem+json handling as api.ts; the shapes follow the served OpenAPI document (docs/openapi.json).
import { json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';

export type ControlLevel = 'sealed' | 'controlled' | 'prevention' | 'quarantine_site' | 'key_group';
export const CONTROL_LEVELS: readonly ControlLevel[] = [
  'sealed',
  'controlled',
  'prevention',
  'quarantine_site',
  'key_group',
];
export type TubeMode = 'pool' | 'household' | 'single' | 'retest';
export type RoundStatus = 'planned' | 'open' | 'overdue' | 'closed';

export interface RoundArea {
  areaId: string;
  code: string;
  name: string;
  level: string;
  /** Materialised path of the area ("220400/220402/…/"). */
  path: string;
  controlLevel: ControlLevel;
}

export interface RoundView {
  id: string;
  name: string;
  status: RoundStatus;
  startsAt: number;
  deadlineAt: number;
  closedAt: number | null;
  areas: RoundArea[];
  previousRoundId: string | null;
  autoReport: boolean;
  target: number;
  rules: { pooling: string; testing: string };
  createdAt: number;
  /** The same figures as the round's page. */
  summary: RoundSummary;
}

export interface RoundSummary {
  target: number;
  sampled: number;
  resulted: number;
  negative: number;
  tubes: number;
  openTubes: number;
  positivePools: number;
  openPools: number;
  missing: number;
  /** Tubes whose result was accepted before box → transport → received was complete. */
  custodyGaps: number;
}

export interface NewRound {
  name: string;
  areas: Array<{ areaId: string; controlLevel?: ControlLevel }>;
  startsAt: number;
  deadlineAt?: number;
  previousRoundId?: string;
  autoReport?: boolean;
}

export interface Range {
  min: number;
  max: number;
}

export interface PlanRow {
  areaId: string | null;
  name: string;
  level: string | null;
  population: number;
  needed: { sites: Range; tables: Range; samplers: number };
  registered: { sites: number; tables: number; samplers: number };
  short: { sites: number; tables: number; samplers: number };
}

export interface Plan {
  norms: { peoplePerSite: Range; peoplePerTable: Range; peoplePerSampler: number };
  rows: PlanRow[];
  total: PlanRow;
}

export interface Table {
  id: string;
  siteId: string;
  name: string;
}

export interface Site {
  id: string;
  areaId: string;
  areaName: string;
  name: string;
  address: string | null;
  kind: 'ordinary' | 'quarantine_site' | 'key_group';
  tables: Table[];
}

export type Duty = 'sampler' | 'registrar' | 'squad';

export interface Staff {
  id: string;
  roundId: string;
  userId: string;
  displayName: string;
  siteId: string | null;
  tableId: string | null;
  duty: Duty;
}

interface Expected {
  expectedTubes: number;
  expectedPositiveTubes: number;
  expectedRetests: number;
  expectedControlled: number;
  expectedTests: number;
}

/** The pool-size advisor applied to a round: per area its pool size and what to expect (null without a prevalence). */
export interface RoundPooling {
  prevalence: number | null;
  source: 'typed' | 'estimated' | 'none';
  estimate: {
    prevalence: number;
    resulted: number;
    positives: number;
    rounds: Array<{ id: string; name: string }>;
  } | null;
  areas: Array<
    { [K in keyof Expected]: number | null } & {
      areaId: string;
      name: string;
      level: string;
      controlLevel: ControlLevel;
      population: number;
      mandatedPoolSize: number;
      householdTube: boolean;
      recommendedPoolSize: number | null;
      reason: string | null;
      testsPerPerson: number | null;
    }
  >;
  totals: (Expected & { population: number; testsPerPerson: number }) | null;
  rules: { version: string; effectiveFrom: string };
}

/** An account the planner may staff the round with; `duties` are those it already has in the round. */
export interface StaffCandidate {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  areaId: string;
  areaName: string;
  duties: Duty[];
}

export interface Assignment {
  roundId: string;
  roundName: string;
  roundStatus: RoundStatus;
  siteId: string | null;
  siteName: string | null;
  tableId: string | null;
  tableName: string | null;
  duty: Duty;
}

export type TubeStatus = 'open' | 'closed' | 'boxed' | 'in_transit' | 'received' | 'resulted';

export interface Tube {
  id: string;
  roundId: string;
  barcode: string;
  siteId: string | null;
  tableId: string | null;
  areaId: string;
  mode: TubeMode;
  capacity: number;
  controlLevel: ControlLevel;
  status: TubeStatus;
  members: number;
  openedAt: number;
  openedBy: string;
  closedAt: number | null;
  boxId: string | null;
  result: 'negative' | 'positive' | null;
  ctN: number | null;
  ctOrf1ab: number | null;
  testedAt: number | null;
  resultedAt: number | null;
  poolId: string | null;
  taskId: string | null;
  rulesVersion: string;
  /** Custody steps the result was accepted without. */
  custodyMissing: CustodyStep[];
}

export type CustodyStep = 'boxed' | 'handed_over' | 'received';

export interface Member {
  personId: string;
  maskedName: string;
  householdId: string | null;
  sampledAt: number;
}

export interface Box {
  id: string;
  roundId: string;
  code: string;
  status: 'packing' | 'in_transit' | 'received';
  tubes: number;
  createdAt: number;
  createdBy: string;
  handedAt: number | null;
  handedBy: string | null;
  carrier: string | null;
  receivedAt: number | null;
  receivedBy: string | null;
  lab: string | null;
}

export type PoolStatus = 'detected' | 'reported' | 'released' | 'case_found';

export interface Pool {
  id: string;
  roundId: string;
  tubeId: string;
  barcode: string;
  areaId: string;
  areaName: string;
  siteName: string | null;
  members: number;
  /** Members living outside the reader's area: counted, not listed in the pool's members. */
  membersOutside: number;
  status: PoolStatus;
  detectedAt: number;
  reportedAt: number | null;
  releasedAt: number | null;
  ageMs: number;
  targetMs: number;
  overdue: boolean;
  retests: { total: number; sampled: number; negative: number; positive: number; pending: number };
}

export interface PoolMember {
  personId: string;
  maskedName: string;
  address: string;
  taskId: string | null;
  taskStatus: TaskStatus | null;
  sampledAt: number | null;
  result: 'negative' | 'positive' | null;
}

export interface Notification {
  id: string;
  kind: 'squad' | 'community' | 'police';
  recipient: string;
  areaId: string | null;
  createdAt: number;
  status: string;
}

export interface PoolDetail {
  pool: Pool;
  members: PoolMember[];
  notifications: Notification[];
}

export interface ReportOutcome {
  pool: Pool;
  alreadyReported: boolean;
  controlled: number;
  colourChanges: number;
  pendingApprovalId: string | null;
}

export type TaskStatus = 'open' | 'sampled' | 'negative' | 'positive' | 'cancelled';

export interface Task {
  id: string;
  kind: 'retest' | 'home';
  roundId: string;
  poolId: string | null;
  personId: string;
  maskedName: string;
  address: string;
  areaId: string;
  areaName: string;
  status: TaskStatus;
  createdAt: number;
  sampledAt: number | null;
  tubeId: string | null;
  barcode: string | null;
  resultAt: number | null;
  caseId: string | null;
}

export interface LabOutcome {
  uploadId: string | null;
  dryRun: boolean;
  rows: number;
  applied: number;
  repeated: number;
  negative: number;
  positive: number;
  people: number;
  pools: Array<{ id: string; barcode: string; members: number; reported: boolean }>;
  retests: { negative: number; positive: number };
  released: string[];
  cases: Array<{ personId: string; caseId: string | null; error: string | null }>;
  custodyGaps: Array<{ barcode: string; missing: CustodyStep[] }>;
}

export interface LabUpload {
  id: string;
  roundId: string | null;
  fileName: string | null;
  rows: number;
  negative: number;
  positive: number;
  uploadedBy: string;
  at: number;
}

export interface CoverageFigures {
  target: number;
  sampled: number;
  resulted: number;
  positivePools: number;
  missing: number;
  rate: number;
  previous: { target: number; sampled: number; missing: number; rate: number; positivePools: number } | null;
}

export interface CoverageRow extends CoverageFigures {
  areaId: string | null;
  buildingId: string | null;
  name: string;
  /** The area's level in the tree (city, district, street, community, grid), or 'building'. */
  level: string;
}

export interface Coverage {
  round: { id: string; name: string; previousRoundId: string | null };
  area: { id: string; name: string; level: string } | null;
  totals: CoverageFigures;
  rows: CoverageRow[];
}

export type VisitOutcome = 'sampled_at_home' | 'away' | 'refused' | 'bedridden';
export const VISIT_OUTCOMES: readonly VisitOutcome[] = ['sampled_at_home', 'away', 'refused', 'bedridden'];

export interface Visit {
  id: string;
  personId: string;
  outcome: VisitOutcome;
  note: string | null;
  at: number;
  by: string;
  taskId: string | null;
}

export interface DoorKnockList {
  building: { id: string; name: string; address: string | null; areaId: string };
  target: number;
  missing: number;
  households: Array<{
    /** null: people of the building without a household on record. */
    householdId: string | null;
    unit: string | null;
    door: string | null;
    people: Array<{
      personId: string;
      maskedName: string;
      age: number | null;
      careTags: string[];
      lastVisit: Visit | null;
    }>;
  }>;
}

/** Who is scanned into a tube: the personal code's token, a typed ID number, or a known person. */
export interface PersonRef {
  personCode?: string;
  idNumber?: string;
  personId?: string;
}

/** One queued action of the sampler's or grid worker's device (POST /testing/sync). */
export type Op =
  | {
      type: 'tube.open';
      clientId: string;
      at: number;
      roundId: string;
      tableId: string;
      barcode: string;
      mode?: TubeMode;
      poolSize?: number;
    }
  | ({ type: 'tube.add'; clientId: string; at: number; barcode: string } & PersonRef)
  | { type: 'tube.remove'; clientId: string; at: number; barcode: string; personId: string }
  | { type: 'tube.close'; clientId: string; at: number; barcode: string }
  | { type: 'task.sample'; clientId: string; at: number; taskId: string; barcode: string }
  | {
      type: 'visit';
      clientId: string;
      at: number;
      roundId: string;
      personId: string;
      outcome: VisitOutcome;
      note?: string;
    };

export type OpResult =
  | { clientId: string; ok: true; duplicate: boolean; tube?: Tube; member?: Member; task?: Task; visit?: Visit }
  | { clientId: string; ok: false; duplicate: boolean; error: { code: string; message: string } };

const id = (v: string) => encodeURIComponent(v);
/** GET /testing/pool-advisor: expected tests per person by pool size, and the recommended size. */
export type PoolReason =
  | 'lowest_expected_tests'
  | 'prevalence_above_threshold'
  | 'no_gain'
  | 'ct_dilution'
  | 'mandated_single_tube'
  | 'capped_by_mandate';

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
  theory: {
    approximateOptimalPoolSize: number;
    approximateTestsPerPerson: number;
    optimalPoolSize: number | null;
    optimalTestsPerPerson: number;
  };
  rules: { version: string; effectiveFrom: string };
}

export interface PoolAdvisorQuery {
  prevalence: string;
  ctCutoff?: string;
  typicalCt?: string;
  sizes?: string;
}

const T = '/testing';

export const testingApi = {
  poolAdvisor: (query: PoolAdvisorQuery) => json<PoolAdvice>('GET', `${T}/pool-advisor`, { query: { ...query } }),
  rounds: (query: { status?: RoundStatus | ''; limit: number; offset: number }) =>
    json<Page<RoundView>>('GET', `${T}/rounds`, { query }),
  round: (roundId: string) => json<{ round: RoundView; summary: RoundSummary }>('GET', `${T}/rounds/${id(roundId)}`),
  createRound: (body: NewRound) => json<RoundView>('POST', `${T}/rounds`, { json: body }),
  updateRound: (
    roundId: string,
    body: {
      name?: string;
      deadlineAt?: number;
      autoReport?: boolean;
      areas?: Array<{ areaId: string; controlLevel: ControlLevel }>;
    },
  ) => json<RoundView>('PATCH', `${T}/rounds/${id(roundId)}`, { json: body }),
  closeRound: (roundId: string) => json<RoundView>('POST', `${T}/rounds/${id(roundId)}/close`),
  plan: (roundId: string) => json<Plan>('GET', `${T}/rounds/${id(roundId)}/plan`),
  pooling: (roundId: string, prevalence?: string) =>
    json<RoundPooling>('GET', `${T}/rounds/${id(roundId)}/pooling`, { query: { prevalence } }),

  sites: (query: { areaId?: string; limit: number; offset: number }) =>
    json<Page<Site>>('GET', `${T}/sites`, { query }),
  createSite: (body: { areaId: string; name: string; address?: string; kind?: Site['kind'] }) =>
    json<Site>('POST', `${T}/sites`, { json: body }),
  createTable: (siteId: string, name: string) =>
    json<Table>('POST', `${T}/sites/${id(siteId)}/tables`, { json: { name } }),
  staff: (roundId: string) => json<{ items: Staff[] }>('GET', `${T}/rounds/${id(roundId)}/staff`),
  addStaff: (roundId: string, body: { userId: string; siteId?: string; tableId?: string; duty: Duty }) =>
    json<Staff>('POST', `${T}/rounds/${id(roundId)}/staff`, { json: body }),
  staffCandidates: (roundId: string, query: { q?: string; role?: string; areaId?: string; limit?: number }) =>
    json<{ items: StaffCandidate[] }>('GET', `${T}/rounds/${id(roundId)}/staff/candidates`, { query }),
  removeStaff: (roundId: string, staffId: string) =>
    json<void>('DELETE', `${T}/rounds/${id(roundId)}/staff/${id(staffId)}`),
  myAssignments: () => json<{ items: Assignment[] }>('GET', `${T}/me/assignments`),

  tube: (tubeId: string) => json<{ tube: Tube; members: Member[] }>('GET', `${T}/tubes/${id(tubeId)}`),
  tubeByBarcode: (barcode: string) =>
    json<{ tube: Tube; members: Member[] }>('GET', `${T}/tubes/by-barcode/${id(barcode)}`),
  openTubes: (tableId: string, roundId: string) =>
    json<{ items: Tube[] }>('GET', `${T}/tables/${id(tableId)}/open-tubes`, { query: { roundId } }),
  resumeTube: (tubeId: string) => json<{ tube: Tube; members: Member[] }>('POST', `${T}/tubes/${id(tubeId)}/resume`),
  voidTube: (tubeId: string, reason?: string) =>
    json<{ barcode: string; voided: boolean }>('POST', `${T}/tubes/${id(tubeId)}/void`, {
      json: reason ? { reason } : {},
    }),
  removeMember: (tubeId: string, personId: string) =>
    json<Tube>('DELETE', `${T}/tubes/${id(tubeId)}/members/${id(personId)}`),
  sync: (ops: Op[]) => json<{ results: OpResult[] }>('POST', `${T}/sync`, { json: { ops } }),

  boxes: (query: { roundId?: string; status?: Box['status'] | ''; limit: number; offset: number }) =>
    json<Page<Box>>('GET', `${T}/boxes`, { query }),
  createBox: (roundId: string, code: string) => json<Box>('POST', `${T}/boxes`, { json: { roundId, code } }),
  boxTubes: (boxId: string, barcodes: string[]) =>
    json<Box>('POST', `${T}/boxes/${id(boxId)}/tubes`, { json: { barcodes } }),
  handOver: (boxId: string, carrier: string) =>
    json<Box>('POST', `${T}/boxes/${id(boxId)}/handover`, { json: { carrier } }),
  receive: (boxId: string, lab: string) => json<Box>('POST', `${T}/boxes/${id(boxId)}/receive`, { json: { lab } }),

  uploadResults: (file: File, query: { roundId?: string; dryRun: boolean }) => {
    const form = new FormData();
    form.append('file', file);
    return json<LabOutcome>('POST', `${T}/lab/uploads`, { query, form });
  },
  uploads: (query: { roundId?: string; limit: number; offset: number }) =>
    json<Page<LabUpload>>('GET', `${T}/lab/uploads`, { query }),

  pools: (query: { roundId?: string; status?: 'open' | 'all' | PoolStatus; limit: number; offset: number }) =>
    json<Page<Pool>>('GET', `${T}/pools`, { query }),
  pool: (poolId: string) => json<PoolDetail>('GET', `${T}/pools/${id(poolId)}`),
  report: (poolId: string, note?: string) =>
    json<ReportOutcome>('POST', `${T}/pools/${id(poolId)}/report`, { json: note ? { note } : {} }),
  commandPools: (roundId?: string) =>
    json<{ targetMs: number; items: Pool[]; notReSampled: number }>('GET', `${T}/command/pools`, {
      query: { roundId },
    }),

  tasks: (query: {
    roundId?: string;
    kind?: Task['kind'] | '';
    status?: TaskStatus | 'all';
    areaId?: string;
    limit: number;
    offset: number;
  }) => json<Page<Task>>('GET', `${T}/tasks`, { query }),

  coverage: (roundId: string, areaId?: string) =>
    json<Coverage>('GET', `${T}/rounds/${id(roundId)}/coverage`, { query: { areaId } }),
  visit: (
    roundId: string,
    body: { clientId?: string; personId: string; outcome: VisitOutcome; note?: string; at?: number },
  ) => json<Visit>('POST', `${T}/rounds/${id(roundId)}/visits`, { json: body }),
  doorKnock: (roundId: string, buildingId: string) =>
    json<DoorKnockList>('GET', `${T}/rounds/${id(roundId)}/door-knock`, { query: { buildingId } }),
};

/** The dashboard's live feed: GET /testing/rounds/:id/live (server-sent events). */
export function liveUrl(roundId: string): string {
  return `/api/v1${T}/rounds/${id(roundId)}/live`;
}
