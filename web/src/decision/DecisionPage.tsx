// 研判 Decision support for the command centre: Rt by day with its 95 % credible band over the cases
// (local and imported) by onset, the projection fan of the next days, the demand that follows, the
// scores of past projections, and the method with its parameters.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EChartsOption } from 'echarts';
import { EChart } from '../shared/EChart.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatNumber } from '../shared/format.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import type { ApiError } from '../shared/api.ts';
import { decisionApi, type Projection, type RtView } from './decisionApi.ts';
import './decision.css';

const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** A band drawn as two stacked lines: the lower bound (no fill) and the width above it (filled). */
function band(name: string, lower: Array<number | null>, upper: Array<number | null>, color: string, yAxisIndex = 0) {
  const stack = `band-${name}`;
  return [
    {
      name,
      type: 'line' as const,
      data: lower.map((v) => v ?? '-'),
      stack,
      lineStyle: { opacity: 0 },
      symbol: 'none',
      yAxisIndex,
      tooltip: { show: false },
      legendHoverLink: false,
    },
    {
      name,
      type: 'line' as const,
      data: upper.map((v, i) => (v === null || lower[i] === null ? '-' : v - (lower[i] as number))),
      stack,
      lineStyle: { opacity: 0 },
      areaStyle: { color, opacity: 0.35 },
      symbol: 'none',
      yAxisIndex,
      tooltip: { show: false },
    },
  ];
}

function RtChart({ data }: { data: RtView }) {
  const { t } = useTranslation();
  const option = useMemo<EChartsOption>(() => {
    const dates = data.days.map((d) => d.date.slice(5));
    return {
      animation: false,
      grid: { left: 44, right: 44, top: 36, bottom: 28 },
      legend: { top: 0, data: [t('dec.local'), t('dec.imported'), t('dec.rtMean'), t('dec.rtBand')] },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: dates },
      yAxis: [
        { type: 'value', name: t('dec.casesAxis'), minInterval: 1 },
        { type: 'value', name: t('dec.rtAxis'), min: 0, splitLine: { show: false } },
      ],
      series: [
        {
          name: t('dec.local'),
          type: 'bar',
          stack: 'cases',
          data: data.days.map((d) => d.local),
          itemStyle: { color: '#9fb3c8' },
        },
        {
          name: t('dec.imported'),
          type: 'bar',
          stack: 'cases',
          data: data.days.map((d) => d.imported),
          itemStyle: { color: '#e0b46c' },
        },
        ...band(
          t('dec.rtBand'),
          data.days.map((d) => d.rt?.q025 ?? null),
          data.days.map((d) => d.rt?.q975 ?? null),
          '#d9534f',
          1,
        ),
        {
          name: t('dec.rtMean'),
          type: 'line',
          yAxisIndex: 1,
          data: data.days.map((d) => (d.rt ? Number(f2(d.rt.mean)) : '-')),
          itemStyle: { color: '#b52b27' },
          symbolSize: 4,
          markLine: {
            silent: true,
            symbol: 'none',
            data: [{ yAxis: 1 }],
            lineStyle: { type: 'dashed', color: '#555' },
          },
        },
      ],
    };
  }, [data, t]);
  return <EChart option={option} height={340} testId="dec-rt-chart" ariaLabel={t('dec.rtTitle')} />;
}

