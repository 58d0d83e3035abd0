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

export const CHAIN_NODE_KINDS = ['case', 'contact', 'venue', 'group'] as const;
export type ChainNodeKind = (typeof CHAIN_NODE_KINDS)[number];
/** `group`: the edge from a node to the group of contacts folded under it (the summary view). */
export const CHAIN_EDGE_KINDS = ['household', 'venue', 'manual', 'secondary', 'visit', 'group'] as const;
export const CHAIN_CONTACT_CLASSES = ['close', 'secondary', 'general'] as const;
/** What the summary view may draw one by one: contact classes, and `candidate` for unreviewed close-contact candidates. */
export const CHAIN_EXPANDABLE = [...CHAIN_CONTACT_CLASSES, 'candidate'] as const;
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
  /** A group (summary view): how many people are folded into it, and by class (candidates: unreviewed close-contact candidates). */
  count?: number;
  breakdown?: { close: number; secondary: number; general: number; candidates: number };
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
export function buildChainGraph(
  cases: readonly ChainCaseFacts[],
  contacts: readonly ChainContactFacts[],
  filter: ChainFilter = {},
): ChainGraph {
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
        id,
        kind: 'contact',
        label: name,
        personId,
        venueId: null,
        caseId: null,
        areaName,
        classification: null,
        status: null,
        contactClass: null,
        firstAt: null,
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
        id,
        kind: 'venue',
        label: name,
        personId: null,
        venueId,
        caseId: null,
        areaName: null,
        classification: null,
        status: null,
        contactClass: null,
        firstAt: null,
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
    if (t.contactClass === null || (CLASS_ORDER[k.class] ?? 9) < (CLASS_ORDER[t.contactClass] ?? 9))
      t.contactClass = k.class;
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
            id: visitEdge,
            source: caseNode,
            target: v,
            kind: 'visit',
            caseId: c.id,
            contactId: null,
            class: null,
            reviewStatus: null,
            rule: null,
            venueId,
            venueName,
            from: numOrNull(e.caseVisit?.enteredAt),
            to: numOrNull(e.caseVisit?.exitedAt),
            overlapMinutes: null,
          });
        }
        const edgeId = `contact:${k.id}:${visitId}`;
        edges.set(edgeId, {
          id: edgeId,
          source: v,
          target,
          kind: 'venue',
          ...common,
          venueId,
          venueName,
          from,
          to: numOrNull(e.overlapEnd),
          overlapMinutes: numOrNull(e.overlapMinutes),
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
      id: edgeId,
      source,
      target,
      kind: k.basis as ChainEdgeKind,
      ...common,
      venueId: met?.venueId ? String(met.venueId) : null,
      venueName: met?.venueId ? String(met.venueName ?? met.venueId) : null,
      from: k.firstExposureAt,
      to: k.lastExposureAt,
      overlapMinutes: met ? numOrNull(met.overlapMinutes) : null,
    });
  }

  const nodeList = [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  const edgeList = [...edges.values()].sort((a, b) => (a.from ?? 0) - (b.from ?? 0) || a.id.localeCompare(b.id));
  return { nodes: nodeList, edges: edgeList, clusters: clustersOf(nodeList, edgeList, caseById) };
}

