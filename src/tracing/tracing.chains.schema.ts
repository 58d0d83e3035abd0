// Request and response shapes of the transmission-chain routes. Names of people are shown as the
// contact list shows them (to case.read holders, audited); exported files carry them masked.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, Nullable } from '../platform/http.ts';
import { CHAIN_CONTACT_CLASSES, CHAIN_EDGE_KINDS, CHAIN_EXPANDABLE, CHAIN_NODE_KINDS } from './tracing.chains.ts';

export const ChainErrors = defineErrors({
  CHAIN_CLUSTER_NOT_FOUND: { status: 404, zh: '找不到该传播簇', en: 'Cluster not found' },
  CHAIN_RANGE_INVALID: {
    status: 400,
    zh: '时间范围无效：开始须早于结束',
    en: 'The date range is invalid: from must be before to',
  },
  CHAIN_NODE_NOT_FOUND: {
    status: 404,
    zh: '聚焦的节点不在图中（可能已被日期、类别或传播簇筛掉）',
    en: 'The node to focus on is not in the graph (the dates, classes or cluster may have filtered it out)',
  },
});

const list = (values: readonly string[]) => `^(${values.join('|')})(,(${values.join('|')}))*$`;

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
  /** Only contacts of these classes, comma-separated (close,secondary,general); cases always. */
  classes: Type.Optional(Type.String({ pattern: list(CHAIN_CONTACT_CLASSES), maxLength: 64 })),
});
export type ChainQuery = Static<typeof ChainQuery>;

/** GET /chains: the graph, whole (`full`, the default) or as one reads it at scale (`summary`), optionally around one node. */
export const ChainGraphQuery = Type.Composite([
  ChainQuery,
  Type.Object({
    view: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('summary')])),
    /** Summary view: what is drawn one by one (default close); the rest is counted per venue, case or close contact. */
    expand: Type.Optional(Type.String({ pattern: list(CHAIN_EXPANDABLE), maxLength: 64 })),
    /** Only this node (an id of the graph) and its neighbourhood. */
    focus: Type.Optional(Type.String({ minLength: 1, maxLength: 160 })),
    /** How many steps around the focus (default 1). */
    depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
  }),
]);
export type ChainGraphQuery = Static<typeof ChainGraphQuery>;

export const ChainExportQuery = Type.Composite([
  ChainQuery,
  Type.Object({
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('graphml')])),
    lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
  }),
]);
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
  /** A group (summary view): the people folded into it, and by class. */
  count: Type.Optional(Type.Integer()),
  breakdown: Type.Optional(
    Type.Object({
      close: Type.Integer(),
      secondary: Type.Integer(),
      general: Type.Integer(),
      candidates: Type.Integer(),
    }),
  ),
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
  view: Type.Union([Type.Literal('full'), Type.Literal('summary')]),
  /** Summary view: people folded into groups (0 in the full view). */
  collapsed: Type.Integer(),
});

export const ClusterListSchema = Type.Object({
  items: Type.Array(Type.Omit(ChainClusterSchema, ['nodeIds'])),
  total: Type.Integer(),
  truncated: Type.Boolean(),
});
