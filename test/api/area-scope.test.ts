// The area-scope rule over every served route (src/access/access.scope.ts): records of 文苑社区 are
// asked for by actors of 兴阳社区, the next community of the same street, each with the role that may
// use the route. A route naming an area, person or record must refuse (403 OUT_OF_SCOPE, or 404 where
// the domain hides that the record exists); a listing must answer without 文苑's records (or refuse an
// area filter outside the actor's subtree). Routes that are public, the actor's own, or hold no
// area-scoped data are listed with the reason. A route in the OpenAPI document that is not classified
// here fails the test: a new route must say how it is scoped.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Role } from '../../src/access/access.rules.ts';
import { build } from '../../src/app.ts';
import { syncCallTasks } from '../../src/notify/notify.service.ts';
import { dialects } from '../support/dialects.ts';
import { insertOrder, insertRooms, insertSite, insertStaff, insertStay } from '../support/quarantine.fixtures.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { callerOf, fillTube, idNumber } from '../support/testing.http.ts';
import { isolatedCase } from '../support/tracing.city.ts';
import { areasByIds } from '../../src/db/sql.ts';
import { runAlerts } from '../../src/command/alerts.service.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2022-04-02T06:00:00+08:00');
const WHY = {
  reason: '3月23日报告确诊病例 1 例,居住于该社区',
  legalBasis: '辽源市疫情防控指挥部通告(2022 年第 12 号)',
};

/** The ids of 文苑's records the probes name. */
type Fixture = Record<
  | 'area'
  | 'grid'
  | 'building'
  | 'household'
  | 'person'
  | 'user'
  | 'venue'
  | 'case'
  | 'contact'
  | 'callTask'
  | 'riskArea'
  | 'round'
  | 'site'
  | 'table'
  | 'tube'
  | 'box'
  | 'pool'
  | 'override'
  | 'appeal'
  | 'approval'
  | 'barcode'
  | 'qsite'
  | 'qroom'
  | 'qstaff'
  | 'hospital'
  | 'qSite'
  | 'qRoom'
  | 'qOrder'
  | 'qPlan'
  | 'qAlert'
  | 'qRequest'
  | 'qWaste'
  | 'order'
  | 'enterprise'
  | 'vehicle'
  | 'pass'
  | 'warehouse'
  | 'projection'
  | 'trip'
  | 'station'
  | 'checkpoint'
  | 'check'
  | 'visit'
  | 'volunteer'
  | 'vNeed'
  | 'cAlert',
  string
>;

type Probe =
  | {
      /** Refused: 403 OUT_OF_SCOPE, or 404 where the domain hides that the record exists. */
      expect: 'refused';
      as: Role;
      url: (f: Fixture) => string;
      body?: (f: Fixture) => unknown;
    }
  | {
      /** Answered for the actor's own subtree: no record of 文苑 in it. */
      expect: 'scoped';
      as: Role;
      url: (f: Fixture) => string;
      body?: (f: Fixture) => unknown;
    }
  | {
      expect: 'exempt';
      reason: string;
    };

const refused = (as: Role, url: (f: Fixture) => string, body?: (f: Fixture) => unknown): Probe => ({
  expect: 'refused',
  as,
  url,
  ...(body ? { body } : {}),
});
const scoped = (as: Role, url: (f: Fixture) => string, body?: (f: Fixture) => unknown): Probe => ({
  expect: 'scoped',
  as,
  url,
  ...(body ? { body } : {}),
});
const exempt = (reason: string): Probe => ({ expect: 'exempt', reason });

const PUBLIC = 'public: served without sign-in, holds no personal or area-scoped record';
const OWN = "the actor's own account, person or session: nothing of another area can be named";
const CITY = 'city-level configuration or summary with no per-area record';

/** A checkpoint's check of an unreported vehicle, as a phone sends it. */
const CHECK_BODY = {
  clientId: 'phone-w-000001',
  plate: '吉D77777',
  vehicleClass: 'supply',
  persons: [{ name: '张三', role: 'driver', temperature: 36.5, colourShown: 'green', testSampledAt: START }],
};

