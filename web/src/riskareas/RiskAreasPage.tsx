// 风险区管理 The command centre's risk areas: an area tree coloured by level (districts, streets and
// communities with the designations in force below each), the list with filters, designation and
// change with a reason and a legal basis (held for approval over the rule set's threshold: shown as
// pending), lifting, the history of each area and an on-demand run of the rule set's downgrades.
import { RuleLabel, RuleSetName } from '../shared/Labels.tsx';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { type ApiError } from '../shared/api.ts';
import { registryApi } from '../registry/registryApi.ts';
import { toApiError, useLoad, type Loaded } from '../shared/useLoad.ts';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import type { Area } from '../shared/types.ts';
import type { BuildingRow } from '../registry/types.ts';
import {
  riskAreasApi,
  type DowngradeRun,
  type RiskArea,
  type RiskLevel,
  type RiskOutcome,
  type RiskStatus,
  type RiskTree,
  type RiskTreeNode,
  type RiskUnit,
} from './riskAreasApi.ts';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Modal } from '../shared/Modal.tsx';
import { FilterSelect } from '../shared/FilterSelect.tsx';
import { PagedList } from '../shared/PagedList.tsx';
import { useDebounced, useListQuery } from '../shared/useListQuery.ts';
import { liftingText, RiskBadge } from './RiskAreasPublicPage.tsx';
import './riskareas.css';
import { Label } from '../shared/Label.tsx';

const PAGE = 50;
const LEVELS: RiskLevel[] = ['high', 'medium', 'low'];
const UNITS: RiskUnit[] = ['building', 'community', 'street'];
const STATUSES: RiskStatus[] = ['active', 'pending', 'lifted', 'rejected'];

interface Preset {
  unit: RiskUnit;
  targetId: string;
  name: string;
}

export function RiskAreasPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<'tree' | 'list'>('tree');
  const [formOpen, setFormOpen] = useState(false);
  const [preset, setPreset] = useState<Preset | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [outcome, setOutcome] = useState<{ outcome: RiskOutcome; name: string } | null>(null);
  const [run, setRun] = useState<DowngradeRun | null>(null);
  const [runError, setRunError] = useState<ApiError | null>(null);
  const [running, setRunning] = useState(false);
  const refresh = () => setTick((n) => n + 1);
  const tree = useLoad(() => riskAreasApi.tree(), [tick]);
  const units = tree.data?.units ?? UNITS;
  const levels = tree.data?.levels ?? LEVELS;

  const runRules = async () => {
    setRunning(true);
    setRunError(null);
    try {
      setRun(await riskAreasApi.downgrade());
      refresh();
    } catch (err) {
      setRunError(toApiError(err));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="risk-areas-page">
      <div className="card-title-row">
        <h1 className="page-title">{t('riskAreas.title')}</h1>
        <div className="risk-filters">
          <Link to="/risk-areas/public" className="btn btn-ghost" data-testid="risk-public-link">
            {t('riskAreas.publicLink')}
          </Link>
          <button
            type="button"
            className="btn"
            data-testid="risk-run"
            disabled={running}
            onClick={() => void runRules()}
          >
            {t('riskAreas.runRules')}
          </button>
          {!formOpen && (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="risk-designate-open"
              onClick={() => {
                setPreset(null);
                setFormOpen(true);
              }}
            >
              {t('riskAreas.designate')}
            </button>
          )}
        </div>
      </div>
      <p className="muted">{t('riskAreas.lead')}</p>
      <ErrorBox error={runError} />
      {run && (
        <div className="alert alert-ok" role="status" data-testid="risk-run-result">
          {t('riskAreas.runResult', {
            checked: run.checked,
            changes: run.changes.length,
            arrivals: run.newArrivals,
            resolved: run.resolved,
          })}
          {run.changes.map((c) => (
            <div key={c.id} className="small">
              {c.name}: {t(`riskAreas.level.${c.from}`)} → {t(`riskAreas.level.${c.to}`)} （
              <RuleSetName id={run.ruleSet.id} /> · <RuleLabel rule={c.rule} />）
            </div>
          ))}
        </div>
      )}
      {outcome && <OutcomeAlert outcome={outcome.outcome} />}
      {formOpen && (
        <div className="card">
          <h2 className="card-title">{t('riskAreas.designate')}</h2>
          <DesignateForm
            preset={preset}
            units={units}
            levels={levels}
            onCancel={() => setFormOpen(false)}
            onDone={(r) => {
              setOutcome({ outcome: r.outcome, name: r.riskArea.name });
              setFormOpen(false);
              refresh();
            }}
          />
        </div>
      )}
      <div className="risk-tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'tree'}
          className={tab === 'tree' ? 'on' : ''}
          data-testid="risk-tab-tree"
          onClick={() => setTab('tree')}
        >
          {t('riskAreas.tabTree')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'list'}
          className={tab === 'list' ? 'on' : ''}
          data-testid="risk-tab-list"
          onClick={() => setTab('list')}
        >
          {t('riskAreas.tabList')}
        </button>
      </div>
      {tab === 'tree' ? (
        <TreeView
          tree={tree}
          units={units}
          onOpen={setOpenId}
          onDesignate={(p) => {
            setPreset(p);
            setFormOpen(true);
            window.scrollTo({ top: 0 });
          }}
        />
      ) : (
        <ListView tick={tick} onOpen={setOpenId} />
      )}
      {openId && (
        <DetailDialog
          id={openId}
          onClose={() => setOpenId(null)}
          onChanged={(o) => {
            setOutcome(o);
            refresh();
          }}
        />
      )}
    </div>
  );
}

