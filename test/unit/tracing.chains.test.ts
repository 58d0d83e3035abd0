import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildChainGraph,
  clusterGraph,
  edgeRows,
  focusGraph,
  summariseChainGraph,
  toGraphMl,
  type ChainCaseFacts,
  type ChainContactFacts,
} from '../../src/tracing/tracing.chains.ts';
import { spineLayout } from '../../web/src/tracing/chainLayout.ts';
import { communityOf, pathPrefixes, planTasks, reopenedStatus } from '../../src/notify/notify.rules.ts';

const H = 3_600_000;
const T0 = Date.parse('2022-03-20T00:00:00+08:00');

function kase(id: string, personId: string, onsetAt: number): ChainCaseFacts {
  return {
    id,
    personId,
    personName: `name ${personId}`,
    areaName: 'grid',
    classification: 'confirmed',
    status: 'confirmed',
    onsetAt,
    firstPositiveSampledAt: null,
    createdAt: onsetAt + H,
  };
}

function contact(
  id: string,
  caseId: string,
  personId: string,
  basis: string,
  at: number,
  extra: Partial<ChainContactFacts> = {},
): ChainContactFacts {
  return {
    id,
    caseId,
    personId,
    personName: `name ${personId}`,
    areaName: 'grid',
    class: 'close',
    basis,
    reviewStatus: 'pending',
    rule: `rule.${basis}`,
    firstExposureAt: at,
    lastExposureAt: at + H,
    evidence: {},
    sourceContactId: null,
    ...extra,
  };
}

function venueContact(
  id: string,
  caseId: string,
  personId: string,
  venueId: string,
  at: number,
  checkinId: string,
): ChainContactFacts {
  return contact(id, caseId, personId, 'venue', at, {
    class: 'general',
    evidence: {
      encounters: [
        {
          venueId,
          venueName: `venue ${venueId}`,
          overlapStart: at,
          overlapEnd: at + H,
          overlapMinutes: 60,
          caseVisit: { checkinId, enteredAt: at - H, exitedAt: at + H },
        },
      ],
    },
  });
}

