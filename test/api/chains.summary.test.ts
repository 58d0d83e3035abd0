// The transmission chains at the scale of an outbreak, over HTTP on both dialects: the summary view draws
// cases and confirmed close contacts and folds general contacts and unreviewed candidates into a count per
// venue (and secondary contacts into a count per close contact); filters by class, date and cluster; the
// neighbourhood of one node; and the refusals (another area, a role without case.read, bad input).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { insertAll, personRow } from '../support/tracing.city.ts';
import { build } from '../../src/app.ts';
import type { ContactTable } from '../../src/db/database.ts';

const MIN = 60_000;
const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const MARKET = Date.parse('2022-03-21T14:00:00+08:00');
const GYM = Date.parse('2022-03-23T09:00:00+08:00');
const GENERAL = 300;

interface Node {
  id: string;
  kind: string;
  label: string;
  count?: number;
  breakdown?: Record<string, number>;
}
interface Edge {
  id: string;
  source: string;
  target: string;
  kind: string;
}
interface Graph {
  nodes: Node[];
  edges: Edge[];
  clusters: Array<{ id: string; caseIds: string[]; people: number; nodeIds: string[] }>;
  view: string;
  collapsed: number;
}

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  const grid = areas[AREAS.wenyuanGrid]!;
  const app = await build(s, { serveWeb: false });
  const get = async (url: string, who?: SignedIn) =>
    app.inject({ method: 'GET', url: `/api/v1${url}`, headers: who?.headers ?? {} });

  const people = [
    'pA',
    'pB',
    'h1',
    's1',
    'cand1',
    'cand2',
    'gB',
    ...Array.from({ length: GENERAL }, (_, i) => `g${i}`),
  ];
  await insertAll(
    s,
    'person',
    people.map((id) => personRow(id, grid, null, `人${id}`)),
  );
  for (const [id, name, at] of [
    ['v-market', '文苑超市', MARKET],
    ['v-gym', '文苑健身房', GYM],
  ] as const) {
    await s.db
      .insertInto('venue')
      .values({
        id,
        name,
        category: 'supermarket',
        address: '',
        area_id: grid,
        capacity: 1000,
        operator_user_id: null,
        status: 'approved',
        approved_by: null,
        approved_at: null,
        code_version: 1,
        requires_presence: 0,
        dwell_minutes: null,
        created_at: at - 86_400_000,
        updated_at: at - 86_400_000,
      })
      .execute();
  }
  const kase = (id: string, personId: string, onsetAt: number) => ({
    id,
    person_id: personId,
    classification: 'confirmed',
    onset_at: onsetAt,
    first_positive_sampled_at: null,
    source: 'fever_clinic',
    isolated_at: null,
    status: 'confirmed',
    ruleset_id: '9th-edition',
    ruleset_version: 'test',
    traced_at: NOW,
    created_by: null,
    created_at: onsetAt,
    updated_at: onsetAt,
  });
  await insertAll(s, 'case_record', [kase('caseA', 'pA', MARKET - 60 * MIN), kase('caseB', 'pB', GYM - 60 * MIN)]);
  let n = 0;
  const contact = (
    caseId: string,
    personId: string,
    basis: string,
    cls: string,
    at: number,
    extra: Partial<ContactTable> = {},
  ): ContactTable => ({
    id: `k${String(++n).padStart(4, '0')}`,
    case_id: caseId,
    person_id: personId,
    class: cls,
    candidate: 0,
    basis,
    reason_code: basis,
    evidence: '{}',
    ruleset_id: '9th-edition',
    ruleset_version: 'test',
    rule: `closeContact.${basis}`,
    first_exposure_at: at,
    last_exposure_at: at + 30 * MIN,
    review_status: 'pending',
    reviewed_by: null,
    review_reason: null,
    reviewed_at: null,
    source_contact_id: null,
    source_key: '',
    created_at: NOW,
    updated_at: NOW,
    ...extra,
  });
  const atVenue = (
    caseId: string,
    personId: string,
    cls: string,
    venueId: string,
    venueName: string,
    at: number,
    extra: Partial<ContactTable> = {},
  ) =>
    contact(caseId, personId, 'venue', cls, at, {
      evidence: JSON.stringify({
        encounters: [
          {
            venueId,
            venueName,
            overlapStart: at,
            overlapEnd: at + 30 * MIN,
            overlapMinutes: 30,
            caseVisit: { checkinId: `visit-${caseId}-${venueId}`, enteredAt: at - 10 * MIN, exitedAt: at + 40 * MIN },
          },
        ],
      }),
      ...extra,
    });
  const household = contact('caseA', 'h1', 'household', 'close', MARKET - 86_400_000);
  const rows: ContactTable[] = [
    household,
    contact('caseA', 's1', 'secondary', 'secondary', MARKET, {
      source_contact_id: household.id,
      source_key: household.id,
    }),
    atVenue('caseA', 'pB', 'close', 'v-market', '文苑超市', MARKET, { candidate: 1, review_status: 'confirmed' }),
    atVenue('caseA', 'cand1', 'close', 'v-market', '文苑超市', MARKET, { candidate: 1 }),
    atVenue('caseA', 'cand2', 'close', 'v-market', '文苑超市', MARKET, { candidate: 1 }),
    ...Array.from({ length: GENERAL }, (_, i) =>
      atVenue('caseA', `g${i}`, 'general', 'v-market', '文苑超市', MARKET + (i % 30) * MIN),
    ),
    atVenue('caseB', 'gB', 'general', 'v-gym', '文苑健身房', GYM),
    // Dismissed: never drawn nor counted.
    atVenue('caseB', 'g0', 'general', 'v-gym', '文苑健身房', GYM, { review_status: 'dismissed' }),
  ];
  for (let i = 0; i < rows.length; i += 100)
    await s.db
      .insertInto('contact')
      .values(rows.slice(i, i + 100))
      .execute();
  const investigator = await signIn(s, 'investigator', AREAS.city);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const otherWorker = await signIn(s, 'community_worker', AREAS.xingyang);
  const graph = async (query: string, who: SignedIn = investigator): Promise<Graph> => {
    const res = await get(`/chains?${query}`, who);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as Graph;
  };
  return { s, app, get, graph, areas, investigator, worker, otherWorker };
}

