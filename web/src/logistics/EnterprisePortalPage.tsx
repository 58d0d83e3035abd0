// An enterprise's portal (企业端): its vehicles, drivers and passes, and the forms to register a
// vehicle or a driver and to apply for a pass. An enterprise account sees its own enterprise only; a
// command or department account picks one of the enterprises of its area.
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { logisticsApi, named, type LicenceClass, type VehicleType } from './logisticsApi.ts';
import { PassStateBadge } from './PassPage.tsx';
import './logistics.css';

const VEHICLE_TYPES: VehicleType[] = ['truck', 'van', 'refrigerated', 'tanker', 'tractor_trailer', 'light_truck'];
const LICENCES: LicenceClass[] = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];

/** A form that submits once, shows the server's coded error, and calls `done` after success. */
function useSubmit(action: () => Promise<unknown>, done: () => void) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
      done();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="lg-field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function EnterprisePortalPage() {
  const { t, i18n } = useTranslation();
  const rules = useLoad(() => logisticsApi.rules(), []);
  const list = useLoad(() => logisticsApi.enterprises(), []);
  const [picked, setPicked] = useState('');
  const enterpriseId = rules.data?.enterpriseId ?? (picked || list.data?.items[0]?.id || '');
  const [tick, setTick] = useState(0);
  const reload = () => setTick((n) => n + 1);
  const vehicles = useLoad(
    () => (enterpriseId ? logisticsApi.vehicles(enterpriseId) : Promise.resolve(null)),
    [enterpriseId, tick],
  );
  const drivers = useLoad(
    () => (enterpriseId ? logisticsApi.drivers(enterpriseId) : Promise.resolve(null)),
    [enterpriseId, tick],
  );
  const passes = useLoad(
    () => (enterpriseId ? logisticsApi.passes({ enterpriseId }) : Promise.resolve(null)),
    [enterpriseId, tick],
  );
  const enterprise = list.data?.items.find((e) => e.id === enterpriseId);

  const [v, setV] = useState({ plate: '', trailerPlate: '', type: 'truck' as VehicleType, loadKg: '' });
  const addVehicle = useSubmit(
    () =>
      logisticsApi.addVehicle(enterpriseId, {
        plate: v.plate,
        ...(v.trailerPlate.trim() ? { trailerPlate: v.trailerPlate } : {}),
        type: v.type,
        loadKg: Number(v.loadKg),
      }),
    () => {
      setV({ plate: '', trailerPlate: '', type: 'truck', loadKg: '' });
      reload();
    },
  );
  const [d, setD] = useState({
    name: '',
    idType: 'resident_id' as const,
    idNumber: '',
    phone: '',
    licenceClass: 'B2' as LicenceClass,
  });
  const addDriver = useSubmit(
    () => logisticsApi.addDriver(enterpriseId, d),
    () => {
      setD({ name: '', idType: 'resident_id', idNumber: '', phone: '', licenceClass: 'B2' });
      reload();
    },
  );
  const [p, setP] = useState({
    vehicleId: '',
    driverIds: [] as string[],
    origin: '',
    destination: '',
    cargoCategory: '',
    cargoNote: '',
    validUntil: '',
  });
  const apply = useSubmit(
    () =>
      logisticsApi.apply({
        vehicleId: p.vehicleId,
        driverIds: p.driverIds,
        origin: p.origin,
        destination: p.destination || enterprise?.county || '',
        cargoCategory: p.cargoCategory,
        ...(p.cargoNote.trim() ? { cargoNote: p.cargoNote } : {}),
        ...(p.validUntil ? { validUntil: p.validUntil } : {}),
      }),
    () => {
      setP({
        vehicleId: '',
        driverIds: [],
        origin: '',
        destination: '',
        cargoCategory: '',
        cargoNote: '',
        validUntil: '',
      });
      reload();
    },
  );

  return (
    <div className="logistics-page" data-testid="logistics-portal">
      <h1 className="page-title">{t('logistics.portal.title')}</h1>
      <ErrorBox error={rules.error ?? list.error} />
      {(rules.loading || list.loading) && !list.data && <Loading />}
      {!rules.data?.enterpriseId && (list.data?.items.length ?? 0) > 0 && (
        <Field label={t('logistics.portal.enterprise')}>
          <select value={enterpriseId} onChange={(e) => setPicked(e.target.value)} data-testid="lg-enterprise-pick">
            {list.data?.items.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {list.data && list.data.items.length === 0 && <p className="empty">{t('logistics.portal.none')}</p>}
      {enterprise && (
        <div className="card" data-testid="lg-enterprise">
          <h2 className="card-title">{enterprise.name}</h2>
          <p className="muted small">
            {t(`logistics.category.${enterprise.category}`)} · {t('logistics.creditCode')} {enterprise.creditCode} ·{' '}
            {enterprise.areaName} · {t('logistics.issuingCounty')} {enterprise.countyName ?? enterprise.county} ·{' '}
            {enterprise.contactName} {enterprise.contactPhone}
          </p>
        </div>
      )}
      {enterpriseId && (
        <>
          <div className="card">
            <h2 className="card-title">{t('logistics.passes.title')}</h2>
            <ErrorBox error={passes.error} />
            {passes.data && passes.data.items.length === 0 && <p className="empty">{t('logistics.passes.empty')}</p>}
            {passes.data && passes.data.items.length > 0 && (
              <table className="table" data-testid="lg-passes">
                <thead>
                  <tr>
                    <th>{t('logistics.pass.number')}</th>
                    <th>{t('logistics.vehicle.plate')}</th>
                    <th>{t('logistics.pass.route')}</th>
                    <th>{t('logistics.pass.cargo')}</th>
                    <th>{t('logistics.pass.validity')}</th>
                    <th>{t('logistics.pass.state')}</th>
                  </tr>
                </thead>
                <tbody>
                  {passes.data.items.map((x) => (
                    <tr key={x.id}>
                      <td>
                        <Link to={`/logistics/passes/${x.id}`}>{x.number ?? t('logistics.pass.noNumber')}</Link>
                      </td>
                      <td>{x.plate}</td>
                      <td>
                        {x.origin.name ?? x.origin.code} → {x.destination.name ?? x.destination.code}
                      </td>
                      <td>{named(rules.data?.cargoCategories, x.cargoCategory, i18n.language)}</td>
                      <td>
                        {x.validFrom} ~ {x.validUntil}
                      </td>
                      <td>
                        <PassStateBadge state={x.state} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3 className="lg-subtitle">{t('logistics.apply.title')}</h3>
            <p className="muted small">
              {t('logistics.apply.help', {
                days: rules.data?.validity.defaultDays ?? '',
                max: rules.data?.validity.maxDays ?? '',
              })}
            </p>
            <form className="lg-form" onSubmit={(e) => void apply.submit(e)} data-testid="lg-apply">
              <Field label={t('logistics.vehicle.plate')}>
                <select
                  value={p.vehicleId}
                  onChange={(e) => setP({ ...p, vehicleId: e.target.value })}
                  required
                  data-testid="lg-apply-vehicle"
                >
                  <option value="">—</option>
                  {vehicles.data?.items.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.plate}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('logistics.driver.title')}>
                <select
                  multiple
                  value={p.driverIds}
                  onChange={(e) => setP({ ...p, driverIds: [...e.target.selectedOptions].map((o) => o.value) })}
                  data-testid="lg-apply-drivers"
                >
                  {drivers.data?.items.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name} {x.phone}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('logistics.pass.origin')}>
                <input
                  value={p.origin}
                  onChange={(e) => setP({ ...p, origin: e.target.value })}
                  placeholder="130102"
                  required
                  data-testid="lg-apply-origin"
                />
              </Field>
              <Field label={t('logistics.pass.destination')}>
                <input
                  value={p.destination}
                  onChange={(e) => setP({ ...p, destination: e.target.value })}
                  placeholder={enterprise?.county ?? ''}
                  data-testid="lg-apply-destination"
                />
              </Field>
              <Field label={t('logistics.pass.cargo')}>
                <select
                  value={p.cargoCategory}
                  onChange={(e) => setP({ ...p, cargoCategory: e.target.value })}
                  required
                  data-testid="lg-apply-cargo"
                >
                  <option value="">—</option>
                  {rules.data?.cargoCategories.map((c) => (
                    <option key={c.code} value={c.code}>
                      {named(rules.data?.cargoCategories, c.code, i18n.language)}（
                      {named(rules.data?.departments, c.department, i18n.language)}）
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('logistics.pass.cargoNote')}>
                <input
                  value={p.cargoNote}
                  onChange={(e) => setP({ ...p, cargoNote: e.target.value })}
                  data-testid="lg-apply-note"
                />
              </Field>
              <Field label={t('logistics.pass.validUntil')}>
                <input
                  type="date"
                  value={p.validUntil}
                  onChange={(e) => setP({ ...p, validUntil: e.target.value })}
                  data-testid="lg-apply-until"
                />
              </Field>
              <button type="submit" className="btn btn-primary" disabled={apply.busy} data-testid="lg-apply-submit">
                {t('logistics.apply.submit')}
              </button>
            </form>
            <ErrorBox error={apply.error} />
          </div>

          <div className="card">
            <h2 className="card-title">{t('logistics.vehicle.title')}</h2>
            <ErrorBox error={vehicles.error} />
            <ul className="lg-list" data-testid="lg-vehicles">
              {vehicles.data?.items.map((x) => (
                <li key={x.id}>
                  <strong>{x.plate}</strong>
                  {x.trailerPlate ? ` + ${x.trailerPlate}` : ''} · {t(`logistics.vehicleType.${x.type}`)} ·{' '}
                  {t('logistics.vehicle.loadT', { t: (x.loadKg / 1000).toFixed(1) })}
                  {x.plateKind === 'new_energy' ? ` · ${t('logistics.vehicle.newEnergy')}` : ''}
                </li>
              ))}
            </ul>
            <form className="lg-form" onSubmit={(e) => void addVehicle.submit(e)} data-testid="lg-add-vehicle">
              <Field label={t('logistics.vehicle.plate')}>
                <input
                  value={v.plate}
                  onChange={(e) => setV({ ...v, plate: e.target.value })}
                  placeholder="吉D12345"
                  required
                  data-testid="lg-vehicle-plate"
                />
              </Field>
              <Field label={t('logistics.vehicle.type')}>
                <select
                  value={v.type}
                  onChange={(e) => setV({ ...v, type: e.target.value as VehicleType })}
                  data-testid="lg-vehicle-type"
                >
                  {VEHICLE_TYPES.map((x) => (
                    <option key={x} value={x}>
                      {t(`logistics.vehicleType.${x}`)}
                    </option>
                  ))}
                </select>
              </Field>
              {v.type === 'tractor_trailer' && (
                <Field label={t('logistics.vehicle.trailerPlate')}>
                  <input
                    value={v.trailerPlate}
                    onChange={(e) => setV({ ...v, trailerPlate: e.target.value })}
                    placeholder="吉D1234挂"
                    data-testid="lg-vehicle-trailer"
                  />
                </Field>
              )}
              <Field label={t('logistics.vehicle.loadKg')}>
                <input
                  type="number"
                  min={1}
                  value={v.loadKg}
                  onChange={(e) => setV({ ...v, loadKg: e.target.value })}
                  required
                  data-testid="lg-vehicle-load"
                />
              </Field>
              <button type="submit" className="btn" disabled={addVehicle.busy} data-testid="lg-vehicle-submit">
                {t('logistics.vehicle.add')}
              </button>
            </form>
            <ErrorBox error={addVehicle.error} />
          </div>

          <div className="card">
            <h2 className="card-title">{t('logistics.driver.title')}</h2>
            <ErrorBox error={drivers.error} />
            <ul className="lg-list" data-testid="lg-drivers">
              {drivers.data?.items.map((x) => (
                <li key={x.id}>
                  <strong>{x.name}</strong> · {x.idNumber} · {x.phone} · {x.licenceClass}
                  {x.resident ? ` · ${t('logistics.driver.resident')}` : ''}
                </li>
              ))}
            </ul>
            <form className="lg-form" onSubmit={(e) => void addDriver.submit(e)} data-testid="lg-add-driver">
              <Field label={t('logistics.driver.name')}>
                <input value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required />
              </Field>
              <Field label={t('logistics.driver.idNumber')}>
                <input value={d.idNumber} onChange={(e) => setD({ ...d, idNumber: e.target.value })} required />
              </Field>
              <Field label={t('logistics.driver.phone')}>
                <input value={d.phone} onChange={(e) => setD({ ...d, phone: e.target.value })} required />
              </Field>
              <Field label={t('logistics.driver.licence')}>
                <select
                  value={d.licenceClass}
                  onChange={(e) => setD({ ...d, licenceClass: e.target.value as LicenceClass })}
                >
                  {LICENCES.map((x) => (
                    <option key={x} value={x}>
                      {x}
                    </option>
                  ))}
                </select>
              </Field>
              <button type="submit" className="btn" disabled={addDriver.busy}>
                {t('logistics.driver.add')}
              </button>
            </form>
            <ErrorBox error={addDriver.error} />
          </div>
        </>
      )}
    </div>
  );
}
