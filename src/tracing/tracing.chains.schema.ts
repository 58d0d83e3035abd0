// Request and response shapes of the transmission-chain routes. Names of people are shown as the
// contact list shows them (to case.read holders, audited); exported files carry them masked.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, Nullable } from '../platform/http.ts';
import { CHAIN_EDGE_KINDS, CHAIN_NODE_KINDS } from './tracing.chains.ts';

export const ChainErrors = defineErrors({
  CHAIN_CLUSTER_NOT_FOUND: { status: 404, zh: '找不到该传播簇', en: 'Cluster not found' },
  CHAIN_RANGE_INVALID: { status: 400, zh: '时间范围无效：开始须早于结束', en: 'The date range is invalid: from must be before to' },
});

const Time = Type.Integer({ minimum: 0 });

export const ChainQuery = Type.Object({
  /** Epoch ms: keep what happened at or after. */
  from: Type.Optional(Time),
  /** Epoch ms: keep what happened before. */
  to: Type.Optional(Time),
  /** Cases of this area's subtree (inside the actor's scope). */
  areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** Only this cluster's part of the graph. */
  cluster: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type ChainQuery = Static<typeof ChainQuery>;

export const ChainExportQuery = Type.Composite([ChainQuery, Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('graphml')])),
  lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
})]);
export type ChainExportQuery = Static<typeof ChainExportQuery>;

export const ChainNodeSchema = Type.Object({
  id: Type.String(),
  kind: Literals(CHAIN_NODE_KINDS),
  label: Type.String(),
  personId: Nullable(Type.String()),
  venueId: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  areaName: Nullable(Type.String()),
  classification: Nullable(Type.String()),
  status: Nullable(Type.String()),
  contactClass: Nullable(Type.String()),
  firstAt: Nullable(Type.Integer()),
});

export const ChainEdgeSchema = Type.Object({
  id: Type.String(),
  source: Type.String(),
  target: Type.String(),
  kind: Literals(CHAIN_EDGE_KINDS),
  caseId: Type.String(),
  contactId: Nullable(Type.String()),
  class: Nullable(Type.String()),
  reviewStatus: Nullable(Type.String()),
  rule: Nullable(Type.String()),
  venueId: Nullable(Type.String()),
  venueName: Nullable(Type.String()),
  from: Nullable(Type.Integer()),
  to: Nullable(Type.Integer()),
  overlapMinutes: Nullable(Type.Number()),
});

export const ChainClusterSchema = Type.Object({
  id: Type.String(),
  /** The earliest case's person. */
  label: Type.String(),
  caseIds: Type.Array(Type.String()),
  cases: Type.Integer(),
  people: Type.Integer(),
  contacts: Type.Integer(),
  venues: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  firstAt: Nullable(Type.Integer()),
  lastAt: Nullable(Type.Integer()),
  nodeIds: Type.Array(Type.String()),
});

export const ChainGraphSchema = Type.Object({
  nodes: Type.Array(ChainNodeSchema),
  edges: Type.Array(ChainEdgeSchema),
  clusters: Type.Array(ChainClusterSchema),
  /** More cases in scope than one graph holds: the oldest are shown. */
  truncated: Type.Boolean(),
});

export const ClusterListSchema = Type.Object({
  items: Type.Array(Type.Omit(ChainClusterSchema, ['nodeIds'])),
  total: Type.Integer(),
  truncated: Type.Boolean(),
});
