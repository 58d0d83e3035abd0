// 隔离容量 The command centre's capacity view: usable and free rooms with the alert under the rules' free
// share, rooms by site (stacked by state), districts against the norm with their shortfall, people under
// orders by kind and day, releases of the coming days, and the room-demand forecast against the usable
// rooms with the day they run out. Counts only. Charts are plain SVG.
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatNumber } from '../shared/format.ts';
import { useLoad } from '../shared/useLoad.ts';
import { ROOM_STATES, sitesApi, type Capacity } from './sitesApi.ts';
import './qsites.css';

const W = 640;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

function scale(max: number) {
  const top = Math.max(1, max);
  return (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / top);
}

/** Demand per day as bars, the usable rooms as a line: a bar above the line is a day without rooms. */
function ForecastChart({ data }: { data: Capacity }) {
  const { t } = useTranslation();
  const days = data.forecast.days;
  const max = Math.max(data.totals.usable, ...days.map((d) => d.demand)) * 1.1;
  const y = scale(max);
  const step = (W - PAD.left - PAD.right) / Math.max(1, days.length);
  const line = y(data.totals.usable);
  return (
    <svg
      className="qs-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={t('qcapacity.forecast')}
      data-testid="qcap-forecast-chart"
    >
      <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="qs-axis" />
      <text x={PAD.left - 6} y={y(0)} className="qs-tick" textAnchor="end">
        0
      </text>
      <text x={PAD.left - 6} y={y(Math.round(max))} className="qs-tick" textAnchor="end" dominantBaseline="hanging">
        {formatNumber(Math.round(max))}
      </text>
      {days.map((d, i) => {
        const x = PAD.left + i * step + step * 0.15;
        const over = d.free < 0;
        return (
          <g key={d.day}>
            <rect
              x={x}
              y={y(d.demand)}
              width={step * 0.7}
              height={Math.max(0, y(0) - y(d.demand))}
              className={over ? 'qs-bar-over' : 'qs-bar-demand'}
            >
              <title>{`${d.date} ${t('qcapacity.demand')} ${d.demand}`}</title>
            </rect>
            <text x={x + step * 0.35} y={H - 10} className="qs-tick" textAnchor="middle">
              {d.date.slice(5)}
            </text>
          </g>
        );
      })}
      <line x1={PAD.left} x2={W - PAD.right} y1={line} y2={line} className="qs-capacity-line" />
      <text x={W - PAD.right} y={line - 4} className="qs-tick" textAnchor="end">
        {t('qcapacity.capacityLine')} {formatNumber(data.totals.usable)}
      </text>
    </svg>
  );
}

