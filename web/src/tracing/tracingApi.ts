// The client for cases and contact tracing (issue 4): cases, contacts, the review queue, transmission
// chains and the contacts' call lists. Same fetch, CSRF and problem+json handling as api.ts.
import i18n from '../shared/i18n.ts';
import { download, json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';
import type { PersonView } from '../registry/types.ts';

const id = (v: string) => encodeURIComponent(v);

export const CASE_CLASSIFICATIONS = ['confirmed', 'asymptomatic', 'suspected'] as const;
export const CASE_SOURCES = ['testing_round', 'fever_clinic', 'checkpoint', 'self_report', 'contact_tracing'] as const;
export const CASE_STATUSES = ['suspected', 'confirmed', 'recovered', 'released'] as const;
export const CONTACT_CLASSES = ['close', 'general', 'secondary'] as const;
export const CONTACT_REASONS = [
  'same_household',
  'carer_unprotected',
  'same_office_workshop_classroom',
  'same_elevator',
  'same_canteen',
  'shared_meal',
  'visitor',
  'same_vehicle',
  'venue_co_presence',
  'other_investigator',
] as const;
export const REVIEW_STATUSES = ['pending', 'confirmed', 'reclassified', 'dismissed'] as const;
export const CALL_OUTCOMES = ['reached', 'not_reached', 'refused'] as const;
export const CALL_STATUSES = ['pending', 'reached', 'not_reached', 'refused', 'withdrawn'] as const;

export type CaseClassification = (typeof CASE_CLASSIFICATIONS)[number];
export type CaseSource = (typeof CASE_SOURCES)[number];
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type ContactClass = (typeof CONTACT_CLASSES)[number];
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
export type CallStatus = (typeof CALL_STATUSES)[number];

export interface CaseView {
  id: string;
  personId: string;
  personName: string;
  areaId: string;
  areaName: string;
  classification: CaseClassification;
  onsetAt: number | null;
  firstPositiveSampledAt: number | null;
  source: CaseSource;
  isolatedAt: number | null;
  status: CaseStatus;
  ruleSet: { id: string; version: string };
  tracedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface TraceSummary {
  window: { start: number; end: number; anchor: string; lookBackDays: number };
  parameters: {
    ruleSet: { id: string; version: string };
    minimumOverlapMinutes: number;
    padding: { dropVisitsShorterThanMinutes: number; padFactor: number; padCapMinutes: number };
    closeCategories: string[];
    generalCategories: string[];
    secondaryContacts: boolean;
  };
  purgedBefore: number | null;
  found: { close: number; general: number; secondary: number };
  removed: number;
  /** Contacts kept with encounters of their stored evidence whose check-ins were purged since. */
  keptPurged: number;
}

export interface CaseDetail {
  case: CaseView;
  history: Array<{
    kind: 'registered' | 'status';
    from: string | null;
    to: string;
    at: number;
    actorId: string | null;
    reason: string;
    evidence: Record<string, unknown>;
  }>;
  contacts: {
    total: number;
    byClass: Record<string, number>;
    byReview: Record<string, number>;
    pendingCandidates: number;
  };
  trace?: TraceSummary;
}

export interface VisitEvidence {
  checkinId: string;
  enteredAt: number;
  exitedAt: number;
  exitRecorded: boolean;
  counted: { start: number; end: number };
  /** The check-in is no longer in the table (purged): known from the stored evidence. */
  purged?: boolean;
  /** Reached the server this long after the scan (ms): a scan queued on a guard's device; absent when sent at once. */
  scanGapMs?: number;
}

export interface EncounterEvidence {
  venueId: string;
  venueName: string;
  category: string;
  caseVisit: VisitEvidence;
  contactVisit: VisitEvidence;
  overlapStart: number;
  overlapEnd: number;
  overlapMinutes: number;
  class: string;
}

export interface ContactView {
  id: string;
  caseId: string;
  person: { id: string; name: string; phone: string | null; areaName: string };
  class: ContactClass;
  candidate: boolean;
  basis: 'household' | 'venue' | 'manual' | 'secondary';
  reasonCode: string;
  evidence: {
    encounters?: EncounterEvidence[];
    note?: string;
    householdId?: string;
    /** Some encounters rest on check-ins purged since (before `before`). */
    checkinsPurged?: { before: number; encounters: number };
  } & Record<string, unknown>;
  rule: { ruleSet: { id: string; version: string }; rule: string };
  firstExposureAt: number | null;
  lastExposureAt: number | null;
  review: { status: ReviewStatus; by: string | null; reason: string | null; at: number | null };
  sourceContactId: string | null;
}

export interface QueueItem extends ContactView {
  case: { id: string; personName: string; areaName: string; status: string; classification: string };
}

/** The moves a case may make (the server decides; this only offers the buttons). */
export const NEXT_STATUSES: Record<CaseStatus, CaseStatus[]> = {
  suspected: ['confirmed'],
  confirmed: ['recovered', 'released'],
  recovered: ['released'],
  released: [],
};

export interface IsolationTest {
  sampledAt: number;
  ct: Record<string, number | null>;
}

export interface StatusChange {
  to: CaseStatus;
  reason: string;
  classification?: 'confirmed' | 'asymptomatic';
  tests?: IsolationTest[];
}

export interface NewCase {
  personId: string;
  classification: CaseClassification;
  source: CaseSource;
  onsetAt?: number | null;
  firstPositiveSampledAt?: number | null;
  isolatedAt?: number | null;
}

/** A review group of a case's contacts: a venue and the case's visit there, household, secondary, interview. */
export interface ContactGroup {
  key: string;
  kind: 'venue' | 'household' | 'secondary' | 'manual';
  venueId: string | null;
  venueName: string | null;
  category: string | null;
  slotStart: number | null;
  slotEnd: number | null;
  count: number;
  candidates: number;
  overlapMin: number | null;
  overlapMax: number | null;
  byClass: Record<string, number>;
}

/** One decision for many contacts of a case: a group, a filter or ids (at most 1,000). */
export type BulkReview = ReviewDecision & {
  select: { ids?: string[]; group?: string; class?: ContactClass; reviewStatus?: ReviewStatus };
};

export type ReviewDecision =
  { decision: 'confirm' | 'dismiss'; reason: string } | { decision: 'reclassify'; class: ContactClass; reason: string };

// The transmission-chain graph exactly as GET /chains sends it (ChainGraphSchema in
// src/tracing/tracing.chains.schema.ts, built by src/tracing/tracing.chains.ts): nodes, edges, clusters
// and, with ?cluster=, only that cluster's part with that one cluster; with view=summary the general
// contacts and candidates folded into group nodes (a count per venue); with focus, one node's neighbourhood.
// The page draws it as sent.
export interface ChainNode {
  id: string;
  kind: 'case' | 'contact' | 'venue' | 'group';
  label: string;
  personId: string | null;
  venueId: string | null;
  caseId: string | null;
  areaName: string | null;
  classification: string | null;
  status: string | null;
  contactClass: string | null;
  firstAt: number | null;
  /** A group: how many people are folded into it, and by class. */
  count?: number;
  breakdown?: { close: number; secondary: number; general: number; candidates: number };
}

export interface ChainEdge {
  id: string;
  source: string;
  target: string;
  kind: 'household' | 'venue' | 'manual' | 'secondary' | 'visit' | 'group';
  caseId: string;
  contactId: string | null;
  class: string | null;
  reviewStatus: string | null;
  rule: string | null;
  venueId: string | null;
  venueName: string | null;
  from: number | null;
  to: number | null;
  overlapMinutes: number | null;
}

export interface ChainCluster {
  id: string;
  /** The earliest case's person. */
  label: string;
  caseIds: string[];
  cases: number;
  people: number;
  contacts: number;
  venues: Array<{ id: string; name: string }>;
  firstAt: number | null;
  lastAt: number | null;
  nodeIds: string[];
}

export interface ChainGraph {
  nodes: ChainNode[];
  edges: ChainEdge[];
  clusters: ChainCluster[];
  truncated: boolean;
  view: 'full' | 'summary';
  /** People folded into groups. */
  collapsed: number;
}

export interface ChainQuery {
  from?: number;
  to?: number;
  areaId?: string;
  cluster?: string;
  /** Contact classes, comma-separated (close,secondary,general). */
  classes?: string;
}

export interface ChainGraphQuery extends ChainQuery {
  view?: 'full' | 'summary';
  /** Drawn one by one in the summary view: close,secondary,general,candidate. */
  expand?: string;
  focus?: string;
  depth?: number;
}

export type ChainClusterItem = Omit<ChainCluster, 'nodeIds'>;

export interface CallTask {
  id: string;
  contactId: string;
  caseId: string;
  person: { id: string; name: string; phone: string | null; areaId: string; areaName: string; address: string | null };
  building: { id: string; name: string } | null;
  community: { id: string; name: string };
  class: string;
  exposure: { firstAt: number | null; lastAt: number | null };
  instructions: CallInstructions;
  status: CallStatus;
  attempts: number;
  lastAttemptAt: number | null;
  lastNote: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What the contact must do: the active rule set's schedule for their class, from the last exposure. */
export interface CallInstructions {
  ruleSetId: string;
  group: 'close_contact' | 'secondary_contact' | 'high_risk_arrival' | 'medium_risk_arrival' | null;
  plan: {
    centralisedDays: number;
    homeDays: number;
    homeKind: 'home_quarantine' | 'home_health_monitoring';
    centralisedUntil: number;
    homeUntil: number;
    testDates: Array<{ phase: 'centralised' | 'home'; day: number; date: string }>;
  } | null;
}

export const CALL_SORTS = ['priority', 'name', 'exposure', 'address', 'attempts', 'lastCall'] as const;
export type CallSort = (typeof CALL_SORTS)[number];

export interface CallQuery {
  status?: CallStatus | '';
  open?: boolean;
  caseId?: string;
  areaId?: string;
  buildingId?: string;
  class?: ContactClass | '';
  exposedFrom?: string;
  exposedTo?: string;
  q?: string;
  sort?: CallSort;
  dir?: 'asc' | 'desc';
}

interface CallFacet {
  id: string;
  name: string;
  total: number;
  open: number;
}

export interface CallFacets {
  grids: Array<CallFacet & { parentName: string | null }>;
  buildings: Array<CallFacet & { areaId: string; areaName: string }>;
  buildingsTruncated: boolean;
  ruleSet: { id: string; name: { zh: string; en: string } };
}

export interface CallAttempt {
  id: string;
  outcome: CallOutcome;
  note: string;
  actorId: string | null;
  at: number;
}

export interface CallTaskDetail {
  task: CallTask;
  attempts: CallAttempt[];
}

/** One reason of a person's colour (health module): the fact, the rule that coloured it, when it ends. */
export interface ColourReason {
  rule: string;
  fact: string;
  colour: 'yellow' | 'red';
  since: number;
  endsAt: number | null;
  source: { type: string; id: string };
  detail: Record<string, unknown>;
}

/** A person's colour and its reasons, from the health module. */
export interface PersonHealth {
  colour: 'green' | 'yellow' | 'red';
  reasons: ColourReason[];
}

const lang = () => (i18n.language === 'en' ? 'en' : 'zh');

export const tracingApi = {
  cases: (query: {
    limit: number;
    offset: number;
    status?: CaseStatus | '';
    classification?: CaseClassification | '';
    areaId?: string;
  }) => json<Page<CaseView>>('GET', '/cases', { query }),
  caseDetail: (caseId: string) => json<CaseDetail>('GET', `/cases/${id(caseId)}`),
  registerCase: (body: NewCase) => json<CaseDetail>('POST', '/cases', { json: body }),
  retrace: (caseId: string) => json<CaseDetail>('POST', `/cases/${id(caseId)}/trace`),
  changeStatus: (caseId: string, body: StatusChange) =>
    json<CaseDetail>('POST', `/cases/${id(caseId)}/status`, { json: body }),
  contacts: (
    caseId: string,
    query: {
      limit: number;
      offset: number;
      class?: ContactClass | '';
      reviewStatus?: ReviewStatus | '';
      group?: string;
    },
  ) => json<Page<ContactView>>('GET', `/cases/${id(caseId)}/contacts`, { query }),
  contactGroups: (caseId: string, query: { class?: ContactClass | ''; reviewStatus?: ReviewStatus | '' }) =>
    json<{ items: ContactGroup[]; total: number }>('GET', `/cases/${id(caseId)}/contact-groups`, { query }),
  bulkReview: (caseId: string, body: BulkReview) =>
    json<{ reviewed: number; decision: string; ids: string[] }>('POST', `/cases/${id(caseId)}/contacts/review`, {
      json: body,
    }),
  addContact: (
    caseId: string,
    body: {
      personId: string;
      class?: 'close' | 'general';
      reasonCode: string;
      note?: string;
      firstExposureAt: number;
      lastExposureAt: number;
    },
  ) => json<ContactView>('POST', `/cases/${id(caseId)}/contacts`, { json: body }),
  review: (contactId: string, body: ReviewDecision) =>
    json<ContactView>('POST', `/contacts/${id(contactId)}/review`, { json: body }),
  reviewQueue: (query: { limit: number; offset: number; class?: ContactClass | ''; caseId?: string }) =>
    json<Page<QueueItem>>('GET', '/contacts/review-queue', { query }),
  searchPersons: (q: string) => json<Page<PersonView>>('GET', '/persons', { query: { q, limit: 10, offset: 0 } }),

  chains: (query: ChainGraphQuery) => json<ChainGraph>('GET', '/chains', { query: { ...query } }),
  chainClusters: (query: ChainQuery) =>
    json<{ items: ChainClusterItem[]; total: number; truncated: boolean }>('GET', '/chains/clusters', {
      query: { ...query },
    }),
  exportChains: (query: ChainQuery, format: 'csv' | 'json' | 'graphml') =>
    download('/chains/export', { ...query, format, lang: lang() }, `chains.${format}`),

  callTasks: (query: CallQuery & { limit: number; offset: number }) =>
    json<Page<CallTask>>('GET', '/call-tasks', { query: { ...query } }),
  callFacets: (query: { caseId?: string; areaId?: string }) => json<CallFacets>('GET', '/call-tasks/facets', { query }),
  callTask: (taskId: string) => json<CallTaskDetail>('GET', `/call-tasks/${id(taskId)}`),
  recordCall: (taskId: string, body: { outcome: CallOutcome; note?: string }) =>
    json<CallTaskDetail>('POST', `/call-tasks/${id(taskId)}/attempts`, { json: body }),
  revealPhone: (taskId: string, reason: string) =>
    json<{ phone: string }>('POST', `/call-tasks/${id(taskId)}/reveal`, { json: { reason } }),
  exportCalls: (query: CallQuery & { format: 'csv' | 'xlsx'; reveal?: boolean; reason?: string }) =>
    download('/call-tasks/export', { ...query, lang: lang() }, `call-list.${query.format}`),

  /** The person's colour with its reasons (health module); null when that module does not answer. */
  personHealth: async (personId: string): Promise<PersonHealth | null> => {
    try {
      return await json<PersonHealth>('GET', `/persons/${id(personId)}/health`);
    } catch {
      return null;
    }
  },
};
