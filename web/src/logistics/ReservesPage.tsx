// The reserves view (物资储备): days of supply of every item per district as bars against the rule
// file's warning and critical levels, the stock per item and district, the open alerts the hourly
// sweep raised, and the figures behind each bar (7 days' outflow, or the per-person norm).
import { useMemo, useState } from 'react';
import type { EChartsOption } from 'echarts';
import { useTranslation } from 'react-i18next';
import { EChart } from '../shared/EChart.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { useLoad } from '../shared/useLoad.ts';
import { nameOf, reservesApi, type SupplyRow } from './reservesApi.ts';
import './logistics.css';

const LEVEL_COLOUR: Record<SupplyRow['level'], string> = {
  ok: '#3b8f5a',
  warn: '#d79b00',
  critical: '#c0392b',
  empty: '#7f1d1d',
};
/** Bars are cut here so one item with a year's stock does not flatten the others. */
const DAYS_AXIS_MAX = 60;

export function ReservesPage() {
  const { t, i18n } = useTranslation();
  const catalogue = useLoad(() => reservesApi.catalogue(), []);
  const report = useLoad(() => reservesApi.report(), []);
  const alerts = useLoad(() => reservesApi.alerts(), []);
  const [item, setItem] = useState('');
  const rows = report.data?.rows ?? [];
  const areas = [...new Set(rows.filter((r) => r.areaId !== null).map((r) => r.areaName))];
  const items = catalogue.data?.items ?? [];
  const itemName = (code: string) => nameOf(items, code, i18n.language);

  // Days of supply: items along the axis, one bar per district, coloured by level.
  const daysOption = useMemo<EChartsOption>(() => {
    const codes = items.map((i) => i.code);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 48 },
      xAxis: { type: 'category', data: codes.map(itemName), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', name: t('lstock.daysAxis'), max: DAYS_AXIS_MAX },
      series: areas.map((area) => ({
        name: area,
        type: 'bar' as const,
        data: codes.map((code) => {
          const r = rows.find((x) => x.item === code && x.areaName === area && x.areaId !== null);
          const days = r?.daysOfSupply ?? null;
          return {
            value: days === null ? null : Math.min(days, DAYS_AXIS_MAX),
            itemStyle: { color: r ? LEVEL_COLOUR[r.level] : undefined },
          };
        }),
      })),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report.data, catalogue.data, i18n.language]);

  // One item's stock per district, with its days of supply on a second axis.
  const chosen = item || items[0]?.code || '';
  const stockOption = useMemo<EChartsOption>(() => {
    const byArea = rows.filter((r) => r.item === chosen && r.areaId !== null);
    const unit = nameOf(catalogue.data?.units, byArea[0]?.unit ?? '', i18n.language);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 64, right: 56, top: 32, bottom: 32 },
      xAxis: { type: 'category', data: byArea.map((r) => r.areaName) },
      yAxis: [
        { type: 'value', name: unit },
        { type: 'value', name: t('lstock.daysAxis') },
      ],
      series: [
        { name: t('lstock.onHand'), type: 'bar', data: byArea.map((r) => r.stock) },
        {
          name: t('lstock.daysOfSupply'),
          type: 'line',
          yAxisIndex: 1,
          data: byArea.map((r) => r.daysOfSupply),
          markLine: {
            symbol: 'none',
            data: [
              ...(byArea[0]?.warnDays ? [{ yAxis: byArea[0].warnDays, name: t('lstock.level.warn') }] : []),
              ...(byArea[0]?.criticalDays ? [{ yAxis: byArea[0].criticalDays, name: t('lstock.level.critical') }] : []),
            ],
          },
        },
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report.data, catalogue.data, chosen, i18n.language]);

  return (
    <div className="logistics-page" data-testid="ls-reserves">
      <h1 className="page-title">{t('lstock.reservesTitle')}</h1>
      <ErrorBox error={report.error ?? catalogue.error} />
      {(report.loading || catalogue.loading) && !report.data && <Loading />}
      {report.data && (
        <p className="muted small">
          {t('lstock.asOf', { at: formatDateTime(report.data.asOf), days: report.data.outflowDays })}
        </p>
      )}
      <div className="card" data-testid="ls-alerts">
        <h2>{t('lstock.alerts')}</h2>
        {alerts.data && alerts.data.length === 0 && <p className="empty">{t('lstock.noAlerts')}</p>}
        {alerts.data?.map((a) => (
          <p key={a.id} className={`ls-alert ls-${a.level}`} data-testid={`ls-alert-${a.item}`}>
            <strong>{t(`lstock.level.${a.level}`)}</strong> · {a.areaName} · {itemName(a.item)} ·{' '}
            {a.daysOfSupply === null
              ? t('lstock.noFigure')
              : t('lstock.daysUnder', { days: a.daysOfSupply, threshold: a.thresholdDays })}
          </p>
        ))}
      </div>
      {report.data && catalogue.data && (
        <>
          <div className="card">
            <h2>{t('lstock.daysChart')}</h2>
            <EChart option={daysOption} height={340} testId="ls-days-chart" ariaLabel={t('lstock.daysChart')} />
          </div>
          <div className="card">
            <h2>{t('lstock.stockChart')}</h2>
            <select value={chosen} onChange={(e) => setItem(e.target.value)} data-testid="ls-chart-item">
              {items.map((i) => (
                <option key={i.code} value={i.code}>
                  {itemName(i.code)}
                </option>
              ))}
            </select>
            <EChart option={stockOption} height={300} testId="ls-stock-chart" ariaLabel={t('lstock.stockChart')} />
          </div>
          <div className="card table-scroll">
            <table className="table" data-testid="ls-supply">
              <thead>
                <tr>
                  <th>{t('lstock.item')}</th>
                  <th>{t('lstock.area')}</th>
                  <th>{t('lstock.onHand')}</th>
                  <th>{t('lstock.perDay')}</th>
                  <th>{t('lstock.daysOfSupply')}</th>
                  <th>{t('lstock.levelLabel')}</th>
                </tr>
              </thead>
              <tbody>
                {report.data.rows.map((r) => (
                  <tr key={`${r.item}-${r.areaId ?? 'total'}`} data-testid={`ls-row-${r.item}`}>
                    <td>{itemName(r.item)}</td>
                    <td>{r.areaId === null ? t('lstock.total', { area: r.areaName }) : r.areaName}</td>
                    <td>
                      {formatNumber(r.stock)} {nameOf(catalogue.data?.units, r.unit, i18n.language)}
                    </td>
                    <td>
                      {formatNumber(r.dailyConsumption)}{' '}
                      <span className="muted small">{t(`lstock.basis.${r.basis}`)}</span>
                    </td>
                    <td>{r.daysOfSupply === null ? '—' : r.daysOfSupply}</td>
                    <td>
                      <span className={`ls-level ls-${r.level}`}>{t(`lstock.level.${r.level}`)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
