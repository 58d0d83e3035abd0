// 全员核酸 Testing rounds: the list (status, deadline, target) and, for the command centre, a new round
// over a set of areas — each with its control level, which decides the pooling (sealed 1:1 or per
// household, controlled 10:1, prevention 20:1) — with a start and a deadline (24 h by default).
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { CONTROL_LEVELS, testingApi, type ControlLevel, type RoundView } from './testingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import type { Area } from '../shared/types.ts';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { RoundStatusBadge } from './TestingParts.tsx';

const LIMIT = 20;

export function TestingRoundsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const rounds = useLoad(() => testingApi.rounds({ limit: LIMIT, offset }), [offset]);
  return (
    <div className="testing-page">
      <div className="card-title-row">
        <h1 className="page-title">{t('testing.rounds.title')}</h1>
        {can('testing.round') && !creating && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="round-create-open"
            onClick={() => setCreating(true)}
          >
            {t('testing.rounds.create')}
          </button>
        )}
      </div>
      {creating && <CreateRound onCancel={() => setCreating(false)} previous={rounds.data?.items ?? []} />}
      <div className="card">
        <ErrorBox error={rounds.error} />
        {rounds.loading && !rounds.data && <Loading />}
        {rounds.data && rounds.data.items.length === 0 && <p className="empty">{t('testing.rounds.none')}</p>}
        {rounds.data && rounds.data.items.length > 0 && (
          <div className="table-scroll">
            <table className="table" data-testid="rounds-table">
              <thead>
                <tr>
                  <th>{t('testing.rounds.name')}</th>
                  <th>{t('testing.rounds.status')}</th>
                  <th>{t('testing.rounds.areas')}</th>
                  <th className="num">{t('testing.rounds.target')}</th>
                  <th className="num">{t('testing.summary.sampled')}</th>
                  <th className="num">{t('testing.summary.missing')}</th>
                  <th>{t('testing.rounds.startsAt')}</th>
                  <th>{t('testing.rounds.deadlineAt')}</th>
                </tr>
              </thead>
              <tbody>
                {rounds.data.items.map((r) => (
                  <tr key={r.id} data-testid="round-row" data-round-id={r.id}>
                    <td>
                      <Link className="strong-link" to={`/testing/rounds/${r.id}`} data-testid="round-link">
                        {r.name}
                      </Link>
                    </td>
                    <td>
                      <RoundStatusBadge status={r.status} />
                    </td>
                    <td>
                      {r.areas
                        .map(
                          (a) =>
                            `${a.name}(${t(`poolAdvisor.controlLevel.${a.controlLevel}`, { defaultValue: a.controlLevel })})`,
                        )
                        .join('、')}
                    </td>
                    <td className="num" data-testid="round-target">
                      {formatNumber(r.target)}
                    </td>
                    <td className="num">{formatNumber(r.summary.sampled)}</td>
                    <td className="num">{formatNumber(r.summary.missing)}</td>
                    <td className="nowrap">{formatDateTime(r.startsAt)}</td>
                    <td className="nowrap">{formatDateTime(r.deadlineAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {rounds.data && <Pager total={rounds.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
      </div>
    </div>
  );
}

/** datetime-local text for an instant, in the browser's zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** A previous round to compare with must go over one of the new round's areas (the server checks it too). */
function overlaps(round: Pick<RoundView, 'areas'>, areas: ReadonlyArray<{ area: Area }>): boolean {
  return round.areas.some((r) =>
    areas.some(({ area }) => area.path.startsWith(r.path) || r.path.startsWith(area.path)),
  );
}

function CreateRound({ onCancel, previous }: { onCancel: () => void; previous: RoundView[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<Area | null>(null);
  const [level, setLevel] = useState<ControlLevel>('prevention');
  const [areas, setAreas] = useState<Array<{ area: Area; controlLevel: ControlLevel }>>([]);
  const [startsAt, setStartsAt] = useState(() => localInput(Date.now()));
  const [hours, setHours] = useState('24');
  const [previousRoundId, setPreviousRoundId] = useState('');
  const [autoReport, setAutoReport] = useState<'' | 'on' | 'off'>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const addArea = () => {
    if (!picked || areas.some((a) => a.area.id === picked.id)) return;
    setAreas((list) => [...list, { area: picked, controlLevel: level }]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const start = Date.parse(startsAt);
      const h = Number(hours);
      const round = await testingApi.createRound({
        name: name.trim(),
        areas: areas.map((a) => ({ areaId: a.area.id, controlLevel: a.controlLevel })),
        startsAt: start,
        ...(Number.isFinite(h) && h > 0 && h !== 24 ? { deadlineAt: start + h * 3_600_000 } : {}),
        ...(previousRoundId ? { previousRoundId } : {}),
        ...(autoReport ? { autoReport: autoReport === 'on' } : {}),
      });
      navigate(`/testing/rounds/${round.id}`);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="round-create">
      <h2 className="card-title">{t('testing.rounds.create')}</h2>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('testing.rounds.name')}</span>
          <input
            data-testid="round-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={t('testing.rounds.namePlaceholder')}
            maxLength={80}
            required
          />
        </label>
        <label className="field">
          <span className="field-label">{t('testing.rounds.startsAt')}</span>
          <input
            data-testid="round-starts"
            type="datetime-local"
            value={startsAt}
            onChange={(e) => setStartsAt(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('testing.rounds.hours')}</span>
          <input
            data-testid="round-hours"
            type="number"
            min={1}
            max={168}
            value={hours}
            onChange={(e) => setHours(e.target.value)}
          />
          <span className="field-hint">{t('testing.rounds.hoursHint')}</span>
        </label>
        <label className="field">
          <span className="field-label">{t('testing.rounds.previous')}</span>
          <select
            data-testid="round-previous"
            value={previousRoundId}
            onChange={(e) => setPreviousRoundId(e.target.value)}
          >
            <option value="">{t('testing.rounds.noPrevious')}</option>
            {previous
              .filter((r) => areas.length === 0 || overlaps(r, areas))
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('testing.rounds.autoReport')}</span>
          <select
            data-testid="round-auto-report"
            value={autoReport}
            onChange={(e) => setAutoReport(e.target.value as typeof autoReport)}
          >
            <option value="">{t('testing.rounds.autoReportRules')}</option>
            <option value="on">{t('testing.rounds.autoReportOn')}</option>
            <option value="off">{t('testing.rounds.autoReportOff')}</option>
          </select>
        </label>
      </div>
      <fieldset className="field">
        <legend className="field-label">{t('testing.rounds.areas')}</legend>
        <div className="round-area-add">
          <AreaPicker onChange={setPicked} testId="round-area" />
          <select
            data-testid="round-area-level"
            value={level}
            onChange={(e) => setLevel(e.target.value as ControlLevel)}
            aria-label={t('testing.rounds.controlLevel')}
          >
            {CONTROL_LEVELS.map((c) => (
              <option key={c} value={c}>
                {t(`poolAdvisor.controlLevel.${c}`, { defaultValue: c })}
              </option>
            ))}
          </select>
          <button type="button" className="btn" data-testid="round-area-add" disabled={!picked} onClick={addArea}>
            {t('testing.rounds.addArea')}
          </button>
        </div>
        {areas.length > 0 && (
          <ul className="chips" data-testid="round-areas">
            {areas.map((a) => (
              <li key={a.area.id} className="chip on">
                {a.area.name} · {t(`poolAdvisor.controlLevel.${a.controlLevel}`, { defaultValue: a.controlLevel })}{' '}
                <button
                  type="button"
                  className="link-button"
                  aria-label={t('common.close')}
                  onClick={() => setAreas((l) => l.filter((x) => x.area.id !== a.area.id))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <span className="field-hint">{t('testing.rounds.areasHint')}</span>
      </fieldset>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="round-submit"
          disabled={busy || !name.trim() || areas.length === 0}
        >
          {busy ? t('common.working') : t('testing.rounds.submit')}
        </button>
      </div>
    </form>
  );
}
