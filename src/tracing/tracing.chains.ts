// Transmission chains (传播链): the graph of cases, their contacts and the venues where they met, built
// from stored cases and contacts with their evidence, and its clusters (connected components that hold
// at least one case). A contact who later became a case is one node, so the chains of its cases link.
// Pure: the service reads the rows and audits; this file decides the graph, clusters and exports.
// Times are epoch milliseconds.
import { maskName } from '../platform/mask.ts';

/** A case as the graph needs it. */
export interface ChainCaseFacts {
  id: string;
  personId: string;
  personName: string;
  areaName: string;
  classification: string;
  status: string;
  onsetAt: number | null;
  firstPositiveSampledAt: number | null;
  createdAt: number;
}

/** A stored contact with its evidence (dismissed ones are left out by the reader). */
export interface ChainContactFacts {
  id: string;
  caseId: string;
  personId: string;
  personName: string;
  areaName: string;
  class: string;
  basis: string;
  reviewStatus: string;
  rule: string;
  firstExposureAt: number | null;
  lastExposureAt: number | null;
  evidence: Record<string, unknown>;
  /** For a secondary contact: the close contact (a contact id of the same case) it came through. */
  sourceContactId: string | null;
}

export const CHAIN_NODE_KINDS = ['case', 'contact', 'venue'] as const;
export type ChainNodeKind = (typeof CHAIN_NODE_KINDS)[number];
export const CHAIN_EDGE_KINDS = ['household', 'venue', 'manual', 'secondary', 'visit'] as const;
export type ChainEdgeKind = (typeof CHAIN_EDGE_KINDS)[number];

export interface ChainNode {
  /** `person:<id>` or `venue:<id>`. */
  id: string;
  kind: ChainNodeKind;
  label: string;
  personId: string | null;
  venueId: string | null;
  /** The person's case (the latest when several), for a node of kind case. */
  caseId: string | null;
  areaName: string | null;
  classification: string | null;
  status: string | null;
  /** The closest class this person has as anybody's contact (close, secondary, general), else null. */
  contactClass: string | null;
  /** The earliest instant the node takes part in (onset, sampling or registration; first exposure). */
  firstAt: number | null;
}

export interface ChainEdge {
  id: string;
  source: string;
  target: string;
  kind: ChainEdgeKind;
  caseId: string;
  /** The contact the edge stands for (null for a case's visit to a venue). */
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
  /** Who the cluster is known by: its earliest case's person (a name; masked in exports). */
  label: string;
  /** Cases in the cluster, earliest first. */
  caseIds: string[];
  cases: number;
  /** People (cases and contacts). */
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
}

export interface ChainFilter {
  /** Keep what happened at or after this instant. */
  from?: number;
  /** Keep what happened before this instant. */
  to?: number;
}

const CLASS_ORDER: Record<string, number> = { close: 0, secondary: 1, general: 2 };

interface Encounterish {
  venueId?: unknown;
  venueName?: unknown;
  overlapStart?: unknown;
  overlapEnd?: unknown;
  overlapMinutes?: unknown;
  caseVisit?: { checkinId?: unknown; enteredAt?: unknown; exitedAt?: unknown };
}

function encountersOf(evidence: Record<string, unknown>): Encounterish[] {
  const list = evidence.encounters;
  return Array.isArray(list) ? (list.filter((e) => e && typeof e === 'object') as Encounterish[]) : [];
}

const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const personNode = (id: string) => `person:${id}`;
const venueNode = (id: string) => `venue:${id}`;

/** The instant a case counts from: onset, else first positive sampling, else registration. */
export function caseAnchor(c: ChainCaseFacts): number {
  return c.onsetAt ?? c.firstPositiveSampledAt ?? c.createdAt;
}

/** Whether [from, to] meets the filter; an open end counts as the other end. */
function inRange(f: ChainFilter, from: number | null, to: number | null): boolean {
  const a = from ?? to;
  const b = to ?? from;
  if (a === null || b === null) return true;
  if (f.from !== undefined && b < f.from) return false;
  if (f.to !== undefined && a >= f.to) return false;
  return true;
}

/**
 * The graph of the cases and contacts: one node per person (a case when they have one), one per
 * venue where a case met a contact; an edge per household, manual and secondary contact (from the
 * case, or from the close contact a secondary came through, naming the venue where they met when a
 * secondary contact was found by venue co-presence), and for a venue contact an edge case →
 * venue (the case's visits) and venue → contact (the overlap). Edges outside the filter's dates go,
 * and with them the nodes they alone held; a case stays when its anchor lies in the range.
 */
