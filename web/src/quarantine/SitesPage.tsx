// 隔离点 The quarantine sites in the user's area (a site's staff see their own site): each with its rooms
// by state, beds and staff; a new site with its three zones for those who manage sites.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth.tsx';
import { type ApiError } from '../shared/api.ts';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import { formatNumber } from '../shared/format.ts';
import type { Area } from '../shared/types.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ROOM_STATES, SITE_KINDS, sitesApi, type RoomCounts, type SiteKind } from './sitesApi.ts';
import './qsites.css';

const PAGE = 50;

/** A bar of the rooms by state, the same colours as the board. */
export function StateBar({ rooms }: { rooms: RoomCounts }) {
  const { t } = useTranslation();
  if (!rooms.total) return <span className="muted small">-</span>;
  return (
    <div
      className="qs-bar"
      role="img"
      aria-label={ROOM_STATES.map((s) => `${t(`qsites.state.${s}`)} ${rooms[s]}`).join('，')}
    >
      {ROOM_STATES.filter((s) => rooms[s] > 0).map((s) => (
        <span
          key={s}
          className={`qs-bar-part qs-${s}`}
          style={{ flexGrow: rooms[s] }}
          title={`${t(`qsites.state.${s}`)} ${rooms[s]}`}
        />
      ))}
    </div>
  );
}

function CreateSite({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [area, setArea] = useState<Area | null>(null);
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [kind, setKind] = useState<SiteKind>('hotel');
  const [zones, setZones] = useState({ observation: '', service: '', sanitation: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!area) return;
    setBusy(true);
    setError(null);
    try {
      await sitesApi.createSite({ areaId: area.id, name: name.trim(), address: address.trim(), kind, zones });
      onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="qsite-create">
      <h2 className="card-title">{t('qsites.create')}</h2>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('qsites.name')}</span>
          <input
            data-testid="qsite-name"
            value={name}
            maxLength={100}
            required
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('qsites.kind')}</span>
          <select data-testid="qsite-kind" value={kind} onChange={(e) => setKind(e.target.value as SiteKind)}>
            {SITE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`qsites.siteKind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('qsites.address')}</span>
          <input value={address} maxLength={300} onChange={(e) => setAddress(e.target.value)} />
        </label>
        <div className="field">
          <span className="field-label">{t('qsites.area')}</span>
          <AreaPicker onChange={setArea} testId="qsite-area" />
        </div>
        {(['observation', 'service', 'sanitation'] as const).map((z) => (
          <label key={z} className="field">
            <span className="field-label">{t(`qsites.zones.${z}`)}</span>
            <input value={zones[z]} maxLength={300} onChange={(e) => setZones({ ...zones, [z]: e.target.value })} />
          </label>
        ))}
      </div>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button
          className="btn btn-primary"
          type="submit"
          disabled={busy || !area || !name.trim()}
          data-testid="qsite-save"
        >
          {t('qsites.save')}
        </button>
        <button className="btn" type="button" onClick={onDone}>
          {t('qsites.cancel')}
        </button>
      </div>
    </form>
  );
}

export function SitesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const [tick, setTick] = useState(0);
  const list = useLoad(() => sitesApi.sites({ limit: PAGE, offset }), [offset, tick]);
  const data = list.data;
  return (
    <div className="qsites-page">
      <div className="card-title-row">
        <h1 className="page-title">{t('qsites.title')}</h1>
        {can('quarantine.manage') && !creating && (
          <button className="btn btn-primary" onClick={() => setCreating(true)} data-testid="qsite-new">
            {t('qsites.create')}
          </button>
        )}
      </div>
      <p className="muted">{t('qsites.lead')}</p>
      {creating && (
        <CreateSite
          onDone={() => {
            setCreating(false);
            setTick((n) => n + 1);
          }}
        />
      )}
      <ErrorBox error={list.error} />
      {list.loading && !data && <Loading />}
      {data && data.items.length === 0 && <p className="empty">{t('qsites.none')}</p>}
      {data && data.items.length > 0 && (
        <div className="card">
          <div className="table-scroll">
            <table className="table" data-testid="qsite-list">
              <thead>
                <tr>
                  <th>{t('qsites.name')}</th>
                  <th>{t('qsites.kind')}</th>
                  <th>{t('qsites.area')}</th>
                  <th>{t('qsites.status')}</th>
                  <th className="num">{t('qsites.rooms')}</th>
                  <th className="num">{t('qsites.state.free')}</th>
                  <th className="num">{t('qsites.beds')}</th>
                  <th className="num">{t('qsites.staffCount')}</th>
                  <th>{t('qcapacity.bySite')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((site) => (
                  <tr key={site.id} data-testid="qsite-row">
                    <td>
                      <Link className="strong-link" to={`/quarantine/sites/${site.id}`}>
                        {site.name}
                      </Link>
                      {site.address && <div className="small muted">{site.address}</div>}
                    </td>
                    <td>{t(`qsites.siteKind.${site.kind}`)}</td>
                    <td>{site.areaName}</td>
                    <td>{t(`qsites.siteStatus.${site.status}`)}</td>
                    <td className="num">{formatNumber(site.rooms.total)}</td>
                    <td className="num" data-testid="qsite-free">
                      {formatNumber(site.rooms.free)}
                    </td>
                    <td className="num">{formatNumber(site.rooms.beds)}</td>
                    <td className="num">{formatNumber(site.staff)}</td>
                    <td className="qs-bar-cell">
                      <StateBar rooms={site.rooms} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={data.total} limit={PAGE} offset={offset} onChange={setOffset} />
        </div>
      )}
    </div>
  );
}
