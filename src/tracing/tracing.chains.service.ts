// Transmission chains over the stored cases and contacts: the graph of an area subtree (the actor's
// scope, or an area inside it) within a date range, its clusters, and exports (JSON, CSV edge list,
// GraphML). Reading the graph reads personal data (names): each read and export is audited.
// GET /chains also answers as one reads it at scale (view=summary: cases and confirmed close contacts drawn,
// the rest counted per venue, case or close contact), and around one node (focus, depth); exports stay whole.
import type { Actor } from '../access/access.rules.ts';
import type { AuditActor } from '../platform/audit.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { isoInZone } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import { stringify } from 'csv-stringify/sync';
import { guardFormula } from '../platform/tabular.ts';
import { exportCell } from '../platform/text.ts';
import type { Services } from '../services.ts';
import {
  buildChainGraph,
  clusterGraph,
  edgeRows,
  focusGraph,
  summariseChainGraph,
  toGraphMl,
  type ChainGraph,
} from './tracing.chains.ts';
import type { ChainExportQuery, ChainGraphQuery, ChainQuery } from './tracing.chains.schema.ts';
import * as store from './tracing.chains.store.ts';
import { listingScope } from '../access/access.scope.ts';

/** The most cases one graph is built from. */
export const CHAIN_CASE_LIMIT = 5000;

export interface ChainResult extends ChainGraph {
  truncated: boolean;
  view: 'full' | 'summary';
  /** People folded into groups by the summary view. */
  collapsed: number;
}

const split = (v: string | undefined) => (v ? [...new Set(v.split(','))] : undefined);

/** Who reads the chains: the audit identity and the root of the subtree they may see ('' = everywhere). */
export interface ChainReader {
  audit: AuditActor;
  areaPath: string;
}

function readerOf(actor: Actor): ChainReader {
  assertCan(actor, 'case.read');
  return { audit: auditActor(actor), areaPath: actor.areaPath };
}

async function readGraph(
  s: Services,
  who: ChainReader,
  q: ChainGraphQuery,
  action: string,
  detail: Record<string, unknown> = {},
): Promise<ChainResult> {
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new AppError('CHAIN_RANGE_INVALID');
  return s.db.transaction().execute(async (trx) => {
    const path = await listingScope(trx, who, q.areaId);
    const caseRows = await store.chainCases(trx, path, CHAIN_CASE_LIMIT + 1);
    const truncated = caseRows.length > CHAIN_CASE_LIMIT;
    const cases = caseRows.slice(0, CHAIN_CASE_LIMIT).map((c) => ({
      id: c.id,
      personId: c.person_id,
      personName: c.person_name,
      areaName: c.area_name,
      classification: c.classification,
      status: c.status,
      onsetAt: c.onset_at,
      firstPositiveSampledAt: c.first_positive_sampled_at,
      createdAt: c.created_at,
    }));
    const classes = split(q.classes);
    const rows = await store.chainContacts(
      trx,
      cases.map((c) => c.id),
      { from: q.from, to: q.to, classes },
    );
    const contacts = rows.map((k) => ({
      id: k.id,
      caseId: k.case_id,
      personId: k.person_id,
      personName: k.person_name,
      areaName: k.area_name,
      class: k.class,
      basis: k.basis,
      reviewStatus: k.review_status,
      rule: k.rule,
      firstExposureAt: k.first_exposure_at,
      lastExposureAt: k.last_exposure_at,
      evidence: JSON.parse(k.evidence) as Record<string, unknown>,
      sourceContactId: k.source_contact_id,
    }));
    let graph = buildChainGraph(cases, contacts, { from: q.from, to: q.to });
    if (q.cluster) {
      const part = clusterGraph(graph, q.cluster);
      if (!part) throw new AppError('CHAIN_CLUSTER_NOT_FOUND');
      graph = part;
    }
    const view = q.view ?? 'full';
    let collapsed = 0;
    if (view === 'summary') {
      const pendingCandidates = new Set(
        rows.filter((k) => k.candidate === 1 && k.review_status === 'pending').map((k) => k.id),
      );
      const summary = summariseChainGraph(graph, {
        expand: split(q.expand) ?? ['close'],
        caseNodeOf: new Map(cases.map((c) => [c.id, `person:${c.personId}`])),
        pendingCandidates,
      });
      collapsed = summary.collapsed;
      graph = summary;
    }
    if (q.focus) {
      const near = focusGraph(graph, q.focus, q.depth ?? 1);
      if (!near) throw new AppError('CHAIN_NODE_NOT_FOUND');
      graph = near;
    }
    await s.audit(trx, who.audit, {
      action,
      objectType: 'case',
      objectId: q.cluster ?? null,
      detail: {
        areaId: q.areaId ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
        cluster: q.cluster ?? null,
        classes: q.classes ?? null,
        view,
        expand: q.expand ?? null,
        focus: q.focus ?? null,
        nodes: graph.nodes.length,
        edges: graph.edges.length,
        clusters: graph.clusters.length,
        ...detail,
      },
    });
    return { nodes: graph.nodes, edges: graph.edges, clusters: graph.clusters, truncated, view, collapsed };
  });
}

export function chainGraph(s: Services, actor: Actor, q: ChainGraphQuery): Promise<ChainResult> {
  return readGraph(s, readerOf(actor), q, 'chain.read');
}

export async function chainClusters(s: Services, actor: Actor, q: ChainQuery) {
  const g = await readGraph(s, readerOf(actor), q, 'chain.clusters');
  return { items: g.clusters.map(({ nodeIds: _ids, ...c }) => c), total: g.clusters.length, truncated: g.truncated };
}

export interface ChainExport {
  fileName: string;
  contentType: string;
  body: string;
}

/** The graph as a file: JSON (the graph, names masked), a CSV edge list or GraphML. */
export async function exportChains(s: Services, actor: Actor | ChainReader, q: ChainExportQuery): Promise<ChainExport> {
  const format = q.format ?? 'csv';
  const who = 'audit' in actor ? actor : readerOf(actor);
  const g = await readGraph(s, who, { ...q, view: 'full' }, 'chain.export', { format });
  const iso = (ms: number) => isoInZone(ms, s.config.timeZone);
  const base = `chains${q.cluster ? `-${q.cluster}` : ''}`;
  if (format === 'graphml')
    return {
      fileName: `${base}.graphml`,
      contentType: 'application/graphml+xml; charset=utf-8',
      body: toGraphMl(g, iso),
    };
  if (format === 'json') {
    const nodes = g.nodes.map((n) => ({ ...n, label: n.kind === 'venue' ? n.label : maskName(n.label) }));
    const clusters = g.clusters.map((c) => ({ ...c, label: maskName(c.label) }));
    return {
      fileName: `${base}.json`,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ nodes, edges: g.edges, clusters }, null, 2),
    };
  }
  const rows = [...edgeRows(g, q.lang ?? 'zh', iso)].map((r) => r.map((v) => guardFormula(exportCell(v))));
  return { fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: `\uFEFF${stringify(rows)}` };
}
