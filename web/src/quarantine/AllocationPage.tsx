// 安置与转运 The command centre's allocation: choose the people (every unplaced active centralised order of
// a case, or the orders ticked) and the sites in order of preference, make a plan, see it (masked name,
// room, care needs, hospital routing, who could not be placed and why), move a line to another free room,
// confirm it whole (or drop it), and print the pick-up list, a vehicle a page, for the transfer team.
// The plan's id stays in the address, so a reload shows the same plan.
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { careApi, type PickupList, type Plan, type PlanLine } from './careApi.ts';
import { NeedChips } from './careParts.tsx';
import { ordersApi } from './ordersApi.ts';
import { sitesApi } from './sitesApi.ts';
import './qcare.css';

export function AllocationPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const planId = params.get('plan') ?? '';
  const caseId = params.get('caseId') ?? '';
  const setParam = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: key !== 'plan' },
    );
  return (
    <div className="qcare-page qc-allocation" data-testid="allocation-page">
      <h1 className="page-title no-print">{t('qcare.alloc.title')}</h1>
      {planId ? (
        <PlanView planId={planId} onClose={() => setParam('plan', '')} />
      ) : (
        <Chooser caseId={caseId} setCaseId={(v) => setParam('caseId', v)} onPlan={(p) => setParam('plan', p.planId)} />
      )}
    </div>
  );
}

