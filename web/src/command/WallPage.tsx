// 指挥部态势大屏 The situation wall: one dark page for the command room's screen (1920×1080 and up,
// legible from across the room) that also reads on a laptop. The figures of the officer's area from
// every module — today's cases by classification and source with the 14-day curve, contacts found,
// reviewed, placed and pending, colours by district, risk areas in force, testing rounds and open
// suspected-positive pools against the target, quarantine rooms — each a link to its module's page.
// Figures come live from the server (server-sent events); while the stream cannot be trusted the page
// polls and says how old its figures are. A module with no data yet says so; it never blanks the wall.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { EChartsOption } from 'echarts';
import { EChart } from '../shared/EChart.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime } from '../shared/format.ts';
import { useLoad } from '../shared/useLoad.ts';
import { useLiveStream, usePollWhileStale } from '../shared/liveStream.ts';
import { commandApi, WALL_STREAM_URL, type PanelState, type WallFigures, type WallPanel } from './commandApi.ts';
import './wall.css';

const INK = '#dbe7ff';
const GRID = 'rgba(219,231,255,0.15)';

function Panel({
  panel,
  state,
  title,
  to,
  children,
  wide,
}: {
  panel: WallPanel;
  state: PanelState;
  title: string;
  to?: string;
  children?: ReactNode;
  wide?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section
      className={`wall-panel${wide ? ' wall-wide' : ''}`}
      data-testid={`wall-${panel}`}
      data-state={state}
      aria-label={title}
    >
      <header className="wall-panel-head">
        <h2>{to && state !== 'forbidden' ? <Link to={to}>{title}</Link> : title}</h2>
      </header>
      {state === 'ok' ? (
        children
      ) : (
        <>
          <p className="wall-state" data-testid={`wall-${panel}-state`}>
            {t(`cmdWall.state.${state}`)}
          </p>
          {state === 'empty' && children}
        </>
      )}
    </section>
  );
}