/** Connected components holding a case, largest first (then earliest). */
export function clustersOf(
  nodes: readonly ChainNode[],
  edges: readonly ChainEdge[],
  caseById: ReadonlyMap<string, ChainCaseFacts>,
): ChainCluster[] {
  const parent = new Map(nodes.map((n) => [n.id, n.id]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let y = x;
    while (parent.get(y) !== r) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
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
    const orderedCases = [...caseIds]
      .filter((id) => caseById.has(id))
      .sort((a, b) => caseAnchor(caseById.get(a)!) - caseAnchor(caseById.get(b)!) || a.localeCompare(b));
    const times: number[] = [];
    for (const n of members) if (n.firstAt !== null) times.push(n.firstAt);
    for (const e of byRoot.get(root) ?? []) {
      if (e.from !== null) times.push(e.from);
      if (e.to !== null) times.push(e.to);
    }
    const people = members.filter((n) => n.kind !== 'venue');
    clusters.push({
      id: orderedCases[0] ?? root,
      label: orderedCases.length ? caseById.get(orderedCases[0]!)!.personName : '',
      caseIds: orderedCases,
      cases: people.filter((n) => n.kind === 'case').length,
      people: people.length,
      contacts: people.filter((n) => n.kind === 'contact').length,
      venues: members
        .filter((n) => n.kind === 'venue')
        .map((n) => ({ id: n.venueId!, name: n.label }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      firstAt: times.length ? Math.min(...times) : null,
      lastAt: times.length ? Math.max(...times) : null,
      nodeIds: members.map((n) => n.id).sort(),
    });
  }
  return clusters.sort(
    (a, b) => b.people - a.people || (a.firstAt ?? 0) - (b.firstAt ?? 0) || a.id.localeCompare(b.id),
  );
}

/** Only the part of the graph in one cluster, named by its id or by any case in it. */
export function clusterGraph(g: ChainGraph, clusterId: string): ChainGraph | null {
  const cluster = g.clusters.find((c) => c.id === clusterId) ?? g.clusters.find((c) => c.caseIds.includes(clusterId));
  if (!cluster) return null;
  const ids = new Set(cluster.nodeIds);
  return {
    nodes: g.nodes.filter((n) => ids.has(n.id)),
    edges: g.edges.filter((e) => ids.has(e.source)),
    clusters: [cluster],
  };
}

// ---- the summary view and the focus ---------------------------------------------------------

/** How the summary view draws a graph. */
export interface ChainSummaryOptions {
  /** Contact classes drawn one by one; `candidate` draws the unreviewed close-contact candidates among them too. */
  expand: readonly string[];
  /** The node of each case (`person:<personId>`): where contacts hang whose source is folded away. */
  caseNodeOf: ReadonlyMap<string, string>;
  /** Contacts still awaiting review as close-contact candidates. */
  pendingCandidates: ReadonlySet<string>;
}

export interface ChainSummary extends ChainGraph {
  /** People folded into groups (not drawn one by one). */
  collapsed: number;
}

interface GroupAcc {
  anchor: ChainNode;
  caseId: string;
  members: Map<string, { cls: string; candidate: boolean }>;
  firstAt: number | null;
  from: number | null;
  to: number | null;
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * The graph as one can read it at the scale of an outbreak: cases, venues and the contacts of the
 * `expand` classes (not pending candidates unless `candidate` is asked for) are drawn one by one;
 * every other contact is folded into one group node per node it hangs from (a venue: the people met
 * there; a case: its other household, manual or secondary contacts; a drawn close contact: the
 * secondary contacts found through them), counted by class. A contact whose source is folded hangs
 * from its case. Clusters keep their full counts; their node lists name the drawn nodes.
 */
export function summariseChainGraph(g: ChainGraph, o: ChainSummaryOptions): ChainSummary {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const expandCandidates = o.expand.includes('candidate');
  const isCandidate = (e: ChainEdge) => e.contactId !== null && o.pendingCandidates.has(e.contactId);
  const kept = new Set<string>();
  for (const n of g.nodes) if (n.kind === 'case' || n.kind === 'venue') kept.add(n.id);
  for (const e of g.edges) {
    if (e.kind === 'visit' || e.class === null || !o.expand.includes(e.class)) continue;
    if (!isCandidate(e) || expandCandidates) kept.add(e.target);
  }
  const edges: ChainEdge[] = [];
  const groups = new Map<string, GroupAcc>();
  for (const e of g.edges) {
    const source = kept.has(e.source) ? e.source : (o.caseNodeOf.get(e.caseId) ?? e.source);
    if (kept.has(e.target)) {
      if (source !== e.target) edges.push(source === e.source ? e : { ...e, source });
      continue;
    }
    const id = `group:${source}`;
    let acc = groups.get(id);
    if (!acc) {
      acc = { anchor: byId.get(source)!, caseId: e.caseId, members: new Map(), firstAt: null, from: null, to: null };
      groups.set(id, acc);
    }
    const cls = e.class ?? 'general';
    const had = acc.members.get(e.target);
    const candidate = isCandidate(e) || (had?.candidate ?? false);
    acc.members.set(e.target, {
      cls: had && (CLASS_ORDER[had.cls] ?? 9) <= (CLASS_ORDER[cls] ?? 9) ? had.cls : cls,
      candidate,
    });
    acc.firstAt = minOf(acc.firstAt, byId.get(e.target)?.firstAt ?? null);
    acc.from = minOf(acc.from, e.from);
    acc.to = maxOf(acc.to, e.to ?? e.from);
  }
  const nodes = g.nodes.filter((n) => kept.has(n.id));
  for (const [id, acc] of groups) {
    const breakdown = { close: 0, secondary: 0, general: 0, candidates: 0 };
    let closest: string | null = null;
    for (const m of acc.members.values()) {
      if (m.candidate) breakdown.candidates++;
      else if (m.cls === 'close' || m.cls === 'secondary' || m.cls === 'general') breakdown[m.cls]++;
      if (closest === null || (CLASS_ORDER[m.cls] ?? 9) < (CLASS_ORDER[closest] ?? 9)) closest = m.cls;
    }
    const a = acc.anchor;
    nodes.push({
      id,
      kind: 'group',
      label: a.label,
      personId: null,
      venueId: a.venueId,
      caseId: null,
      areaName: null,
      classification: null,
      status: null,
      contactClass: closest,
      firstAt: acc.firstAt,
      count: acc.members.size,
      breakdown,
    });
    edges.push({
      id: `group-edge:${a.id}`,
      source: a.id,
      target: id,
      kind: 'group',
      caseId: acc.caseId,
      contactId: null,
      class: null,
      reviewStatus: null,
      rule: null,
      venueId: a.venueId,
      venueName: a.kind === 'venue' ? a.label : null,
      from: acc.from,
      to: acc.to,
      overlapMinutes: null,
    });
  }
  nodes.sort((a, b) => a.id.localeCompare(b.id));
  edges.sort((a, b) => (a.from ?? 0) - (b.from ?? 0) || a.id.localeCompare(b.id));
  const clusters = g.clusters.map((c) => {
    const ids = new Set(c.nodeIds);
    const drawn = c.nodeIds.filter((id) => kept.has(id));
    for (const [id, acc] of groups) if (ids.has(acc.anchor.id)) drawn.push(id);
    return { ...c, nodeIds: drawn.sort() };
  });
  const collapsed = g.nodes.filter((n) => n.kind === 'contact' && !kept.has(n.id)).length;
  return { nodes, edges, clusters, collapsed };
}

/** A node and its neighbourhood within `depth` steps (either direction), or null when the node is not in the graph. */
export function focusGraph<G extends ChainGraph>(g: G, nodeId: string, depth: number): G | null {
  if (!g.nodes.some((n) => n.id === nodeId)) return null;
  const near = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const l = near.get(a) ?? [];
    l.push(b);
    near.set(a, l);
  };
  for (const e of g.edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }
  const seen = new Set([nodeId]);
  let ring = [nodeId];
  for (let d = 0; d < depth && ring.length; d++) {
    const next: string[] = [];
    for (const id of ring)
      for (const m of near.get(id) ?? [])
        if (!seen.has(m)) {
          seen.add(m);
          next.push(m);
        }
    ring = next;
  }
  const clusters = g.clusters
    .filter((c) => c.nodeIds.some((id) => seen.has(id)))
    .map((c) => ({ ...c, nodeIds: c.nodeIds.filter((id) => seen.has(id)) }));
  return {
    ...g,
    nodes: g.nodes.filter((n) => seen.has(n.id)),
    edges: g.edges.filter((e) => seen.has(e.source) && seen.has(e.target)),
    clusters,
  };
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
      source: e.source,
      sourceLabel: exportLabel(nodes.get(e.source)),
      target: e.target,
      targetLabel: exportLabel(nodes.get(e.target)),
      kind: e.kind,
      caseId: e.caseId,
      contactId: e.contactId ?? '',
      class: e.class ?? '',
      reviewStatus: e.reviewStatus ?? '',
      venueName: e.venueName ?? '',
      from: e.from === null ? '' : iso(e.from),
      to: e.to === null ? '' : iso(e.to),
      overlapMinutes: e.overlapMinutes === null ? '' : String(e.overlapMinutes),
    };
    yield EDGE_COLUMNS.map((c) => values[c.key]);
  }
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** GraphML (read by Gephi, yEd, Cytoscape desktop), names masked. */
export function toGraphMl(g: ChainGraph, iso: (ms: number) => string): string {
  const keys: Array<[string, 'node' | 'edge', string]> = [
    ['label', 'node', 'label'],
    ['kind', 'node', 'kind'],
    ['caseId', 'node', 'caseId'],
    ['status', 'node', 'status'],
    ['contactClass', 'node', 'contactClass'],
    ['ekind', 'edge', 'kind'],
    ['ecase', 'edge', 'caseId'],
    ['eclass', 'edge', 'class'],
    ['review', 'edge', 'reviewStatus'],
    ['venue', 'edge', 'venueName'],
    ['from', 'edge', 'from'],
    ['to', 'edge', 'to'],
    ['overlap', 'edge', 'overlapMinutes'],
  ];
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...keys.map(([id, on, name]) => `  <key id="${id}" for="${on}" attr.name="${name}" attr.type="string"/>`),
    '  <graph id="chains" edgedefault="directed">',
  ];
  const data = (key: string, v: string | number | null) =>
    v === null || v === '' ? '' : `<data key="${key}">${xml(String(v))}</data>`;
  for (const n of g.nodes) {
    out.push(
      `    <node id="${xml(n.id)}">${data('label', exportLabel(n))}${data('kind', n.kind)}${data('caseId', n.caseId)}${data('status', n.status)}${data('contactClass', n.contactClass)}</node>`,
    );
  }
  for (const e of g.edges) {
    out.push(
      `    <edge id="${xml(e.id)}" source="${xml(e.source)}" target="${xml(e.target)}">${data('ekind', e.kind)}${data('ecase', e.caseId)}${data('eclass', e.class)}` +
        `${data('review', e.reviewStatus)}${data('venue', e.venueName)}${data('from', e.from === null ? null : iso(e.from))}${data('to', e.to === null ? null : iso(e.to))}` +
        `${data('overlap', e.overlapMinutes)}</edge>`,
    );
  }
  out.push('  </graph>', '</graphml>', '');
  return out.join('\n');
}
