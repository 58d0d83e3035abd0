// 混采测算 Pool advisor: prevalence and the Ct dilution limit in, expected tests per person by pool
// size out (two-stage, three-stage, square array), the recommended size highlighted, per control
// level, and a small chart of E against k. The arithmetic is the server's (GET /testing/pool-advisor).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatNumber } from '../shared/format.ts';
import { testingApi, type PoolAdvice, type PoolAdvisorQuery } from './testingApi.ts';

type Unit = '‰' | '%';
type SizeMode = 'validated' | 'any';

interface Form {
  prevalence: string;
  unit: Unit;
  ctCutoff: string;
  typicalCt: string;
  sizes: SizeMode;
}

const INITIAL: Form = { prevalence: '1', unit: '‰', ctCutoff: '40', typicalCt: '35', sizes: 'validated' };

function queryOf(form: Form): PoolAdvisorQuery {
  return {
    prevalence: `${form.prevalence.trim()}${form.unit}`,
    ctCutoff: form.ctCutoff,
    typicalCt: form.typicalCt,
    sizes: form.sizes,
  };
}

const e4 = (n: number | null) => (n === null ? '—' : n.toFixed(4));
const pct = (n: number, digits = 1) => `${(n * 100).toFixed(digits)}%`;

export function PoolAdvisorPage() {
  const { t } = useTranslation();
  const [form, setForm] = useState<Form>(INITIAL);
  const [query, setQuery] = useState<PoolAdvisorQuery>(() => queryOf(INITIAL));
  // The table shows the chosen sizes; the chart always draws every size from 2 to 32.
  const advice = useLoad(async () => {
    const table = testingApi.poolAdvisor(query);
    const curve = query.sizes === 'any' ? table : testingApi.poolAdvisor({ ...query, sizes: 'any' });
    // Both awaited together: a refused input rejects both, and neither rejection is left unhandled.
    const [tableAdvice, curveAdvice] = await Promise.all([table, curve]);
    return { table: tableAdvice, curve: curveAdvice };
  }, [query.prevalence, query.ctCutoff, query.typicalCt, query.sizes]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery(queryOf(form));
  };
  const badOption = advice.error?.code === 'ADVISOR_INPUT_INVALID' ? String(advice.error.problem.option ?? '') : '';
  const fieldClass = (option: string) => `field${badOption === option ? ' has-error' : ''}`;

  return (
    <div className="pool-advisor-page">
      <h1 className="page-title">{t('poolAdvisor.title')}</h1>
      <form className="card form" onSubmit={submit} data-testid="pool-advisor-form">
        <p className="muted">{t('poolAdvisor.intro')}</p>
        <div className="form-grid">
          <div className={fieldClass('prevalence')}>
            <label className="field-label" htmlFor="pa-prevalence">
              {t('poolAdvisor.prevalence')}
            </label>
            <div style={{ display: 'flex', gap: 8 }}>
              <input
                id="pa-prevalence"
                data-testid="pa-prevalence"
                inputMode="decimal"
                autoComplete="off"
                value={form.prevalence}
                onChange={(e) => set('prevalence', e.target.value)}
              />
              <select
                aria-label={t('poolAdvisor.unit')}
                data-testid="pa-unit"
                style={{ width: 80 }}
                value={form.unit}
                onChange={(e) => set('unit', e.target.value as Unit)}
              >
                <option value="‰">{t('poolAdvisor.unitPermille')}</option>
                <option value="%">{t('poolAdvisor.unitPercent')}</option>
              </select>
            </div>
            <span className="field-hint">{t('poolAdvisor.prevalenceHint')}</span>
          </div>
          <div className={fieldClass('ctCutoff')}>
            <label className="field-label" htmlFor="pa-ct-cutoff">
              {t('poolAdvisor.ctCutoff')}
            </label>
            <input
              id="pa-ct-cutoff"
              data-testid="pa-ct-cutoff"
              type="number"
              step="0.1"
              inputMode="decimal"
              value={form.ctCutoff}
              onChange={(e) => set('ctCutoff', e.target.value)}
            />
            <span className="field-hint">{t('poolAdvisor.ctCutoffHint')}</span>
          </div>
          <div className={fieldClass('typicalCt')}>
            <label className="field-label" htmlFor="pa-typical-ct">
              {t('poolAdvisor.typicalCt')}
            </label>
            <input
              id="pa-typical-ct"
              data-testid="pa-typical-ct"
              type="number"
              step="0.1"
              inputMode="decimal"
              value={form.typicalCt}
              onChange={(e) => set('typicalCt', e.target.value)}
            />
            <span className="field-hint">{t('poolAdvisor.typicalCtHint')}</span>
          </div>
          <div className={fieldClass('sizes')}>
            <label className="field-label" htmlFor="pa-sizes">
              {t('poolAdvisor.sizes')}
            </label>
            <select
              id="pa-sizes"
              data-testid="pa-sizes"
              value={form.sizes}
              onChange={(e) => set('sizes', e.target.value as SizeMode)}
            >
              <option value="validated">{t('poolAdvisor.sizesValidated')}</option>
              <option value="any">{t('poolAdvisor.sizesAny')}</option>
            </select>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="pa-submit">
            {t('poolAdvisor.submit')}
          </button>
        </div>
      </form>

      <ErrorBox error={advice.error} />
      {advice.loading && !advice.data && <Loading />}
      {advice.data && !advice.error && (
        <>
          <RecommendationCard advice={advice.data.table} />
          <AdviceTable advice={advice.data.table} />
          <div className="card">
            <h2 className="card-title">{t('poolAdvisor.chart')}</h2>
            <PoolChart advice={advice.data.curve} recommended={advice.data.table.recommendation.poolSize} />
          </div>
          <LevelsTable advice={advice.data.table} />
        </>
      )}
    </div>
  );
}

