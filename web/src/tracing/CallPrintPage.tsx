// 通知名单打印 One building's call list on paper: the list's filters from the address (a building is
// required), every task of the building in door order fetched page by page, one line per contact with
// the door, name, masked phone, class, exposure date and what to do, and empty columns for the call's
// outcome and a signature. The print stylesheet drops the navigation and the buttons.
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { formatDateTime } from '../shared/format.ts';
import { tracingApi, type CallTask } from './tracingApi.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { ExposureDate, instructionLines } from './CallBits.tsx';
import { callQueryOf } from './CallListPage.tsx';
import './calls.css';

const PAGE = 500;
/** A building's list is a few hundred lines; more than this is not a building's list to print. */
const MAX_ROWS = 3000;

export function CallPrintPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [params] = useSearchParams();
  const query = { ...callQueryOf(params), sort: 'address' as const, dir: undefined };
  const key = params.toString();
  const [rows, setRows] = useState<CallTask[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [printedAt] = useState(() => Date.now());
  useEffect(() => {
    let live = true;
    setRows(null);
    void (async () => {
      try {
        const out: CallTask[] = [];
        for (let offset = 0; offset < MAX_ROWS; offset += PAGE) {
          const page = await tracingApi.callTasks({ ...query, limit: PAGE, offset });
          out.push(...page.items);
          if (live) setTotal(page.total);
          if (out.length >= page.total || page.items.length < PAGE) break;
        }
        if (live) setRows(out);
      } catch (err) {
        if (live) setError(toApiError(err));
      }
    })();
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const back = new URLSearchParams(params);
  const first = rows?.[0];
  const building = first?.building?.name ?? '';
  return (
    <div className="calls-print" data-testid="calls-print-page">
      <div className="calls-print-tools no-print">
        <Link className="btn btn-ghost" to={`/calls?${back.toString()}`}>
          {t('callList.backToList')}
        </Link>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="calls-print-now"
          disabled={!rows}
          onClick={() => window.print()}
        >
          {t('callList.printNow')}
        </button>
      </div>
      {!query.buildingId && <p className="empty">{t('callList.printNeedsBuilding')}</p>}
      <ErrorBox error={error} />
      {query.buildingId && !rows && !error && <Loading />}
      {rows && (
        <>
          <h1 className="calls-print-title" data-testid="calls-print-title">
            {t('callList.printTitle', {
              community: first?.community.name ?? '',
              grid: first?.person.areaName ?? '',
              building,
            })}
          </h1>
          <p className="calls-print-meta">
            {t('callList.printMeta', { count: total, at: formatDateTime(printedAt), by: me?.displayName ?? '' })}
            {rows.length < total ? ` ${t('callList.printCut', { shown: rows.length })}` : ''}
          </p>
          <table className="calls-print-table" data-testid="calls-print-table">
            <thead>
              <tr>
                <th className="n">{t('callList.no')}</th>
                <th>{t('callList.door')}</th>
                <th>{t('tracing.contact.person')}</th>
                <th>{t('tracing.calls.phone')}</th>
                <th>{t('tracing.contact.class')}</th>
                <th>{t('callList.exposure')}</th>
                <th>{t('callList.todo')}</th>
                <th>{t('tracing.calls.status')}</th>
                <th className="blank">{t('callList.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.id} data-testid="calls-print-row">
                  <td className="n">{i + 1}</td>
                  <td>{r.person.address ?? ''}</td>
                  <td className="nowrap">{r.person.name}</td>
                  <td className="nowrap">{r.person.phone ?? ''}</td>
                  <td className="nowrap">{t(`tracing.class.${r.class}`, { defaultValue: r.class })}</td>
                  <td className="nowrap">
                    <ExposureDate at={r.exposure.lastAt} />
                  </td>
                  <td>{instructionLines(t, r.instructions).join(t('callList.lineSep'))}</td>
                  <td className="nowrap">{t(`tracing.call.status.${r.status}`, { defaultValue: r.status })}</td>
                  <td className="blank" />
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
