// 传播链 Transmission chains: the graph of cases, contacts and the venues where they met (cytoscape:
// zoom, pan, click a node to open its record), filtered by date and by cluster, the clusters listed
// with size, date span and venues, and exports (CSV edge list, GraphML, JSON; names masked). The graph,
// its clusters and a chosen cluster's part are the server's (src/tracing/tracing.chains.ts), shown as
// sent: the page only draws them. The whole graph is read once; a chosen cluster is read on its own.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Core, ElementDefinition } from 'cytoscape';
import { saveFile, type ApiError } from '../api.ts';
import { useAuth, useMe } from '../auth.tsx';
import { AreaPicker } from '../components/AreaPicker.tsx';
import { formatDateTime } from '../format.ts';
import { tracingApi, type ChainGraph, type ChainNode } from '../tracingApi.ts';
import { toApiError, useLoad } from '../useLoad.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Loading } from '../components/Loading.tsx';
import { ClassBadge, CaseStatusBadge, dateToMs } from '../components/TracingBits.tsx';

const COLOURS = { case: '#d92d20', close: '#f79009', secondary: '#fdb022', general: '#98a2b3', venue: '#1f5fbf' } as const;

function nodeColour(n: ChainNode): string {
  if (n.kind === 'case') return COLOURS.case;
  if (n.kind === 'venue') return COLOURS.venue;
  return COLOURS[(n.contactClass ?? 'general') as 'close' | 'secondary' | 'general'] ?? COLOURS.general;
}

function toElements(g: ChainGraph, t: (k: string, o?: Record<string, unknown>) => string): ElementDefinition[] {
  return [
    ...g.nodes.map((n) => ({ data: { id: n.id, label: n.label, kind: n.kind, colour: nodeColour(n) } })),
    ...g.edges.map((e) => ({
      data: {
        id: e.id, source: e.source, target: e.target, kind: e.kind,
        label: e.kind === 'venue' && e.overlapMinutes !== null ? t('tracing.chains.minutes', { minutes: Math.round(e.overlapMinutes) }) : t(`tracing.chains.edge.${e.kind}`),
      },
    })),
  ];
}