function Figure({
  testId,
  value,
  label,
  to,
  tone,
}: {
  testId: string;
  value: number | string;
  label: string;
  to?: string;
  tone?: 'alarm' | 'warn' | 'good';
}) {
  const body = (
    <>
      <span className="wall-value" data-testid={`${testId}-value`}>
        {typeof value === 'number' ? value.toLocaleString() : value}
      </span>
      <span className="wall-label">{label}</span>
    </>
  );
  const cls = `wall-figure${tone ? ` wall-${tone}` : ''}`;
  return to ? (
    <Link to={to} className={cls} data-testid={testId}>
      {body}
    </Link>
  ) : (
    <div className={cls} data-testid={testId}>
      {body}
    </div>
  );
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function hoursText(ms: number | null): string {
  return ms === null ? '—' : (ms / 3_600_000).toFixed(1);
}

/** `screen`: the command room's full-screen page (/command/screen); otherwise inside the app's frame. */
export function WallPage({ screen = false }: { screen?: boolean }) {
  const { t } = useTranslation();
  const loaded = useLoad(() => commandApi.wall(), []);
  const [figures, setFigures] = useState<WallFigures | undefined>(undefined);
  const [receivedAt, setReceivedAt] = useState<number | null>(null);
  const take = useCallback((f: WallFigures) => {
    setFigures(f);
    setReceivedAt(Date.now());
  }, []);
  useEffect(() => {
    if (loaded.data) take(loaded.data);
  }, [loaded.data, take]);
  const live = useLiveStream(WALL_STREAM_URL, {
    figures: (data) => {
      try {
        take(JSON.parse(data) as WallFigures);
      } catch {
        // a malformed frame is skipped: the next one carries the whole set again
      }
    },
  });
  usePollWhileStale(live.stale, loaded.reload);
  const now = useNow(1000);
  const ageSeconds = receivedAt === null ? null : Math.max(0, Math.round((now - receivedAt) / 1000));

  const curveOption = useMemo<EChartsOption | null>(() => {
    const c = figures?.cases;
    if (!c) return null;
    return {
      animation: false,
      textStyle: { color: INK, fontSize: 14 },
      grid: { left: 48, right: 56, top: 36, bottom: 28 },
      legend: { textStyle: { color: INK }, top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: c.curve.map((d) => d.date.slice(5)), axisLabel: { color: INK } },
      yAxis: [
        { type: 'value', minInterval: 1, axisLabel: { color: INK }, splitLine: { lineStyle: { color: GRID } } },
        { type: 'value', minInterval: 1, axisLabel: { color: INK }, splitLine: { show: false } },
      ],
      series: [
        { name: t('cmdWall.newCases'), type: 'bar', data: c.curve.map((d) => d.n), itemStyle: { color: '#ff6b6b' } },
        {
          name: t('cmdWall.cumulative'),
          type: 'line',
          yAxisIndex: 1,
          data: c.curve.map((d) => d.cumulative),
          itemStyle: { color: '#ffd166' },
        },
      ],
    };
  }, [figures?.cases, t]);

  const coloursOption = useMemo<EChartsOption | null>(() => {
    const c = figures?.colours;
    if (!c) return null;
    const names = c.districts.map((d) => d.name);
    const series = (['red', 'yellow', 'green'] as const).map((k) => ({
      name: t(`commandHome.colour.${k}`),
      type: 'bar' as const,
      stack: 'colour',
      data: c.districts.map((d) => d[k]),
      itemStyle: { color: { red: '#ff5c5c', yellow: '#ffcc33', green: '#35c46a' }[k] },
    }));
    return {
      animation: false,
      textStyle: { color: INK, fontSize: 14 },
      grid: { left: 90, right: 16, top: 30, bottom: 24 },
      legend: { textStyle: { color: INK }, top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', axisLabel: { color: INK }, splitLine: { lineStyle: { color: GRID } } },
      yAxis: { type: 'category', data: names, axisLabel: { color: INK } },
      series,
    };
  }, [figures?.colours, t]);

  if (!figures) {
    return <div className="wall wall-loading">{loaded.loading ? <Loading /> : <ErrorBox error={loaded.error} />}</div>;
  }
  const f = figures;
  return (
    <div className={`wall${screen ? ' wall-screen' : ''}`} data-testid="wall">
      <header className="wall-head">
        <h1>{t('cmdWall.title')}</h1>
        <div className="wall-clock" data-testid="wall-age" data-stale={live.stale ? 'yes' : 'no'}>
          <span>{t('cmdWall.figuresAt', { time: formatDateTime(f.at) })}</span>
          {live.stale ? (
            <strong className="wall-stale" role="status" data-testid="wall-stale">
              {t('cmdWall.stale', { seconds: ageSeconds ?? 0 })}
            </strong>
          ) : (
            <span className="wall-live">{t('cmdWall.live')}</span>
          )}
        </div>
        <nav className="wall-links">
          {screen ? (
            <Link to="/command/wall">{t('cmdWall.back')}</Link>
          ) : (
            <Link to="/command/screen" data-testid="wall-screen-link">
              {t('cmdWall.screen')}
            </Link>
          )}
        </nav>
      </header>
      <main className="wall-grid">
        <Panel panel="alerts" state={f.panels.alerts} title={t('cmdWall.alerts')} to="/command/alerts">
          <div className="wall-figures">
            <Figure
              testId="wall-alerts-total"
              value={f.alerts.total}
              label={t('cmdWall.alertsOpen')}
              to="/command/alerts"
              tone={f.alerts.total > 0 ? 'warn' : 'good'}
            />
            <Figure
              testId="wall-alerts-critical"
              value={f.alerts.critical}
              label={t('cmdWall.sevCritical')}
              to="/command/alerts"
              tone={f.alerts.critical > 0 ? 'alarm' : undefined}
            />
            <Figure testId="wall-alerts-high" value={f.alerts.high} label={t('cmdWall.sevHigh')} to="/command/alerts" />
            <Figure
              testId="wall-alerts-medium"
              value={f.alerts.medium}
              label={t('cmdWall.sevMedium')}
              to="/command/alerts"
            />
          </div>
        </Panel>

        <Panel panel="cases" state={f.panels.cases} title={t('cmdWall.cases')} to="/cases" wide>
          {f.cases && (
            <div className="wall-cases">
              <div className="wall-figures">
                <Figure
                  testId="wall-cases-today"
                  value={f.cases.today}
                  label={t('cmdWall.casesToday')}
                  to="/cases"
                  tone={f.cases.today > 0 ? 'alarm' : undefined}
                />
                <Figure testId="wall-cases-total" value={f.cases.total} label={t('cmdWall.casesTotal')} to="/cases" />
                <div className="wall-breakdown" data-testid="wall-cases-by">
                  {f.cases.byClassification.map((c) => (
                    <span key={`c-${c.key}`} className="wall-chip">
                      {t(`tracing.classification.${c.key}`, { defaultValue: c.key })} <b>{c.n}</b>
                    </span>
                  ))}
                  {f.cases.bySource.map((c) => (
                    <span key={`s-${c.key}`} className="wall-chip wall-chip-source">
                      {t(`tracing.source.${c.key}`, { defaultValue: c.key })} <b>{c.n}</b>
                    </span>
                  ))}
                </div>
              </div>
              {curveOption && (
                <EChart
                  option={curveOption}
                  height="clamp(180px, 24vh, 300px)"
                  testId="wall-curve"
                  ariaLabel={t('cmdWall.curve')}
                />
              )}
            </div>
          )}
        </Panel>

        <Panel panel="contacts" state={f.panels.contacts} title={t('cmdWall.contacts')} to="/review">
          {f.contacts && (
            <div className="wall-figures">
              <Figure testId="wall-contacts-found" value={f.contacts.found} label={t('cmdWall.found')} />
              <Figure testId="wall-contacts-reviewed" value={f.contacts.reviewed} label={t('cmdWall.reviewed')} />
              <Figure
                testId="wall-contacts-pending"
                value={f.contacts.pending}
                label={t('cmdWall.pending')}
                to="/review"
                tone={f.contacts.pending > 0 ? 'warn' : undefined}
              />
              <Figure
                testId="wall-contacts-placed"
                value={f.contacts.placed}
                label={t('cmdWall.placed')}
                to="/quarantine/orders"
              />
              <Figure
                testId="wall-contacts-unplaced"
                value={f.contacts.unplaced}
                label={t('cmdWall.unplaced')}
                to="/quarantine/allocation"
                tone={f.contacts.unplaced > 0 ? 'warn' : undefined}
              />
            </div>
          )}
        </Panel>

        <Panel panel="riskAreas" state={f.panels.riskAreas} title={t('cmdWall.riskAreas')} to="/risk-areas">
          {f.riskAreas && (
            <div className="wall-figures">
              <Figure
                testId="wall-risk-high"
                value={f.riskAreas.high}
                label={t('cmdWall.high')}
                to="/risk-areas"
                tone={f.riskAreas.high > 0 ? 'alarm' : undefined}
              />
              <Figure
                testId="wall-risk-medium"
                value={f.riskAreas.medium}
                label={t('cmdWall.medium')}
                to="/risk-areas"
                tone={f.riskAreas.medium > 0 ? 'warn' : undefined}
              />
              <Figure testId="wall-risk-low" value={f.riskAreas.low} label={t('cmdWall.low')} to="/risk-areas" />
            </div>
          )}
        </Panel>

        <Panel panel="colours" state={f.panels.colours} title={t('cmdWall.colours')} to="/health/changes">
          {coloursOption && (
            <EChart
              option={coloursOption}
              height="clamp(160px, 22vh, 280px)"
              testId="wall-colours-chart"
              ariaLabel={t('cmdWall.colours')}
            />
          )}
        </Panel>

        <Panel panel="testing" state={f.panels.testing} title={t('cmdWall.testing')} to="/testing/rounds">
          {f.testing && (
            <div className="wall-testing">
              <div className="wall-figures">
                <Figure
                  testId="wall-pools-open"
                  value={f.testing.openPools}
                  label={t('cmdWall.openPools')}
                  to="/testing/lab"
                  tone={f.testing.openPools > 0 ? 'warn' : undefined}
                />
                <Figure
                  testId="wall-pools-late"
                  value={f.testing.overTarget}
                  label={t('cmdWall.overTarget', { hours: f.testing.targetHours })}
                  to="/testing/lab"
                  tone={f.testing.overTarget > 0 ? 'alarm' : 'good'}
                />
                <Figure
                  testId="wall-pools-oldest"
                  value={hoursText(f.testing.oldestAgeMs)}
                  label={t('cmdWall.oldestPool')}
                />
              </div>
              {f.testing.rounds.length === 0 && <p className="wall-state">{t('cmdWall.noRound')}</p>}
              {f.testing.rounds.map((r) => {
                const pct = r.target > 0 ? Math.min(100, Math.round((r.sampled / r.target) * 100)) : 0;
                return (
                  <Link key={r.id} to={`/testing/rounds/${r.id}`} className="wall-round" data-testid="wall-round">
                    <span className="wall-round-name">{r.name}</span>
                    <span className="wall-bar" aria-hidden="true">
                      <span style={{ width: `${pct}%` }} />
                    </span>
                    <span>
                      {t('cmdWall.coverage', {
                        pct,
                        sampled: r.sampled.toLocaleString(),
                        target: r.target.toLocaleString(),
                      })}
                    </span>
                  </Link>
                );
              })}
            </div>
          )}
        </Panel>

        <Panel panel="quarantine" state={f.panels.quarantine} title={t('cmdWall.quarantine')} to="/quarantine/capacity">
          {f.quarantine && (
            <div className="wall-quarantine">
              <div className="wall-figures">
                <Figure
                  testId="wall-rooms-free"
                  value={f.quarantine.free}
                  label={t('cmdWall.roomsFree')}
                  to="/quarantine/capacity"
                  tone={f.quarantine.freeShare !== null && f.quarantine.freeShare < 0.1 ? 'alarm' : 'good'}
                />
                <Figure testId="wall-rooms-used" value={f.quarantine.used} label={t('cmdWall.roomsUsed')} />
                <Figure testId="wall-rooms-cleaning" value={f.quarantine.cleaning} label={t('cmdWall.roomsCleaning')} />
              </div>
              <ul className="wall-districts">
                {f.quarantine.districts.map((d) => (
                  <li key={d.areaId}>
                    <span>{d.name}</span>
                    <b>{t('cmdWall.freeOf', { free: d.free, rooms: d.rooms })}</b>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Panel>

        <Panel panel="logistics" state={f.panels.logistics} title={t('cmdWall.logistics')} />
        <Panel panel="volunteers" state={f.panels.volunteers} title={t('cmdWall.volunteers')} />
      </main>
    </div>
  );
}
