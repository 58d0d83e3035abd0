// 传播链 Transmission chains at the scale of an outbreak: the server sends the graph as one reads it
// (view=summary: cases and confirmed close contacts drawn, general contacts and unreviewed candidates
// counted per venue, secondary contacts per close contact), filtered by class, date, area and cluster,
// or one node's neighbourhood (focus); the page only lays it out (cases as the spine, src/chainLayout.ts)
// and draws it (cytoscape: zoom, pan, click a node for its record; labels of contacts appear as one zooms
// in). The legend hides and shows each kind. A group opens into its people around its venue. The clusters
// are listed from /chains/clusters (no graph is loaded for them); exports are the whole graph, names masked.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Core, ElementDefinition } from 'cytoscape';
import { saveFile, type ApiError } from '../shared/api.ts';
import { useAuth, useMe } from '../shared/auth.tsx';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { formatDateTime } from '../shared/format.ts';
import { tracingApi, type ChainGraph, type ChainNode } from './tracingApi.ts';
import { spineLayout } from './chainLayout.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { ClassBadge, CaseStatusBadge, dateToMs } from './TracingBits.tsx';
import { Label } from '../shared/Label.tsx';

const COLOURS = {
  case: '#d92d20',
  close: '#f79009',
  secondary: '#fdb022',
  general: '#98a2b3',
  venue: '#1f5fbf',
  group: '#667085',
} as const;
const CLASSES = ['close', 'secondary', 'general'] as const;
/** What the summary view may draw one by one besides the close contacts. */
const EXPANDABLE = ['candidate', 'secondary', 'general'] as const;
const LEGEND = ['case', 'close', 'secondary', 'general', 'venue', 'group'] as const;
type LegendKey = (typeof LEGEND)[number];
/** Force-directed layout only for graphs small enough to settle quickly. */
const COSE_LIMIT = 600;

function legendKey(n: ChainNode): LegendKey {
  if (n.kind === 'case' || n.kind === 'venue' || n.kind === 'group') return n.kind;
  return (CLASSES as readonly string[]).includes(n.contactClass ?? '') ? (n.contactClass as LegendKey) : 'general';
}

function nodeColour(n: ChainNode): string {
  if (n.kind === 'group')
    return COLOURS[(n.contactClass ?? 'general') as 'close' | 'secondary' | 'general'] ?? COLOURS.group;
  return COLOURS[legendKey(n)];
}

type T = (k: string, o?: Record<string, unknown>) => string;

function nodeLabel(n: ChainNode, t: T): string {
  return n.kind === 'group' ? t('chainsView.groupLabel', { count: n.count ?? 0 }) : n.label;
}

function toElements(g: ChainGraph, t: T): ElementDefinition[] {
  return [
    ...g.nodes.map((n) => ({
      data: {
        id: n.id,
        label: nodeLabel(n, t),
        kind: n.kind,
        key: legendKey(n),
        colour: nodeColour(n),
        size: n.kind === 'group' ? Math.round(24 + 5 * Math.log2((n.count ?? 0) + 1)) : 22,
      },
    })),
    ...g.edges.map((e) => ({
      data: {
        id: e.id,
        source: e.source,
        target: e.target,
        kind: e.kind,
        label:
          e.kind === 'venue' && e.overlapMinutes !== null
            ? t('tracing.chains.minutes', { minutes: Math.round(e.overlapMinutes) })
            : e.kind === 'group'
              ? ''
              : t(`tracing.chains.edge.${e.kind}`),
      },
    })),
  ];
}

const listParam = (v: string | null, all: readonly string[], fallback: readonly string[]): string[] =>
  v === null ? [...fallback] : v.split(',').filter((x) => all.includes(x));