function RecommendationCard({ advice }: { advice: PoolAdvice }) {
  const { t } = useTranslation();
  const r = advice.recommendation;
  const th = advice.theory;
  return (
    <div className="card" data-testid="pa-recommendation">
      <h2 className="card-title">{t('poolAdvisor.recommendation')}</h2>
      <div className="stats compact">
        <div className="stat">
          <div className="stat-value" data-testid="pa-recommended-size">
            {r.poolSize === 1 ? t('poolAdvisor.singleTubes') : t('poolAdvisor.recommendedSize', { k: r.poolSize })}
          </div>
          <div className="stat-label">{t('poolAdvisor.perPerson', { e: r.testsPerPerson.toFixed(4) })}</div>
        </div>
        {r.saving > 0 && (
          <div className="stat">
            <div className="stat-value">{pct(r.saving)}</div>
            <div className="stat-label">{t('poolAdvisor.saving', { pct: pct(r.saving) })}</div>
          </div>
        )}
      </div>
      <p
        data-testid="pa-reason"
        className={r.poolSize === 1 && r.reason !== 'lowest_expected_tests' ? 'alert alert-warn' : ''}
      >
        {t(`poolAdvisor.reason.${r.reason}`)}
      </p>
      <p className="muted small">
        {t('poolAdvisor.theory', {
          k: th.approximateOptimalPoolSize.toFixed(2),
          e: th.approximateTestsPerPerson.toFixed(4),
        })}
        {' · '}
        {th.optimalPoolSize === null
          ? t('poolAdvisor.noOptimum', { pct: pct(advice.threshold) })
          : t('poolAdvisor.exactOptimum', { k: th.optimalPoolSize, e: th.optimalTestsPerPerson.toFixed(4) })}
        {' · '}
        {t('poolAdvisor.rules', { version: advice.rules.version, date: advice.rules.effectiveFrom })}
      </p>
    </div>
  );
}