/** Rooms of each site stacked by state. */
function SitesChart({ data }: { data: Capacity }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...data.sites.map((s) => s.rooms.total));
  const rowH = 26;
  const height = data.sites.length * rowH + 8;
  const labelW = 180;
  const width = W - labelW - 60;
  return (
    <svg
      className="qs-chart"
      viewBox={`0 0 ${W} ${height}`}
      role="img"
      aria-label={t('qcapacity.bySite')}
      data-testid="qcap-sites-chart"
    >
      {data.sites.map((s, i) => {
        let x = labelW;
        return (
          <g key={s.id} transform={`translate(0 ${i * rowH + 4})`}>
            <text x={labelW - 8} y={rowH / 2} className="qs-tick" textAnchor="end" dominantBaseline="middle">
              {s.name}
            </text>
            {ROOM_STATES.map((st) => {
              const w = (s.rooms[st] / max) * width;
              const part = (
                <rect key={st} x={x} y={3} width={w} height={rowH - 8} className={`qs-fill-${st}`}>
                  <title>{`${t(`qsites.state.${st}`)} ${s.rooms[st]}`}</title>
                </rect>
              );
              x += w;
              return part;
            })}
            <text x={x + 6} y={rowH / 2} className="qs-tick" dominantBaseline="middle">
              {s.rooms.free}/{s.rooms.total}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function CapacityPage() {
  const { t } = useTranslation();
  const cap = useLoad(() => sitesApi.capacity(), []);
  const data = cap.data;
  return (
    <div className="qsites-page">
      <h1 className="page-title">{t('qcapacity.title')}</h1>
      <ErrorBox error={cap.error} />
      {cap.loading && !data && <Loading />}
      {data && (
        <>
          <p className="muted">
            {t('qcapacity.lead', {
              per10k: data.rules.roomsPer10kResidents,
              perCase: data.rules.roomsPerCase,
              days: data.rules.forecastDays,
            })}
          </p>
          {data.totals.alert && (
            <div className="qs-alert" role="alert" data-testid="qcap-alert">
              {t('qcapacity.alert', { share: `${Math.round(data.rules.alertFreeShare * 100)}%` })}
            </div>
          )}
          <div className="qs-figures">
            <div className="card qs-figure">
              <span className="muted small">{t('qcapacity.usable')}</span>
              <strong data-testid="qcap-usable">{formatNumber(data.totals.usable)}</strong>
            </div>
            <div className="card qs-figure">
              <span className="muted small">{t('qcapacity.free')}</span>
              <strong data-testid="qcap-free">{formatNumber(data.totals.free)}</strong>
            </div>
            <div className="card qs-figure">
              <span className="muted small">{t('qcapacity.freeShare')}</span>
              <strong>{Math.round(data.totals.freeShare * 1000) / 10}%</strong>
            </div>
            <div className="card qs-figure">
              <span className="muted small">{t('qcapacity.orders')}</span>
              <strong>{t('qcapacity.active', { count: data.orders.active })}</strong>
              <span className="small">{t('qcapacity.unplaced', { count: data.orders.unplaced })}</span>
            </div>
          </div>

          <div className="card">
            <h2 className="card-title">{t('qcapacity.forecast')}</h2>
            <p className="small muted">
              {t('qcapacity.forecastLead', {
                lookback: data.rules.lookbackDays,
                cases: data.forecast.casesPerDay,
                contacts: data.forecast.contactsPerCase,
              })}
            </p>
            <p className={data.forecast.runsOutOn ? 'qs-alert' : 'ok-text'} data-testid="qcap-runs-out">
              {data.forecast.runsOutOn
                ? t('qcapacity.runsOut', { date: data.forecast.runsOutOn })
                : t('qcapacity.enough', { days: data.rules.forecastDays })}
            </p>
            <ForecastChart data={data} />
          </div>

          {data.sites.length > 0 && (
            <div className="card">
              <h2 className="card-title">{t('qcapacity.bySite')}</h2>
              <ul className="qs-legend">
                {ROOM_STATES.map((s) => (
                  <li key={s}>
                    <span className={`qs-swatch qs-${s}`} /> {t(`qsites.state.${s}`)}
                  </li>
                ))}
              </ul>
              <SitesChart data={data} />
            </div>
          )}

          <div className="card">
            <h2 className="card-title">{t('qcapacity.byDistrict')}</h2>
            <div className="table-scroll">
              <table className="table" data-testid="qcap-districts">
                <thead>
                  <tr>
                    <th>{t('qcapacity.district')}</th>
                    <th className="num">{t('qcapacity.residents')}</th>
                    <th className="num">{t('qcapacity.cases')}</th>
                    <th className="num">{t('qcapacity.rooms')}</th>
                    <th className="num">{t('qcapacity.free')}</th>
                    <th className="num">{t('qcapacity.byPopulation')}</th>
                    <th className="num">{t('qcapacity.byCases')}</th>
                    <th className="num">{t('qcapacity.required')}</th>
                    <th className="num">{t('qcapacity.shortfall')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.districts.map((d) => (
                    <tr key={d.areaId} data-testid="qcap-district">
                      <td>{d.name}</td>
                      <td className="num">{formatNumber(d.residents)}</td>
                      <td className="num">{formatNumber(d.infectedCases)}</td>
                      <td className="num">{formatNumber(d.rooms)}</td>
                      <td className="num">{formatNumber(d.free)}</td>
                      <td className="num">{formatNumber(d.norm.byPopulation)}</td>
                      <td className="num">{formatNumber(d.norm.byCases)}</td>
                      <td className="num">{formatNumber(d.norm.required)}</td>
                      <td className={`num${d.norm.shortfall > 0 ? ' qs-short' : ''}`} data-testid="qcap-shortfall">
                        {formatNumber(d.norm.shortfall)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>

          <div className="card">
            <h2 className="card-title">{t('qcapacity.orders')}</h2>
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('qcapacity.kind')}</th>
                    <th className="num">{t('qcapacity.people')}</th>
                    <th>{t('qcapacity.day', { day: '' }).trim()}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.orders.byKind.map((k) => (
                    <tr key={k.kind}>
                      <td>{t(`qcapacity.orderKind.${k.kind}`, { defaultValue: k.kind })}</td>
                      <td className="num">{formatNumber(k.people)}</td>
                      <td className="small">
                        {k.byDay.map((d) => `${t('qcapacity.day', { day: d.day })} ${d.people}`).join(' · ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3>{t('qcapacity.releases')}</h3>
            <ul className="qs-releases">
              {data.releases.map((r) => (
                <li key={r.date}>
                  <span className="muted small">{r.date.slice(5)}</span> <strong>{r.people}</strong>
                </li>
              ))}
            </ul>
          </div>
        </>
      )}
    </div>
  );
}