function Chooser({
  caseId,
  setCaseId,
  onPlan,
}: {
  caseId: string;
  setCaseId: (v: string) => void;
  onPlan: (p: Plan) => void;
}) {
  const { t } = useTranslation();
  const [caseText, setCaseText] = useState(caseId);
  const orders = useLoad(
    () =>
      ordersApi.list({
        limit: 200,
        offset: 0,
        status: 'active',
        place: 'centralised',
        ...(caseId ? { caseId } : {}),
      }),
    [caseId],
  );
  const sites = useLoad(() => sitesApi.sites({ limit: 100 }), []);
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [siteIds, setSiteIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const items = orders.data?.items ?? [];
  const toggle = (id: string) =>
    setTicked((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleSite = (id: string) => setSiteIds((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const plan = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = ticked.size > 0 ? { orderIds: [...ticked], siteIds } : { caseId, siteIds };
      onPlan(await careApi.plan(body));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const canPlan = siteIds.length > 0 && (ticked.size > 0 || !!caseId) && !busy;
  return (
    <>
      <div className="card">
        <h2 className="card-title">{t('qcare.alloc.people')}</h2>
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            setTicked(new Set());
            setCaseId(caseText.trim());
          }}
        >
          <label className="field">
            <span className="field-label">{t('qcare.alloc.caseId')}</span>
            <input
              value={caseText}
              maxLength={64}
              data-testid="alloc-case"
              placeholder={t('qcare.alloc.caseHint')}
              onChange={(e) => setCaseText(e.target.value)}
            />
          </label>
          <button type="submit" className="btn">
            {t('qcare.alloc.showOrders')}
          </button>
        </form>
        <p className="field-hint">{caseId ? t('qcare.alloc.allOfCase') : t('qcare.alloc.tickHint')}</p>
        <ErrorBox error={orders.error} />
        {orders.loading && !orders.data && <Loading />}
        {orders.data && items.length === 0 && <p className="empty">{t('qcare.alloc.noOrders')}</p>}
        {items.length > 0 && (
          <div className="table-scroll">
            <table className="table" data-testid="alloc-orders">
              <thead>
                <tr>
                  <th>{t('qcare.alloc.pick')}</th>
                  <th>{t('qcare.person')}</th>
                  <th>{t('qcare.kind')}</th>
                  <th>{t('qcare.day')}</th>
                  <th>{t('qcare.area')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((o) => (
                  <tr key={o.id} data-testid="alloc-order" data-order-id={o.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={o.personName}
                        checked={ticked.has(o.id)}
                        onChange={() => toggle(o.id)}
                      />
                    </td>
                    <td>{o.personName}</td>
                    <td>{t(`qorders.kind.${o.kind}`)}</td>
                    <td>{t('qcare.dayN', { day: o.day })}</td>
                    <td>{o.areaName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {ticked.size > 0 && <p className="muted small">{t('qcare.alloc.ticked', { count: ticked.size })}</p>}
      </div>
      <div className="card">
        <h2 className="card-title">{t('qcare.alloc.sites')}</h2>
        <p className="field-hint">{t('qcare.alloc.sitesHint')}</p>
        <ErrorBox error={sites.error} />
        <div className="checks">
          {(sites.data?.items ?? [])
            .filter((s) => s.status === 'in_service')
            .map((s) => (
              <label key={s.id} className="check" data-testid="alloc-site">
                <input type="checkbox" checked={siteIds.includes(s.id)} onChange={() => toggleSite(s.id)} />
                {siteIds.includes(s.id) && <span className="badge">{siteIds.indexOf(s.id) + 1}</span>}
                {s.name}
                <span className="muted small">{t('qcare.alloc.free', { count: s.rooms.free })}</span>
              </label>
            ))}
        </div>
      </div>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button className="btn btn-primary" disabled={!canPlan} onClick={() => void plan()} data-testid="alloc-plan">
          {t('qcare.alloc.makePlan')}
        </button>
      </div>
    </>
  );
}

function PlanView({ planId, onClose }: { planId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const loaded = useLoad(() => careApi.getPlan(planId), [planId, tick]);
  const [plan, setPlan] = useState<Plan | null>(null);
  const current = plan && plan.planId === planId ? plan : (loaded.data ?? null);
  const [seats, setSeats] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const bySite = useMemo(() => {
    const by = new Map<string, PlanLine[]>();
    for (const l of current?.placed ?? []) by.set(l.siteName, [...(by.get(l.siteName) ?? []), l]);
    return [...by.entries()];
  }, [current]);
  if (loaded.error && !current)
    return (
      <>
        <ErrorBox error={loaded.error} />
        <button className="btn" onClick={onClose}>
          {t('qcare.alloc.newPlan')}
        </button>
      </>
    );
  if (!current) return <Loading />;
  const confirmed = current.status === 'confirmed';
  return (
    <>
      <div className="card no-print" data-testid="alloc-plan-view" data-status={current.status}>
        <div className="card-title-row">
          <h2 className="card-title">{t(confirmed ? 'qcare.alloc.confirmedPlan' : 'qcare.alloc.plannedPlan')}</h2>
          <span className="badge" data-testid="alloc-plan-status">
            {t(`qcare.alloc.status.${current.status}`)}
          </span>
        </div>
        <p data-testid="alloc-summary">
          {t('qcare.alloc.summary', {
            placed: current.placed.length,
            hospital: current.hospital.length,
            unplaced: current.unplaced.length,
          })}
          {confirmed && ` ${t('qcare.alloc.vehicles', { count: current.vehicles })}`}
        </p>
        {bySite.map(([siteName, lines]) => (
          <div key={siteName} className="table-scroll">
            <h3 className="guard-sub">
              {siteName} <span className="muted small">{t('qcare.alloc.peopleCount', { count: lines.length })}</span>
            </h3>
            <table className="table" data-testid="alloc-placed">
              <thead>
                <tr>
                  <th>{t('qcare.person')}</th>
                  <th>{t('qcare.kind')}</th>
                  <th>{t('qcare.needs')}</th>
                  <th>{t('qcare.room')}</th>
                  {!confirmed && <th>{t('qcare.alloc.adjust')}</th>}
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={l.stayId} data-testid="alloc-line" data-order-id={l.orderId}>
                    <td>{l.personName}</td>
                    <td>{t(`qorders.kind.${l.orderKind}`, { defaultValue: l.orderKind })}</td>
                    <td>
                      <NeedChips needs={l.needs} />
                    </td>
                    <td data-testid="alloc-room">
                      {t('qcare.roomOnFloor', { number: l.roomNumber, floor: l.floor })}{' '}
                      <span className="muted small">
                        {t(`qsites.roomKind.${l.roomKind}`, { defaultValue: l.roomKind })}
                      </span>
                    </td>
                    {!confirmed && (
                      <td>
                        <AdjustLine
                          line={l}
                          busy={busy}
                          onMove={(roomId) =>
                            void run(async () => setPlan(await careApi.adjust(planId, { stayId: l.stayId, roomId })))
                          }
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
        {current.hospital.length > 0 && (
          <>
            <h3 className="guard-sub">{t('qcare.alloc.hospital')}</h3>
            <ul className="qc-list" data-testid="alloc-hospital">
              {current.hospital.map((h) => (
                <li key={h.orderId}>
                  {h.personName} · {t(`qcare.need.${h.need}`, { defaultValue: h.need })} →{' '}
                  {h.hospitalName ?? (
                    <span className="warn-text">
                      {t('qcare.alloc.noHospital', {
                        designation: t(`qhospitals.designation.${h.designation}`, { defaultValue: h.designation }),
                      })}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        {current.unplaced.length > 0 && (
          <>
            <h3 className="guard-sub">{t('qcare.alloc.unplaced')}</h3>
            <ul className="qc-list" data-testid="alloc-unplaced">
              {current.unplaced.map((u) => (
                <li key={u.orderId}>
                  {u.personName} · <span className="warn-text">{t(`qcare.alloc.reason.${u.reason}`)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
        <ErrorBox error={error} />
        {!confirmed ? (
          <div className="form-actions">
            <label className="field qc-inline">
              <span className="field-label">{t('qcare.alloc.seats')}</span>
              <input
                type="number"
                min={1}
                max={80}
                value={seats}
                placeholder="20"
                onChange={(e) => setSeats(e.target.value)}
              />
            </label>
            <button
              className="btn btn-ghost"
              disabled={busy}
              data-testid="alloc-cancel"
              onClick={() =>
                void run(async () => {
                  if (!window.confirm(t('qcare.alloc.cancelConfirm'))) return;
                  await careApi.cancel(planId);
                  onClose();
                })
              }
            >
              {t('qcare.alloc.cancel')}
            </button>
            <button
              className="btn btn-primary"
              disabled={busy || current.placed.length + current.hospital.length === 0}
              data-testid="alloc-confirm"
              onClick={() =>
                void run(async () => {
                  setPlan(await careApi.confirm(planId, seats ? { vehicleSeats: Number(seats) } : {}));
                  setTick((n) => n + 1);
                })
              }
            >
              {t('qcare.alloc.confirm')}
            </button>
          </div>
        ) : (
          <div className="form-actions">
            <button className="btn" onClick={onClose} data-testid="alloc-new">
              {t('qcare.alloc.newPlan')}
            </button>
            <button className="btn btn-primary" onClick={() => window.print()} data-testid="alloc-print">
              {t('qcare.alloc.print')}
            </button>
          </div>
        )}
      </div>
      {confirmed && <Pickups planId={planId} />}
    </>
  );
}

/** Another free room of the line's site (free rooms only: the server checks every constraint again). */
function AdjustLine({ line, busy, onMove }: { line: PlanLine; busy: boolean; onMove: (roomId: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [roomId, setRoomId] = useState('');
  const rooms = useLoad(() => (open ? sitesApi.rooms(line.siteId) : Promise.resolve(null)), [open, line.siteId]);
  if (!open)
    return (
      <button className="btn btn-small" data-testid="alloc-adjust" onClick={() => setOpen(true)}>
        {t('qcare.alloc.otherRoom')}
      </button>
    );
  const free = (rooms.data?.items ?? []).filter((r) => r.state === 'free');
  return (
    <span className="qc-adjust">
      <select
        value={roomId}
        aria-label={t('qcare.alloc.otherRoom')}
        data-testid="alloc-adjust-room"
        onChange={(e) => setRoomId(e.target.value)}
      >
        <option value="">{rooms.loading ? t('qcare.loading') : t('qcare.alloc.chooseRoom')}</option>
        {free.map((r) => (
          <option key={r.id} value={r.id}>
            {r.number} · {t(`qsites.roomKind.${r.kind}`)}
          </option>
        ))}
      </select>
      <button
        className="btn btn-small"
        disabled={!roomId || busy}
        data-testid="alloc-adjust-go"
        onClick={() => {
          onMove(roomId);
          setOpen(false);
          setRoomId('');
        }}
      >
        {t('qcare.alloc.move')}
      </button>
    </span>
  );
}

/** The pick-up list: each vehicle its site and stops, a page per vehicle when printed. */
function Pickups({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const list = useLoad<PickupList>(() => careApi.pickups(planId), [planId]);
  return (
    <section className="qc-pickups" data-testid="alloc-pickups">
      <h2 className="card-title no-print">{t('qcare.alloc.pickups')}</h2>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data?.vehicles.map((v) => (
        <div key={v.vehicle} className="card qc-vehicle" data-testid="alloc-vehicle">
          <h2 className="card-title">
            {t('qcare.alloc.vehicle', { vehicle: v.vehicle })} → {v.siteName}
          </h2>
          <p className="muted small">
            {v.siteAddress} · {t('qcare.alloc.seatsOf', { count: v.seats })}
          </p>
          <table className="table qc-print-table">
            <thead>
              <tr>
                <th>{t('qcare.alloc.stop')}</th>
                <th>{t('qcare.alloc.address')}</th>
                <th>{t('qcare.person')}</th>
                <th>{t('qcare.room')}</th>
                <th>{t('qcare.needs')}</th>
              </tr>
            </thead>
            <tbody>
              {v.stops.flatMap((stop, i) =>
                stop.people.map((p, j) => (
                  <tr key={`${i}-${p.orderId}`} data-testid="alloc-pickup-person">
                    <td>{j === 0 ? i + 1 : ''}</td>
                    <td>{j === 0 ? stop.address || '-' : ''}</td>
                    <td>{p.name}</td>
                    <td>{p.roomNumber}</td>
                    <td>
                      <NeedChips needs={p.needs} />
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