function AdviceTable({ advice }: { advice: PoolAdvice }) {
  const { t } = useTranslation();
  const recommended = advice.recommendation.poolSize;
  return (
    <div className="card">
      <h2 className="card-title">{t('poolAdvisor.table')}</h2>
      <div className="table-scroll">
        <table className="table" data-testid="pa-table">
          <thead>
            <tr>
              <th className="num">{t('poolAdvisor.k')}</th>
              <th className="num">{t('poolAdvisor.dorfman')}</th>
              <th className="num">{t('poolAdvisor.threeStage')}</th>
              <th className="num">{t('poolAdvisor.squareArray')}</th>
              <th className="num">{t('poolAdvisor.tubes')}</th>
              <th className="num">{t('poolAdvisor.retests')}</th>
              <th className="num">{t('poolAdvisor.ctShift')}</th>
              <th className="num">{t('poolAdvisor.dilutedCt')}</th>
              <th>{t('poolAdvisor.allowed')}</th>
            </tr>
          </thead>
          <tbody>
            {advice.rows.map((row) => {
              const isRecommended = row.k === recommended;
              return (
                <tr
                  key={row.k}
                  data-testid={isRecommended ? 'pa-row-recommended' : 'pa-row'}
                  aria-current={isRecommended ? 'true' : undefined}
                  style={
                    isRecommended
                      ? { background: 'var(--ok-bg)', fontWeight: 600 }
                      : row.allowed
                        ? undefined
                        : { color: 'var(--muted)' }
                  }
                >
                  <td className="num">
                    {row.k}
                    {isRecommended && (
                      <span className="badge badge-on" style={{ marginLeft: 6 }}>
                        {t('poolAdvisor.recommended')}
                      </span>
                    )}
                  </td>
                  <td className="num">{e4(row.dorfman)}</td>
                  <td className="num">
                    {row.threeStage === null ? '—' : `${e4(row.threeStage)} (${row.threeStageSubPool})`}
                  </td>
                  <td className="num">{e4(row.squareArray)}</td>
                  <td className="num">{formatNumber(row.tubesPer10k)}</td>
                  <td className="num">{formatNumber(Math.round(row.retestsPer10k))}</td>
                  <td className="num">{row.ctShift.toFixed(2)}</td>
                  <td className="num">{row.dilutedCt.toFixed(2)}</td>
                  <td>
                    {row.allowed ? (
                      t('poolAdvisor.yes')
                    ) : (
                      <span style={{ color: 'var(--error)' }}>{t('poolAdvisor.no')}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="field-hint">{t('poolAdvisor.tableNote')}</p>
    </div>
  );
}

function LevelsTable({ advice }: { advice: PoolAdvice }) {
  const { t } = useTranslation();
  return (
    <div className="card">
      <h2 className="card-title">{t('poolAdvisor.levels')}</h2>
      <div className="table-scroll">
        <table className="table" data-testid="pa-levels">
          <thead>
            <tr>
              <th>{t('poolAdvisor.level')}</th>
              <th className="num">{t('poolAdvisor.mandated')}</th>
              <th className="num">{t('poolAdvisor.advised')}</th>
              <th className="num">E</th>
              <th>{t('poolAdvisor.why')}</th>
            </tr>
          </thead>
          <tbody>
            {advice.controlLevels.map((c) => (
              <tr key={c.controlLevel}>
                <td>{t(`poolAdvisor.controlLevel.${c.controlLevel}`, { defaultValue: c.controlLevel })}</td>
                <td className="num">
                  {c.mandatedPoolSize}:1
                  {c.householdTube && <span className="muted small"> {t('poolAdvisor.orHousehold')}</span>}
                </td>
                <td className="num">{c.poolSize}:1</td>
                <td className="num">{c.testsPerPerson.toFixed(4)}</td>
                <td>{t(`poolAdvisor.reason.${c.reason}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const SERIES = [
  { key: 'dorfman', color: '#1f5fbf', label: 'poolAdvisor.dorfman' },
  { key: 'threeStage', color: '#d08a00', label: 'poolAdvisor.threeStage' },
  { key: 'squareArray', color: '#1d7a46', label: 'poolAdvisor.squareArray' },
] as const;

/** E against k for the three schemes, as an inline SVG (no chart library). */
function PoolChart({ advice, recommended }: { advice: PoolAdvice; recommended: number }) {
  const { t } = useTranslation();
  const W = 640;
  const H = 280;
  const pad = { left: 48, right: 16, top: 12, bottom: 40 };
  const rows = advice.rows.filter((r) => r.k >= 2);
  if (rows.length === 0) return null;
  const kMin = 1;
  const kMax = Math.max(...rows.map((r) => r.k));
  const values = rows.flatMap((r) => [r.dorfman, r.threeStage, r.squareArray]).filter((v): v is number => v !== null);
  const yMax = Math.min(1.5, Math.max(1.1, Math.ceil(Math.max(...values) * 10) / 10));
  const x = (k: number) => pad.left + ((k - kMin) / (kMax - kMin)) * (W - pad.left - pad.right);
  const y = (e: number) => pad.top + (1 - Math.min(e, yMax) / yMax) * (H - pad.top - pad.bottom);
  const yTicks = Array.from({ length: Math.round(yMax / 0.25) + 1 }, (_, i) => i * 0.25).filter(
    (v) => v <= yMax + 1e-9,
  );
  const xTicks = [1, 5, 10, 15, 20, 25, 30].filter((k) => k <= kMax);
  const excluded = rows.filter((r) => !r.allowed).map((r) => r.k);
  const firstExcluded = excluded.length ? Math.min(...excluded) : null;
  const path = (key: (typeof SERIES)[number]['key']) => {
    const pts = rows
      .filter((r) => r[key] !== null)
      .map((r) => `${x(r.k).toFixed(1)},${y(r[key] as number).toFixed(1)}`);
    return pts.length ? `M${pts.join('L')}` : '';
  };

  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={t('poolAdvisor.chart')}
        data-testid="pa-chart"
        style={{ maxWidth: W, display: 'block', fontFamily: 'var(--font)', fontSize: 11 }}
      >
        {firstExcluded !== null && (
          <g>
            <rect
              x={x(firstExcluded - 0.5)}
              y={pad.top}
              width={x(kMax) - x(firstExcluded - 0.5)}
              height={H - pad.top - pad.bottom}
              fill="#fdecea"
              opacity={0.8}
            />
            <text x={x(kMax) - 4} y={pad.top + 12} textAnchor="end" fill="#b42318">
              {t('poolAdvisor.chartExcluded')}
            </text>
          </g>
        )}
        {yTicks.map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={W - pad.right} y1={y(v)} y2={y(v)} stroke="#dde3ec" strokeWidth={1} />
            <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" fill="#5f6b7d">
              {v.toFixed(2)}
            </text>
          </g>
        ))}
        {xTicks.map((k) => (
          <text key={k} x={x(k)} y={H - pad.bottom + 16} textAnchor="middle" fill="#5f6b7d">
            {k}
          </text>
        ))}
        <text x={(pad.left + W - pad.right) / 2} y={H - 6} textAnchor="middle" fill="#5f6b7d">
          {t('poolAdvisor.chartAxisK')}
        </text>
        <text
          x={12}
          y={(pad.top + H - pad.bottom) / 2}
          textAnchor="middle"
          fill="#5f6b7d"
          transform={`rotate(-90 12 ${(pad.top + H - pad.bottom) / 2})`}
        >
          {t('poolAdvisor.chartAxisE')}
        </text>
        <line
          x1={pad.left}
          x2={W - pad.right}
          y1={y(1)}
          y2={y(1)}
          stroke="#1b2433"
          strokeDasharray="5 4"
          strokeWidth={1.2}
        />
        <text x={pad.left + 4} y={y(1) - 4} fill="#1b2433">
          {t('poolAdvisor.chartSingle')}
        </text>
        {recommended > 1 && recommended <= kMax && (
          <line
            x1={x(recommended)}
            x2={x(recommended)}
            y1={pad.top}
            y2={H - pad.bottom}
            stroke="#1d7a46"
            strokeDasharray="2 3"
            strokeWidth={1.5}
          />
        )}
        {SERIES.map((s) => (
          <path key={s.key} d={path(s.key)} fill="none" stroke={s.color} strokeWidth={2} strokeLinejoin="round" />
        ))}
        {recommended > 1 && rows.some((r) => r.k === recommended) && (
          <circle
            cx={x(recommended)}
            cy={y(rows.find((r) => r.k === recommended)!.dorfman)}
            r={4.5}
            fill="#1d7a46"
            stroke="#fff"
            strokeWidth={1.5}
          />
        )}
      </svg>
      <figcaption style={{ display: 'flex', gap: 16, flexWrap: 'wrap', fontSize: 13 }}>
        {SERIES.map((s) => (
          <span key={s.key} style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
            <span aria-hidden="true" style={{ width: 18, height: 3, background: s.color, display: 'inline-block' }} />
            {t(s.label)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
