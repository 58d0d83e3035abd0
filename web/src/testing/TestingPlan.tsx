// 采样力量测算 The round's planner: by the norms (one site per 2,000–3,000 people, one table per
// 600–800, samplers = population ÷ 360) what each area needs against what is registered, and what is
// short; then the sites and tables of the round's areas, and the staff assigned to them (accounts
// searched by name inside the planner's area, never typed in as ids).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import {
  CONTROL_LEVELS,
  testingApi,
  type ControlLevel,
  type Duty,
  type PlanRow,
  type RoundView,
  type Site,
  type StaffCandidate,
} from './testingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { useDebounced } from '../shared/useListQuery.ts';
import type { Area } from '../shared/types.ts';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatNumber } from '../shared/format.ts';

export function RoundPlan({ round, onRoundChange }: { round: RoundView; onRoundChange: () => void }) {
  const { can } = useAuth();
  const [tick, setTick] = useState(0);
  const reload = () => setTick((n) => n + 1);
  return (
    <>
      <PlanTable roundId={round.id} refreshKey={tick} />
      <PoolingCard roundId={round.id} refreshKey={tick} />
      {can('testing.round') && round.status !== 'closed' && (
        <RoundSettings
          key={round.id}
          round={round}
          onSaved={() => {
            reload();
            onRoundChange();
          }}
        />
      )}
      <SitesCard
        round={round}
        editable={can('testing.round') && round.status !== 'closed'}
        onChange={reload}
        refreshKey={tick}
      />
      <StaffCard
        round={round}
        editable={can('testing.round') && round.status !== 'closed'}
        onChange={reload}
        refreshKey={tick}
      />
    </>
  );
}