export const ROUTES: Record<string, Probe> = {
  'GET /api/v1/health': exempt(PUBLIC),
  'GET /api/v1/health/ready': exempt(PUBLIC),
  'POST /api/v1/auth/login': exempt(PUBLIC),
  'POST /api/v1/auth/logout': exempt(OWN),
  'GET /api/v1/auth/me': exempt(OWN),
  'POST /api/v1/auth/password': exempt(OWN),
  'GET /api/v1/auth/session': exempt(OWN),
  'GET /api/v1/users': scoped('admin', () => '/users?limit=100'),
  'POST /api/v1/users': refused(
    'admin',
    () => '/users',
    (f) => ({ username: 'wenyuan-new', displayName: '新用户', role: 'community_worker', areaId: f.area }),
  ),
  'PATCH /api/v1/users/{id}': refused(
    'admin',
    (f) => `/users/${f.user}`,
    () => ({ displayName: '改名' }),
  ),
  'POST /api/v1/users/{id}/password': refused(
    'admin',
    (f) => `/users/${f.user}/password`,
    () => ({}),
  ),
  'GET /api/v1/tokens': exempt(OWN),
  'POST /api/v1/tokens': exempt(OWN),
  'DELETE /api/v1/tokens/{id}': exempt(OWN),

  'GET /api/v1/areas': refused('community_worker', (f) => `/areas?parentId=${f.area}`),
  'GET /api/v1/areas/{id}': refused('community_worker', (f) => `/areas/${f.area}`),
  'GET /api/v1/areas/{id}/buildings': refused('community_worker', (f) => `/areas/${f.area}/buildings`),
  'GET /api/v1/buildings/{id}': refused('community_worker', (f) => `/buildings/${f.building}`),
  'GET /api/v1/households/{id}': refused('community_worker', (f) => `/households/${f.household}`),
  'PATCH /api/v1/households/{id}': refused(
    'community_worker',
    (f) => `/households/${f.household}`,
    () => ({ rooms: 3 }),
  ),
  'POST /api/v1/households': refused(
    'community_worker',
    () => '/households',
    (f) => ({ areaId: f.grid, buildingName: '9号楼', unit: '1', door: '909' }),
  ),
  'GET /api/v1/persons': refused('community_worker', (f) => `/persons?areaId=${f.area}`),
  'POST /api/v1/persons': refused(
    'community_worker',
    () => '/persons',
    (f) => ({ householdId: f.household, name: '冒名', phone: '13900000009' }),
  ),
  'GET /api/v1/persons/{id}': refused('community_worker', (f) => `/persons/${f.person}`),
  'PATCH /api/v1/persons/{id}': refused(
    'community_worker',
    (f) => `/persons/${f.person}`,
    () => ({ name: '改名' }),
  ),
  'POST /api/v1/persons/{id}/reveal': refused(
    'community_worker',
    (f) => `/persons/${f.person}/reveal`,
    () => ({ fields: ['phone'], reason: '核实' }),
  ),
  'POST /api/v1/registry/import': exempt(
    "a roster file names communities by name; rows outside the actor's area are refused row by row (test/api/cross-area.test.ts, roster tests)",
  ),
  'GET /api/v1/registry/export': refused('community_worker', (f) => `/registry/export?areaId=${f.area}`),

  'GET /api/v1/audit/events': refused('auditor', () => '/audit/events'),
  'GET /api/v1/audit/export': refused('auditor', () => '/audit/export'),
  'GET /api/v1/audit/verify': exempt(
    'verifies the whole chain and answers intact or where it breaks; no record of any area',
  ),

  'GET /api/v1/venue-categories': exempt(CITY),
  'POST /api/v1/venues': refused(
    'community_worker',
    () => '/venues',
    (f) => ({ areaId: f.grid, name: '冒名场所', category: 'residential_gate', capacity: 10 }),
  ),
  'GET /api/v1/venues': scoped('community_worker', () => '/venues?limit=100'),
  'GET /api/v1/venues/{id}': refused('community_worker', (f) => `/venues/${f.venue}`),
  'POST /api/v1/venues/{id}/approve': refused(
    'community_worker',
    (f) => `/venues/${f.venue}/approve`,
    () => ({}),
  ),
  'POST /api/v1/venues/{id}/suspend': refused(
    'community_worker',
    (f) => `/venues/${f.venue}/suspend`,
    () => ({ reason: '停业' }),
  ),
  'POST /api/v1/venues/{id}/contact/reveal': refused(
    'community_worker',
    (f) => `/venues/${f.venue}/contact/reveal`,
    () => ({ reason: '核实' }),
  ),
  'GET /api/v1/venues/{id}/code': refused('community_worker', (f) => `/venues/${f.venue}/code`),
  'POST /api/v1/venues/{id}/code/reissue': refused(
    'community_worker',
    (f) => `/venues/${f.venue}/code/reissue`,
    () => ({ reason: '遗失' }),
  ),
  'GET /api/v1/venues/{id}/screen-code': refused('community_worker', (f) => `/venues/${f.venue}/screen-code`),
  'GET /api/v1/venues/{id}/occupancy': exempt(
    'public occupancy of a venue for people deciding where to go: a count, no personal data',
  ),
  'POST /api/v1/checkins': exempt(
    'a door scan: the venue is named by its signed code and any person may enter any venue',
  ),
  'POST /api/v1/checkins/queue-key': exempt("the key of the offline check-in queue on the actor's own device"),
  'POST /api/v1/checkins/{id}/exit': exempt(
    'an exit closes a visit the door itself recorded; the check-in id is unguessable and held by that door',
  ),
  'GET /api/v1/codes/public-key': exempt(PUBLIC),
  'GET /api/v1/venues/{id}/poster.pdf': refused('community_worker', (f) => `/venues/${f.venue}/poster.pdf`),
  'GET /api/v1/venues/{id}/poster.png': refused('community_worker', (f) => `/venues/${f.venue}/poster.png`),
  'GET /api/v1/venues/public': exempt(PUBLIC),
  'GET /api/v1/venues/{id}/today': refused('community_worker', (f) => `/venues/${f.venue}/today`),
  'GET /api/v1/command/crowded': scoped('command', () => '/command/crowded'),
  'GET /api/v1/live/occupancy': exempt('public live occupancy: counts per venue, no personal data'),
  'GET /api/v1/live/areas': exempt("public: the names of areas for the live page's filter, no personal data"),
  'GET /api/v1/checkins/export': refused(
    'investigator',
    (f) => `/checkins/export?venueId=${f.venue}&from=2022-04-01&to=2022-04-03`,
  ),

  'POST /api/v1/residents/register/start': exempt(PUBLIC),
  'POST /api/v1/residents/register/verify': exempt(PUBLIC),
  'POST /api/v1/persons/{id}/resident-account/code': refused(
    'community_worker',
    (f) => `/persons/${f.person}/resident-account/code`,
    () => ({ phone: '13900000008' }),
  ),
  'POST /api/v1/persons/{id}/resident-account': refused(
    'community_worker',
    (f) => `/persons/${f.person}/resident-account`,
    () => ({ challengeId: 'c1', code: '123456' }),
  ),
  'GET /api/v1/me/person': exempt(OWN),
  'GET /api/v1/me/scan': exempt(OWN),
  'GET /api/v1/me/personal-code': exempt(OWN),
  'POST /api/v1/checkins/self': exempt(OWN),

  'GET /api/v1/testing/pool-advisor': exempt("a calculator over the request's numbers: no record"),
  'POST /api/v1/testing/rounds': refused(
    'command',
    () => '/testing/rounds',
    (f) => ({ name: '越界轮次', startsAt: START + DAY, areas: [{ areaId: f.area, controlLevel: 'controlled' }] }),
  ),
  'GET /api/v1/testing/rounds': scoped('command', () => '/testing/rounds?limit=100'),
  'GET /api/v1/testing/rounds/{id}': refused('command', (f) => `/testing/rounds/${f.round}`),
  'PATCH /api/v1/testing/rounds/{id}': refused(
    'command',
    (f) => `/testing/rounds/${f.round}`,
    () => ({ name: '改名' }),
  ),
  'POST /api/v1/testing/rounds/{id}/close': refused(
    'command',
    (f) => `/testing/rounds/${f.round}/close`,
    () => ({}),
  ),
  'GET /api/v1/testing/rounds/{id}/plan': refused('command', (f) => `/testing/rounds/${f.round}/plan`),
  'GET /api/v1/testing/rounds/{id}/pooling': refused('command', (f) => `/testing/rounds/${f.round}/pooling`),
  'GET /api/v1/testing/rounds/{id}/coverage': refused('command', (f) => `/testing/rounds/${f.round}/coverage`),
  'GET /api/v1/testing/rounds/{id}/door-knock': refused(
    'community_worker',
    (f) => `/testing/rounds/${f.round}/door-knock?buildingId=${f.building}`,
  ),
  'POST /api/v1/testing/rounds/{id}/visits': refused(
    'community_worker',
    (f) => `/testing/rounds/${f.round}/visits`,
    (f) => ({ personId: f.person, outcome: 'away' }),
  ),
  'POST /api/v1/testing/rounds/{id}/staff': refused(
    'command',
    (f) => `/testing/rounds/${f.round}/staff`,
    (f) => ({ userId: f.user, siteId: f.site, duty: 'squad' }),
  ),
  'GET /api/v1/testing/rounds/{id}/staff': refused('command', (f) => `/testing/rounds/${f.round}/staff`),
  'GET /api/v1/testing/rounds/{id}/staff/candidates': refused(
    'command',
    (f) => `/testing/rounds/${f.round}/staff/candidates`,
  ),
  'DELETE /api/v1/testing/rounds/{id}/staff/{staffId}': refused(
    'command',
    (f) => `/testing/rounds/${f.round}/staff/${f.user}`,
  ),
  'GET /api/v1/testing/rounds/{id}/live': refused('command', (f) => `/testing/rounds/${f.round}/live`),
  'POST /api/v1/testing/sites': refused(
    'command',
    () => '/testing/sites',
    (f) => ({ areaId: f.grid, name: '越界采样点' }),
  ),
  'GET /api/v1/testing/sites': scoped('command', () => '/testing/sites?limit=100'),
  'POST /api/v1/testing/sites/{id}/tables': refused(
    'command',
    (f) => `/testing/sites/${f.site}/tables`,
    () => ({ name: '9号台' }),
  ),
  'GET /api/v1/testing/me/assignments': exempt(OWN),
  'POST /api/v1/testing/tubes': refused(
    'sampler',
    () => '/testing/tubes',
    (f) => ({ roundId: f.round, tableId: f.table, barcode: 'Z0001' }),
  ),
  'GET /api/v1/testing/tubes/by-barcode/{barcode}': refused('sampler', (f) => `/testing/tubes/by-barcode/${f.barcode}`),
  'GET /api/v1/testing/tubes/{id}': refused('sampler', (f) => `/testing/tubes/${f.tube}`),
  'GET /api/v1/testing/tubes/{id}/custody': refused('sampler', (f) => `/testing/tubes/${f.tube}/custody`),
  'POST /api/v1/testing/tubes/{id}/members': refused(
    'sampler',
    (f) => `/testing/tubes/${f.tube}/members`,
    (f) => ({ personId: f.person }),
  ),
  'DELETE /api/v1/testing/tubes/{id}/members/{personId}': refused(
    'sampler',
    (f) => `/testing/tubes/${f.tube}/members/${f.person}`,
  ),
  'POST /api/v1/testing/tubes/{id}/close': refused(
    'sampler',
    (f) => `/testing/tubes/${f.tube}/close`,
    () => ({}),
  ),
  'GET /api/v1/testing/tables/{id}/open-tubes': refused(
    'sampler',
    (f) => `/testing/tables/${f.table}/open-tubes?roundId=${f.round}`,
  ),
  'POST /api/v1/testing/tubes/{id}/resume': refused(
    'sampler',
    (f) => `/testing/tubes/${f.tube}/resume`,
    () => ({}),
  ),
  'POST /api/v1/testing/tubes/{id}/void': refused(
    'sampler',
    (f) => `/testing/tubes/${f.tube}/void`,
    () => ({ reason: '破损' }),
  ),
  'POST /api/v1/testing/sync': exempt(
    'offline operations replayed one by one through the same services as the routes above; each is scoped there',
  ),
  'POST /api/v1/testing/boxes': refused(
    'sampler',
    () => '/testing/boxes',
    (f) => ({ roundId: f.round, code: 'BOXZ001' }),
  ),
  'GET /api/v1/testing/boxes': scoped('sampler', (f) => `/testing/boxes?roundId=${f.round}&limit=100`),
  'GET /api/v1/testing/boxes/{id}': refused('sampler', (f) => `/testing/boxes/${f.box}`),
  'POST /api/v1/testing/boxes/{id}/tubes': refused(
    'sampler',
    (f) => `/testing/boxes/${f.box}/tubes`,
    (f) => ({ barcodes: [f.barcode] }),
  ),
  'POST /api/v1/testing/boxes/{id}/handover': refused(
    'sampler',
    (f) => `/testing/boxes/${f.box}/handover`,
    () => ({ carrier: '运输员' }),
  ),
  'POST /api/v1/testing/boxes/{id}/receive': refused(
    'lab',
    (f) => `/testing/boxes/${f.box}/receive`,
    () => ({ lab: '市检测中心' }),
  ),
  'POST /api/v1/testing/lab/uploads': exempt(
    "a result file names tubes by barcode; tubes outside the uploader's area are refused row by row (OUT_OF_SCOPE fault)",
  ),
  'GET /api/v1/testing/lab/uploads': exempt(
    "uploads are listed by their uploader's round; the rows carry counts, no personal data",
  ),
  'POST /api/v1/testing/lab/results': exempt(
    "as the upload: each result outside the actor's area is a row fault OUT_OF_SCOPE",
  ),
  'GET /api/v1/testing/pools': scoped('community_worker', () => '/testing/pools?status=all'),
  'GET /api/v1/testing/pools/{id}': refused('community_worker', (f) => `/testing/pools/${f.pool}`),
  'POST /api/v1/testing/pools/{id}/report': refused(
    'command',
    (f) => `/testing/pools/${f.pool}/report`,
    () => ({}),
  ),
  'GET /api/v1/testing/command/pools': scoped('command', (f) => `/testing/command/pools?roundId=${f.round}`),
  'GET /api/v1/testing/tasks': refused('community_worker', (f) => `/testing/tasks?areaId=${f.area}`),
  'POST /api/v1/testing/tasks/{id}/sample': exempt(
    "a task id is a sampling task of the actor's round (testing-followups tests); it needs a positive pool's follow-up to exist",
  ),

  'GET /api/v1/rulesets': exempt(CITY),
  'GET /api/v1/rulesets/active': exempt(CITY),
  'PUT /api/v1/rulesets/active': exempt(CITY),
  'GET /api/v1/rulesets/{id}': exempt(CITY),

  'POST /api/v1/cases': refused(
    'investigator',
    () => '/cases',
    (f) => ({ personId: f.person, classification: 'confirmed', source: 'fever_clinic', onsetAt: START - DAY }),
  ),
  'GET /api/v1/cases': refused('investigator', (f) => `/cases?areaId=${f.area}`),
  'GET /api/v1/cases/{id}': refused('investigator', (f) => `/cases/${f.case}`),
  'PATCH /api/v1/cases/{id}': refused(
    'investigator',
    (f) => `/cases/${f.case}`,
    () => ({ onsetAt: START - 2 * DAY, reason: '更正' }),
  ),
  'POST /api/v1/cases/{id}/status': refused(
    'investigator',
    (f) => `/cases/${f.case}/status`,
    () => ({ to: 'recovered', reason: '治愈' }),
  ),
  'POST /api/v1/cases/{id}/trace': refused(
    'investigator',
    (f) => `/cases/${f.case}/trace`,
    () => ({}),
  ),
  'GET /api/v1/cases/{id}/contacts': refused('investigator', (f) => `/cases/${f.case}/contacts`),
  'POST /api/v1/cases/{id}/contacts': refused(
    'investigator',
    (f) => `/cases/${f.case}/contacts`,
    (f) => ({
      personId: f.person,
      class: 'close',
      reasonCode: 'same_household',
      firstExposureAt: START - 2 * DAY,
      lastExposureAt: START - DAY,
    }),
  ),
  'GET /api/v1/cases/{id}/contact-groups': refused('investigator', (f) => `/cases/${f.case}/contact-groups`),
  'POST /api/v1/cases/{id}/contacts/review': refused(
    'investigator',
    (f) => `/cases/${f.case}/contacts/review`,
    (f) => ({ decision: 'confirm', reason: '核实', select: { ids: [f.contact] } }),
  ),
  'POST /api/v1/contacts/{id}/review': refused(
    'investigator',
    (f) => `/contacts/${f.contact}/review`,
    () => ({ decision: 'confirm', reason: '核实' }),
  ),
  'GET /api/v1/contacts/review-queue': scoped('investigator', () => '/contacts/review-queue?limit=100'),
  'GET /api/v1/chains': refused('investigator', (f) => `/chains?areaId=${f.area}`),
  'GET /api/v1/chains/clusters': refused('investigator', (f) => `/chains/clusters?areaId=${f.area}`),
  'GET /api/v1/chains/export': refused('investigator', (f) => `/chains/export?areaId=${f.area}`),

  'GET /api/v1/risk-areas/public': exempt(PUBLIC),
  'GET /api/v1/risk-areas': refused('command', (f) => `/risk-areas?areaId=${f.area}`),
  'POST /api/v1/risk-areas': refused(
    'command',
    () => '/risk-areas',
    (f) => ({ unit: 'community', targetId: f.area, level: 'medium', ...WHY }),
  ),
  'GET /api/v1/risk-areas/tree': scoped('command', () => '/risk-areas/tree'),
  'GET /api/v1/risk-areas/{id}': refused('command', (f) => `/risk-areas/${f.riskArea}`),
  'POST /api/v1/risk-areas/{id}/lift': refused(
    'command',
    (f) => `/risk-areas/${f.riskArea}/lift`,
    () => WHY,
  ),
  'POST /api/v1/risk-areas/downgrade': exempt(
    "runs the rule set's downgrades over the actor's own subtree; names no area",
  ),

  'GET /api/v1/call-tasks': refused('investigator', (f) => `/call-tasks?areaId=${f.area}`),
  'GET /api/v1/call-tasks/export': refused('investigator', (f) => `/call-tasks/export?areaId=${f.area}`),
  'GET /api/v1/call-tasks/facets': refused('investigator', (f) => `/call-tasks/facets?areaId=${f.area}`),
  'GET /api/v1/call-tasks/{id}': refused('investigator', (f) => `/call-tasks/${f.callTask}`),
  'POST /api/v1/call-tasks/{id}/attempts': refused(
    'investigator',
    (f) => `/call-tasks/${f.callTask}/attempts`,
    () => ({ outcome: 'not_reached' }),
  ),
  'POST /api/v1/call-tasks/{id}/reveal': refused(
    'investigator',
    (f) => `/call-tasks/${f.callTask}/reveal`,
    () => ({ reason: '回访' }),
  ),

  'POST /api/v1/quarantine/sites': refused(
    'admin',
    () => '/quarantine/sites',
    (f) => ({ areaId: f.area, name: '文苑新隔离点', kind: 'hotel' }),
  ),
  'GET /api/v1/quarantine/sites': scoped('command', () => '/quarantine/sites?limit=100'),
  'GET /api/v1/quarantine/sites/{id}': refused('command', (f) => `/quarantine/sites/${f.qsite}`),
  'PATCH /api/v1/quarantine/sites/{id}': refused(
    'admin',
    (f) => `/quarantine/sites/${f.qsite}`,
    () => ({ name: '改名' }),
  ),
  'GET /api/v1/quarantine/sites/{id}/rooms': refused('command', (f) => `/quarantine/sites/${f.qsite}/rooms`),
  'POST /api/v1/quarantine/sites/{id}/rooms': refused(
    'admin',
    (f) => `/quarantine/sites/${f.qsite}/rooms`,
    () => ({ floor: 9, number: '901', kind: 'single' }),
  ),
  'POST /api/v1/quarantine/sites/{id}/rooms/import': refused(
    'admin',
    (f) => `/quarantine/sites/${f.qsite}/rooms/import`,
  ),
  'PATCH /api/v1/quarantine/rooms/{id}': refused(
    'admin',
    (f) => `/quarantine/rooms/${f.qroom}`,
    () => ({ status: 'out_of_service' }),
  ),
  'GET /api/v1/quarantine/sites/{id}/staff': refused('command', (f) => `/quarantine/sites/${f.qsite}/staff`),
  'POST /api/v1/quarantine/sites/{id}/staff': refused(
    'admin',
    (f) => `/quarantine/sites/${f.qsite}/staff`,
    () => ({ name: '王护士', role: 'medical', shift: 'night', ppeLevel: 2 }),
  ),
  'PATCH /api/v1/quarantine/staff/{id}': refused(
    'admin',
    (f) => `/quarantine/staff/${f.qstaff}`,
    () => ({ active: false }),
  ),
  'GET /api/v1/quarantine/hospitals/public': exempt(PUBLIC),
  'GET /api/v1/quarantine/hospitals': refused('command', (f) => `/quarantine/hospitals?areaId=${f.area}`),
  'GET /api/v1/quarantine/hospitals/route': refused(
    'command',
    (f) => `/quarantine/hospitals/route?colour=red&areaId=${f.area}`,
  ),
  'GET /api/v1/quarantine/hospitals/{id}': refused('command', (f) => `/quarantine/hospitals/${f.hospital}`),
  'POST /api/v1/quarantine/hospitals': refused(
    'admin',
    () => '/quarantine/hospitals',
    (f) => ({ areaId: f.area, name: '文苑医院', designations: ['fever_clinic'], acceptsColours: ['green'], beds: 10 }),
  ),
  'PATCH /api/v1/quarantine/hospitals/{id}': refused(
    'admin',
    (f) => `/quarantine/hospitals/${f.hospital}`,
    () => ({ bedsFree: 0 }),
  ),
  'GET /api/v1/quarantine/capacity': refused('command', (f) => `/quarantine/capacity?areaId=${f.area}`),

  'GET /api/v1/persons/{id}/health': refused('investigator', (f) => `/persons/${f.person}/health`),
  'GET /api/v1/me/health': exempt(OWN),
  'GET /api/v1/me/appeals': exempt(OWN),
  'POST /api/v1/me/appeals': exempt(OWN),
  'GET /api/v1/health/appeals': scoped('investigator', () => '/health/appeals?status=all'),
  'POST /api/v1/health/appeals/{id}/answer': refused(
    'investigator',
    (f) => `/health/appeals/${f.appeal}/answer`,
    () => ({ decision: 'uphold', answer: '维持' }),
  ),
  'GET /api/v1/health/overrides': scoped('investigator', () => '/health/overrides?status=all'),
  'POST /api/v1/health/overrides': refused(
    'investigator',
    () => '/health/overrides',
    (f) => ({
      personIds: [f.person],
      colour: 'yellow',
      legalBasis: WHY.legalBasis,
      reason: 'sealed',
      endsAt: START + DAY,
    }),
  ),
  'POST /api/v1/health/overrides/{id}/decision': refused(
    'investigator',
    (f) => `/health/overrides/${f.override}/decision`,
    () => ({ approve: true, reason: '同意' }),
  ),
  'GET /api/v1/health/approvals': scoped('command', () => '/health/approvals?status=all'),
  'POST /api/v1/health/approvals/{id}/decision': refused(
    'command',
    (f) => `/health/approvals/${f.approval}/decision`,
    () => ({ approve: true, reason: '同意' }),
  ),
  'POST /api/v1/health/recompute': exempt(
    'recomputes colours city-wide from the facts (health.recompute: command and admin); returns counts only',
  ),

  'GET /api/v1/command/summary': scoped('command', () => '/command/summary'),
  'GET /api/v1/command/wall': scoped('command', () => '/command/wall'),
  'GET /api/v1/command/alerts': scoped('command', () => '/command/alerts?status=active'),
  'POST /api/v1/command/alerts/{id}/acknowledge': refused('command', (f) => `/command/alerts/${f.cAlert}/acknowledge`),
  'POST /api/v1/command/alerts/{id}/close': refused(
    'command',
    (f) => `/command/alerts/${f.cAlert}/close`,
    () => ({ note: '已处置' }),
  ),
  'GET /api/v1/command/wall/stream': exempt(
    'the figures of GET /command/wall (probed above) as server-sent events, always of the actor’s own area',
  ),

  'POST /api/v1/quarantine/allocation/plans': refused(
    'command',
    () => '/quarantine/allocation/plans',
    (f) => ({ orderIds: [f.qOrder], siteIds: [f.qSite] }),
  ),
  'GET /api/v1/quarantine/allocation/plans/{planId}': refused(
    'command',
    (f) => `/quarantine/allocation/plans/${f.qPlan}`,
  ),
  'POST /api/v1/quarantine/allocation/plans/{planId}/adjust': refused(
    'command',
    (f) => `/quarantine/allocation/plans/${f.qPlan}/adjust`,
    (f) => ({ stayId: 'stay-w-planned', roomId: f.qRoom }),
  ),
  'POST /api/v1/quarantine/allocation/plans/{planId}/confirm': refused(
    'command',
    (f) => `/quarantine/allocation/plans/${f.qPlan}/confirm`,
  ),
  'POST /api/v1/quarantine/allocation/plans/{planId}/cancel': refused(
    'command',
    (f) => `/quarantine/allocation/plans/${f.qPlan}/cancel`,
  ),
  'GET /api/v1/quarantine/allocation/plans/{planId}/pickups': refused(
    'command',
    (f) => `/quarantine/allocation/plans/${f.qPlan}/pickups`,
  ),
  'POST /api/v1/quarantine/allocation/moves': refused(
    'command',
    () => '/quarantine/allocation/moves',
    (f) => ({ orderId: f.qOrder, roomId: f.qRoom, reason: '调整房间' }),
  ),
  'GET /api/v1/quarantine/transfers/hospital-options': refused(
    'command',
    (f) => `/quarantine/transfers/hospital-options?orderId=${f.qOrder}&need=fever`,
  ),
  'POST /api/v1/quarantine/transfers/hospital': refused(
    'command',
    () => '/quarantine/transfers/hospital',
    (f) => ({ orderId: f.qOrder, hospitalId: f.hospital, need: 'fever', vehicle: '吉D·12345', escort: '王护士' }),
  ),
  'POST /api/v1/quarantine/transfers/return': refused(
    'command',
    () => '/quarantine/transfers/return',
    (f) => ({ orderId: f.qOrder, outcome: 'room', roomId: f.qRoom, vehicle: '吉D·12345', escort: '王护士' }),
  ),
  'POST /api/v1/quarantine/care/checks': refused(
    'quarantine_site',
    () => '/quarantine/care/checks',
    (f) => ({ orderId: f.qOrder, slot: 'morning', temperature: 36.5 }),
  ),
  'POST /api/v1/quarantine/care/checks/sync': scoped(
    'quarantine_site',
    () => '/quarantine/care/checks/sync',
    (f) => ({
      ops: [
        {
          clientOpId: 'probe-op-0001',
          orderId: f.qOrder,
          slot: 'morning',
          date: '2022-04-02',
          temperature: 36.5,
          at: START,
        },
      ],
    }),
  ),
  'GET /api/v1/quarantine/care/alerts': scoped('command', () => '/quarantine/care/alerts'),
  'POST /api/v1/quarantine/care/alerts/{id}/follow-up': refused(
    'quarantine_site',
    (f) => `/quarantine/care/alerts/${f.qAlert}/follow-up`,
    () => ({ note: '复测体温' }),
  ),
  'GET /api/v1/quarantine/care/requests': scoped('command', () => '/quarantine/care/requests'),
  'POST /api/v1/quarantine/care/requests': refused(
    'quarantine_site',
    () => '/quarantine/care/requests',
    (f) => ({ orderId: f.qOrder, kind: 'meal' }),
  ),
  'POST /api/v1/quarantine/care/requests/{id}': refused(
    'quarantine_site',
    (f) => `/quarantine/care/requests/${f.qRequest}`,
    () => ({ status: 'done' }),
  ),
  'GET /api/v1/quarantine/care/sites/{siteId}/rounds': refused(
    'quarantine_site',
    (f) => `/quarantine/care/sites/${f.qSite}/rounds`,
  ),
  'GET /api/v1/quarantine/care/occupants/{orderId}': refused(
    'command',
    (f) => `/quarantine/care/occupants/${f.qOrder}`,
  ),
  'GET /api/v1/quarantine/ops/sites/{siteId}': refused('command', (f) => `/quarantine/ops/sites/${f.qSite}`),
  'POST /api/v1/quarantine/ops/sites/{siteId}/disinfections': refused(
    'quarantine_site',
    (f) => `/quarantine/ops/sites/${f.qSite}/disinfections`,
    () => ({ item: 'surfaces', agent: '含氯消毒剂', concentrationMgL: 500, contactMinutes: 30, operator: '刘洁' }),
  ),
  'POST /api/v1/quarantine/ops/sites/{siteId}/waste': refused(
    'quarantine_site',
    (f) => `/quarantine/ops/sites/${f.qSite}/waste`,
    () => ({ bags: 1, weightKg: 1.5, sealed: true }),
  ),
  'POST /api/v1/quarantine/ops/waste/{id}/hand-over': refused(
    'quarantine_site',
    (f) => `/quarantine/ops/waste/${f.qWaste}/hand-over`,
    () => ({ receiverUnit: '处置中心', receiverSignature: '张', staffSignature: '李' }),
  ),
  'POST /api/v1/quarantine/ops/sites/{siteId}/staff-checks': refused(
    'quarantine_site',
    (f) => `/quarantine/ops/sites/${f.qSite}/staff-checks`,
    () => ({ staffId: 'staff-w', temperature: 36.5 }),
  ),
  'GET /api/v1/quarantine/orders': refused('investigator', (f) => `/quarantine/orders?areaId=${f.area}`),
  'POST /api/v1/quarantine/orders': refused(
    'investigator',
    () => '/quarantine/orders',
    (f) => ({ personId: f.person, kind: 'close_contact', startAt: START }),
  ),
  'POST /api/v1/quarantine/orders/batch': refused(
    'investigator',
    () => '/quarantine/orders/batch',
    (f) => ({ source: 'case', sourceId: f.case }),
  ),
  'GET /api/v1/quarantine/orders/{id}': refused('investigator', (f) => `/quarantine/orders/${f.order}`),
  'POST /api/v1/quarantine/orders/{id}/extend': refused(
    'investigator',
    (f) => `/quarantine/orders/${f.order}/extend`,
    () => ({ exposureAt: START, reason: '新的暴露' }),
  ),
  'POST /api/v1/quarantine/orders/{id}/cancel': refused(
    'investigator',
    (f) => `/quarantine/orders/${f.order}/cancel`,
    () => ({ reason: '撤销' }),
  ),
  'POST /api/v1/quarantine/orders/{id}/release': refused(
    'investigator',
    (f) => `/quarantine/orders/${f.order}/release`,
    () => ({}),
  ),
  'GET /api/v1/quarantine/orders/{id}/certificate.pdf': refused(
    'investigator',
    (f) => `/quarantine/orders/${f.order}/certificate.pdf`,
  ),
  'GET /api/v1/quarantine/certificates/verify': exempt(PUBLIC),
  'GET /api/v1/quarantine/my': exempt(OWN),
  'GET /api/v1/quarantine/my/orders/{id}/certificate.pdf': exempt(OWN),
  'POST /api/v1/quarantine/my/reports': exempt(OWN),
  'GET /api/v1/quarantine/home': refused('community_worker', (f) => `/quarantine/home?areaId=${f.area}`),
  'POST /api/v1/quarantine/home/{id}/door': refused(
    'community_worker',
    (f) => `/quarantine/home/${f.order}/door`,
    () => ({ measure: 'seal' }),
  ),
  'POST /api/v1/quarantine/home/{id}/reports': refused(
    'community_worker',
    (f) => `/quarantine/home/${f.order}/reports`,
    () => ({ temperature: 36.5, by: 'phone' }),
  ),
  'POST /api/v1/quarantine/home/{id}/breaches': refused(
    'community_worker',
    (f) => `/quarantine/home/${f.order}/breaches`,
    () => ({ kind: 'left_home' }),
  ),
  'POST /api/v1/quarantine/home/{id}/services': refused(
    'community_worker',
    (f) => `/quarantine/home/${f.order}/services`,
    () => ({ kind: 'garbage', bags: 2, handledBy: '志愿者小王' }),
  ),
  'GET /api/v1/quarantine/home/{id}/services': refused(
    'community_worker',
    (f) => `/quarantine/home/${f.order}/services`,
  ),
  'GET /api/v1/logistics/rules': exempt(
    "the logistics rule file's departments, cargo categories and validity, and the actor's own link",
  ),
  'GET /api/v1/logistics/enterprises': refused('logistics', (f) => `/logistics/enterprises?areaId=${f.area}`),
  'POST /api/v1/logistics/enterprises': refused(
    'logistics',
    () => '/logistics/enterprises',
    (f) => ({
      name: '文苑另一企业',
      creditCode: '91220402MA0XK7LQ32',
      category: 'food',
      areaId: f.area,
      contactName: '张三',
      contactPhone: '13800000009',
    }),
  ),
  'GET /api/v1/logistics/enterprises/{id}': refused('logistics', (f) => `/logistics/enterprises/${f.enterprise}`),
  'POST /api/v1/logistics/enterprises/{id}/vehicles': refused(
    'logistics',
    (f) => `/logistics/enterprises/${f.enterprise}/vehicles`,
    () => ({ plate: '吉D99999', type: 'truck', loadKg: 1000 }),
  ),
  'POST /api/v1/logistics/enterprises/{id}/drivers': refused(
    'logistics',
    (f) => `/logistics/enterprises/${f.enterprise}/drivers`,
    () => ({ name: '张三', idType: 'passport', idNumber: 'E12345678', phone: '13800000008', licenceClass: 'B2' }),
  ),
  'GET /api/v1/logistics/vehicles': scoped('logistics', () => '/logistics/vehicles'),
  'GET /api/v1/logistics/drivers': scoped('logistics', () => '/logistics/drivers'),
  'GET /api/v1/logistics/passes': scoped('logistics', () => '/logistics/passes'),
  'POST /api/v1/logistics/passes': refused(
    'command',
    () => '/logistics/passes',
    (f) => ({ vehicleId: f.vehicle, driverIds: [], origin: '130102', destination: '220402', cargoCategory: 'food' }),
  ),
  'POST /api/v1/logistics/passes/verify': exempt(
    'a checkpoint checks passes of any origin (trucks come from other provinces); answers the pass as printed, drivers masked',
  ),
  'GET /api/v1/logistics/passes/{id}': refused('logistics', (f) => `/logistics/passes/${f.pass}`),
  'POST /api/v1/logistics/passes/{id}/issue': refused('logistics', (f) => `/logistics/passes/${f.pass}/issue`),
  'POST /api/v1/logistics/passes/{id}/refuse': refused(
    'logistics',
    (f) => `/logistics/passes/${f.pass}/refuse`,
    () => ({ reason: '不符' }),
  ),
  'POST /api/v1/logistics/passes/{id}/revoke': refused(
    'logistics',
    (f) => `/logistics/passes/${f.pass}/revoke`,
    () => ({ reason: '撤销' }),
  ),
  'POST /api/v1/logistics/passes/{id}/withdraw': refused('command', (f) => `/logistics/passes/${f.pass}/withdraw`),
  'GET /api/v1/logistics/passes/{id}/code': refused('logistics', (f) => `/logistics/passes/${f.pass}/code`),
  'GET /api/v1/logistics/passes/{id}/pass.pdf': refused('logistics', (f) => `/logistics/passes/${f.pass}/pass.pdf`),
  'GET /api/v1/logistics/reserves/catalogue': exempt("the reserves rule file's items, units and thresholds"),
  'GET /api/v1/logistics/reserves': refused('warehouse', (f) => `/logistics/reserves?areaId=${f.area}`),
  'GET /api/v1/logistics/reserves/alerts': refused('warehouse', (f) => `/logistics/reserves/alerts?areaId=${f.area}`),
  'GET /api/v1/logistics/warehouses': scoped('warehouse', () => '/logistics/warehouses'),
  'POST /api/v1/logistics/warehouses': refused(
    'warehouse',
    () => '/logistics/warehouses',
    (f) => ({ name: '文苑新仓', areaId: f.area, ownerUnit: '文苑社区居委会' }),
  ),
  'GET /api/v1/logistics/warehouses/{id}': refused('warehouse', (f) => `/logistics/warehouses/${f.warehouse}`),
  'GET /api/v1/logistics/warehouses/{id}/movements': refused(
    'warehouse',
    (f) => `/logistics/warehouses/${f.warehouse}/movements`,
  ),
  'POST /api/v1/logistics/stock/movements': refused(
    'warehouse',
    () => '/logistics/stock/movements',
    (f) => ({ kind: 'out', warehouseId: f.warehouse, item: 'rice', unit: 't', quantity: 1 }),
  ),
  'GET /api/v1/decision/rt': refused('command', (f) => `/decision/rt?areaId=${f.area}`),
  'GET /api/v1/decision/projections': scoped('command', () => '/decision/projections'),
  'POST /api/v1/decision/projections': refused(
    'command',
    () => '/decision/projections',
    (f) => ({ areaId: f.area }),
  ),
  'GET /api/v1/decision/projections/{id}': refused('command', (f) => `/decision/projections/${f.projection}`),
  'GET /api/v1/logistics/trips': scoped('logistics', () => '/logistics/trips'),
  'POST /api/v1/logistics/trips': refused(
    'command',
    () => '/logistics/trips',
    (f) => ({
      passId: f.pass,
      vehicleId: f.vehicle,
      crew: [{ driverId: f.vehicle, role: 'driver' }],
      cargoCategory: 'food',
      cargoName: '蔬菜',
      quantity: 10,
      unit: 't',
      origin: '130102',
      originRisk: 'none',
      destinationKind: 'transfer_station',
      destinationId: f.station,
      intent: 'unload_return',
      arriveFrom: START + 60 * HOUR,
      arriveUntil: START + 62 * HOUR,
    }),
  ),
  'GET /api/v1/logistics/trips/{id}': refused('logistics', (f) => `/logistics/trips/${f.trip}`),
  'POST /api/v1/logistics/trips/{id}/approve': refused('logistics', (f) => `/logistics/trips/${f.trip}/approve`),
  'POST /api/v1/logistics/trips/{id}/refuse': refused(
    'logistics',
    (f) => `/logistics/trips/${f.trip}/refuse`,
    () => ({ reason: '不符' }),
  ),
  'POST /api/v1/logistics/trips/{id}/withdraw': refused('command', (f) => `/logistics/trips/${f.trip}/withdraw`),
  'GET /api/v1/logistics/stations': scoped('logistics', () => '/logistics/stations'),
  'POST /api/v1/logistics/stations': refused(
    'logistics',
    () => '/logistics/stations',
    (f) => ({ name: '文苑另一中转站', areaId: f.area, windowMinutes: 120 }),
  ),
  'GET /api/v1/logistics/stations/{id}/board': refused('logistics', (f) => `/logistics/stations/${f.station}/board`),
  'GET /api/v1/logistics/stations/{id}/arrivals': refused(
    'logistics',
    (f) => `/logistics/stations/${f.station}/arrivals?date=2022-04-04&slot=08`,
  ),
  'POST /api/v1/logistics/stations/{id}/visits': refused(
    'logistics',
    (f) => `/logistics/stations/${f.station}/visits`,
    () => ({ plate: '吉D77777', crew: ['张三'] }),
  ),
  'GET /api/v1/logistics/visits/{id}': refused('logistics', (f) => `/logistics/visits/${f.visit}`),
  'POST /api/v1/logistics/visits/{id}/steps': refused(
    'logistics',
    (f) => `/logistics/visits/${f.visit}/steps`,
    () => ({ step: 'disinfected' }),
  ),
  'GET /api/v1/logistics/visits/{id}/slip.pdf': refused('logistics', (f) => `/logistics/visits/${f.visit}/slip.pdf`),
  'GET /api/v1/logistics/checkpoints': scoped('logistics', () => '/logistics/checkpoints'),
  'POST /api/v1/logistics/checkpoints': refused(
    'logistics',
    () => '/logistics/checkpoints',
    (f) => ({ name: '文苑另一卡口', areaId: f.area }),
  ),
  'POST /api/v1/logistics/checkpoints/{id}/lookup': refused(
    'checkpoint',
    (f) => `/logistics/checkpoints/${f.checkpoint}/lookup`,
    () => ({ plate: '吉D12345' }),
  ),
  'POST /api/v1/logistics/checkpoints/{id}/checks': refused(
    'checkpoint',
    (f) => `/logistics/checkpoints/${f.checkpoint}/checks`,
    () => CHECK_BODY,
  ),
  'POST /api/v1/logistics/checkpoints/{id}/sync': refused(
    'checkpoint',
    (f) => `/logistics/checkpoints/${f.checkpoint}/sync`,
    () => ({ checks: [CHECK_BODY] }),
  ),
  'GET /api/v1/logistics/checkpoints/{id}/counts': refused(
    'checkpoint',
    (f) => `/logistics/checkpoints/${f.checkpoint}/counts?date=2022-04-02`,
  ),
  'GET /api/v1/logistics/checks': scoped('checkpoint', () => '/logistics/checks'),
  'GET /api/v1/logistics/checks/{id}': refused('checkpoint', (f) => `/logistics/checks/${f.check}`),
  'POST /api/v1/logistics/checks/{id}/resolve': refused(
    'logistics',
    (f) => `/logistics/checks/${f.check}/resolve`,
    () => ({ resolution: 'trans_ship', reason: '未报备' }),
  ),
  'GET /api/v1/volunteers/signup/form': exempt(
    "public: the sign-up form's organisation kinds, skills and the names of communities, no personal data",
  ),
  'POST /api/v1/volunteers/signup': exempt(
    'public: anyone may sign up as a volunteer (rate-limited); nothing is read back',
  ),
  'GET /api/v1/volunteers/rules': exempt(CITY),
  'GET /api/v1/volunteers': refused('volunteer_coordinator', (f) => `/volunteers?areaId=${f.area}`),
  'GET /api/v1/volunteers/me': exempt(OWN),
  'POST /api/v1/volunteers/me/tasks/{id}/accept': exempt(OWN),
  'POST /api/v1/volunteers/me/tasks/{id}/decline': exempt(OWN),
  'GET /api/v1/volunteers/needs': refused('volunteer_coordinator', (f) => `/volunteers/needs?areaId=${f.area}`),
  'POST /api/v1/volunteers/needs': refused(
    'community_worker',
    () => '/volunteers/needs',
    (f) => ({
      unitKind: 'community',
      unitName: '越界需求',
      taskType: 'door_knocking',
      areaId: f.grid,
      date: '2022-04-05',
      startTime: '08:00',
      endTime: '11:00',
      people: 2,
      health: 'none',
      contactName: '王站长',
      contactPhone: '13904379999',
    }),
  ),
  'GET /api/v1/volunteers/needs/{id}': refused('community_worker', (f) => `/volunteers/needs/${f.vNeed}`),
  'POST /api/v1/volunteers/match/propose': refused(
    'volunteer_coordinator',
    () => '/volunteers/match/propose',
    (f) => ({ date: '2022-04-05', areaId: f.area }),
  ),
  'POST /api/v1/volunteers/match/confirm': refused(
    'volunteer_coordinator',
    () => '/volunteers/match/confirm',
    (f) => ({ assignments: [{ needId: f.vNeed, volunteerId: f.volunteer }] }),
  ),
  'GET /api/v1/volunteers/{id}': refused('volunteer_coordinator', (f) => `/volunteers/${f.volunteer}`),
  'POST /api/v1/volunteers/{id}/vet': refused(
    'volunteer_coordinator',
    (f) => `/volunteers/${f.volunteer}/vet`,
    () => ({ decision: 'approve' }),
  ),
};

