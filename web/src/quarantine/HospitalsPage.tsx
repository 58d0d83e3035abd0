// 定点医院 Designated hospitals: the command centre's list (designations, colours taken, beds free,
// admitting or not), the routing query (a code colour and a need → the hospitals that take the person,
// most free beds first), a new hospital; and the public page by need (no sign-in).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth.tsx';
import { type ApiError } from '../shared/api.ts';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatNumber } from '../shared/format.ts';
import type { Area } from '../shared/types.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import {
  CARE_NEEDS,
  COLOURS,
  DESIGNATIONS,
  sitesApi,
  type CareNeed,
  type Colour,
  type Designation,
  type Hospital,
} from './sitesApi.ts';
import './qsites.css';

function Tags({ designations, colours }: { designations: Designation[]; colours: Colour[] }) {
  const { t } = useTranslation();
  return (
    <>
      {designations.map((d) => (
        <span key={d} className="qs-tag">
          {t(`qhospitals.designation.${d}`)}
        </span>
      ))}
      {colours.map((c) => (
        <span key={c} className={`qs-tag qs-colour-${c}`}>
          {t(`qhospitals.colours.${c}`)}
        </span>
      ))}
    </>
  );
}

function NeedPicker({
  need,
  onChange,
  testId,
}: {
  need: CareNeed | '';
  onChange: (n: CareNeed | '') => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span className="field-label">{t('qhospitals.need')}</span>
      <select data-testid={testId} value={need} onChange={(e) => onChange(e.target.value as CareNeed | '')}>
        <option value="">{t('qhospitals.anyNeed')}</option>
        {CARE_NEEDS.map((n) => (
          <option key={n} value={n}>
            {t(`qhospitals.needs.${n}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function RouteFinder() {
  const { t } = useTranslation();
  const [colour, setColour] = useState<Colour>('red');
  const [need, setNeed] = useState<CareNeed | ''>('fever');
  const route = useLoad(() => sitesApi.route(colour, need || undefined), [colour, need]);
  return (
    <div className="card" data-testid="qhospital-route">
      <h2 className="card-title">{t('qhospitals.route')}</h2>
      <p className="field-hint">{t('qhospitals.routeLead')}</p>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('qhospitals.colour')}</span>
          <select
            data-testid="qhospital-route-colour"
            value={colour}
            onChange={(e) => setColour(e.target.value as Colour)}
          >
            {COLOURS.map((c) => (
              <option key={c} value={c}>
                {t(`qhospitals.colours.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <NeedPicker need={need} onChange={setNeed} testId="qhospital-route-need" />
      </div>
      <ErrorBox error={route.error} />
      {route.data && route.data.items.length === 0 && <p className="empty">{t('qhospitals.routeNone')}</p>}
      <ol className="qs-route" data-testid="qhospital-route-list">
        {route.data?.items.map((h) => (
          <li key={h.id} data-testid="qhospital-route-item">
            <strong>{h.name}</strong> · {t('qhospitals.bedsFree')} {formatNumber(h.bedsFree)} · {h.phone}
          </li>
        ))}
      </ol>
    </div>
  );
}

function CreateHospital({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [area, setArea] = useState<Area | null>(null);
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const [designations, setDesignations] = useState<Designation[]>([]);
  const [colours, setColours] = useState<Colour[]>(['green']);
  const [beds, setBeds] = useState('0');
  const [error, setError] = useState<ApiError | null>(null);
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!area) return;
    setError(null);
    try {
      await sitesApi.createHospital({
        areaId: area.id,
        name: name.trim(),
        address: address.trim(),
        phone: phone.trim(),
        designations,
        acceptsColours: colours,
        beds: Number(beds),
      });
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="qhospital-create">
      <h2 className="card-title">{t('qhospitals.create')}</h2>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('qsites.name')}</span>
          <input value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('qsites.address')}</span>
          <input value={address} maxLength={300} onChange={(e) => setAddress(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('qhospitals.phone')}</span>
          <input value={phone} maxLength={40} onChange={(e) => setPhone(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('qhospitals.beds')}</span>
          <input type="number" min={0} value={beds} onChange={(e) => setBeds(e.target.value)} />
        </label>
        <div className="field">
          <span className="field-label">{t('qsites.area')}</span>
          <AreaPicker onChange={setArea} />
        </div>
      </div>
      <fieldset className="chips">
        <legend className="field-label">{t('qhospitals.designations')}</legend>
        {DESIGNATIONS.map((d) => (
          <label key={d} className="chip-check">
            <input
              type="checkbox"
              checked={designations.includes(d)}
              onChange={() => setDesignations(toggle(designations, d))}
            />{' '}
            {t(`qhospitals.designation.${d}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="chips">
        <legend className="field-label">{t('qhospitals.accepts')}</legend>
        {COLOURS.map((c) => (
          <label key={c} className="chip-check">
            <input type="checkbox" checked={colours.includes(c)} onChange={() => setColours(toggle(colours, c))} />{' '}
            {t(`qhospitals.colours.${c}`)}
          </label>
        ))}
      </fieldset>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button
          className="btn btn-primary"
          type="submit"
          disabled={!area || !name.trim() || !designations.length || !colours.length}
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

export function HospitalsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [tick, setTick] = useState(0);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const list = useLoad(() => sitesApi.hospitals(), [tick]);
  const toggle = async (h: Hospital) => {
    setError(null);
    try {
      await sitesApi.updateHospital(h.id, { active: !h.active });
      setTick((n) => n + 1);
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <div className="qsites-page">
      <div className="card-title-row">
        <h1 className="page-title">{t('qhospitals.title')}</h1>
        <Link to="/hospitals">{t('qhospitals.publicLink')}</Link>
        {can('quarantine.manage') && !creating && (
          <button className="btn btn-primary" onClick={() => setCreating(true)}>
            {t('qhospitals.create')}
          </button>
        )}
      </div>
      {creating && (
        <CreateHospital
          onDone={() => {
            setCreating(false);
            setTick((n) => n + 1);
          }}
        />
      )}
      <RouteFinder key={tick} />
      <ErrorBox error={list.error ?? error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="empty">{t('qhospitals.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="card">
          <div className="table-scroll">
            <table className="table" data-testid="qhospital-list">
              <thead>
                <tr>
                  <th>{t('qsites.name')}</th>
                  <th>{t('qhospitals.designations')}</th>
                  <th className="num">{t('qhospitals.beds')}</th>
                  <th className="num">{t('qhospitals.bedsFree')}</th>
                  <th>{t('qsites.status')}</th>
                  {can('quarantine.manage') && <th />}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((h) => (
                  <tr key={h.id} data-testid="qhospital-row">
                    <td>
                      <strong>{h.name}</strong>
                      <div className="small muted">
                        {h.areaName} · {h.address} · {h.phone}
                      </div>
                    </td>
                    <td>
                      <Tags designations={h.designations} colours={h.acceptsColours} />
                    </td>
                    <td className="num">{formatNumber(h.beds)}</td>
                    <td className="num">{formatNumber(h.bedsFree)}</td>
                    <td>{h.active ? t('qhospitals.active') : t('qhospitals.inactive')}</td>
                    {can('quarantine.manage') && (
                      <td>
                        <button className="btn btn-small" onClick={() => void toggle(h)}>
                          {h.active ? t('qhospitals.pause') : t('qhospitals.resume')}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}

/** The public page: designated hospitals by need, with their district, address and phone. */
export function HospitalsPublicPage() {
  const { t } = useTranslation();
  const [need, setNeed] = useState<CareNeed | ''>('');
  const list = useLoad(() => sitesApi.publicHospitals(need || undefined), [need]);
  return (
    <div className="live-page">
      <header className="door-top">
        <span className="brand-mark" aria-hidden="true">
          ＋
        </span>
        <span className="door-title">{t('qhospitals.publicTitle')}</span>
        <LangSwitch className="on-dark" />
      </header>
      <main className="live-main">
        <p className="muted">{t('qhospitals.publicLead')}</p>
        <NeedPicker need={need} onChange={setNeed} testId="qhospital-public-need" />
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.items.length === 0 && <p className="empty">{t('qhospitals.none')}</p>}
        <ul className="qs-public" data-testid="qhospital-public-list">
          {list.data?.items.map((h) => (
            <li key={h.id} className="card" data-testid="qhospital-public-row">
              <h2 className="card-title">{h.name}</h2>
              <p className="small muted">
                {h.district} · {h.address}
              </p>
              <p>
                <span className="muted">{t('qhospitals.phone')}</span> <a href={`tel:${h.phone}`}>{h.phone}</a>
              </p>
              <Tags designations={h.designations} colours={h.acceptsColours} />
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}
