// An occupied room's people on the site board: each occupant (masked) with their day number, room,
// test days, today's and earlier checks, alerts and requests, from GET /quarantine/care/occupants/{id}
// (the read is audited), and for the command centre the closed-loop transfer to a designated hospital.
// The room's occupants come from the site's rounds list.
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { formatDateTime } from '../shared/format.ts';
import { Loading } from '../shared/Loading.tsx';
import { useLoad } from '../shared/useLoad.ts';
import { useAuth } from '../shared/auth.tsx';
import { careApi } from './careApi.ts';
import { HospitalTransfer } from './HospitalTransfer.tsx';
import { NeedChips } from './careParts.tsx';
import './qcare.css';

export function RoomOccupants({ siteId, roomId }: { siteId: string; roomId: string }) {
  const { t } = useTranslation();
  const rounds = useLoad(() => careApi.rounds(siteId), [siteId, roomId]);
  const room = rounds.data?.rooms.find((r) => r.roomId === roomId);
  return (
    <>
      <ErrorBox error={rounds.error} />
      {rounds.loading && !rounds.data && <Loading />}
      {rounds.data && (room?.occupants.length ?? 0) === 0 && <p className="empty">{t('qcare.occupant.none')}</p>}
      {room?.occupants.map((o) => (
        <OccupantCard key={o.orderId} orderId={o.orderId} />
      ))}
    </>
  );
}

export function OccupantCard({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const detail = useLoad(() => careApi.occupant(orderId), [orderId]);
  const o = detail.data;
  return (
    <div className="card" data-testid="occupant-card" data-order-id={orderId}>
      <ErrorBox error={detail.error} />
      {detail.loading && !o && <Loading />}
      {o && (
        <>
          <div className="card-title-row">
            <h2 className="card-title" data-testid="occupant-name">
              {o.personName}
            </h2>
            <span className="badge" data-testid="occupant-day">
              {t('qcare.dayN', { day: o.day })}
            </span>
          </div>
          <p className="muted small">
            {t(`qorders.kind.${o.orderKind}`, { defaultValue: o.orderKind })}
            {o.roomNumber && ` · ${t('qcare.roomN', { number: o.roomNumber })}`} ·{' '}
            {t('qcare.occupant.until', { time: formatDateTime(o.centralisedUntil) })} <NeedChips needs={o.needs} />
          </p>
          <h3 className="guard-sub">{t('qcare.occupant.tests')}</h3>
          <ul className="chips" data-testid="occupant-tests">
            {o.testDays.map((d) => (
              <li key={`${d.phase}-${d.day}`} className={`chip${d.due ? ' on' : ''}`}>
                {t(`qcare.phase.${d.phase}`, { defaultValue: d.phase })} {t('qcare.dayN', { day: d.day })} · {d.date}
                {d.due ? ` · ${t('qcare.occupant.due')}` : ''}
              </li>
            ))}
          </ul>
          <h3 className="guard-sub">{t('qcare.occupant.checks')}</h3>
          {o.checks.length === 0 && <p className="empty">{t('qcare.occupant.noChecks')}</p>}
          <ul className="qc-list" data-testid="occupant-checks">
            {o.checks.slice(0, 14).map((c) => (
              <li key={c.id}>
                {c.date} {t(`qcare.slot.${c.slot}`, { defaultValue: c.slot })} · {c.temperature.toFixed(1)} ℃
                {c.symptoms.length > 0 &&
                  ` · ${c.symptoms.map((s) => t(`qcare.symptom.${s}`, { defaultValue: s })).join('、')}`}
                <span className="muted small"> · {t(`qcare.by.${c.by}`, { defaultValue: c.by })}</span>
              </li>
            ))}
          </ul>
          <h3 className="guard-sub">{t('qcare.occupant.alerts')}</h3>
          {o.alerts.length === 0 && <p className="empty">{t('qcare.alerts.none')}</p>}
          <ul className="qc-list" data-testid="occupant-alerts">
            {o.alerts.map((a) => (
              <li key={a.id} data-kind={a.kind} data-status={a.status}>
                <span className="badge">{t(`qcare.alertKind.${a.kind}`)}</span> {a.date}
                {a.temperature !== null && ` · ${a.temperature.toFixed(1)} ℃`} · {t(`qcare.alertStatus.${a.status}`)}
                {a.followUp && ` · ${a.followUp}`}
              </li>
            ))}
          </ul>
          {o.requests.length > 0 && (
            <>
              <h3 className="guard-sub">{t('qcare.occupant.requests')}</h3>
              <ul className="qc-list">
                {o.requests.map((r) => (
                  <li key={r.id}>
                    {t(`qcare.requestKind.${r.kind}`)} · {t(`qcare.requestStatus.${r.status}`)}
                    {r.detail && ` · ${r.detail}`}
                  </li>
                ))}
              </ul>
            </>
          )}
          {can('quarantine.allocate') && <HospitalTransfer orderId={orderId} onDone={detail.reload} />}
        </>
      )}
    </div>
  );
}