export function buildChainGraph(cases: readonly ChainCaseFacts[], contacts: readonly ChainContactFacts[], filter: ChainFilter = {}): ChainGraph {
  const nodes = new Map<string, ChainNode>();
  const edges = new Map<string, ChainEdge>();
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const contactById = new Map(contacts.map((c) => [c.id, c]));

  const touch = (id: string, at: number | null) => {
    const n = nodes.get(id)!;
    if (at !== null && (n.firstAt === null || at < n.firstAt)) n.firstAt = at;
  };
  const addPerson = (personId: string, name: string, areaName: string) => {
    const id = personNode(personId);
    if (!nodes.has(id)) {
      nodes.set(id, {
        id, kind: 'contact', label: name, personId, venueId: null, caseId: null, areaName, classification: null, status: null, contactClass: null, firstAt: null,
      });
    }
    return id;
  };
  const addCase = (c: ChainCaseFacts) => {
    const id = addPerson(c.personId, c.personName, c.areaName);
    const n = nodes.get(id)!;
    const latest = n.caseId ? caseById.get(n.caseId) : undefined;
    if (!latest || c.createdAt >= latest.createdAt) {
      Object.assign(n, { kind: 'case', caseId: c.id, classification: c.classification, status: c.status });
    }
    touch(id, caseAnchor(c));
    return id;
  };
  const addVenue = (venueId: string, name: string) => {
    const id = venueNode(venueId);
    if (!nodes.has(id)) {
      nodes.set(id, {
        id, kind: 'venue', label: name, personId: null, venueId, caseId: null, areaName: null, classification: null, status: null, contactClass: null, firstAt: null,
      });
    }
    return id;
  };

  for (const c of cases) if (inRange(filter, caseAnchor(c), caseAnchor(c))) addCase(c);

  for (const k of contacts) {
    const c = caseById.get(k.caseId);
    if (!c) continue;
    const encounters = k.basis === 'venue' ? encountersOf(k.evidence) : [];
    const kept = encounters.filter((e) => inRange(filter, numOrNull(e.overlapStart), numOrNull(e.overlapEnd)));
    if (k.basis === 'venue' ? kept.length === 0 : !inRange(filter, k.firstExposureAt, k.lastExposureAt)) continue;

    const caseNode = addCase(c);
    const target = addPerson(k.personId, k.personName, k.areaName);
    const t = nodes.get(target)!;
    if (t.contactClass === null || (CLASS_ORDER[k.class] ?? 9) < (CLASS_ORDER[t.contactClass] ?? 9)) t.contactClass = k.class;
    touch(target, k.firstExposureAt);
    const common = { caseId: c.id, contactId: k.id, class: k.class, reviewStatus: k.reviewStatus, rule: k.rule };

    if (k.basis === 'venue') {
      for (const e of kept) {
        const venueId = String(e.venueId ?? '');
        if (!venueId) continue;
        const venueName = String(e.venueName ?? venueId);
        const v = addVenue(venueId, venueName);
        const from = numOrNull(e.overlapStart);
        touch(v, from);
        const visitId = String(e.caseVisit?.checkinId ?? `${venueId}@${from}`);
        const visitEdge = `visit:${c.id}:${visitId}`;
        if (!edges.has(visitEdge)) {
          edges.set(visitEdge, {
            id: visitEdge, source: caseNode, target: v, kind: 'visit', caseId: c.id, contactId: null, class: null, reviewStatus: null, rule: null,
            venueId, venueName, from: numOrNull(e.caseVisit?.enteredAt), to: numOrNull(e.caseVisit?.exitedAt), overlapMinutes: null,
          });
        }
        const edgeId = `contact:${k.id}:${visitId}`;
        edges.set(edgeId, {
          id: edgeId, source: v, target, kind: 'venue', ...common, venueId, venueName, from, to: numOrNull(e.overlapEnd), overlapMinutes: numOrNull(e.overlapMinutes),
        });
      }
      continue;
    }

    let source = caseNode;
    if (k.basis === 'secondary' && k.sourceContactId) {
      const via = contactById.get(k.sourceContactId);
      if (via) source = addPerson(via.personId, via.personName, via.areaName);
    }
    // A secondary contact met at a venue: the edge close contact → secondary names the venue of the first encounter.
    const met = k.basis === 'secondary' ? encountersOf(k.evidence)[0] : undefined;
    const edgeId = `contact:${k.id}`;
    edges.set(edgeId, {
      id: edgeId, source, target, kind: k.basis as ChainEdgeKind, ...common,
      venueId: met?.venueId ? String(met.venueId) : null, venueName: met?.venueId ? String(met.venueName ?? met.venueId) : null,
      from: k.firstExposureAt, to: k.lastExposureAt, overlapMinutes: met ? numOrNull(met.overlapMinutes) : null,
    });
  }

  const nodeList = [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  const edgeList = [...edges.values()].sort((a, b) => (a.from ?? 0) - (b.from ?? 0) || a.id.localeCompare(b.id));
  return { nodes: nodeList, edges: edgeList, clusters: clustersOf(nodeList, edgeList, caseById) };
}

/** Connected components holding a case, largest first (then earliest). */
export function clustersOf(nodes: readonly ChainNode[], edges: readonly ChainEdge[], caseById: ReadonlyMap<string, ChainCaseFacts>): ChainCluster[] {
  const parent = new Map(nodes.map((n) => [n.id, n.id]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let y = x;
    while (parent.get(y) !== r) { const next = parent.get(y)!; parent.set(y, r); y = next; }
    return r;
  };
  for (const e of edges) {
    const a = find(e.source);
    const b = find(e.target);
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  const groups = new Map<string, ChainNode[]>();
  for (const n of nodes) {
    const root = find(n.id);
    const list = groups.get(root) ?? [];
    list.push(n);
    groups.set(root, list);
  }
  const byRoot = new Map<string, ChainEdge[]>();
  for (const e of edges) {
    const root = find(e.source);
    const list = byRoot.get(root) ?? [];
    list.push(e);
    byRoot.set(root, list);
  }
  const clusters: ChainCluster[] = [];
  for (const [root, members] of groups) {
    const caseIds = new Set<string>();
    for (const n of members) if (n.caseId) caseIds.add(n.caseId);
    for (const e of byRoot.get(root) ?? []) caseIds.add(e.caseId);
    if (caseIds.size === 0) continue;
    const orderedCases = [...caseIds].filter((id) => caseById.has(id))
      .sort((a, b) => caseAnchor(caseById.get(a)!) - caseAnchor(caseById.get(b)!) || a.localeCompare(b));
    const times: number[] = [];
    for (const n of members) if (n.firstAt !== null) times.push(n.firstAt);
    for (const e of byRoot.get(root) ?? []) { if (e.from !== null) times.push(e.from); if (e.to !== null) times.push(e.to); }
    const people = members.filter((n) => n.kind !== 'venue');
    clusters.push({
      id: orderedCases[0] ?? root,
      label: orderedCases.length ? caseById.get(orderedCases[0]!)!.personName : '',
      caseIds: orderedCases,
      cases: people.filter((n) => n.kind === 'case').length,
      people: people.length,
      contacts: people.filter((n) => n.kind === 'contact').length,
      venues: members.filter((n) => n.kind === 'venue').map((n) => ({ id: n.venueId!, name: n.label })).sort((a, b) => a.name.localeCompare(b.name)),
      firstAt: times.length ? Math.min(...times) : null,
      lastAt: times.length ? Math.max(...times) : null,
      nodeIds: members.map((n) => n.id).sort(),
    });
  }
  return clusters.sort((a, b) => b.people - a.people || (a.firstAt ?? 0) - (b.firstAt ?? 0) || a.id.localeCompare(b.id));
}

/** Only the part of the graph in one cluster, named by its id or by any case in it. */
export function clusterGraph(g: ChainGraph, clusterId: string): ChainGraph | null {
  const cluster = g.clusters.find((c) => c.id === clusterId) ?? g.clusters.find((c) => c.caseIds.includes(clusterId));
  if (!cluster) return null;
  const ids = new Set(cluster.nodeIds);
  return { nodes: g.nodes.filter((n) => ids.has(n.id)), edges: g.edges.filter((e) => ids.has(e.source)), clusters: [cluster] };
}

// ---- exports -----------------------------------------------------------------------------------

/** A person's name as a file leaving the system shows it (masked); venues keep theirs. */
function exportLabel(n: ChainNode | undefined): string {
  if (!n) return '';
  return n.kind === 'venue' ? n.label : maskName(n.label);
}

export const EDGE_COLUMNS = [
  { key: 'source', zh: '起点', en: 'Source' },
  { key: 'sourceLabel', zh: '起点名称', en: 'Source label' },
  { key: 'target', zh: '终点', en: 'Target' },
  { key: 'targetLabel', zh: '终点名称', en: 'Target label' },
  { key: 'kind', zh: '关系', en: 'Kind' },
  { key: 'caseId', zh: '病例编号', en: 'Case' },
  { key: 'contactId', zh: '接触者记录', en: 'Contact' },
  { key: 'class', zh: '接触类别', en: 'Class' },
  { key: 'reviewStatus', zh: '研判', en: 'Review' },
  { key: 'venueName', zh: '场所', en: 'Venue' },
  { key: 'from', zh: '开始', en: 'From' },
  { key: 'to', zh: '结束', en: 'To' },
  { key: 'overlapMinutes', zh: '重叠分钟', en: 'Overlap minutes' },
] as const;

/** The edge list as rows of strings (header first), names masked, instants formatted by `iso`. */
export function* edgeRows(g: ChainGraph, lang: 'zh' | 'en', iso: (ms: number) => string): Generator<string[]> {
  yield EDGE_COLUMNS.map((c) => (lang === 'en' ? c.en : c.zh));
  const nodes = new Map(g.nodes.map((n) => [n.id, n]));
  for (const e of g.edges) {
    const values: Record<(typeof EDGE_COLUMNS)[number]['key'], string> = {
      source: e.source, sourceLabel: exportLabel(nodes.get(e.source)), target: e.target, targetLabel: exportLabel(nodes.get(e.target)),
      kind: e.kind, caseId: e.caseId, contactId: e.contactId ?? '', class: e.class ?? '', reviewStatus: e.reviewStatus ?? '', venueName: e.venueName ?? '',
      from: e.from === null ? '' : iso(e.from), to: e.to === null ? '' : iso(e.to), overlapMinutes: e.overlapMinutes === null ? '' : String(e.overlapMinutes),
    };
    yield EDGE_COLUMNS.map((c) => values[c.key]);
  }
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** GraphML (read by Gephi, yEd, Cytoscape desktop), names masked. */
export function toGraphMl(g: ChainGraph, iso: (ms: number) => string): string {
  const keys: Array<[string, 'node' | 'edge', string]> = [
    ['label', 'node', 'label'], ['kind', 'node', 'kind'], ['caseId', 'node', 'caseId'], ['status', 'node', 'status'], ['contactClass', 'node', 'contactClass'],
    ['ekind', 'edge', 'kind'], ['ecase', 'edge', 'caseId'], ['eclass', 'edge', 'class'], ['review', 'edge', 'reviewStatus'], ['venue', 'edge', 'venueName'],
    ['from', 'edge', 'from'], ['to', 'edge', 'to'], ['overlap', 'edge', 'overlapMinutes'],
  ];
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...keys.map(([id, on, name]) => `  <key id="${id}" for="${on}" attr.name="${name}" attr.type="string"/>`),
    '  <graph id="chains" edgedefault="directed">',
  ];
  const data = (key: string, v: string | number | null) => (v === null || v === '' ? '' : `<data key="${key}">${xml(String(v))}</data>`);
  for (const n of g.nodes) {
    out.push(`    <node id="${xml(n.id)}">${data('label', exportLabel(n))}${data('kind', n.kind)}${data('caseId', n.caseId)}${data('status', n.status)}${data('contactClass', n.contactClass)}</node>`);
  }
  for (const e of g.edges) {
    out.push(`    <edge id="${xml(e.id)}" source="${xml(e.source)}" target="${xml(e.target)}">${data('ekind', e.kind)}${data('ecase', e.caseId)}${data('eclass', e.class)}`
      + `${data('review', e.reviewStatus)}${data('venue', e.venueName)}${data('from', e.from === null ? null : iso(e.from))}${data('to', e.to === null ? null : iso(e.to))}`
      + `${data('overlap', e.overlapMinutes)}</edge>`);
  }
  out.push('  </graph>', '</graphml>', '');
  return out.join('\n');
}