function FanChart({ rt, projection }: { rt: RtView; projection: Projection }) {
  const { t } = useTranslation();
  const option = useMemo<EChartsOption>(() => {
    const past = rt.days.slice(-28);
    const dates = [...past.map((d) => d.date.slice(5)), ...projection.days.map((d) => d.date.slice(5))];
    const pad = past.map(() => null);
    const observed = [...past.map((d) => d.local + d.imported), ...projection.days.map((d) => d.observed ?? '-')];
    return {
      animation: false,
      grid: { left: 44, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, data: [t('dec.observed'), t('dec.median'), t('dec.band50'), t('dec.band95')] },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: dates },
      yAxis: { type: 'value', name: t('dec.casesAxis'), minInterval: 1 },
      series: [
        { name: t('dec.observed'), type: 'bar', data: observed, itemStyle: { color: '#9fb3c8' } },
        ...band(
          t('dec.band95'),
          [...pad, ...projection.days.map((d) => d.q025)],
          [...pad, ...projection.days.map((d) => d.q975)],
          '#8fb8de',
        ),
        ...band(
          t('dec.band50'),
          [...pad, ...projection.days.map((d) => d.q25)],
          [...pad, ...projection.days.map((d) => d.q75)],
          '#3d7ab8',
        ),
        {
          name: t('dec.median'),
          type: 'line',
          data: [...pad.map(() => '-'), ...projection.days.map((d) => d.median)],
          itemStyle: { color: '#1f4e79' },
          symbolSize: 4,
        },
      ],
    };
  }, [rt, projection, t]);
  return <EChart option={option} height={320} testId="dec-fan-chart" ariaLabel={t('dec.projectionTitle')} />;
}