/** datetime-local text for an instant, in the browser's zone. */
function localInput(ms: number): string {
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Changing a round under way: its deadline, auto-report, and the control level of each area (a sub-area added overrides its parent). */
function RoundSettings({ round, onSaved }: { round: RoundView; onSaved: () => void }) {
  const { t } = useTranslation();
  const [deadline, setDeadline] = useState(() => localInput(round.deadlineAt));
  const [autoReport, setAutoReport] = useState(round.autoReport);
  const [levels, setLevels] = useState<Array<{ areaId: string; name: string; controlLevel: ControlLevel }>>(() =>
    round.areas.map((a) => ({ areaId: a.areaId, name: a.name, controlLevel: a.controlLevel })),
  );
  const [picked, setPicked] = useState<Area | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await testingApi.updateRound(round.id, {
        deadlineAt: Date.parse(deadline),
        autoReport,
        areas: levels.map(({ areaId, controlLevel }) => ({ areaId, controlLevel })),
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <details className="card round-settings" data-testid="round-settings">
      <summary className="card-title">{t('testing.plan.settings')}</summary>
      <form className="form" onSubmit={(e) => void save(e)}>
        <div className="form-grid">
          <label className="field">
            <span className="field-label">{t('testing.rounds.deadlineAt')}</span>
            <input
              type="datetime-local"
              data-testid="round-deadline"
              value={deadline}
              onChange={(e) => setDeadline(e.target.value)}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              data-testid="round-auto-report-toggle"
              checked={autoReport}
              onChange={(e) => setAutoReport(e.target.checked)}
            />
            {t('testing.rounds.autoReportOn')}
          </label>
        </div>
        <table className="table">
          <thead>
            <tr>
              <th>{t('testing.rounds.areas')}</th>
              <th>{t('testing.rounds.controlLevel')}</th>
            </tr>
          </thead>
          <tbody>
            {levels.map((a) => (
              <tr key={a.areaId}>
                <td>{a.name}</td>
                <td>
                  <select
                    data-testid="round-level"
                    value={a.controlLevel}
                    onChange={(e) =>
                      setLevels((l) =>
                        l.map((x) =>
                          x.areaId === a.areaId ? { ...x, controlLevel: e.target.value as ControlLevel } : x,
                        ),
                      )
                    }
                  >
                    {CONTROL_LEVELS.map((c) => (
                      <option key={c} value={c}>
                        {t(`poolAdvisor.controlLevel.${c}`, { defaultValue: c })}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="round-area-add">
          <AreaPicker onChange={setPicked} testId="round-override-area" />
          <button
            type="button"
            className="btn"
            disabled={!picked || levels.some((l) => l.areaId === picked.id)}
            onClick={() =>
              picked && setLevels((l) => [...l, { areaId: picked.id, name: picked.name, controlLevel: 'sealed' }])
            }
          >
            {t('testing.plan.addOverride')}
          </button>
        </div>
        <span className="field-hint">{t('testing.plan.overrideHint')}</span>
        <ErrorBox error={error} />
        {saved && (
          <div className="alert alert-ok" role="status">
            {t('testing.plan.saved')}
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="round-settings-save">
            {t('testing.plan.save')}
          </button>
        </div>
      </form>
    </details>
  );
}

const range = (r: { min: number; max: number }) =>
  r.min === r.max ? formatNumber(r.min) : `${formatNumber(r.min)}–${formatNumber(r.max)}`;

function PlanTable({ roundId, refreshKey }: { roundId: string; refreshKey: number }) {
  const { t } = useTranslation();
  const plan = useLoad(() => testingApi.plan(roundId), [roundId, refreshKey]);
  if (plan.loading && !plan.data) return <Loading />;
  if (!plan.data) return <ErrorBox error={plan.error} />;
  const { norms, rows, total } = plan.data;
  const row = (r: PlanRow, isTotal = false) => (
    <tr
      key={r.areaId ?? 'total'}
      data-testid={isTotal ? 'plan-total' : 'plan-row'}
      className={isTotal ? 'total-row' : ''}
    >
      <td className={isTotal ? 'strong' : ''}>
        {isTotal ? t('testing.coverage.total') : r.name}
        {r.level && (
          <>
            {' '}
            <span className={`level level-${r.level}`}>{t(`level.${r.level}`, { defaultValue: r.level })}</span>
          </>
        )}
      </td>
      <td className="num">{formatNumber(r.population)}</td>
      <td className="num">{range(r.needed.sites)}</td>
      <td className="num">{formatNumber(r.registered.sites)}</td>
      <Short n={r.short.sites} testId={isTotal ? 'plan-short-sites' : undefined} />
      <td className="num">{range(r.needed.tables)}</td>
      <td className="num">{formatNumber(r.registered.tables)}</td>
      <Short n={r.short.tables} testId={isTotal ? 'plan-short-tables' : undefined} />
      <td className="num">{formatNumber(r.needed.samplers)}</td>
      <td className="num">{formatNumber(r.registered.samplers)}</td>
      <Short n={r.short.samplers} testId={isTotal ? 'plan-short-samplers' : undefined} />
    </tr>
  );
  return (
    <section className="card" data-testid="plan">
      <h2 className="card-title">{t('testing.plan.title')}</h2>
      <p className="muted small">
        {t('testing.plan.norms', {
          site: range(norms.peoplePerSite),
          table: range(norms.peoplePerTable),
          sampler: formatNumber(norms.peoplePerSampler),
        })}
      </p>
      <div className="table-scroll">
        <table className="table plan-table" data-testid="plan-table">
          <thead>
            <tr>
              <th rowSpan={2}>{t('testing.plan.area')}</th>
              <th rowSpan={2} className="num">
                {t('testing.plan.population')}
              </th>
              <th colSpan={3} className="group">
                {t('testing.plan.sites')}
              </th>
              <th colSpan={3} className="group">
                {t('testing.plan.tables')}
              </th>
              <th colSpan={3} className="group">
                {t('testing.plan.samplers')}
              </th>
            </tr>
            <tr>
              {[0, 1, 2].map((i) => (
                <FragmentHeads key={i} />
              ))}
            </tr>
          </thead>
          <tbody>{rows.map((r) => row(r))}</tbody>
          <tfoot>{row(total, true)}</tfoot>
        </table>
      </div>
    </section>
  );
}

const share = (p: number) => `${(p * 100).toPrecision(2)}%`;
const about = (n: number | null) => (n === null ? '—' : formatNumber(Math.round(n * 10) / 10));

/**
 * 混采方案 The pool-size advisor on this round: per area its pool size (the control level's mandate,
 * the advisor's size under it) and the tubes, positive tubes, re-tests and people put under control
 * to expect — at the prevalence estimated from the last rounds, or one typed in.
 */
function PoolingCard({ roundId, refreshKey }: { roundId: string; refreshKey: number }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [applied, setApplied] = useState('');
  const pooling = useLoad(() => testingApi.pooling(roundId, applied || undefined), [roundId, applied, refreshKey]);
  const d = pooling.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(text.trim());
  };
  return (
    <section className="card" data-testid="pooling">
      <h2 className="card-title">{t('testing.pooling.title')}</h2>
      <form className="task-form" onSubmit={submit}>
        <input
          data-testid="pooling-prevalence"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('testing.pooling.prevalencePlaceholder')}
          maxLength={40}
        />
        <button type="submit" className="btn btn-small" data-testid="pooling-apply">
          {t('testing.pooling.apply')}
        </button>
        {applied && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setText('');
              setApplied('');
            }}
          >
            {t('testing.pooling.useEstimate')}
          </button>
        )}
      </form>
      <ErrorBox error={pooling.error} />
      {d && (
        <p
          className="muted small"
          data-testid="pooling-source"
          data-source={d.source}
          data-prevalence={d.prevalence ?? ''}
        >
          {d.source === 'typed' && t('testing.pooling.typed', { p: share(d.prevalence!) })}
          {d.source === 'estimated' &&
            d.estimate &&
            t('testing.pooling.estimated', {
              p: share(d.estimate.prevalence),
              rounds: d.estimate.rounds.map((r) => r.name).join('、'),
              resulted: formatNumber(d.estimate.resulted),
              positives: formatNumber(d.estimate.positives),
            })}
          {d.source === 'none' && t('testing.pooling.none')}
        </p>
      )}
      {d && (
        <div className="table-scroll">
          <table className="table" data-testid="pooling-table">
            <thead>
              <tr>
                <th>{t('testing.plan.area')}</th>
                <th>{t('testing.rounds.controlLevel')}</th>
                <th className="num">{t('testing.plan.population')}</th>
                <th className="num">{t('testing.pooling.mandated')}</th>
                <th className="num">{t('testing.pooling.recommended')}</th>
                <th className="num">{t('testing.pooling.tubes')}</th>
                <th className="num">{t('testing.pooling.positiveTubes')}</th>
                <th className="num">{t('testing.pooling.retests')}</th>
                <th className="num">{t('testing.pooling.controlled')}</th>
              </tr>
            </thead>
            <tbody>
              {d.areas.map((a) => (
                <tr key={a.areaId} data-testid="pooling-row" data-recommended={a.recommendedPoolSize ?? ''}>
                  <td>{a.name}</td>
                  <td>{t(`poolAdvisor.controlLevel.${a.controlLevel}`, { defaultValue: a.controlLevel })}</td>
                  <td className="num">{formatNumber(a.population)}</td>
                  <td className="num">
                    {a.householdTube ? t('testing.pooling.household') : `${a.mandatedPoolSize}:1`}
                  </td>
                  <td className="num" title={a.reason ? t(`poolAdvisor.reason.${a.reason}`) : undefined}>
                    {a.recommendedPoolSize === null ? '—' : `${a.recommendedPoolSize}:1`}
                  </td>
                  <td className="num">{about(a.expectedTubes)}</td>
                  <td className="num">{about(a.expectedPositiveTubes)}</td>
                  <td className="num">{about(a.expectedRetests)}</td>
                  <td className="num">{about(a.expectedControlled)}</td>
                </tr>
              ))}
            </tbody>
            {d.totals && (
              <tfoot>
                <tr className="total-row" data-testid="pooling-total">
                  <td className="strong" colSpan={2}>
                    {t('testing.coverage.total')}
                  </td>
                  <td className="num">{formatNumber(d.totals.population)}</td>
                  <td />
                  <td className="num">{t('testing.pooling.perPerson', { e: d.totals.testsPerPerson.toFixed(3) })}</td>
                  <td className="num">{about(d.totals.expectedTubes)}</td>
                  <td className="num">{about(d.totals.expectedPositiveTubes)}</td>
                  <td className="num">{about(d.totals.expectedRetests)}</td>
                  <td className="num">{about(d.totals.expectedControlled)}</td>
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
    </section>
  );
}

function FragmentHeads() {
  const { t } = useTranslation();
  return (
    <>
      <th className="num">{t('testing.plan.needed')}</th>
      <th className="num">{t('testing.plan.registered')}</th>
      <th className="num">{t('testing.plan.short')}</th>
    </>
  );
}

function Short({ n, testId }: { n: number; testId?: string }) {
  return (
    <td className={`num ${n > 0 ? 'short' : 'enough'}`} data-testid={testId} data-value={n}>
      {n > 0 ? `−${formatNumber(n)}` : '✓'}
    </td>
  );
}

function SitesCard({
  round,
  editable,
  onChange,
  refreshKey,
}: {
  round: RoundView;
  editable: boolean;
  onChange: () => void;
  refreshKey: number;
}) {
  const { t } = useTranslation();
  const sites = useLoad(() => testingApi.sites({ limit: 200, offset: 0 }), [refreshKey]);
  const [area, setArea] = useState<Area | null>(null);
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [kind, setKind] = useState<Site['kind']>('ordinary');
  const [error, setError] = useState<ApiError | null>(null);
  const roundPaths = round.areas.map((a) => a.areaId);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!area || !name.trim()) return;
    setError(null);
    try {
      await testingApi.createSite({
        areaId: area.id,
        name: name.trim(),
        ...(address.trim() ? { address: address.trim() } : {}),
        kind,
      });
      setName('');
      setAddress('');
      onChange();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section className="card" data-testid="sites">
      <h2 className="card-title">{t('testing.plan.sitesTitle')}</h2>
      <ErrorBox error={sites.error} />
      {sites.data && sites.data.items.length === 0 && <p className="empty">{t('testing.plan.noSites')}</p>}
      <ul className="task-list">
        {(sites.data?.items ?? []).map((s) => (
          <SiteRow
            key={s.id}
            site={s}
            editable={editable}
            onChange={onChange}
            inRound={roundPaths.includes(s.areaId)}
          />
        ))}
      </ul>
      {editable && (
        <form className="form site-form" onSubmit={(e) => void create(e)} data-testid="site-create">
          <h3 className="guard-sub">{t('testing.plan.newSite')}</h3>
          <div className="form-grid">
            <div className="field">
              <span className="field-label">{t('testing.plan.siteArea')}</span>
              <AreaPicker onChange={setArea} testId="site-area" />
            </div>
            <label className="field">
              <span className="field-label">{t('testing.plan.siteName')}</span>
              <input data-testid="site-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
            </label>
            <label className="field">
              <span className="field-label">{t('testing.plan.siteAddress')}</span>
              <input
                data-testid="site-address"
                value={address}
                onChange={(e) => setAddress(e.target.value)}
                maxLength={200}
              />
            </label>
            <label className="field">
              <span className="field-label">{t('testing.plan.siteKind')}</span>
              <select data-testid="site-kind" value={kind} onChange={(e) => setKind(e.target.value as Site['kind'])}>
                {(['ordinary', 'quarantine_site', 'key_group'] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`testing.siteKind.${k}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ErrorBox error={error} />
          <div className="form-actions">
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="site-submit"
              disabled={!area || !name.trim()}
            >
              {t('testing.plan.addSite')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function SiteRow({
  site,
  editable,
  onChange,
  inRound,
}: {
  site: Site;
  editable: boolean;
  onChange: () => void;
  inRound: boolean;
}) {
  const { t } = useTranslation();
  const [table, setTable] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!table.trim()) return;
    setError(null);
    try {
      await testingApi.createTable(site.id, table.trim());
      setTable('');
      onChange();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <li className="task" data-testid="site-row" data-site-id={site.id}>
      <div className="task-who">
        <span className="strong">{site.name}</span>
        <span className="muted small">
          {site.areaName}
          {site.address ? ` · ${site.address}` : ''}
        </span>
        {site.kind !== 'ordinary' && <span className="badge badge-warn">{t(`testing.siteKind.${site.kind}`)}</span>}
        {inRound && <span className="badge badge-on">{t('testing.plan.roundArea')}</span>}
      </div>
      <div className="small">
        {t('testing.plan.tablesOf', { count: site.tables.length })}
        {site.tables.length > 0 && `:${site.tables.map((x) => x.name).join('、')}`}
      </div>
      {editable && (
        <form className="task-form" onSubmit={(e) => void add(e)}>
          <input
            data-testid="table-name"
            placeholder={t('testing.plan.tableName')}
            value={table}
            onChange={(e) => setTable(e.target.value)}
            maxLength={40}
          />
          <button type="submit" className="btn btn-small" data-testid="table-add" disabled={!table.trim()}>
            {t('testing.plan.addTable')}
          </button>
        </form>
      )}
      <ErrorBox error={error} />
    </li>
  );
}

const DUTIES: readonly Duty[] = ['sampler', 'registrar', 'squad'];

function StaffCard({
  round,
  editable,
  onChange,
  refreshKey,
}: {
  round: RoundView;
  editable: boolean;
  onChange: () => void;
  refreshKey: number;
}) {
  const { t } = useTranslation();
  const staff = useLoad(() => testingApi.staff(round.id), [round.id, refreshKey]);
  const sites = useLoad(() => testingApi.sites({ limit: 200, offset: 0 }), [refreshKey]);
  const [picked, setPicked] = useState<StaffCandidate | null>(null);
  const [tableKey, setTableKey] = useState('');
  const [duty, setDuty] = useState<Duty>('sampler');
  const [error, setError] = useState<ApiError | null>(null);
  const tables = (sites.data?.items ?? []).flatMap((s) =>
    s.tables.map((x) => ({ key: `${s.id}/${x.id}`, siteId: s.id, tableId: x.id, label: `${s.name} · ${x.name}` })),
  );

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!picked) return;
    setError(null);
    const table = tables.find((x) => x.key === tableKey);
    try {
      await testingApi.addStaff(round.id, {
        userId: picked.userId,
        duty,
        ...(table ? { siteId: table.siteId, tableId: table.tableId } : {}),
      });
      setPicked(null);
      onChange();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const remove = async (staffId: string) => {
    setError(null);
    try {
      await testingApi.removeStaff(round.id, staffId);
      onChange();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section className="card" data-testid="staff">
      <h2 className="card-title">{t('testing.plan.staffTitle')}</h2>
      <ErrorBox error={staff.error} />
      {staff.data && staff.data.items.length === 0 && <p className="empty">{t('testing.plan.noStaff')}</p>}
      {staff.data && staff.data.items.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{t('testing.plan.person')}</th>
                <th>{t('testing.plan.duty')}</th>
                <th>{t('testing.table')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {staff.data.items.map((s) => (
                <tr key={s.id} data-testid="staff-row">
                  <td>{s.displayName}</td>
                  <td>{t(`testing.duty.${s.duty}`)}</td>
                  <td>{tables.find((x) => x.tableId === s.tableId)?.label ?? '—'}</td>
                  <td>
                    {editable && (
                      <button type="button" className="btn btn-small" onClick={() => void remove(s.id)}>
                        {t('testing.plan.removeStaff')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editable && (
        <form className="form" onSubmit={(e) => void add(e)} data-testid="staff-add">
          <div className="form-grid">
            <label className="field">
              <span className="field-label">{t('testing.plan.duty')}</span>
              <select
                data-testid="staff-duty"
                value={duty}
                onChange={(e) => {
                  setDuty(e.target.value as Duty);
                  setPicked(null);
                }}
              >
                {DUTIES.map((d) => (
                  <option key={d} value={d}>
                    {t(`testing.duty.${d}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">{t('testing.table')}</span>
              <select data-testid="staff-table" value={tableKey} onChange={(e) => setTableKey(e.target.value)}>
                <option value="">{t('testing.plan.noTable')}</option>
                {tables.map((x) => (
                  <option key={x.key} value={x.key}>
                    {x.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <StaffPicker roundId={round.id} duty={duty} picked={picked} onPick={setPicked} refreshKey={refreshKey} />
          <ErrorBox error={error} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="staff-submit" disabled={!picked}>
              {t('testing.plan.addStaff')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/**
 * 选人 The accounts the planner may staff, searched by name or username as they type: sampler accounts
 * for sampling and the squad, any staff account for registration; only those inside the planner's area
 * (the server decides). Each shows its area and the duties it already has in this round.
 */
function StaffPicker({
  roundId,
  duty,
  picked,
  onPick,
  refreshKey,
}: {
  roundId: string;
  duty: Duty;
  picked: StaffCandidate | null;
  onPick: (c: StaffCandidate | null) => void;
  refreshKey: number;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim());
  const role = duty === 'registrar' ? undefined : 'sampler';
  const found = useLoad(
    () => testingApi.staffCandidates(roundId, { q: q || undefined, role, limit: 20 }),
    [roundId, q, role, refreshKey],
  );
  const items = found.data?.items ?? [];
  return (
    <div className="field" data-testid="staff-picker">
      <span className="field-label">{t('testing.plan.person')}</span>
      {picked ? (
        <div className="chips">
          <span className="chip on" data-testid="staff-picked" data-user-id={picked.userId}>
            {picked.displayName} · {picked.username} · {picked.areaName}
          </span>
          <button type="button" className="btn btn-small" data-testid="staff-repick" onClick={() => onPick(null)}>
            {t('testing.plan.repick')}
          </button>
        </div>
      ) : (
        <>
          <input
            type="search"
            data-testid="staff-search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('testing.plan.searchPlaceholder')}
            maxLength={64}
            autoComplete="off"
          />
          <span className="field-hint">{t(role ? 'testing.plan.searchSamplers' : 'testing.plan.searchStaff')}</span>
          <ErrorBox error={found.error} />
          {found.data && items.length === 0 && (
            <p className="empty small" data-testid="staff-no-candidates">
              {t('testing.plan.noCandidates')}
            </p>
          )}
          <ul className="chips" data-testid="staff-candidates">
            {items.map((c) => (
              <li key={c.userId}>
                <button
                  type="button"
                  className="chip"
                  data-testid="staff-candidate"
                  data-user-id={c.userId}
                  onClick={() => onPick(c)}
                >
                  {c.displayName}{' '}
                  <span className="muted small">
                    {c.username} · {t(`role.${c.role}`, { defaultValue: c.role })} · {c.areaName}
                  </span>
                  {c.duties.length > 0 && (
                    <span className="badge badge-on">
                      {t('testing.plan.alreadyDuty', {
                        duties: c.duties.map((d) => t(`testing.duty.${d}`)).join('、'),
                      })}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