function OutcomeAlert({ outcome }: { outcome: RiskOutcome }) {
  const { t } = useTranslation();
  if (!outcome.applied) {
    return (
      <div className="alert alert-warn" role="status" data-testid="risk-outcome" data-applied="false">
        {t('riskAreas.held', { people: formatNumber(outcome.people), id: outcome.pendingApprovalId })}
      </div>
    );
  }
  return (
    <div className="alert alert-ok" role="status" data-testid="risk-outcome" data-applied="true">
      {outcome.healthAvailable
        ? t('riskAreas.applied', { people: formatNumber(outcome.people), changes: formatNumber(outcome.colourChanges) })
        : t('riskAreas.appliedNoHealth', { people: formatNumber(outcome.people) })}
    </div>
  );
}

// ---- the area tree -------------------------------------------------------------------------------

function TreeView({
  tree,
  units,
  onOpen,
  onDesignate,
}: {
  tree: Loaded<RiskTree>;
  units: RiskUnit[];
  onOpen: (id: string) => void;
  onDesignate: (p: Preset) => void;
}) {
  const { t } = useTranslation();
  const children = useMemo(() => {
    const map = new Map<string | null, RiskTreeNode[]>();
    const ids = new Set((tree.data?.items ?? []).map((n) => n.id));
    for (const n of tree.data?.items ?? []) {
      const parent = n.parentId && ids.has(n.parentId) ? n.parentId : null;
      map.set(parent, [...(map.get(parent) ?? []), n]);
    }
    return map;
  }, [tree.data]);

  const render = (nodes: RiskTreeNode[] | undefined) => (
    <ul className="risk-tree">
      {nodes?.map((n) => {
        const heat = n.riskLevel ?? (n.below.high ? 'high' : n.below.medium ? 'medium' : n.below.low ? 'low' : null);
        const designable = (n.level === 'community' || n.level === 'street') && units.includes(n.level);
        return (
          <li key={n.id}>
            <div
              className={`risk-node${heat ? ` heat-${heat}` : ''}`}
              data-testid="risk-node"
              data-code={n.code}
              data-level={n.riskLevel ?? ''}
            >
              <span className="risk-node-name">{n.name}</span>
              <span className="risk-node-level">{t(`level.${n.level}`)}</span>
              {(n.riskLevel || n.status === 'pending') && <RiskBadge level={n.riskLevel} />}
              {n.status === 'pending' && <span className="badge badge-warn">{t('riskAreas.status.pending')}</span>}
              {n.below.high + n.below.medium + n.below.low > 0 && (
                <span className="risk-heat" title={t('riskAreas.below', n.below)}>
                  {n.below.high > 0 && <span className="risk-high">{n.below.high}</span>}
                  {n.below.medium > 0 && <span className="risk-medium">{n.below.medium}</span>}
                  {n.below.low > 0 && <span className="risk-low">{n.below.low}</span>}
                </span>
              )}
              <span className="risk-node-actions">
                {n.riskAreaId && (
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    data-testid="risk-node-open"
                    onClick={() => onOpen(n.riskAreaId!)}
                  >
                    {t('riskAreas.open')}
                  </button>
                )}
                {designable && (
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid="risk-node-designate"
                    onClick={() => onDesignate({ unit: n.level as RiskUnit, targetId: n.id, name: n.name })}
                  >
                    {t('riskAreas.designate')}
                  </button>
                )}
              </span>
            </div>
            {children.get(n.id) && render(children.get(n.id))}
          </li>
        );
      })}
    </ul>
  );

  return (
    <div className="card" data-testid="risk-tree">
      <p className="small muted">{t('riskAreas.treeLead')}</p>
      <ErrorBox error={tree.error} />
      {tree.loading && !tree.data && <Loading />}
      {tree.data && render(children.get(null))}
    </div>
  );
}