function DemandTable({ p }: { p: Projection }) {
  const { t } = useTranslation();
  const d = p.demand;
  return (
    <div className="card">
      <h2 className="card-title">{t('dec.demandTitle', { days: p.horizon })}</h2>
      <p className="small muted">
        {t('dec.demandLead', {
          days: d.lookBackDays,
          cases: d.casesInLookBack,
          contacts: f2(d.contactsPerCase),
          centralised: d.centralisedDays,
          share: pct(d.bedShare),
          bedDays: d.bedDays,
        })}
      </p>
      <div className="table-scroll">
        <table className="table" data-testid="dec-demand">
          <thead>
            <tr>
              <th />
              <th>{t('dec.demandCases')}</th>
              <th>{t('dec.demandContacts')}</th>
              <th>{t('dec.demandRoomDays')}</th>
              <th>{t('dec.demandBedDays')}</th>
            </tr>
          </thead>
          <tbody>
            {(['median', 'high'] as const).map((k) => (
              <tr key={k}>
                <th>{t(`dec.demandRow.${k}`)}</th>
                <td>{formatNumber(Math.round(d[k].cases))}</td>
                <td>{formatNumber(d[k].contacts)}</td>
                <td>{formatNumber(d[k].roomDays)}</td>
                <td>{formatNumber(d[k].beds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Scores({ items }: { items: Projection[] }) {
  const { t } = useTranslation();
  const scored = items.filter((p) => p.score);
  return (
    <div className="card">
      <h2 className="card-title">{t('dec.scoresTitle')}</h2>
      <p className="small muted">{t('dec.scoresLead')}</p>
      {scored.length === 0 ? (
        <p className="empty">{t('dec.scoresNone')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="dec-scores">
            <thead>
              <tr>
                <th>{t('dec.scoreFrom')}</th>
                <th>{t('dec.scoreRt')}</th>
                <th>{t('dec.coverage50')}</th>
                <th>{t('dec.coverage95')}</th>
                <th>{t('dec.wis')}</th>
              </tr>
            </thead>
            <tbody>
              {scored.map((p) => (
                <tr key={p.id}>
                  <td className="nowrap">
                    {p.firstDay} · {p.area.name}
                  </td>
                  <td>
                    {f2(p.rt.mean)} ({f2(p.rt.q025)}–{f2(p.rt.q975)})
                  </td>
                  <td>{pct(p.score!.coverage50)}</td>
                  <td>{pct(p.score!.coverage95)}</td>
                  <td>{f2(p.score!.wis)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Method({ data }: { data: RtView }) {
  const { t } = useTranslation();
  const si = data.serialInterval;
  return (
    <details className="card dec-method" data-testid="dec-method">
      <summary className="card-title">{t('dec.methodTitle')}</summary>
      <p>{t('dec.method.rt')}</p>
      <p>{t('dec.method.incidence')}</p>
      <p>{t('dec.method.imported')}</p>
      <p>
        {t('dec.method.params', {
          window: data.window,
          shape: data.prior.shape,
          scale: data.prior.scale,
          min: data.minCases,
          version: data.ruleVersion,
        })}
      </p>
      <p>{t('dec.method.si', { min: si.pairs.minPairs })}</p>
      <p>{t('dec.method.projection')}</p>
      <p>{t('dec.method.demand')}</p>
      <p>{t('dec.method.scores')}</p>
    </details>
  );
}

export function DecisionPage() {
  const { t } = useTranslation();
  const [areaId, setAreaId] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const rt = useLoad(() => decisionApi.rt(areaId), [areaId]);
  const list = useLoad(() => decisionApi.projections(areaId), [areaId]);
  const data = rt.data;
  const items = list.data?.items ?? [];
  const current = items.find((p) => !p.score && (!data || p.area.id === data.area.id)) ?? items.find((p) => !p.score);
  const si = data?.serialInterval;

  const project = async () => {
    setBusy(true);
    setActionError(null);
    try {
      await decisionApi.project(areaId);
      list.reload();
    } catch (e) {
      setActionError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dec-page">
      <h1 className="page-title">{t('dec.title')}</h1>
      <ErrorBox error={rt.error} />
      {rt.loading && !data && <Loading />}
      {data && (
        <>
          <div className="dec-toolbar">
            <label className="field">
              <span className="field-label">{t('dec.area')}</span>
              <select
                value={data.area.id}
                onChange={(e) => setAreaId(e.target.value)}
                data-testid="dec-area"
                aria-label={t('dec.area')}
              >
                {data.areas.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="stats dec-figures">
            <div className="card stat">
              <span className="stat-label">
                {t('dec.latestRt', { date: data.days[data.days.length - 1]?.date ?? '' })}
              </span>
              <span className="stat-value" data-testid="dec-latest">
                {data.latest ? f2(data.latest.rt.mean) : t('dec.noEstimate')}
              </span>
              {data.latest && (
                <span className="small muted">
                  {t('dec.cri', { low: f2(data.latest.rt.q025), high: f2(data.latest.rt.q975) })}
                </span>
              )}
            </div>
            {si && (
              <div className="card stat">
                <span className="stat-label">{t('dec.si')}</span>
                <span className="stat-value">{t('dec.siValue', { mean: f2(si.mean), sd: f2(si.sd) })}</span>
                <span className="small muted" data-testid="dec-si-source">
                  {t(`dec.siSource.${si.source}`, {
                    used: si.pairs.used,
                    pairs: si.pairs.pairs,
                    min: si.pairs.minPairs,
                  })}
                </span>
              </div>
            )}
            <div className="card stat">
              <span className="stat-label">{t('dec.withoutOnset')}</span>
              <span className="stat-value">{formatNumber(data.withoutOnset)}</span>
            </div>
          </div>

          <div className="card">
            <h2 className="card-title">{t('dec.rtTitle')}</h2>
            <p className="small muted">{t('dec.rtLead', { window: data.window, min: data.minCases })}</p>
            {data.latest === null && (
              <p className="alert alert-warn" data-testid="dec-too-few">
                {t('dec.tooFew', { min: data.minCases })}
              </p>
            )}
            <RtChart data={data} />
          </div>

          <div className="card">
            <div className="card-title-row">
              <h2 className="card-title">{t('dec.projectionTitle')}</h2>
              <button
                type="button"
                className="btn btn-primary"
                onClick={project}
                disabled={busy}
                data-testid="dec-project"
              >
                {t('dec.project')}
              </button>
            </div>
            <ErrorBox error={actionError ?? list.error} />
            {current ? (
              <>
                <p className="small muted">
                  {t('dec.projectionLead', {
                    from: current.firstDay,
                    days: current.horizon,
                    rt: f2(current.rt.mean),
                    low: f2(current.rt.q025),
                    high: f2(current.rt.q975),
                    n: current.trajectories,
                    seed: current.seed,
                  })}
                </p>
                <FanChart rt={data} projection={current} />
              </>
            ) : (
              <p className="empty">{t('dec.noProjection')}</p>
            )}
          </div>
          {current && <DemandTable p={current} />}
          <Scores items={items} />
          <Method data={data} />
        </>
      )}
    </div>
  );
}