export function ChainsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const fromDate = params.get('from') ?? '';
  const toDate = params.get('to') ?? '';
  const cluster = params.get('cluster') ?? '';
  const areaId = params.get('area') ?? '';
  const me = useMe();
  const query = { from: dateToMs(fromDate), to: dateToMs(toDate, true), areaId: areaId || undefined, cluster: cluster || undefined };
  const all = useLoad(() => tracingApi.chains({ from: query.from, to: query.to, areaId: query.areaId }), [fromDate, toDate, areaId]);
  // The server cuts a cluster out (named by its id or any of its cases) and says which one it is.
  const part = useLoad(() => (cluster ? tracingApi.chains(query) : Promise.resolve(null)), [fromDate, toDate, areaId, cluster]);
  const graph = cluster
    ? { data: part.data ?? undefined, error: part.error, loading: part.loading }
    : { data: all.data, error: all.error, loading: all.loading };
  const shownCluster = cluster ? part.data?.clusters[0]?.id ?? null : null;
  const [selected, setSelected] = useState<ChainNode | null>(null);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    setParams(next, { replace: true });
  };

  useEffect(() => {
    const g = graph.data;
    if (!g || !box.current) return;
    let disposed = false;
    void import('cytoscape').then(({ default: cytoscape }) => {
      if (disposed || !box.current) return;
      cy.current?.destroy();
      const instance = cytoscape({
        container: box.current,
        elements: toElements(g, t),
        wheelSensitivity: 0.3,
        minZoom: 0.1,
        maxZoom: 4,
        style: [
          { selector: 'node', style: { 'background-color': 'data(colour)', label: 'data(label)', 'font-size': 11, color: '#1b2433', 'text-valign': 'bottom', 'text-margin-y': 4, width: 22, height: 22 } },
          { selector: 'node[kind = "case"]', style: { width: 30, height: 30, 'border-width': 3, 'border-color': '#7a1a12' } },
          { selector: 'node[kind = "venue"]', style: { shape: 'round-rectangle', width: 26, height: 20 } },
          { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#081b33' } },
          { selector: 'edge', style: { width: 1.5, 'line-color': '#a9b4c4', 'target-arrow-color': '#a9b4c4', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 9, color: '#5f6b7d', 'text-rotation': 'autorotate' } },
          { selector: 'edge[kind = "household"]', style: { 'line-color': '#d92d20', 'target-arrow-color': '#d92d20' } },
          { selector: 'edge[kind = "secondary"]', style: { 'line-style': 'dashed' } },
        ],
        layout: { name: g.nodes.length > 400 ? 'grid' : 'cose', animate: false, padding: 20 } as never,
      });
      instance.on('tap', 'node', (evt) => {
        const node = g.nodes.find((n) => n.id === evt.target.id());
        if (node) setSelected(node);
      });
      // A small chain should not fill the screen with giant circles.
      if (instance.zoom() > 1.4) { instance.zoom(1.4); instance.center(); }
      cy.current = instance;
      (box.current as HTMLDivElement & { cy?: Core }).cy = instance;
    });
    return () => { disposed = true; };
  }, [graph.data, t]);

  useEffect(() => () => { cy.current?.destroy(); cy.current = null; }, []);

  const related = useMemo(() => {
    if (!selected || !graph.data) return [];
    return graph.data.edges.filter((e) => e.source === selected.id || e.target === selected.id);
  }, [selected, graph.data]);
  const labelOf = (id: string) => graph.data?.nodes.find((n) => n.id === id)?.label ?? id;

  const doExport = async (format: 'csv' | 'json' | 'graphml') => {
    setExportError(null);
    try {
      const file = await tracingApi.exportChains(query, format);
      saveFile(file.blob, file.filename);
    } catch (err) {
      setExportError(toApiError(err));
    }
  };

  return (
    <div className="chains-page">
      <h1 className="page-title">{t('tracing.chains.title')}</h1>
      <div className="card">
        <div className="filters">
          <label className="field"><span className="field-label">{t('tracing.chains.from')}</span>
            <input type="date" data-testid="chains-from" value={fromDate} onChange={(e) => set('from', e.target.value)} />
          </label>
          <label className="field"><span className="field-label">{t('tracing.chains.to')}</span>
            <input type="date" data-testid="chains-to" value={toDate} onChange={(e) => set('to', e.target.value)} />
          </label>
          <div className="field"><span className="field-label">{t('tracing.chains.area')}</span>
            <AreaPicker testId="chains-area" onChange={(a) => { if ((a.id === me.areaId ? '' : a.id) !== areaId) set('area', a.id === me.areaId ? '' : a.id); }} />
          </div>
          {cluster && <button type="button" className="btn btn-ghost" data-testid="chains-all" onClick={() => set('cluster', '')}>{t('tracing.chains.allClusters')}</button>}
          <button type="button" className="btn btn-ghost" onClick={() => cy.current?.fit(undefined, 20)}>{t('tracing.chains.fit')}</button>
          <span className="button-row">
            <button type="button" className="btn btn-small" data-testid="chains-export-csv" onClick={() => void doExport('csv')}>CSV</button>
            <button type="button" className="btn btn-small" data-testid="chains-export-graphml" onClick={() => void doExport('graphml')}>GraphML</button>
            <button type="button" className="btn btn-small" onClick={() => void doExport('json')}>JSON</button>
          </span>
        </div>
        <div className="chain-legend" aria-hidden="true">
          <span style={{ ['--dot' as string]: COLOURS.case }}>{t('tracing.chains.legend.case')}</span>
          <span style={{ ['--dot' as string]: COLOURS.close }}>{t('tracing.class.close')}</span>
          <span style={{ ['--dot' as string]: COLOURS.secondary }}>{t('tracing.class.secondary')}</span>
          <span style={{ ['--dot' as string]: COLOURS.general }}>{t('tracing.class.general')}</span>
          <span style={{ ['--dot' as string]: COLOURS.venue }}>{t('tracing.chains.legend.venue')}</span>
        </div>
        <ErrorBox error={graph.error ?? exportError} />
        {graph.data?.truncated && <div className="alert alert-warn">{t('tracing.chains.truncated')}</div>}
      </div>
      <div className="chains-layout">
        <div className="card">
          {graph.loading && !graph.data && <Loading />}
          {graph.data && graph.data.nodes.length === 0 && <p className="empty" data-testid="chains-empty">{t('tracing.chains.empty')}</p>}
          <div ref={box} className="chain-graph" data-testid="chain-graph" data-nodes={graph.data?.nodes.length ?? 0} data-edges={graph.data?.edges.length ?? 0}
            role="img" aria-label={t('tracing.chains.graphLabel', { nodes: graph.data?.nodes.length ?? 0, edges: graph.data?.edges.length ?? 0 })} />
          <p className="muted small">{t('tracing.chains.help')}</p>
        </div>
        <div className="card" data-testid="chain-selected">
          {!selected && <p className="muted">{t('tracing.chains.pick')}</p>}
          {selected && (
            <div>
              <h2 className="card-title" data-testid="chain-selected-label">{selected.label}</h2>
              <div className="muted small">{t(`tracing.chains.kind.${selected.kind}`)}{selected.areaName ? ` · ${selected.areaName}` : ''}</div>
              {selected.status && <CaseStatusBadge status={selected.status} />} <ClassBadge cls={selected.contactClass} />
              <div className="button-row">
                {selected.caseId && <button type="button" className="btn btn-small btn-primary" data-testid="chain-open-case" onClick={() => navigate(`/cases/${selected.caseId}`)}>{t('tracing.chains.openCase')}</button>}
                {selected.venueId && can('venue.manage') && <Link className="btn btn-small" to={`/venues/${selected.venueId}`}>{t('tracing.chains.openVenue')}</Link>}
              </div>
              <ul className="small">
                {related.map((e) => (
                  <li key={e.id}>
                    {labelOf(e.source)} → {labelOf(e.target)}: {t(`tracing.chains.edge.${e.kind}`)}
                    {e.venueName && e.kind !== 'visit' ? ` @ ${e.venueName}` : ''}
                    {e.from !== null ? ` · ${formatDateTime(e.from)}` : ''}{e.overlapMinutes !== null ? ` · ${t('tracing.chains.minutes', { minutes: Math.round(e.overlapMinutes) })}` : ''}
                    {' '}<Link to={`/cases/${e.caseId}`}>{t('tracing.chains.case')}</Link>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </div>
      <div className="card">
        <h2 className="card-title">{t('tracing.chains.clusters')}</h2>
        {all.data && all.data.clusters.length === 0 && <p className="empty">{t('tracing.chains.noClusters')}</p>}
        {all.data && all.data.clusters.length > 0 && (
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
              {all.data.clusters.map((c) => (
                <tr key={c.id} data-testid="cluster-row" data-cluster-id={c.id} className={`cluster-row ${c.id === shownCluster ? 'selected' : ''}`}
                  tabIndex={0} onClick={() => set('cluster', c.id)} onKeyDown={(e) => { if (e.key === 'Enter') set('cluster', c.id); }}>
                  <td className="rtable-head">{c.label || c.id}</td>
                  <td data-label={t('tracing.chains.cases')} className="num">{c.cases}</td>
                  <td data-label={t('tracing.chains.people')} className="num">{c.people}</td>
                  <td data-label={t('tracing.chains.span')}>{formatDateTime(c.firstAt)} – {formatDateTime(c.lastAt)}</td>
                  <td data-label={t('tracing.chains.venues')}>{c.venues.map((v) => v.name).join('、') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