for (const { dialect, skip } of await dialects()) {
  describe(`every route keeps to the actor's area [${dialect}]`, { skip }, () => {
    test('each route of the OpenAPI document is classified, and an actor of another community is refused or sees nothing of it', async () => {
      const s = await testServices(dialect);
      s.clock.set(START + HOUR);
      const areas = await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      const call = callerOf(app);
      try {
        // Every route served is in the table, and the table names no route that is gone.
        await app.ready();
        const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
        const served = Object.entries(doc.paths).flatMap(([path, ops]) =>
          Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
        );
        assert.deepEqual(
          served.filter((r) => !(r in ROUTES)),
          [],
          'routes not classified in test/api/area-scope.test.ts',
        );
        assert.deepEqual(
          Object.keys(ROUTES).filter((r) => !served.includes(r)),
          [],
          'classified routes no longer served',
        );

        // 文苑's records, made by its own staff and the city's.
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const command = await signIn(s, 'command', AREAS.city);
        const investigator = await signIn(s, 'investigator', AREAS.wenyuan);
        const sampler = await signIn(s, 'sampler', AREAS.wenyuan);
        const lab = await signIn(s, 'lab', AREAS.city);
        const ok = (res: { statusCode: number; body: string }, status = 201) => {
          assert.equal(res.statusCode, status, res.body);
          return JSON.parse(res.body);
        };
        const home = ok(
          await call('POST', '/households', worker, {
            areaId: areas[AREAS.wenyuanGrid],
            buildingName: '3号楼',
            unit: '1',
            door: '101',
          }),
        );
        const person = ok(
          await call('POST', '/persons', worker, {
            householdId: home.id,
            name: '文苑甲',
            phone: '13800000001',
            idNumber: idNumber(1),
          }),
        ).id as string;
        const other = ok(
          await call('POST', '/persons', worker, {
            householdId: home.id,
            name: '文苑乙',
            phone: '13800000002',
            idNumber: idNumber(2),
          }),
        ).id as string;
        const venue = ok(
          await call('POST', '/venues', worker, {
            areaId: areas[AREAS.wenyuanGrid],
            name: '文苑小区北门',
            category: 'residential_gate',
            capacity: 100,
          }),
        ).id as string;
        await s.db
          .insertInto('case_record')
          .values(isolatedCase('case-w', person, START - DAY))
          .execute();
        await s.db
          .insertInto('contact')
          .values({
            id: 'contact-w',
            case_id: 'case-w',
            person_id: other,
            class: 'close',
            candidate: 0,
            basis: 'manual',
            reason_code: 'other',
            evidence: '{}',
            ruleset_id: '8th-edition',
            ruleset_version: 'test',
            rule: 'manual',
            first_exposure_at: START - 2 * DAY,
            last_exposure_at: START - DAY,
            review_status: 'confirmed',
            reviewed_by: null,
            review_reason: null,
            reviewed_at: null,
            source_contact_id: null,
            source_key: '',
            created_at: START,
            updated_at: START,
          })
          .execute();
        await syncCallTasks(s, s.db, 'case-w');
        const callTask = (await s.db.selectFrom('call_task').select('id').executeTakeFirstOrThrow()).id;
        const riskArea = ok(
          await call('POST', '/risk-areas', command, {
            unit: 'community',
            targetId: areas[AREAS.wenyuan],
            level: 'high',
            ...WHY,
          }),
          200,
        ).riskArea.id as string;
        const override = ok(
          await call('POST', '/health/overrides', investigator, {
            personIds: [person],
            colour: 'yellow',
            legalBasis: WHY.legalBasis,
            reason: 'sealed',
            endsAt: START + 2 * DAY,
          }),
        ).id as string;
        await s.db
          .insertInto('health_appeal')
          .values({
            id: 'appeal-w',
            person_id: person,
            area_path: `${AREAS.city}/${AREAS.district}/${AREAS.street}/${AREAS.wenyuan}/${AREAS.wenyuanGrid}/`,
            filed_by: worker.userId,
            filed_at: START,
            due_at: START + DAY,
            colour: 'yellow',
            statement: '未到过该场所',
            status: 'open',
            reviewer_id: null,
            reviewer_name: null,
            answered_at: null,
            answer: null,
            override_id: null,
            updated_at: START,
          })
          .execute();
        await s.db
          .insertInto('health_approval')
          .values({
            id: 'approval-w',
            kind: 'add_facts',
            people: 1,
            payload: JSON.stringify({ facts: [{ personId: person }] }),
            reason: 'sealed',
            status: 'pending',
            requested_by: null,
            requested_by_name: 'system',
            requested_by_role: 'command',
            requested_at: START,
            decided_by: null,
            decided_by_name: null,
            decided_at: null,
            decision_reason: null,
            ruleset_id: '9th-edition',
            ruleset_version: 'test',
            threshold: 1,
          })
          .execute();
        const round = ok(
          await call('POST', '/testing/rounds', command, {
            name: '文苑第一轮',
            startsAt: START,
            areas: [{ areaId: areas[AREAS.wenyuan], controlLevel: 'controlled' }],
          }),
        ).id as string;
        const site = ok(
          await call('POST', '/testing/sites', command, { areaId: areas[AREAS.wenyuanGrid], name: '文苑广场采样点' }),
        ).id as string;
        const table = ok(await call('POST', `/testing/sites/${site}/tables`, command, { name: '1号台' })).id as string;
        const tube = (await fillTube(call, sampler, round, table, 'W0001', [person, other])).id;
        const box = ok(await call('POST', '/testing/boxes', sampler, { roundId: round, code: 'BOXW001' })).id as string;
        s.clock.advance(2 * HOUR);
        const pool = ok(
          await call('POST', '/testing/lab/results', lab, {
            roundId: round,
            results: [{ barcode: 'W0001', result: 'positive', ctN: 33, ctOrf1ab: 34, testedAt: s.clock.now() - HOUR }],
          }),
          200,
        ).pools[0].id as string;
        const admin = await signIn(s, 'admin', AREAS.city);
        const qsite = ok(
          await call('POST', '/quarantine/sites', admin, {
            areaId: areas[AREAS.wenyuan],
            name: '文苑隔离宾馆',
            kind: 'hotel',
          }),
        ).id as string;
        const qroom = ok(
          await call('POST', `/quarantine/sites/${qsite}/rooms`, admin, { floor: 2, number: '201', kind: 'single' }),
        ).id as string;
        const qstaff = ok(
          await call('POST', `/quarantine/sites/${qsite}/staff`, admin, {
            name: '文苑医生',
            role: 'medical',
            shift: 'day',
            ppeLevel: 2,
          }),
        ).id as string;
        const hospital = ok(
          await call('POST', '/quarantine/hospitals', admin, {
            areaId: areas[AREAS.wenyuan],
            name: '文苑社区卫生服务中心',
            designations: ['fever_clinic'],
            acceptsColours: ['green', 'yellow', 'red'],
            beds: 10,
          }),
        ).id as string;
        // 文苑's quarantine: a site with a room, a person staying there, a plan, an alert, a request, waste.
        const qSite = await insertSite(s, areas[AREAS.wenyuan]!, '文苑隔离点');
        const qRooms = await insertRooms(s, qSite, [{ number: '101' }, { number: '102' }]);
        const qOrder = (await insertOrder(s, { name: '文苑丙', areaId: areas[AREAS.wenyuan]! })).orderId;
        await insertStay(s, qOrder, qSite, qRooms['101']!);
        const planned = (await insertOrder(s, { name: '文苑丁', areaId: areas[AREAS.wenyuan]! })).orderId;
        await s.db
          .insertInto('quarantine_stay')
          .values({
            id: 'stay-w-planned',
            order_id: planned,
            site_id: qSite,
            room_id: qRooms['102']!,
            status: 'planned',
            plan_id: 'plan-w',
            from_at: null,
            to_at: null,
            created_at: START,
          })
          .execute();
        await s.db
          .insertInto('quarantine_alert')
          .values({
            id: 'alert-w',
            order_id: qOrder,
            site_id: qSite,
            kind: 'fever',
            date: '2022-04-02',
            slot: 'morning',
            detail: '{}',
            status: 'open',
            follow_up: null,
            handled_by: null,
            handled_at: null,
            raised_at: START,
          })
          .execute();
        await s.db
          .insertInto('quarantine_request')
          .values({
            id: 'request-w',
            order_id: qOrder,
            site_id: qSite,
            kind: 'meal',
            detail: '',
            status: 'open',
            note: null,
            created_by: null,
            handled_by: null,
            created_at: START,
            updated_at: START,
          })
          .execute();
        await s.db
          .insertInto('quarantine_waste')
          .values({
            id: 'waste-w',
            site_id: qSite,
            bags: 1,
            weight_kg: 1,
            sealed: 1,
            stored_at: START,
            handed_over_at: null,
            receiver_unit: null,
            receiver_signature: null,
            staff_signature: null,
            recorded_by: null,
          })
          .execute();
        await insertStaff(s, qSite, null);
        const order = ok(
          await call('POST', '/quarantine/orders', investigator, { personId: other, contactId: 'contact-w' }),
        ).id as string;
        const enterprise = ok(
          await call('POST', '/logistics/enterprises', command, {
            name: '文苑保供商贸',
            creditCode: '91350100M000100Y43',
            category: 'supply_whitelist',
            areaId: areas[AREAS.wenyuan],
            contactName: '王建国',
            contactPhone: '13800000007',
          }),
        ).id as string;
        const vehicle = ok(
          await call('POST', `/logistics/enterprises/${enterprise}/vehicles`, command, {
            plate: '吉D12345',
            type: 'van',
            loadKg: 3000,
          }),
        ).id as string;
        const pass = ok(
          await call('POST', '/logistics/passes', command, {
            vehicleId: vehicle,
            driverIds: [],
            origin: '130102',
            destination: '220402',
            cargoCategory: 'food',
          }),
        ).id as string;
        ok(await call('POST', `/logistics/passes/${pass}/issue`, command, {}), 200);
        const stockman = await signIn(s, 'warehouse', AREAS.city);
        const warehouse = ok(
          await call('POST', '/logistics/warehouses', stockman, {
            name: '文苑物资周转仓',
            areaId: areas[AREAS.wenyuan],
            ownerUnit: '文苑社区居委会',
          }),
        ).id as string;
        ok(
          await call('POST', '/logistics/stock/movements', stockman, {
            kind: 'in',
            warehouseId: warehouse,
            item: 'rice',
            unit: 't',
            quantity: 5,
          }),
        );
        await s.db
          .insertInto('decision_projection')
          .values({
            id: 'projection-w',
            area_id: areas[AREAS.wenyuan]!,
            area_path: `${AREAS.city}/${AREAS.district}/${AREAS.street}/${AREAS.wenyuan}/`,
            first_day: '2022-04-02',
            horizon: 1,
            inputs: JSON.stringify({
              seed: 1,
              trajectories: 100,
              window: 7,
              lastObserved: '2022-04-01',
              local: [],
              imported: [],
              si: { source: 'rule', mean: 3, sd: 2, distribution: [] },
              posterior: { shape: 13, scale: 0.1, mean: 1.3, q025: 0.7, q975: 2.1 },
              ruleVersion: 'test',
            }),
            bands: JSON.stringify([{ median: 2, q025: 0, q25: 1, q75: 3, q975: 6 }]),
            demand: JSON.stringify({
              lookBackDays: 28,
              casesInLookBack: 1,
              contactsPerCase: 1,
              centralisedDays: 7,
              bedShare: 1,
              bedDays: 10,
              median: { cases: 2, contacts: 2, roomDays: 14, beds: 2 },
              high: { cases: 6, contacts: 6, roomDays: 42, beds: 6 },
            }),
            scored_at: null,
            score: null,
            created_by: null,
            created_at: START,
          })
          .execute();
        const station = ok(
          await call('POST', '/logistics/stations', command, {
            name: '文苑中转站',
            areaId: areas[AREAS.wenyuan],
            windowMinutes: 240,
          }),
        ).id as string;
        const checkpoint = ok(
          await call('POST', '/logistics/checkpoints', command, { name: '文苑卡口', areaId: areas[AREAS.wenyuan] }),
        ).id as string;
        const wDriver = ok(
          await call('POST', `/logistics/enterprises/${enterprise}/drivers`, command, {
            name: '文苑司机',
            idType: 'passport',
            idNumber: 'E87654321',
            phone: '13800000006',
            licenceClass: 'B2',
          }),
        ).id as string;
        const trip = ok(
          await call('POST', '/logistics/trips', command, {
            passId: pass,
            vehicleId: vehicle,
            crew: [{ driverId: wDriver, role: 'driver' }],
            cargoCategory: 'food',
            cargoName: '蔬菜',
            quantity: 10,
            unit: 't',
            origin: '130102',
            originRisk: 'none',
            destinationKind: 'transfer_station',
            destinationId: station,
            intent: 'unload_return',
            arriveFrom: START + 60 * HOUR,
            arriveUntil: START + 62 * HOUR,
          }),
        ).id as string;
        const check = ok(
          await call('POST', `/logistics/checkpoints/${checkpoint}/checks`, command, {
            ...CHECK_BODY,
            clientId: 'phone-w-000000',
            persons: [{ ...CHECK_BODY.persons[0], name: '文苑司机' }],
          }),
        ).id as string;
        const visit = ok(
          await call('POST', `/logistics/stations/${station}/visits`, command, {
            plate: '吉D77777',
            crew: ['文苑司机'],
          }),
        ).id as string;
        const volunteer = ok(
          await call('POST', '/volunteers/signup', undefined, {
            name: '文苑志愿者',
            idNumber: idNumber(901),
            phone: '13904370901',
            areaId: areas[AREAS.wenyuanGrid],
            orgKind: 'youth_league',
            skills: [{ code: 'data_entry' }],
            availability: ['tue_am'],
            consent: true,
          }),
        ).id as string;
        const vNeed = ok(
          await call('POST', '/volunteers/needs', command, {
            unitKind: 'community',
            unitName: '文苑入户排查',
            taskType: 'door_knocking',
            areaId: areas[AREAS.wenyuanGrid],
            date: '2022-04-05',
            startTime: '08:00',
            endTime: '11:00',
            people: 2,
            health: 'none',
            contactName: '王站长',
            contactPhone: '13904379999',
          }),
        )[0].id as string;
        const [wenyuanArea] = await areasByIds(s.db, [areas[AREAS.wenyuan]!]);
        await runAlerts(s, {
          now: s.clock.now(),
          venues: [
            { id: 'venue-w', areaId: wenyuanArea!.id, areaPath: wenyuanArea!.path, name: 'x', count: 2, capacity: 1 },
          ],
        });
        const cAlert = (await s.db.selectFrom('command_alert').select('id').executeTakeFirstOrThrow()).id;
        const f: Fixture = {
          order,
          area: areas[AREAS.wenyuan]!,
          grid: areas[AREAS.wenyuanGrid]!,
          building: home.buildingId,
          household: home.id,
          person,
          user: worker.userId,
          venue,
          case: 'case-w',
          contact: 'contact-w',
          callTask,
          riskArea,
          round,
          site,
          table,
          tube,
          box,
          pool,
          override,
          appeal: 'appeal-w',
          approval: 'approval-w',
          barcode: 'W0001',
          qsite,
          qroom,
          qstaff,
          hospital,
          qSite,
          qRoom: qRooms['101']!,
          qOrder,
          qPlan: 'plan-w',
          qAlert: 'alert-w',
          qRequest: 'request-w',
          qWaste: 'waste-w',
          enterprise,
          vehicle,
          pass,
          warehouse,
          projection: 'projection-w',
          trip,
          station,
          checkpoint,
          check,
          visit,
          volunteer,
          vNeed,
          cAlert,
        };
        const secrets = [
          ...Object.values(f).filter((v) => v !== f.user),
          '文苑甲',
          '文苑乙',
          '文*甲',
          '文*乙',
          '文苑小区北门',
          '文苑广场采样点',
          '文苑隔离宾馆',
          '文苑医生',
          '文苑社区卫生服务中心',
          '文苑保供商贸',
          '吉D12345',
          '文苑物资周转仓',
          '吉D77777',
          '文苑中转站',
          '文苑卡口',
          '文苑司机',
          '文*司机',
          '文苑志愿者',
          '文苑入户排查',
        ];

        // 兴阳's actors, one per role, ask for them.
        const actors = new Map<Role, SignedIn>();
        const actor = async (role: Role) => {
          if (!actors.has(role)) actors.set(role, await signIn(s, role, AREAS.xingyang));
          return actors.get(role)!;
        };
        const failures: string[] = [];
        for (const [route, probe] of Object.entries(ROUTES)) {
          if (probe.expect === 'exempt') {
            assert.ok(probe.reason.length > 10, `${route}: an exemption says why`);
            continue;
          }
          const method = route.split(' ')[0] as 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
          const res = await app.inject({
            method,
            url: `/api/v1${probe.url(f)}`,
            headers: (await actor(probe.as)).headers,
            ...(probe.body
              ? { payload: probe.body(f) as object }
              : method === 'GET' || method === 'DELETE'
                ? {}
                : { payload: {} }),
          });
          if (probe.expect === 'refused') {
            if (res.statusCode !== 403 && res.statusCode !== 404)
              failures.push(`${route} as ${probe.as}: ${res.statusCode} ${res.body.slice(0, 200)}`);
            else if (res.statusCode === 403 && res.json().code !== 'OUT_OF_SCOPE')
              failures.push(`${route}: refused with ${res.json().code}`);
            else if (res.statusCode === 404 && res.json().code === 'ROUTE_NOT_FOUND')
              failures.push(`${route}: the probe's URL matches no route`);
          } else if (res.statusCode !== 403 && res.statusCode !== 404) {
            if (res.statusCode !== 200)
              failures.push(`${route} as ${probe.as}: ${res.statusCode} ${res.body.slice(0, 200)}`);
            const leaked = secrets.filter((x) => res.body.includes(x));
            if (leaked.length) failures.push(`${route} as ${probe.as}: shows ${leaked.join(', ')}`);
          }
        }
        assert.deepEqual(failures, []);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