describe('transmission chains', () => {
  // Case A (person a) → household b, venue V → c; c later becomes case C → household d.
  // Case E (person e) alone with household f: a second cluster.
  const cases = [kase('A', 'a', T0), kase('C', 'c', T0 + 48 * H), kase('E', 'e', T0 + 24 * H)];
  const contacts = [
    contact('k1', 'A', 'b', 'household', T0 - 24 * H),
    venueContact('k2', 'A', 'c', 'V', T0 - 12 * H, 'ck1'),
    contact('k3', 'C', 'd', 'household', T0 + 24 * H),
    contact('k4', 'E', 'f', 'household', T0),
    contact('k5', 'A', 'g', 'secondary', T0, { class: 'secondary', sourceContactId: 'k1' }),
  ];

  test('one node per person: a contact who became a case links the chains; venues sit between case and contact', () => {
    const g = buildChainGraph(cases, contacts);
    const c = g.nodes.find((n) => n.id === 'person:c')!;
    assert.equal(c.kind, 'case');
    assert.equal(c.caseId, 'C');
    assert.equal(c.contactClass, 'general');
    assert.ok(g.nodes.some((n) => n.id === 'venue:V' && n.kind === 'venue'));
    const kinds = g.edges.map((e) => `${e.source}>${e.target}:${e.kind}`).sort();
    assert.deepEqual(
      kinds,
      [
        'person:c>person:d:household',
        'person:a>person:b:household',
        'person:a>venue:V:visit',
        'person:b>person:g:secondary',
        'person:e>person:f:household',
        'venue:V>person:c:venue',
      ].sort(),
    );
    const venueEdge = g.edges.find((e) => e.kind === 'venue')!;
    assert.equal(venueEdge.overlapMinutes, 60);
    assert.equal(venueEdge.contactId, 'k2');

    assert.equal(g.clusters.length, 2);
    const [big, small] = g.clusters;
    assert.deepEqual(big!.caseIds, ['A', 'C']);
    assert.equal(big!.cases, 2);
    assert.equal(big!.people, 5); // a, b, c, d, g
    assert.deepEqual(big!.venues, [{ id: 'V', name: 'venue V' }]);
    assert.equal(big!.firstAt, T0 - 24 * H);
    assert.equal(big!.label, 'name a', 'known by its earliest case');
    assert.equal(small!.id, 'E');
    assert.equal(small!.label, 'name e');
    assert.equal(small!.people, 2);

    const part = clusterGraph(g, 'E')!;
    assert.deepEqual(
      part.nodes.map((n) => n.id),
      ['person:e', 'person:f'],
    );
    assert.equal(clusterGraph(g, 'nope'), null);
  });

  test('a secondary contact met at a venue: the edge runs from the close contact and names the venue', () => {
    const metAtGym = contact('k6', 'A', 'h', 'secondary', T0 + 6 * H, {
      class: 'secondary',
      sourceContactId: 'k2',
      evidence: {
        via: 'venue',
        encounters: [
          {
            venueId: 'G',
            venueName: 'gym',
            overlapStart: T0 + 6 * H,
            overlapEnd: T0 + 7 * H,
            overlapMinutes: 45,
            caseVisit: { checkinId: 'ck9' },
          },
        ],
      },
    });
    const g = buildChainGraph(cases, [...contacts, metAtGym]);
    const edge = g.edges.find((e) => e.contactId === 'k6')!;
    assert.deepEqual(
      [edge.source, edge.target, edge.kind, edge.venueId, edge.venueName, edge.overlapMinutes],
      ['person:c', 'person:h', 'secondary', 'G', 'gym', 45],
    );
    assert.equal(g.nodes.find((n) => n.id === 'person:h')!.contactClass, 'secondary');
    const household = g.edges.find((e) => e.contactId === 'k5')!;
    assert.deepEqual(
      [household.venueId, household.overlapMinutes],
      [null, null],
      'a household secondary names no venue',
    );
  });

  test('the date filter drops what happened outside, and the links with it', () => {
    const g = buildChainGraph(cases, contacts, { from: T0 + 12 * H });
    // A's contacts are all before; C's household contact and C (onset inside) and E stay.
    assert.deepEqual(g.edges.map((e) => e.id).sort(), ['contact:k3']);
    assert.deepEqual(
      g.clusters.map((c) => c.caseIds),
      [['C'], ['E']],
    );
    const none = buildChainGraph(cases, contacts, { from: T0 + 100 * H });
    assert.equal(none.nodes.length, 0);
    const early = buildChainGraph(cases, contacts, { to: T0 - 6 * H });
    assert.deepEqual(early.edges.map((e) => e.kind).sort(), ['household', 'venue', 'visit']);
  });

  test('exports mask names and guard nothing away: CSV rows and GraphML', () => {
    const g = buildChainGraph(cases, contacts);
    const rows = [...edgeRows(g, 'en', (ms) => new Date(ms).toISOString())];
    assert.deepEqual(rows[0]!.slice(0, 5), ['Source', 'Source label', 'Target', 'Target label', 'Kind']);
    assert.equal(rows.length, g.edges.length + 1);
    assert.ok(
      rows.slice(1).every((r) => !r.join(',').includes('name a')),
      'names are masked',
    );
    assert.ok(
      rows.some((r) => r[3] === 'venue V'),
      'venues keep their names',
    );
    const xml = toGraphMl(g, (ms) => String(ms));
    assert.match(xml, /<graphml/);
    assert.equal((xml.match(/<node /g) ?? []).length, g.nodes.length);
    assert.equal((xml.match(/<edge /g) ?? []).length, g.edges.length);
    assert.doesNotMatch(xml, /name a</);
  });
});