export function ChainsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const fromDate = params.get('from') ?? '';
  const toDate = params.get('to') ?? '';
  const cluster = params.get('cluster') ?? '';
  const areaId = params.get('area') ?? '';
  const focus = params.get('focus') ?? '';
  const depth = Number(params.get('depth') ?? '1') || 1;
  const layout = params.get('layout') === 'cose' ? 'cose' : 'spine';
  const classes = listParam(params.get('classes'), CLASSES, CLASSES);
  const expand = listParam(params.get('expand'), EXPANDABLE, []);
  const me = useMe();
  const base = {
    from: dateToMs(fromDate),
    to: dateToMs(toDate, true),
    areaId: areaId || undefined,
    classes: classes.length === CLASSES.length || classes.length === 0 ? undefined : classes.join(','),
  };
  const query = {
    ...base,
    cluster: cluster || undefined,
    view: 'summary' as const,
    expand: ['close', ...expand].join(','),
    focus: focus || undefined,
    depth: focus ? depth : undefined,
  };
  const deps = [fromDate, toDate, areaId, base.classes];
  const clusters = useLoad(() => tracingApi.chainClusters(base), deps);
  const graph = useLoad(() => tracingApi.chains(query), [...deps, cluster, query.expand, focus, depth]);
  const shownCluster = cluster ? (graph.data?.clusters[0]?.id ?? null) : null;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<LegendKey>>(new Set());
  const [legendOpen, setLegendOpen] = useState(true);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const selected = graph.data?.nodes.find((n) => n.id === selectedId) ?? null;

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };
  const set = (key: string, value: string) => update({ [key]: value });
  const toggleIn = (key: string, list: string[], all: readonly string[], value: string) => {
    const next = list.includes(value)
      ? list.filter((x) => x !== value)
      : all.filter((x) => x === value || list.includes(x));
    update({ [key]: key === 'classes' && next.length === all.length ? '' : next.join(','), focus: '' });
  };

  useEffect(() => {
    const g = graph.data;
    if (!g || !box.current) return;
    let disposed = false;
    void import('cytoscape').then(({ default: cytoscape }) => {
      if (disposed || !box.current) return;
      cy.current?.destroy();
      const spine = layout === 'spine' || g.nodes.length > COSE_LIMIT;
      const positions = spine ? spineLayout(g) : null;
      const instance = cytoscape({
        container: box.current,
        elements: toElements(g, t),
        wheelSensitivity: 0.3,
        minZoom: 0.05,
        maxZoom: 4,
        style: [
          {
            selector: 'node',
            style: {
              'background-color': 'data(colour)',
              label: 'data(label)',
              'font-size': 10,
              color: '#1b2433',
              'text-valign': 'bottom',
              'text-margin-y': 3,
              width: 18,
              height: 18,
              'min-zoomed-font-size': 9,
              'text-wrap': 'ellipsis',
              'text-max-width': '84px',
            },
          },
          {
            selector: 'node[kind = "case"]',
            style: {
              width: 32,
              height: 32,
              'border-width': 3,
              'border-color': '#7a1a12',
              'font-size': 13,
              'font-weight': 'bold',
              'min-zoomed-font-size': 5,
            },
          },
          {
            selector: 'node[kind = "venue"]',
            style: { shape: 'round-rectangle', width: 28, height: 20, 'font-size': 11, 'min-zoomed-font-size': 6 },
          },
          {
            selector: 'node[kind = "group"]',
            style: {
              shape: 'ellipse',
              width: 'data(size)',
              height: 'data(size)',
              'background-opacity': 0.35,
              'border-width': 2,
              'border-style': 'dashed',
              'border-color': 'data(colour)',
              'text-valign': 'center',
              'text-margin-y': 0,
              'font-size': 11,
              'font-weight': 'bold',
              'min-zoomed-font-size': 6,
            },
          },
          { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#081b33' } },
          { selector: '.legend-hidden', style: { display: 'none' } },
          {
            selector: 'edge',
            style: {
              width: 1.2,
              'line-color': '#c3ccd8',
              'target-arrow-color': '#c3ccd8',
              'target-arrow-shape': 'triangle',
              'curve-style': 'bezier',
              'arrow-scale': 0.7,
              label: 'data(label)',
              'font-size': 9,
              color: '#5f6b7d',
              'text-rotation': 'autorotate',
              'min-zoomed-font-size': 12,
            },
          },
          { selector: 'edge[kind = "household"]', style: { 'line-color': '#d92d20', 'target-arrow-color': '#d92d20' } },
          { selector: 'edge[kind = "secondary"]', style: { 'line-style': 'dashed' } },
          { selector: 'edge[kind = "group"]', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none' } },
        ],
        layout: positions
          ? ({
              name: 'preset',
              positions: (n: { id(): string }) => positions.get(n.id()) ?? { x: 0, y: 0 },
              padding: 24,
            } as never)
          : ({ name: 'cose', animate: false, padding: 20 } as never),
      });
      instance.on('tap', 'node', (evt) => setSelectedId(evt.target.id() as string));
      instance.on('dbltap', 'node', (evt) => update({ focus: evt.target.id() as string }));
      // A small chain should not fill the screen with giant circles.
      if (instance.zoom() > 1.4) {
        instance.zoom(1.4);
        instance.center();
      }
      cy.current = instance;
      (box.current as HTMLDivElement & { cy?: Core }).cy = instance;
      applyHidden(instance, hidden);
    });
    return () => {
      disposed = true;
    };
    // `hidden` is applied on its own below; `update` reads the latest params through the URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph.data, t, layout]);

  // Hiding a kind refits the view to what is left (the crowd hidden, the chain fills the frame again).
  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    applyHidden(instance, hidden);
    instance.fit(instance.elements(':visible'), 20);
    if (instance.zoom() > 1.4) {
      instance.zoom(1.4);
      instance.center(instance.elements(':visible'));
    }
  }, [hidden]);
  useEffect(
    () => () => {
      cy.current?.destroy();
      cy.current = null;
    },
    [],
  );

  const related = useMemo(() => {
    if (!selected || !graph.data) return [];
    return graph.data.edges.filter((e) => e.source === selected.id || e.target === selected.id).slice(0, 50);
  }, [selected, graph.data]);
  const labelOf = (id: string) => {
    const n = graph.data?.nodes.find((x) => x.id === id);
    return n ? nodeLabel(n, t) : id;
  };
  const anchorOf = (groupId: string) =>
    graph.data?.edges.find((e) => e.target === groupId && e.kind === 'group')?.source ?? null;
  const openGroup = (groupId: string) => {
    const anchor = anchorOf(groupId);
    if (anchor) update({ focus: anchor, depth: '1', expand: EXPANDABLE.join(',') });
  };
  const focusLabel = focus ? labelOf(focus) : '';

  const doExport = async (format: 'csv' | 'json' | 'graphml') => {
    setExportError(null);
    try {
      const file = await tracingApi.exportChains({ ...base, cluster: cluster || undefined }, format);
      saveFile(file.blob, file.filename);
    } catch (err) {
      setExportError(toApiError(err));
    }
  };
  const counts = useMemo(() => {
    const c: Record<LegendKey, number> = { case: 0, close: 0, secondary: 0, general: 0, venue: 0, group: 0 };
    for (const n of graph.data?.nodes ?? []) c[legendKey(n)]++;
    return c;
  }, [graph.data]);

  return (
    <div className="chains-page">
      <h1 className="page-title">{t('tracing.chains.title')}</h1>
      <div className="card">
        <div className="filters">
          <label className="field">
            <span className="field-label">{t('tracing.chains.from')}</span>
            <input
              type="date"
              data-testid="chains-from"
              value={fromDate}
              onChange={(e) => set('from', e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('tracing.chains.to')}</span>
            <input type="date" data-testid="chains-to" value={toDate} onChange={(e) => set('to', e.target.value)} />
          </label>
          <div className="field">
            <span className="field-label">{t('tracing.chains.area')}</span>
            <AreaPicker
              testId="chains-area"
              onChange={(a) => {
                if ((a.id === me.areaId ? '' : a.id) !== areaId) set('area', a.id === me.areaId ? '' : a.id);
              }}
            />
          </div>
          <label className="field">
            <span className="field-label">{t('chainsView.cluster')}</span>
            <select
              data-testid="chains-cluster"
              value={shownCluster ?? cluster}
              onChange={(e) => update({ cluster: e.target.value, focus: '' })}
            >
              <option value="">{t('chainsView.allClusters')}</option>
              {clusters.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {t('chainsView.clusterOption', { label: c.label || c.id, cases: c.cases, people: c.people })}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('chainsView.layout')}</span>
            <select
              data-testid="chains-layout"
              value={layout}
              onChange={(e) => set('layout', e.target.value === 'cose' ? 'cose' : '')}
            >
              <option value="spine">{t('chainsView.layoutSpine')}</option>
              <option value="cose">{t('chainsView.layoutCose')}</option>
            </select>
          </label>
        </div>
        <div className="chain-filter-row">
          <fieldset className="field">
            <legend className="field-label">{t('chainsView.classes')}</legend>
            <div className="checks">
              {CLASSES.map((c) => (
                <label key={c} className="check">
                  <input
                    type="checkbox"
                    data-testid={`chains-class-${c}`}
                    checked={classes.includes(c)}
                    disabled={classes.length === 1 && classes.includes(c)}
                    onChange={() => toggleIn('classes', classes, CLASSES, c)}
                  />
                  {t(`tracing.class.${c}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="field">
            <legend className="field-label">{t('chainsView.expand')}</legend>
            <div className="checks">
              {EXPANDABLE.map((c) => (
                <label key={c} className="check">
                  <input
                    type="checkbox"
                    data-testid={`chains-expand-${c}`}
                    checked={expand.includes(c)}
                    onChange={() => toggleIn('expand', expand, EXPANDABLE, c)}
                  />
                  {t(`chainsView.expandOf.${c}`)}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        <div className="chain-legend-box">
          <button
            type="button"
            className="btn btn-ghost btn-small"
            data-testid="chains-legend-toggle"
            aria-expanded={legendOpen}
            onClick={() => setLegendOpen(!legendOpen)}
          >
            {legendOpen ? t('chainsView.legendHide') : t('chainsView.legendShow')}
          </button>
          {legendOpen && (
            <div className="chain-legend" data-testid="chains-legend">
              {LEGEND.map((key) => (
                <button
                  key={key}
                  type="button"
                  className={`chain-legend-item ${hidden.has(key) ? 'off' : ''}`}
                  data-testid={`chains-legend-${key}`}
                  aria-pressed={!hidden.has(key)}
                  title={t(hidden.has(key) ? 'chainsView.legendShowKind' : 'chainsView.legendHideKind')}
                  style={{ ['--dot' as string]: COLOURS[key] }}
                  onClick={() => {
                    const next = new Set(hidden);
                    if (next.has(key)) next.delete(key);
                    else next.add(key);
                    setHidden(next);
                  }}
                >
                  {t(`chainsView.legend.${key}`)} <b className="chain-legend-count">{counts[key]}</b>
                </button>
              ))}
            </div>
          )}
        </div>
        {graph.data && (
          <p className="muted small" data-testid="chains-summary" data-collapsed={graph.data.collapsed}>
            {t('chainsView.summary', { nodes: graph.data.nodes.length, collapsed: graph.data.collapsed })}
          </p>
        )}
        {focus && (
          <div className="chain-focus" data-testid="chains-focus">
            <span>{t('chainsView.focusOn', { label: focusLabel })}</span>
            <select
              aria-label={t('chainsView.depth')}
              data-testid="chains-depth"
              value={depth}
              onChange={(e) => set('depth', e.target.value)}
            >
              {[1, 2, 3].map((d) => (
                <option key={d} value={d}>
                  {t('chainsView.depthOption', { count: d })}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn-small"
              data-testid="chains-unfocus"
              onClick={() => update({ focus: '', depth: '' })}
            >
              {t('chainsView.unfocus')}
            </button>
          </div>
        )}
        <ErrorBox error={graph.error ?? clusters.error ?? exportError} />
        {graph.data?.truncated && <div className="alert alert-warn">{t('tracing.chains.truncated')}</div>}
      </div>
      <div className="chains-layout">
        <div className="card">
          <div className="button-row chain-tools">
            <button type="button" className="btn btn-ghost btn-small" onClick={() => cy.current?.fit(undefined, 20)}>
              {t('tracing.chains.fit')}
            </button>
            <span className="button-row">
              <button
                type="button"
                className="btn btn-small"
                data-testid="chains-export-csv"
                onClick={() => void doExport('csv')}
              >
                CSV
              </button>
              <button
                type="button"
                className="btn btn-small"
                data-testid="chains-export-graphml"
                onClick={() => void doExport('graphml')}
              >
                GraphML
              </button>
              <button type="button" className="btn btn-small" onClick={() => void doExport('json')}>
                JSON
              </button>
            </span>
          </div>
          {graph.loading && !graph.data && <Loading />}
          {graph.data && graph.data.nodes.length === 0 && (
            <p className="empty" data-testid="chains-empty">
              {t('tracing.chains.empty')}
            </p>
          )}
          <div
            ref={box}
            className="chain-graph"
            data-testid="chain-graph"
            data-nodes={graph.data?.nodes.length ?? 0}
            data-edges={graph.data?.edges.length ?? 0}
            data-loading={graph.loading ? 'true' : 'false'}
            role="img"
            aria-label={t('tracing.chains.graphLabel', {
              nodes: graph.data?.nodes.length ?? 0,
              edges: graph.data?.edges.length ?? 0,
            })}
          />
          <p className="muted small">{t('chainsView.help')}</p>
        </div>
        <div className="card" data-testid="chain-selected">
          {!selected && <p className="muted">{t('tracing.chains.pick')}</p>}
          {selected && (
            <div>
              <h2 className="card-title" data-testid="chain-selected-label">
                {selected.kind === 'group' ? t('chainsView.groupTitle', { label: selected.label }) : selected.label}
              </h2>
              <div className="muted small">
                {t(`chainsView.kind.${selected.kind}`)}
                {selected.areaName ? ` · ${selected.areaName}` : ''}
              </div>
              {selected.status && <CaseStatusBadge status={selected.status} />}{' '}
              {selected.kind !== 'group' && <ClassBadge cls={selected.contactClass} />}
              {selected.kind === 'group' && selected.breakdown && (
                <dl className="chain-breakdown" data-testid="chain-group-breakdown">
                  <div>
                    <dt>{t('chainsView.people')}</dt>
                    <dd>{selected.count}</dd>
                  </div>
                  {(['close', 'secondary', 'general'] as const).map(
                    (c) =>
                      selected.breakdown![c] > 0 && (
                        <div key={c}>
                          <dt>{t(`tracing.class.${c}`)}</dt>
                          <dd>{selected.breakdown![c]}</dd>
                        </div>
                      ),
                  )}
                  {selected.breakdown.candidates > 0 && (
                    <div>
                      <dt>{t('chainsView.candidates')}</dt>
                      <dd>{selected.breakdown.candidates}</dd>
                    </div>
                  )}
                </dl>
              )}
              <div className="button-row">
                {selected.caseId && (
                  <button
                    type="button"
                    className="btn btn-small btn-primary"
                    data-testid="chain-open-case"
                    onClick={() => navigate(`/cases/${selected.caseId}`)}
                  >
                    {t('tracing.chains.openCase')}
                  </button>
                )}
                {selected.venueId && selected.kind === 'venue' && can('venue.manage') && (
                  <Link className="btn btn-small" to={`/venues/${selected.venueId}`}>
                    {t('tracing.chains.openVenue')}
                  </Link>
                )}
                {selected.kind === 'group' ? (
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid="chain-open-group"
                    onClick={() => openGroup(selected.id)}
                  >
                    {t('chainsView.openGroup')}
                  </button>
                ) : (
                  selected.id !== focus && (
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="chain-focus"
                      onClick={() => update({ focus: selected.id })}
                    >
                      {t('chainsView.focus')}
                    </button>
                  )
                )}
              </div>
              <ul className="small">
                {related.map((e) => (
                  <li key={e.id}>
                    <Label text={`${labelOf(e.source)} → ${labelOf(e.target)}`} />
                    {t(`chainsView.edge.${e.kind}`)}
                    {e.venueName && e.kind !== 'visit' && e.kind !== 'group' ? ` @ ${e.venueName}` : ''}
                    {e.from !== null ? ` · ${formatDateTime(e.from)}` : ''}
                    {e.overlapMinutes !== null
                      ? ` · ${t('tracing.chains.minutes', { minutes: Math.round(e.overlapMinutes) })}`
                      : ''}{' '}
                    <Link to={`/cases/${e.caseId}`}>{t('tracing.chains.case')}</Link>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </div>
      <div className="card">
        <h2 className="card-title">{t('tracing.chains.clusters')}</h2>
        {clusters.data && clusters.data.items.length === 0 && <p className="empty">{t('tracing.chains.noClusters')}</p>}
        {clusters.data && clusters.data.items.length > 0 && (
          <table className="table rtable" data-testid="clusters-table">
            <thead>
              <tr>
                <th>{t('tracing.chains.cluster')}</th>
                <th className="num">{t('tracing.chains.cases')}</th>
                <th className="num">{t('tracing.chains.people')}</th>
                <th>{t('tracing.chains.span')}</th>
                <th>{t('tracing.chains.venues')}</th>
              </tr>
            </thead>
            <tbody>
              {clusters.data.items.map((c) => (
                <tr
                  key={c.id}
                  data-testid="cluster-row"
                  data-cluster-id={c.id}
                  className={`cluster-row ${c.id === shownCluster ? 'selected' : ''}`}
                  tabIndex={0}
                  onClick={() => update({ cluster: c.id, focus: '' })}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') update({ cluster: c.id, focus: '' });
                  }}
                >
                  <td className="rtable-head">{c.label || c.id}</td>
                  <td data-label={t('tracing.chains.cases')} className="num">
                    {c.cases}
                  </td>
                  <td data-label={t('tracing.chains.people')} className="num">
                    {c.people}
                  </td>
                  <td data-label={t('tracing.chains.span')}>
                    {formatDateTime(c.firstAt)} – {formatDateTime(c.lastAt)}
                  </td>
                  <td data-label={t('tracing.chains.venues')}>
                    {c.venues
                      .slice(0, 6)
                      .map((v) => v.name)
                      .join('、') || '—'}
                    {c.venues.length > 6 ? ` …(${c.venues.length})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

/** Hides the nodes of the legend's switched-off kinds (and so their edges). */
function applyHidden(instance: Core, hidden: ReadonlySet<LegendKey>): void {
  instance.batch(() => {
    instance.nodes().forEach((n) => {
      if (hidden.has(n.data('key') as LegendKey)) n.addClass('legend-hidden');
      else n.removeClass('legend-hidden');
    });
  });
}