// ---- the list --------------------------------------------------------------------------------------

function ListView({ tick, onOpen }: { tick: number; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const query = useListQuery({ status: '' as RiskStatus | '', level: '' as RiskLevel | '', q: '' });
  const { offset, setFilter } = query;
  const { status, level, q: asked } = query.filters;
  const [q, setQ] = useState('');
  const typed = useDebounced(q.trim());
  useEffect(() => setFilter('q', typed), [typed, setFilter]);
  const list = useLoad(
    () => riskAreasApi.list({ limit: PAGE, offset, status, level, ...(asked ? { q: asked } : {}) }),
    [offset, status, level, asked, tick],
  );
  return (
    <div className="card">
      <div className="risk-filters">
        <input
          type="search"
          className="risk-list-search"
          data-testid="risk-filter-q"
          value={q}
          maxLength={100}
          autoComplete="off"
          placeholder={t('riskNames.listSearchHint')}
          aria-label={t('riskNames.listSearch')}
          onChange={(e) => setQ(e.target.value)}
        />
        <label>
          {t('riskAreas.filterStatus')}{' '}
          <FilterSelect
            testId="risk-filter-status"
            value={status}
            options={STATUSES}
            label={(s) => t(`riskAreas.status.${s}`)}
            allLabel={t('riskAreas.all')}
            onChange={(v) => setFilter('status', v)}
          />
        </label>
        <label>
          {t('riskAreas.filterLevel')}{' '}
          <FilterSelect
            testId="risk-filter-level"
            value={level}
            options={LEVELS}
            label={(l) => t(`riskAreas.level.${l}`)}
            allLabel={t('riskAreas.all')}
            onChange={(v) => setFilter('level', v)}
          />
        </label>
      </div>
      <PagedList list={list} limit={PAGE} offset={offset} onOffset={query.setOffset} empty={t('riskAreas.none')}>
        {(items) => (
          <table className="table rtable" data-testid="risk-table">
            <thead>
              <tr>
                <th>{t('riskAreas.name')}</th>
                <th>{t('riskAreas.levelLabel')}</th>
                <th>{t('riskAreas.statusLabel')}</th>
                <th>{t('riskAreas.sinceLabel')}</th>
                <th className="num" title={t('riskAreas.arrivalsHint')}>
                  {t('riskAreas.arrivals')}
                </th>
                <th>
                  <span className="sr-only">{t('riskAreas.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} data-testid="risk-row" data-risk-id={a.id}>
                  <td data-label={t('riskAreas.name')} className="rtable-head">
                    <span className="strong">{a.name}</span>
                    <div className="muted small">
                      {t(`riskAreas.unit.${a.unit}`)}
                      {a.place.length > 0 ? ` · ${a.place.join(' · ')}` : ''}
                    </div>
                  </td>
                  <td data-label={t('riskAreas.levelLabel')}>
                    {a.status === 'active' ? <RiskBadge level={a.level} /> : '—'}
                    {a.pending && (
                      <div>
                        <span className="badge badge-warn" data-testid="risk-pending">
                          {t('riskAreas.pendingBadge', { level: pendingLevel(t, a.pending.level) })}
                        </span>
                      </div>
                    )}
                  </td>
                  <td data-label={t('riskAreas.statusLabel')}>{t(`riskAreas.status.${a.status}`)}</td>
                  <td data-label={t('riskAreas.sinceLabel')}>{formatDateTime(a.levelSince)}</td>
                  <td data-label={t('riskAreas.arrivals')} className="num">
                    {t('riskAreas.arrivalsValue', {
                      active: formatNumber(a.arrivals.active),
                      total: formatNumber(a.arrivals.total),
                    })}
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="risk-open"
                      onClick={() => onOpen(a.id)}
                    >
                      {t('riskAreas.open')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedList>
    </div>
  );
}

function pendingLevel(t: (k: string) => string, level: string): string {
  return level === 'lifted' ? t('riskAreas.lifted') : t(`riskAreas.level.${level}`);
}

// ---- designation ---------------------------------------------------------------------------------

function DesignateForm({
  preset,
  units,
  levels,
  onDone,
  onCancel,
}: {
  preset: Preset | null;
  units: RiskUnit[];
  levels: RiskLevel[];
  onDone: (r: { riskArea: RiskArea; outcome: RiskOutcome }) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState<RiskUnit>(
    preset?.unit ?? (units.includes('community') ? 'community' : (units[0] ?? 'building')),
  );
  const [usePreset, setUsePreset] = useState(!!preset);
  const [area, setArea] = useState<Area | null>(null);
  const [building, setBuilding] = useState<BuildingRow | null>(null);
  const buildingId = building?.id ?? '';
  const [level, setLevel] = useState<RiskLevel>('high');
  const [reason, setReason] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const targetId =
    usePreset && preset
      ? preset.targetId
      : unit === 'building'
        ? buildingId
        : area && area.level === unit
          ? area.id
          : '';
  const ready = !!targetId && reason.trim() && legalBasis.trim();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      onDone(
        await riskAreasApi.designate({ unit, targetId, level, reason: reason.trim(), legalBasis: legalBasis.trim() }),
      );
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="risk-designate-form">
      <div className="form-grid">
        <label className="field">
          <span className="field-label">
            {t('riskAreas.form.unit')} <span className="req">*</span>
          </span>
          <select
            data-testid="risk-form-unit"
            value={unit}
            disabled={usePreset}
            onChange={(e) => {
              setUnit(e.target.value as RiskUnit);
              setBuilding(null);
            }}
          >
            {units.map((u) => (
              <option key={u} value={u}>
                {t(`riskAreas.unit.${u}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">
            {t('riskAreas.form.level')} <span className="req">*</span>
          </span>
          <select data-testid="risk-form-level" value={level} onChange={(e) => setLevel(e.target.value as RiskLevel)}>
            {levels.map((l) => (
              <option key={l} value={l}>
                {t(`riskAreas.level.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="field">
          <span className="field-label">
            {t('riskAreas.form.area')} <span className="req">*</span>
          </span>
          {usePreset && preset ? (
            <div className="risk-filters">
              <span className="strong" data-testid="risk-form-preset">
                {preset.name}
              </span>
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setUsePreset(false)}>
                {t('riskAreas.form.changeTarget')}
              </button>
            </div>
          ) : (
            <>
              <AreaPicker
                onChange={(a) => {
                  setArea(a);
                  setBuilding(null);
                }}
                testId="risk-form-area"
              />
              {unit !== 'building' && area && area.level !== unit && (
                <span className="field-hint">
                  {t('riskAreas.form.pickArea', { unit: t(`riskAreas.unit.${unit}`) })}
                </span>
              )}
            </>
          )}
        </div>
        {unit === 'building' && !usePreset && area && (
          <BuildingSearch area={area} value={building} onChange={setBuilding} />
        )}
      </div>
      <label className="field">
        <span className="field-label">
          {t('riskAreas.form.reason')} <span className="req">*</span>
        </span>
        <textarea
          data-testid="risk-form-reason"
          rows={2}
          maxLength={2000}
          value={reason}
          placeholder={t('riskAreas.form.reasonHint')}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field-label">
          {t('riskAreas.form.legalBasis')} <span className="req">*</span>
        </span>
        <textarea
          data-testid="risk-form-basis"
          rows={2}
          maxLength={2000}
          value={legalBasis}
          placeholder={t('riskAreas.form.legalBasisHint')}
          onChange={(e) => setLegalBasis(e.target.value)}
        />
      </label>
      <p className="small muted">
        {t('riskAreas.form.unitsOfRuleSet', { units: units.map((u) => t(`riskAreas.unit.${u}`)).join(' / ') })}
      </p>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="risk-form-submit" disabled={busy || !ready}>
          {busy ? t('common.working') : t('riskAreas.form.submit')}
        </button>
      </div>
    </form>
  );
}

const BUILDING_PAGE = 20;

/**
 * Finds the building to designate inside the chosen area by compound and number ("瑞景 1"): the
 * server searches and pages, so a community of hundreds of buildings is never loaded whole.
 */
function BuildingSearch({
  area,
  value,
  onChange,
}: {
  area: Area;
  value: BuildingRow | null;
  onChange: (b: BuildingRow | null) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const asked = useDebounced(q.trim());
  const found = useLoad(
    () => (value ? Promise.resolve(null) : registryApi.buildingsOf(area.id, BUILDING_PAGE, 0, asked)),
    [area.id, asked, !!value],
  );

  if (value) {
    return (
      <div className="field">
        <span className="field-label">
          {t('riskAreas.form.building')} <span className="req">*</span>
        </span>
        <div className="risk-filters">
          <span className="strong" data-testid="risk-form-building-chosen">
            {t('riskNames.buildingChosen', { label: value.label })}
          </span>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="risk-form-building-change"
            onClick={() => onChange(null)}
          >
            {t('riskNames.buildingChange')}
          </button>
        </div>
      </div>
    );
  }
  const items = found.data?.items ?? [];
  const more = found.data ? found.data.total - items.length : 0;
  return (
    <div className="field risk-building-field">
      <label className="field-label" htmlFor="risk-building-q">
        {t('riskNames.buildingSearch')} <span className="req">*</span>
      </label>
      <input
        id="risk-building-q"
        type="search"
        data-testid="risk-form-building-search"
        value={q}
        maxLength={100}
        placeholder={t('riskNames.buildingSearchHint')}
        autoComplete="off"
        onChange={(e) => setQ(e.target.value)}
      />
      <ErrorBox error={found.error} />
      {found.loading && !found.data && <span className="field-hint">{t('common.loading')}</span>}
      {found.data && items.length === 0 && (
        <span className="field-hint" data-testid="risk-form-building-none">
          {t('riskNames.buildingSearchEmpty')}
        </span>
      )}
      {items.length > 0 && (
        <ul
          className="risk-building-results"
          role="listbox"
          aria-label={t('riskNames.buildingSearch')}
          data-testid="risk-form-building-results"
        >
          {items.map((b) => (
            <li key={b.id}>
              <button
                type="button"
                role="option"
                aria-selected={false}
                data-testid="risk-form-building-option"
                data-building-id={b.id}
                onClick={() => onChange(b)}
              >
                <span className="strong">{b.label}</span>
                <span className="muted small">{t('riskNames.buildingHouseholds', { count: b.households })}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {more > 0 && (
        <span className="field-hint" data-testid="risk-form-building-more">
          {t('riskNames.buildingMore', { count: more })}
        </span>
      )}
    </div>
  );
}

// ---- one area: pending change, lifting, history ----------------------------------------------------

function DetailDialog({
  id,
  onClose,
  onChanged,
}: {
  id: string;
  onClose: () => void;
  onChanged: (o: { outcome: RiskOutcome; name: string }) => void;
}) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const detail = useLoad(() => riskAreasApi.detail(id), [id, tick]);
  const [reason, setReason] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const a = detail.data?.riskArea;

  const lift = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await riskAreasApi.lift(id, { reason: reason.trim(), legalBasis: legalBasis.trim() });
      onChanged({ outcome: r.outcome, name: r.riskArea.name });
      setReason('');
      setLegalBasis('');
      setTick((n) => n + 1);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={a ? t('riskAreas.detailTitle', { name: a.name }) : t('common.loading')}
      onClose={onClose}
      testId="risk-detail"
    >
      <ErrorBox error={detail.error} />
      {detail.loading && !detail.data && <Loading />}
      {a && detail.data && (
        <div className="form">
          <div className="risk-row-head">
            {a.status === 'active' && <RiskBadge level={a.level} />}
            <span className="badge badge-off" data-testid="risk-detail-status" data-status={a.status}>
              {t(`riskAreas.status.${a.status}`)}
            </span>
            <span className="muted small">
              {t(`riskAreas.unit.${a.unit}`)}
              {a.place.length > 0 ? ` · ${a.place.join(' · ')}` : ''}
            </span>
          </div>
          {a.status === 'active' && (
            <p className="small">
              {t('riskAreas.since', { time: formatDateTime(a.levelSince) })} · {liftingText(t, a.liftingRule)}
            </p>
          )}
          <p className="small muted">
            <Label text={t('riskAreas.arrivalsHint')} />
            {t('riskAreas.arrivalsValue', {
              active: formatNumber(a.arrivals.active),
              total: formatNumber(a.arrivals.total),
            })}
          </p>
          {a.pending && (
            <div className="alert alert-warn" data-testid="risk-detail-pending">
              <div className="alert-title">{t('riskAreas.pendingTitle')}</div>
              {t('riskAreas.pendingText', {
                by: a.pending.by ?? '—',
                time: formatDateTime(a.pending.at),
                level: pendingLevel(t, a.pending.level),
                id: a.pending.approvalId,
                reason: a.pending.reason,
              })}
            </div>
          )}
          {a.status === 'active' && !a.pending && (
            <form onSubmit={(e) => void lift(e)} noValidate data-testid="risk-lift-form">
              <h3>{t('riskAreas.liftTitle')}</h3>
              <p className="small muted">{t('riskAreas.liftHint')}</p>
              <label className="field">
                <span className="field-label">
                  {t('riskAreas.form.reason')} <span className="req">*</span>
                </span>
                <textarea
                  data-testid="risk-lift-reason"
                  rows={2}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                />
              </label>
              <label className="field">
                <span className="field-label">
                  {t('riskAreas.form.legalBasis')} <span className="req">*</span>
                </span>
                <textarea
                  data-testid="risk-lift-basis"
                  rows={2}
                  value={legalBasis}
                  onChange={(e) => setLegalBasis(e.target.value)}
                />
              </label>
              <ErrorBox error={error} />
              <div className="form-actions">
                <button
                  type="submit"
                  className="btn btn-primary"
                  data-testid="risk-lift-submit"
                  disabled={busy || !reason.trim() || !legalBasis.trim()}
                >
                  {t('riskAreas.lift')}
                </button>
              </div>
            </form>
          )}
          <h3>{t('riskAreas.history')}</h3>
          <ol className="risk-history" data-testid="risk-history">
            {detail.data.history.map((h, i) => (
              <li key={i} className={h.manual ? '' : 'auto'} data-kind={h.kind}>
                <div className="what">
                  <Label text={t(`riskAreas.historyKind.${h.kind}`)} />
                  {h.from ? pendingLevel(t, h.from) : '—'} → {pendingLevel(t, h.to)}
                </div>
                <div className="small muted">
                  {formatDateTime(h.at)} · {h.manual ? h.actorName : t('riskAreas.historyAuto')}
                </div>
                {h.reason && <div className="small">{h.reason}</div>}
                {h.legalBasis && (
                  <div className="small muted">
                    <Label text={t('riskAreas.form.legalBasis')} />
                    {h.legalBasis}
                  </div>
                )}
                {h.rule && (
                  <div className="small muted">
                    {t('riskAreas.historyRuleLabel')}
                    <RuleSetName id={h.ruleSet.id} version={h.ruleSet.version} /> · <RuleLabel rule={h.rule} />
                  </div>
                )}
              </li>
            ))}
          </ol>
        </div>
      )}
    </Modal>
  );
}
