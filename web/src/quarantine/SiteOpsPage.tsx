// 环境消杀与垃圾处置 A site's operations for the day: the disinfection schedule of the rules file with what
// was done and what is overdue, and the log form (item, agent, concentration mg/L, contact time,
// operator); rooms awaiting their terminal disinfection (a room left by its occupants is used again only
// after it); medical waste stored and its hand-over to the licensed unit with both signatures, overdue
// hand-overs flagged; the staff's daily health (temperature, test) in the closed loop.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { formatDateTime } from '../shared/format.ts';
import { Loading } from '../shared/Loading.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { careApi, type SiteOps } from './careApi.ts';
import { useSiteChoice } from './careParts.tsx';
import './qcare.css';

const TERMINAL = 'room_terminal';

/** Runs an action, then reloads; the error stays on the form that made it. */
function useAction(onDone: () => void) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
      return true;
    } catch (err) {
      setError(toApiError(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

export function SiteOpsPage() {
  const { t } = useTranslation();
  const { siteId, picker } = useSiteChoice();
  const [tick, setTick] = useState(0);
  const ops = useLoad(() => (siteId ? careApi.ops(siteId) : Promise.resolve(null)), [siteId, tick]);
  const [terminalRoom, setTerminalRoom] = useState<string | null>(null);
  const reload = () => setTick((n) => n + 1);
  const data = ops.data;
  return (
    <div className="qcare-page qc-ops" data-testid="siteops-page">
      <h1 className="page-title">{t('qcare.ops.title')}</h1>
      {picker}
      <ErrorBox error={ops.error} />
      {ops.loading && !data && siteId && <Loading />}
      {data && (
        <>
          <p className="muted">
            <strong>{data.siteName}</strong> · {data.date}
          </p>
          <Schedule ops={data} />
          <Terminal ops={data} onPick={setTerminalRoom} />
          <DisinfectionForm
            siteId={data.siteId}
            ops={data}
            terminalRoom={terminalRoom}
            clearRoom={() => setTerminalRoom(null)}
            onDone={reload}
          />
          <Waste siteId={data.siteId} ops={data} onDone={reload} />
          <StaffHealth siteId={data.siteId} ops={data} onDone={reload} />
          <Log ops={data} />
        </>
      )}
    </div>
  );
}

function Flag({ on, children, testId }: { on: boolean; children: ReactNode; testId?: string }) {
  return on ? (
    <span className="badge badge-warn" data-testid={testId}>
      {children}
    </span>
  ) : null;
}

function Schedule({ ops }: { ops: SiteOps }) {
  const { t } = useTranslation();
  const overdue = ops.schedule.filter((s) => s.overdue).length;
  return (
    <div className="card" data-testid="siteops-schedule" data-overdue={overdue}>
      <div className="card-title-row">
        <h2 className="card-title">{t('qcare.ops.schedule')}</h2>
        {overdue > 0 && <span className="badge badge-warn">{t('qcare.ops.overdueCount', { count: overdue })}</span>}
      </div>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('qcare.ops.item')}</th>
              <th>{t('qcare.ops.zone')}</th>
              <th>{t('qcare.ops.doneOf')}</th>
              <th>{t('qcare.ops.lastAt')}</th>
              <th>{t('qcare.ops.state')}</th>
            </tr>
          </thead>
          <tbody>
            {ops.schedule.map((s) => (
              <tr key={s.item} data-testid="siteops-item" data-item={s.item} data-overdue={s.overdue}>
                <td>{t(`qcare.item.${s.item}`, { defaultValue: s.item })}</td>
                <td>{t(`qsites.zones.${s.zone}`, { defaultValue: s.zone })}</td>
                <td>
                  {s.done} / {s.timesPerDay}
                </td>
                <td>{s.lastAt ? formatDateTime(s.lastAt) : '-'}</td>
                <td>
                  {s.overdue ? (
                    <span className="badge badge-warn">{t('qcare.ops.overdue')}</span>
                  ) : (
                    <span className="muted small">{t('qcare.ops.onTime')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Terminal({ ops, onPick }: { ops: SiteOps; onPick: (roomId: string) => void }) {
  const { t } = useTranslation();
  return (
    <div className="card" data-testid="siteops-terminal">
      <h2 className="card-title">{t('qcare.ops.terminal', { count: ops.terminal.length })}</h2>
      {ops.terminal.length === 0 && <p className="empty">{t('qcare.ops.noTerminal')}</p>}
      <ul className="qc-list">
        {ops.terminal.map((r) => (
          <li key={r.roomId} data-testid="siteops-terminal-room" data-overdue={r.overdue}>
            {t('qcare.roomN', { number: r.number })} · {t('qcare.ops.dueAt', { time: formatDateTime(r.dueAt) })}{' '}
            <Flag on={r.overdue}>{t('qcare.ops.overdue')}</Flag>{' '}
            <button type="button" className="btn btn-small" onClick={() => onPick(r.roomId)}>
              {t('qcare.ops.logTerminal')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function DisinfectionForm({
  siteId,
  ops,
  terminalRoom,
  clearRoom,
  onDone,
}: {
  siteId: string;
  ops: SiteOps;
  terminalRoom: string | null;
  clearRoom: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [item, setItem] = useState(ops.schedule[0]?.item ?? TERMINAL);
  const [roomId, setRoomId] = useState('');
  const [agent, setAgent] = useState('');
  const [mgL, setMgL] = useState('');
  const [minutes, setMinutes] = useState('');
  const [operator, setOperator] = useState('');
  const { error, busy, run } = useAction(onDone);
  const chosenItem = terminalRoom ? TERMINAL : item;
  const chosenRoom = terminalRoom ?? roomId;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const zone = ops.schedule.find((s) => s.item === chosenItem)?.zone;
    const ok = await run(() =>
      careApi.disinfect(siteId, {
        item: chosenItem,
        ...(chosenItem === TERMINAL && chosenRoom ? { roomId: chosenRoom } : {}),
        ...(zone ? { zone } : {}),
        agent: agent.trim(),
        concentrationMgL: mgL.trim() ? Number(mgL) : null,
        contactMinutes: minutes.trim() ? Number(minutes) : null,
        operator: operator.trim(),
      }),
    );
    if (ok) {
      setMgL('');
      setMinutes('');
      setRoomId('');
      clearRoom();
    }
  };
  return (
    <form className="card form" data-testid="siteops-disinfect" onSubmit={(e) => void submit(e)}>
      <h2 className="card-title">{t('qcare.ops.logDisinfection')}</h2>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('qcare.ops.item')}</span>
          <select
            value={chosenItem}
            data-testid="siteops-disinfect-item"
            onChange={(e) => {
              clearRoom();
              setItem(e.target.value);
            }}
          >
            {[...ops.schedule.map((s) => s.item), TERMINAL].map((k) => (
              <option key={k} value={k}>
                {t(`qcare.item.${k}`, { defaultValue: k })}
              </option>
            ))}
          </select>
        </label>
        {chosenItem === TERMINAL && (
          <label className="field">
            <span className="field-label">{t('qcare.room')}</span>
            <select
              value={chosenRoom}
              data-testid="siteops-disinfect-room"
              onChange={(e) => {
                clearRoom();
                setRoomId(e.target.value);
              }}
            >
              <option value="">{t('qcare.alloc.chooseRoom')}</option>
              {ops.terminal.map((r) => (
                <option key={r.roomId} value={r.roomId}>
                  {r.number}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('qcare.ops.agent')}</span>
          <input
            value={agent}
            maxLength={60}
            required
            placeholder={t('qcare.ops.agentHint')}
            data-testid="siteops-agent"
            onChange={(e) => setAgent(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('qcare.ops.concentration')}</span>
          <input inputMode="decimal" value={mgL} data-testid="siteops-mgl" onChange={(e) => setMgL(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('qcare.ops.contact')}</span>
          <input
            inputMode="numeric"
            value={minutes}
            data-testid="siteops-minutes"
            onChange={(e) => setMinutes(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('qcare.ops.operator')}</span>
          <input
            value={operator}
            maxLength={40}
            required
            data-testid="siteops-operator"
            onChange={(e) => setOperator(e.target.value)}
          />
        </label>
      </div>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button className="btn btn-primary" disabled={busy} data-testid="siteops-disinfect-save">
          {t('qcare.ops.save')}
        </button>
      </div>
    </form>
  );
}

function Waste({ siteId, ops, onDone }: { siteId: string; ops: SiteOps; onDone: () => void }) {
  const { t } = useTranslation();
  const [bags, setBags] = useState('');
  const [kg, setKg] = useState('');
  const [sealed, setSealed] = useState(false);
  const { error, busy, run } = useAction(onDone);
  const overdue = ops.waste.filter((w) => w.overdue).length;
  return (
    <div className="card" data-testid="siteops-waste" data-overdue={overdue}>
      <div className="card-title-row">
        <h2 className="card-title">{t('qcare.ops.waste')}</h2>
        {overdue > 0 && <span className="badge badge-warn">{t('qcare.ops.overdueCount', { count: overdue })}</span>}
      </div>
      {ops.waste.length === 0 && <p className="empty">{t('qcare.ops.noWaste')}</p>}
      <ul className="qc-list">
        {ops.waste.map((w) => (
          <li key={w.id} data-testid="siteops-waste-entry" data-overdue={w.overdue}>
            <div>
              {t('qcare.ops.bags', { count: w.bags, kg: w.weightKg })} ·{' '}
              {t('qcare.ops.storedAt', { time: formatDateTime(w.storedAt) })} ·{' '}
              {t('qcare.ops.handOverBy', { time: formatDateTime(w.dueAt) })}{' '}
              <Flag on={w.overdue}>{t('qcare.ops.overdue')}</Flag>
              <Flag on={!w.overdue && w.dueSoon}>{t('qcare.ops.dueSoon')}</Flag>
            </div>
            <HandOver id={w.id} onDone={onDone} />
          </li>
        ))}
      </ul>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => careApi.storeWaste(siteId, { bags: Number(bags), weightKg: Number(kg), sealed })).then(
            (ok) => {
              if (ok) {
                setBags('');
                setKg('');
                setSealed(false);
              }
            },
          );
        }}
      >
        <label className="field">
          <span className="field-label">{t('qcare.ops.bagCount')}</span>
          <input inputMode="numeric" value={bags} required onChange={(e) => setBags(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('qcare.ops.weight')}</span>
          <input inputMode="decimal" value={kg} required onChange={(e) => setKg(e.target.value)} />
        </label>
        <label className="check">
          <input type="checkbox" checked={sealed} onChange={(e) => setSealed(e.target.checked)} />
          {t('qcare.ops.sealed')}
        </label>
        <button className="btn" disabled={busy}>
          {t('qcare.ops.store')}
        </button>
      </form>
      <ErrorBox error={error} />
    </div>
  );
}

function HandOver({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [unit, setUnit] = useState('');
  const [receiver, setReceiver] = useState('');
  const [staff, setStaff] = useState('');
  const { error, busy, run } = useAction(onDone);
  if (!open)
    return (
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
        {t('qcare.ops.handOver')}
      </button>
    );
  return (
    <form
      className="form-row"
      onSubmit={(e) => {
        e.preventDefault();
        void run(() =>
          careApi.handOver(id, {
            receiverUnit: unit.trim(),
            receiverSignature: receiver.trim(),
            staffSignature: staff.trim(),
          }),
        );
      }}
    >
      <input
        value={unit}
        maxLength={80}
        required
        placeholder={t('qcare.ops.receiverUnit')}
        aria-label={t('qcare.ops.receiverUnit')}
        onChange={(e) => setUnit(e.target.value)}
      />
      <input
        value={receiver}
        maxLength={40}
        placeholder={t('qcare.ops.receiverSignature')}
        aria-label={t('qcare.ops.receiverSignature')}
        onChange={(e) => setReceiver(e.target.value)}
      />
      <input
        value={staff}
        maxLength={40}
        placeholder={t('qcare.ops.staffSignature')}
        aria-label={t('qcare.ops.staffSignature')}
        onChange={(e) => setStaff(e.target.value)}
      />
      <button className="btn btn-small" disabled={busy}>
        {t('qcare.ops.handOverSave')}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

function StaffHealth({ siteId, ops, onDone }: { siteId: string; ops: SiteOps; onDone: () => void }) {
  const { t } = useTranslation();
  const unchecked = ops.staff.filter((s) => !s.checked).length;
  return (
    <div className="card" data-testid="siteops-staff" data-unchecked={unchecked}>
      <div className="card-title-row">
        <h2 className="card-title">{t('qcare.ops.staff')}</h2>
        {unchecked > 0 && <span className="badge badge-warn">{t('qcare.ops.unchecked', { count: unchecked })}</span>}
      </div>
      {ops.staff.length === 0 && <p className="empty">{t('qcare.ops.noStaff')}</p>}
      <ul className="qc-list">
        {ops.staff.map((m) => (
          <li key={m.staffId} data-testid="siteops-staff-row" data-checked={m.checked}>
            <div>
              <strong>{m.name}</strong> · {t(`qsites.staff.roles.${m.role}`, { defaultValue: m.role })} ·{' '}
              {m.checked && m.temperature !== null ? `${m.temperature.toFixed(1)} ℃` : t('qcare.ops.notChecked')}{' '}
              <Flag on={m.fever}>{t('qcare.alertKind.fever')}</Flag>{' '}
              <Flag on={m.testDue}>{t('qcare.ops.testDue')}</Flag>
              {m.lastTest && (
                <span className="muted small">
                  {' '}
                  {t('qcare.ops.lastTest', {
                    result: t(`qcare.testResult.${m.lastTest}`, { defaultValue: m.lastTest }),
                  })}
                </span>
              )}
            </div>
            {!m.checked && <StaffCheck siteId={siteId} staffId={m.staffId} onDone={onDone} />}
          </li>
        ))}
      </ul>
    </div>
  );
}

function StaffCheck({ siteId, staffId, onDone }: { siteId: string; staffId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [temp, setTemp] = useState('');
  const [test, setTest] = useState<'none' | 'pending' | 'negative' | 'positive'>('none');
  const { error, busy, run } = useAction(onDone);
  return (
    <form
      className="form-row"
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => careApi.staffCheck(siteId, { staffId, temperature: Number(temp), test }));
      }}
    >
      <input
        inputMode="decimal"
        value={temp}
        required
        placeholder="36.5"
        aria-label={t('qcare.rounds.temperature')}
        onChange={(e) => setTemp(e.target.value)}
      />
      <select value={test} aria-label={t('qcare.ops.test')} onChange={(e) => setTest(e.target.value as typeof test)}>
        {(['none', 'pending', 'negative', 'positive'] as const).map((k) => (
          <option key={k} value={k}>
            {t(`qcare.testResult.${k}`)}
          </option>
        ))}
      </select>
      <button className="btn btn-small" disabled={busy}>
        {t('qcare.ops.record')}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

function Log({ ops }: { ops: SiteOps }) {
  const { t } = useTranslation();
  return (
    <div className="card" data-testid="siteops-log">
      <h2 className="card-title">{t('qcare.ops.log')}</h2>
      {ops.log.length === 0 && <p className="empty">{t('qcare.ops.noLog')}</p>}
      {ops.log.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{t('qcare.ops.time')}</th>
                <th>{t('qcare.ops.item')}</th>
                <th>{t('qcare.ops.agent')}</th>
                <th>{t('qcare.ops.concentration')}</th>
                <th>{t('qcare.ops.contact')}</th>
                <th>{t('qcare.ops.operator')}</th>
              </tr>
            </thead>
            <tbody>
              {ops.log.map((e) => (
                <tr key={e.id} data-testid="siteops-log-row">
                  <td>{formatDateTime(e.at)}</td>
                  <td>
                    {t(`qcare.item.${e.item}`, { defaultValue: e.item })}
                    {e.roomNumber ? ` · ${e.roomNumber}` : ''}
                  </td>
                  <td>{e.agent}</td>
                  <td>{e.concentrationMgL ?? '-'}</td>
                  <td>{e.contactMinutes ?? '-'}</td>
                  <td>{e.operator}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
