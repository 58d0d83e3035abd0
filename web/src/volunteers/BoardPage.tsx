// The coordinator's board (调度看板): a day's needs with filled and unfilled seats, and one-click
// propose-and-confirm: Cordon proposes volunteers for every empty seat, each match explained, and the
// coordinator confirms the batch (offered to the volunteers' phones).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ExplainText, slotText, todayInZone } from './shared.tsx';
import { named, volunteersApi, type Proposal } from './volunteersApi.ts';
import './volunteers.css';

export function BoardPage() {
  const { t, i18n } = useTranslation();
  const [date, setDate] = useState(todayInZone());
  const data = useLoad(() => Promise.all([volunteersApi.needs({ date, limit: 200 }), volunteersApi.rules()]), [date]);
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [booked, setBooked] = useState<number | null>(null);
  const [page, rules] = data.data ?? [];

  const propose = async () => {
    setBusy(true);
    setError(null);
    setBooked(null);
    try {
      setProposal(await volunteersApi.propose(date));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    if (!proposal) return;
    setBusy(true);
    setError(null);
    try {
      const r = await volunteersApi.confirm(
        proposal.proposals.map((p) => ({ needId: p.needId, volunteerId: p.volunteerId })),
      );
      setBooked(r.booked);
      setProposal(null);
      data.reload();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const needs = page?.items ?? [];
  const seats = needs.reduce((a, n) => a + n.people, 0);
  const filled = needs.reduce((a, n) => a + Math.min(n.people, n.accepted + n.offered), 0);
  return (
    <div>
      <h1 className="page-title">{t('vol.board.title')}</h1>
      <div className="vol-toolbar">
        <label className="field">
          <span className="field-label">{t('vol.board.date')}</span>
          <input
            type="date"
            value={date}
            onChange={(e) => {
              setDate(e.target.value);
              setProposal(null);
            }}
            data-testid="vol-board-date"
          />
        </label>
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || needs.length === 0}
          onClick={() => void propose()}
          data-testid="vol-propose"
        >
          {t('vol.board.propose')}
        </button>
        {proposal && proposal.proposals.length > 0 && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => void confirm()}
            data-testid="vol-confirm"
          >
            {t('vol.board.confirm', { n: proposal.proposals.length })}
          </button>
        )}
      </div>
      <p className="muted" data-testid="vol-board-summary">
        {t('vol.board.summary', { needs: needs.length, seats, filled, empty: seats - filled })}
      </p>
      {booked !== null && (
        <div className="alert" data-testid="vol-booked">
          {t('vol.board.booked', { n: booked })}
        </div>
      )}
      <ErrorBox error={error ?? data.error} />
      {data.loading && !data.data && <Loading />}
      {needs.length === 0 && !data.loading && <p className="empty">{t('vol.board.none')}</p>}
      <ul className="vol-needs" data-testid="vol-board-needs">
        {needs.map((n) => {
          const taken = n.accepted + n.offered;
          const proposed = proposal?.proposals.filter((p) => p.needId === n.id) ?? [];
          const short = proposal?.unfilled.find((u) => u.needId === n.id);
          return (
            <li key={n.id} className={`card${taken < n.people ? ' vol-short' : ''}`} data-testid="vol-need">
              <div className="card-title-row">
                <h2 className="card-title">
                  {named(rules?.taskTypes, n.taskType, i18n.language)} · {n.unitName}
                </h2>
                <span className="vol-fill" data-testid="vol-fill">
                  {t('vol.board.fill', { accepted: n.accepted, offered: n.offered, people: n.people })}
                </span>
              </div>
              <p className="small muted">
                {slotText(n.startAt, n.endAt)} · {n.areaName} ·{' '}
                {t(`vol.health.${n.health}`, { hours: n.testWithinHours })}
                {n.skills.length ? ` · ${n.skills.map((k) => named(rules?.skills, k, i18n.language)).join('、')}` : ''}
              </p>
              {proposed.length > 0 && (
                <ul className="vol-proposals">
                  {proposed.map((p) => (
                    <li key={p.volunteerId} data-testid="vol-proposal">
                      {p.volunteerName} <ExplainText explain={p.explain} />
                    </li>
                  ))}
                </ul>
              )}
              {short && (
                <p className="small vol-warn" data-testid="vol-unfilled">
                  {t('vol.board.missing', { n: short.missing })}
                  {short.reasons
                    .filter((r) => r.count > 0)
                    .map((r) => ` ${t(`vol.fault.${r.fault}`)} ${r.count}`)
                    .join('，')}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