describe('chains at scale', () => {
  test('200 cases and 20,000 contacts: the summary view draws the cases, their confirmed close contacts and one count per venue', () => {
    const cases: ChainCaseFacts[] = [];
    const contacts: ChainContactFacts[] = [];
    const pending = new Set<string>();
    for (let c = 0; c < 200; c++) {
      const at = T0 + c * H;
      cases.push(kase(`c${c}`, `case-person-${c}`, at));
      // Each case: 3 confirmed close contacts at home, 97 at two venues (2 of them unreviewed candidates).
      for (let i = 0; i < 3; i++) contacts.push(contact(`h${c}-${i}`, `c${c}`, `hp${c}-${i}`, 'household', at));
      for (let i = 0; i < 97; i++) {
        const k = venueContact(
          `v${c}-${i}`,
          `c${c}`,
          `vp${c}-${i}`,
          `venue-${c % 40}-${i % 2}`,
          at,
          `visit-${c}-${i % 2}`,
        );
        if (i < 2) {
          k.class = 'close';
          pending.add(k.id);
        }
        contacts.push(k);
      }
    }
    assert.equal(contacts.length, 20_000);
    const g = buildChainGraph(cases, contacts);
    const caseNodeOf = new Map(cases.map((c) => [c.id, `person:${c.personId}`]));
    const s = summariseChainGraph(g, { expand: ['close'], caseNodeOf, pendingCandidates: pending });
    const kinds = (k: string) => s.nodes.filter((n) => n.kind === k).length;
    assert.deepEqual([kinds('case'), kinds('contact'), kinds('venue'), kinds('group')], [200, 600, 80, 80]);
    assert.equal(s.collapsed, 200 * 97);
    assert.equal(
      s.nodes.filter((n) => n.kind === 'group').reduce((sum, n) => sum + n.count!, 0),
      200 * 97,
      'every folded person counted once per venue',
    );
    assert.ok(
      s.nodes.filter((n) => n.kind === 'group').every((n) => n.breakdown!.candidates === 5),
      'candidates counted apart (one per case at each venue)',
    );
    const ids = new Set(s.nodes.map((n) => n.id));
    assert.ok(
      s.edges.every((e) => ids.has(e.source) && ids.has(e.target)),
      'no edge to a folded node',
    );
    assert.equal(
      s.clusters.reduce((sum, c) => sum + c.people, 0),
      200 + 20_000,
      'clusters keep their real size',
    );
    assert.ok(s.clusters.every((c) => c.nodeIds.every((id) => ids.has(id))));

    // Laid out with the cases as the spine: every node placed, no two on one spot, cases in a row in time order.
    const at = spineLayout(s);
    assert.equal(at.size, s.nodes.length);
    assert.equal(new Set([...at.values()].map((p) => `${p.x},${p.y}`)).size, s.nodes.length);
    const firstRow = s.clusters[0]!.caseIds.map((id) => at.get(`person:case-person-${id.slice(1)}`)!);
    assert.equal(firstRow.length, 5, 'five cases share each venue');
    assert.ok(firstRow.every((p, i) => p.y === firstRow[0]!.y && (i === 0 || p.x > firstRow[i - 1]!.x)));
    const full = spineLayout(g);
    assert.equal(new Set([...full.values()].map((p) => `${p.x},${p.y}`)).size, g.nodes.length, 'the whole graph too');

    const near = focusGraph(s, 'person:case-person-0', 1)!;
    assert.deepEqual(near.nodes.map((n) => n.kind).sort(), ['case', 'contact', 'contact', 'contact', 'venue', 'venue']);
    assert.equal(focusGraph(s, 'person:vp0-50', 1), null, 'a folded person is not in the summary graph');
  });
});

describe('call tasks', () => {
  test('a task per live contact, created once; dismissed or vanished ones withdrawn; reinstated reopened', () => {
    const plan = planTasks(
      [
        { contactId: 'k1', dismissed: false },
        { contactId: 'k2', dismissed: true },
        { contactId: 'k3', dismissed: false },
        { contactId: 'k5', dismissed: false },
      ],
      [
        { contactId: 'k2', status: 'pending', attempts: 0 },
        { contactId: 'k3', status: 'reached', attempts: 1 },
        { contactId: 'k4', status: 'not_reached', attempts: 2 },
        { contactId: 'k5', status: 'withdrawn', attempts: 1 },
      ],
    );
    assert.deepEqual(plan, { create: ['k1'], reopen: ['k5'], withdraw: ['k2', 'k4'] });
    assert.deepEqual(
      planTasks([{ contactId: 'k1', dismissed: false }], [{ contactId: 'k1', status: 'pending', attempts: 0 }]),
      { create: [], reopen: [], withdraw: [] },
    );
    assert.equal(reopenedStatus(0), 'pending');
    assert.equal(reopenedStatus(2), 'not_reached');
  });

  test('the community of an area path is the nearest community above it', () => {
    assert.deepEqual(pathPrefixes('1/2/3/'), ['1/2/3/', '1/2/', '1/']);
    const communities = new Map([['1/2/', { id: 'c2' }]]);
    assert.deepEqual(communityOf('1/2/3/', communities), { id: 'c2' });
    assert.equal(communityOf('1/9/', communities), null);
  });
});