const ids = (g: Graph) => g.nodes.map((x) => x.id).sort();
const node = (g: Graph, id: string) => g.nodes.find((x) => x.id === id);

for (const { dialect, skip } of await dialects()) {
  describe(`chains at scale [${dialect}]`, { skip }, () => {
    test('the summary view: cases and confirmed close contacts drawn, the rest counted per venue; filters and focus', async () => {
      const t = await setup(dialect);
      try {
        const full = await t.graph('');
        assert.equal(full.view, 'full');
        assert.equal(full.collapsed, 0);
        assert.equal(full.nodes.length, 2 + 5 + GENERAL + 2, 'the full graph: every person and both venues');

        const g = await t.graph('view=summary');
        assert.equal(g.view, 'summary');
        assert.deepEqual(ids(g), [
          'group:person:h1',
          'group:venue:v-gym',
          'group:venue:v-market',
          'person:h1',
          'person:pA',
          'person:pB',
          'venue:v-gym',
          'venue:v-market',
        ]);
        assert.equal(g.collapsed, GENERAL + 2 + 1 + 1);
        const market = node(g, 'group:venue:v-market')!;
        assert.equal(market.kind, 'group');
        assert.equal(market.count, GENERAL + 2);
        assert.deepEqual(market.breakdown, { close: 0, secondary: 0, general: GENERAL, candidates: 2 });
        assert.deepEqual(
          node(g, 'group:person:h1')!.breakdown,
          { close: 0, secondary: 1, general: 0, candidates: 0 },
          'secondary contacts hang from their close contact',
        );
        assert.equal(node(g, 'group:venue:v-gym')!.count, 1, 'the dismissed contact is not counted');
        assert.equal(node(g, 'person:pB')!.kind, 'case');
        const edge = (source: string, target: string) =>
          g.edges.find((e) => e.source === source && e.target === target)?.kind;
        assert.equal(edge('venue:v-market', 'group:venue:v-market'), 'group');
        assert.equal(edge('venue:v-market', 'person:pB'), 'venue');
        assert.equal(edge('person:pA', 'venue:v-market'), 'visit');
        assert.equal(edge('person:h1', 'group:person:h1'), 'group');
        // Clusters keep their real size; their node lists name what is drawn.
        assert.equal(g.clusters.length, 1);
        assert.deepEqual(g.clusters[0]!.caseIds, ['caseA', 'caseB']);
        assert.equal(g.clusters[0]!.people, 2 + 5 + GENERAL);
        assert.deepEqual(g.clusters[0]!.nodeIds, ids(g));

        // Draw the candidates one by one too.
        const withCandidates = await t.graph('view=summary&expand=close,candidate');
        assert.ok(node(withCandidates, 'person:cand1') && node(withCandidates, 'person:cand2'));
        assert.equal(node(withCandidates, 'group:venue:v-market')!.count, GENERAL);

        // By class: close contacts only (cases stay); the gym had only a general contact.
        const close = await t.graph('view=summary&classes=close');
        assert.deepEqual(ids(close), ['group:venue:v-market', 'person:h1', 'person:pA', 'person:pB', 'venue:v-market']);
        assert.deepEqual(node(close, 'group:venue:v-market')!.breakdown, {
          close: 0,
          secondary: 0,
          general: 0,
          candidates: 2,
        });

        // By date: before the gym day the gym is gone.
        const before = await t.graph(`view=summary&to=${GYM - 60 * MIN}`);
        assert.ok(!node(before, 'venue:v-gym') && !node(before, 'group:venue:v-gym'));
        assert.ok(node(before, 'group:venue:v-market'));

        // By cluster, named by a later case.
        const cluster = await t.graph('view=summary&cluster=caseB');
        assert.equal(cluster.clusters[0]!.id, 'caseA');
        assert.equal(cluster.nodes.length, g.nodes.length);

        // The neighbourhood of the market: its cases, the confirmed contact and the folded crowd.
        const focus = await t.graph('view=summary&focus=venue:v-market');
        assert.deepEqual(ids(focus), ['group:venue:v-market', 'person:pA', 'person:pB', 'venue:v-market']);
        const wider = await t.graph('view=summary&focus=venue:v-market&depth=2');
        assert.ok(node(wider, 'person:h1') && node(wider, 'venue:v-gym'));
        const focusFull = await t.graph('focus=person:g7');
        assert.deepEqual(ids(focusFull), ['person:g7', 'venue:v-market']);

        // Bad input is named; a node not in the graph is not found.
        assert.equal(
          (await t.get('/chains?view=summary&focus=person:nobody', t.investigator)).json().code,
          'CHAIN_NODE_NOT_FOUND',
        );
        assert.equal(
          (await t.get('/chains?view=summary&focus=person:g1&classes=close', t.investigator)).json().code,
          'CHAIN_NODE_NOT_FOUND',
        );
        for (const bad of ['classes=close,friends', 'expand=everyone', 'depth=9&focus=venue:v-market', 'view=huge']) {
          const res = await t.get(`/chains?${bad}`, t.investigator);
          assert.equal(res.statusCode, 400, bad);
          assert.equal(res.json().code, 'VALIDATION', bad);
        }

        // Exports stay whole whatever is drawn.
        const csv = await t.get('/chains/export?format=json&classes=close', t.investigator);
        assert.equal(csv.statusCode, 200, csv.body);
        assert.ok(!JSON.parse(csv.body).nodes.some((x: Node) => x.kind === 'group'));

        const audit = await t.s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'chain.read')
          .orderBy('seq')
          .execute();
        assert.ok(
          audit.some((a) => {
            const d = JSON.parse(a.detail as string);
            return d.view === 'summary' && d.focus === 'venue:v-market';
          }),
        );
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test("the summary view keeps to the reader's area and permission", async () => {
      const t = await setup(dialect);
      try {
        // The community worker of 文苑 sees the chain; the worker of 兴阳 neither sees it nor may ask for it.
        assert.equal((await t.graph('view=summary', t.worker)).clusters.length, 1);
        const theirs = await t.graph('view=summary', t.otherWorker);
        assert.deepEqual([theirs.nodes.length, theirs.clusters.length], [0, 0]);
        const out = await t.get(`/chains?view=summary&areaId=${t.areas[AREAS.wenyuan]}`, t.otherWorker);
        assert.equal(out.json().code, 'OUT_OF_SCOPE');
        assert.equal(
          (await t.get('/chains?view=summary&focus=venue:v-market', t.otherWorker)).json().code,
          'CHAIN_NODE_NOT_FOUND',
        );
        const lab = await signIn(t.s, 'lab', AREAS.city);
        assert.equal((await t.get('/chains?view=summary', lab)).json().code, 'FORBIDDEN');
        assert.equal((await t.get('/chains?view=summary')).statusCode, 401);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });
  });
}
