// 隔离点看板 One site: its rooms as a grid, a floor a row, coloured by state (free, allocated, occupied,
// being cleaned, out of service); a room's card on click (kind, beds, bathroom, how many stay, terminal
// disinfection due); the three zones; the staff roster; and, for those who manage sites, adding rooms
// one by one or from a sheet (checked first, taken whole or not at all) and staff.
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth.tsx';
import { type ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { FaultTable } from '../shared/FaultTable.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime } from '../shared/format.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import {
  ROOM_STATES,
  sitesApi,
  type Room,
  type RoomImport,
  type RoomKind,
  type RoomStatus,
  type StaffRole,
  type StaffShift,
} from './sitesApi.ts';
import { StateBar } from './SitesPage.tsx';
import { RoomOccupants } from './OccupantCard.tsx';
import './qsites.css';

const ROOM_KINDS: RoomKind[] = ['single', 'double', 'family', 'accessible', 'ward_bed'];
const ROOM_STATUSES: RoomStatus[] = ['in_service', 'cleaning', 'out_of_service'];
const ROLES: StaffRole[] = ['manager', 'medical', 'service', 'security', 'cleaning', 'psychological', 'liaison'];
const SHIFTS: StaffShift[] = ['day', 'night', 'rotating'];

function RoomCard({ room, canManage, onChanged }: { room: Room; canManage: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<ApiError | null>(null);
  const set = async (status: RoomStatus) => {
    setError(null);
    try {
      await sitesApi.updateRoom(room.id, { status });
      onChanged();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <div className="card qs-room-card" data-testid="qroom-card">
      <h2 className="card-title">{t('qsites.board.room', { number: room.number })}</h2>
      <p>
        <span className={`qs-chip qs-${room.state}`} data-testid="qroom-state">
          {t(`qsites.state.${room.state}`)}
        </span>{' '}
        {t(`qsites.roomKind.${room.kind}`)} · {t('qsites.beds')} {room.beds} ·{' '}
        {room.ownBathroom ? t('qsites.board.bathroom') : t('qsites.board.noBathroom')}
      </p>
      <p data-testid="qroom-occupants">
        {room.occupants > 0 ? t('qsites.board.occupants', { count: room.occupants }) : t('qsites.board.noOccupant')}
      </p>
      {room.disinfectionDueAt !== null && (
        <p className="warn-text">
          {t('qsites.board.disinfectionDue', { time: formatDateTime(room.disinfectionDueAt) })}
        </p>
      )}
      {canManage && (
        <div className="button-row">
          <span className="small muted">{t('qsites.board.setStatus')}</span>
          {ROOM_STATUSES.filter((s) => s !== room.status).map((s) => (
            <button key={s} className="btn btn-small" onClick={() => void set(s)} data-testid={`qroom-set-${s}`}>
              {t(`qsites.roomStatus.${s}`)}
            </button>
          ))}
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

function AddRoom({ siteId, onDone }: { siteId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [floor, setFloor] = useState('1');
  const [number, setNumber] = useState('');
  const [kind, setKind] = useState<RoomKind>('single');
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await sitesApi.addRoom(siteId, { floor: Number(floor), number: number.trim(), kind });
      setNumber('');
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="qroom-add">
      <h2 className="card-title">{t('qsites.addRoom.title')}</h2>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('qsites.addRoom.floor')}</span>
          <input type="number" min={-5} max={200} value={floor} onChange={(e) => setFloor(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('qsites.addRoom.number')}</span>
          <input
            data-testid="qroom-number"
            value={number}
            maxLength={20}
            required
            onChange={(e) => setNumber(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('qsites.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as RoomKind)}>
            {ROOM_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`qsites.roomKind.${k}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button className="btn btn-primary" type="submit" disabled={!number.trim()}>
          {t('qsites.addRoom.add')}
        </button>
      </div>
    </form>
  );
}

function ImportRooms({ siteId, onDone }: { siteId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [outcome, setOutcome] = useState<RoomImport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      const result = await sitesApi.importRooms(siteId, file, dryRun);
      setOutcome(result);
      if (!dryRun) onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const faults = error?.errors ?? [];
  return (
    <div className="card" data-testid="qroom-import">
      <h2 className="card-title">{t('qsites.import.title')}</h2>
      <p className="field-hint">{t('qsites.import.hint')}</p>
      <div className="button-row">
        <input
          type="file"
          accept=".csv,.xlsx"
          aria-label={t('qsites.import.file')}
          data-testid="qroom-import-file"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <button
          className="btn"
          disabled={!file || busy}
          onClick={() => void run(true)}
          data-testid="qroom-import-check"
        >
          {t('qsites.import.check')}
        </button>
        <button
          className="btn btn-primary"
          disabled={!file || busy}
          onClick={() => void run(false)}
          data-testid="qroom-import-run"
        >
          {t('qsites.import.run')}
        </button>
      </div>
      {outcome && (
        <p className="ok-text" data-testid="qroom-import-outcome">
          {outcome.dryRun
            ? t('qsites.import.checked', {
                rows: outcome.rows,
                count: Object.values(outcome.byKind).reduce((a, b) => a + b, 0),
                beds: outcome.beds,
              })
            : t('qsites.import.done', { count: outcome.created, beds: outcome.beds })}
        </p>
      )}
      <ErrorBox error={error} />
      {faults.length > 0 && <FaultTable faults={faults} total={Number(error?.problem.totalErrors ?? faults.length)} />}
    </div>
  );
}

function StaffRoster({ siteId, canManage }: { siteId: string; canManage: boolean }) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const staff = useLoad(() => sitesApi.staff(siteId), [siteId, tick]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('medical');
  const [shift, setShift] = useState<StaffShift>('day');
  const [ppe, setPpe] = useState('2');
  const [error, setError] = useState<ApiError | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await sitesApi.addStaff(siteId, { name: name.trim(), role, shift, ppeLevel: Number(ppe) });
      setName('');
      setTick((n) => n + 1);
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <div className="card" data-testid="qstaff">
      <h2 className="card-title">{t('qsites.staff.title')}</h2>
      <ErrorBox error={staff.error} />
      {staff.data && staff.data.items.length === 0 && <p className="empty">{t('qsites.staff.none')}</p>}
      {staff.data && staff.data.items.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{t('qsites.staff.name')}</th>
                <th>{t('qsites.staff.role')}</th>
                <th>{t('qsites.staff.shift')}</th>
                <th>{t('qsites.staff.ppe')}</th>
                <th>{t('qsites.staff.account')}</th>
              </tr>
            </thead>
            <tbody>
              {staff.data.items.map((m) => (
                <tr key={m.id} className={m.active ? '' : 'muted'} data-testid="qstaff-row">
                  <td>
                    {m.name}
                    {!m.active && <span className="small muted"> （{t('qsites.staff.inactive')}）</span>}
                  </td>
                  <td>{t(`qsites.staff.roles.${m.role}`)}</td>
                  <td>{t(`qsites.staff.shifts.${m.shift}`)}</td>
                  <td>{t('qsites.staff.ppeLevel', { level: m.ppeLevel })}</td>
                  <td className="mono small">{m.username ?? '-'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage && (
        <form className="form-grid" onSubmit={(e) => void add(e)}>
          <label className="field">
            <span className="field-label">{t('qsites.staff.name')}</span>
            <input value={name} maxLength={60} required onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">{t('qsites.staff.role')}</span>
            <select value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`qsites.staff.roles.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('qsites.staff.shift')}</span>
            <select value={shift} onChange={(e) => setShift(e.target.value as StaffShift)}>
              {SHIFTS.map((r) => (
                <option key={r} value={r}>
                  {t(`qsites.staff.shifts.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('qsites.staff.ppe')}</span>
            <select value={ppe} onChange={(e) => setPpe(e.target.value)}>
              {[1, 2, 3].map((l) => (
                <option key={l} value={l}>
                  {t('qsites.staff.ppeLevel', { level: l })}
                </option>
              ))}
            </select>
          </label>
          <div className="form-actions">
            <button className="btn" type="submit" disabled={!name.trim()}>
              {t('qsites.staff.add')}
            </button>
          </div>
          <ErrorBox error={error} />
        </form>
      )}
    </div>
  );
}

export function SiteBoardPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { can } = useAuth();
  const canManage = can('quarantine.manage');
  const [tick, setTick] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const board = useLoad(() => sitesApi.rooms(id), [id, tick]);
  const refresh = () => setTick((n) => n + 1);
  const floors = useMemo(() => {
    const by = new Map<number, Room[]>();
    for (const r of board.data?.items ?? []) by.set(r.floor, [...(by.get(r.floor) ?? []), r]);
    return [...by.entries()].sort((a, b) => b[0] - a[0]);
  }, [board.data]);
  const site = board.data?.site;
  const open = board.data?.items.find((r) => r.id === openId) ?? null;
  return (
    <div className="qsites-page">
      <p>
        <Link to="/quarantine/sites">← {t('qsites.board.back')}</Link>
      </p>
      <ErrorBox error={board.error} />
      {board.loading && !board.data && <Loading />}
      {site && (
        <>
          <h1 className="page-title" data-testid="qboard-title">
            {site.name} <span className="muted small">{t(`qsites.siteKind.${site.kind}`)}</span>
          </h1>
          <p className="muted">
            {site.areaName}
            {site.address ? ` · ${site.address}` : ''} · {t(`qsites.siteStatus.${site.status}`)}
          </p>
          <div className="card">
            <h2 className="card-title">{t('qsites.zones.title')}</h2>
            <dl className="qs-zones">
              {(['observation', 'service', 'sanitation'] as const).map((z) => (
                <div key={z}>
                  <dt>{t(`qsites.zones.${z}`)}</dt>
                  <dd>{site.zones[z] || '-'}</dd>
                </div>
              ))}
            </dl>
          </div>
          <div className="card">
            <div className="card-title-row">
              <h2 className="card-title">{t('qsites.board.title')}</h2>
              <StateBar rooms={site.rooms} />
            </div>
            <ul className="qs-legend" aria-label={t('qsites.board.legend')}>
              {ROOM_STATES.map((s) => (
                <li key={s}>
                  <span className={`qs-swatch qs-${s}`} /> {t(`qsites.state.${s}`)} {site.rooms[s]}
                </li>
              ))}
            </ul>
            <div className="qs-board" data-testid="qboard">
              {floors.map(([floor, rooms]) => (
                <div key={floor} className="qs-floor">
                  <div className="qs-floor-label">{t('qsites.board.floor', { floor })}</div>
                  <div className="qs-rooms">
                    {rooms.map((r) => (
                      <button
                        key={r.id}
                        className={`qs-room qs-${r.state}${r.id === openId ? ' qs-open' : ''}`}
                        data-testid="qboard-room"
                        data-state={r.state}
                        title={`${r.number} ${t(`qsites.state.${r.state}`)}`}
                        onClick={() => setOpenId(r.id === openId ? null : r.id)}
                      >
                        {r.number}
                      </button>
                    ))}
                  </div>
                </div>
              ))}
            </div>
          </div>
          {open && <RoomCard room={open} canManage={canManage} onChanged={refresh} />}
          {open && open.occupants > 0 && <RoomOccupants siteId={id} roomId={open.id} />}
          {canManage && <AddRoom siteId={id} onDone={refresh} />}
          {canManage && <ImportRooms siteId={id} onDone={refresh} />}
          <StaffRoster siteId={id} canManage={canManage} />
        </>
      )}
    </div>
  );
}
