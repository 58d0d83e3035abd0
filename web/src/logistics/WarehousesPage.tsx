// The warehouse pages (仓储): the warehouses in the user's area with their stock, and one warehouse —
// its stock per item, the form that records a movement (in, out, transfer, distribution to a community
// per household) and its movements, newest first, a page at a time.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { useAuth } from '../shared/auth.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { Label } from '../shared/Label.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import {
  nameOf,
  reservesApi,
  type MovementInput,
  type MovementKind,
  type ReserveCatalogue,
  type Warehouse,
} from './reservesApi.ts';
import './logistics.css';

const KINDS: MovementKind[] = ['in', 'out', 'transfer', 'distribution'];
const PAGE = 20;

function StockTable({ warehouse, catalogue }: { warehouse: Warehouse; catalogue?: ReserveCatalogue }) {
  const { t, i18n } = useTranslation();
  if (!warehouse.stock.length) return <p className="empty">{t('lstock.noStock')}</p>;
  return (
    <table className="table" data-testid="ls-stock">
      <thead>
        <tr>
          <th>{t('lstock.item')}</th>
          <th>{t('lstock.onHand')}</th>
          <th>{t('lstock.updated')}</th>
        </tr>
      </thead>
      <tbody>
        {warehouse.stock.map((l) => (
          <tr key={l.item} data-testid={`ls-stock-${l.item}`}>
            <td>{nameOf(catalogue?.items, l.item, i18n.language)}</td>
            <td>
              {formatNumber(l.quantity)} {nameOf(catalogue?.units, l.unit, i18n.language)}
            </td>
            <td>{formatDateTime(l.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WarehousesPage() {
  const { t } = useTranslation();
  const catalogue = useLoad(() => reservesApi.catalogue(), []);
  const list = useLoad(() => reservesApi.warehouses(), []);
  return (
    <div className="logistics-page" data-testid="ls-warehouses">
      <h1 className="page-title">{t('lstock.warehousesTitle')}</h1>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="empty">{t('lstock.noWarehouses')}</p>}
      {list.data?.items.map((w) => (
        <div key={w.id} className="card" data-testid="ls-warehouse">
          <h2>
            <Link to={`/logistics/warehouses/${w.id}`}>{w.name}</Link>
          </h2>
          <p className="muted small">
            {w.areaName} · <Label text={t('lstock.owner')} />
            {w.ownerUnit}
          </p>
          <StockTable warehouse={w} catalogue={catalogue.data} />
        </div>
      ))}
    </div>
  );
}

function RecordMovement({
  warehouse,
  others,
  catalogue,
  onDone,
}: {
  warehouse: Warehouse;
  others: Warehouse[];
  catalogue: ReserveCatalogue;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<MovementKind>('in');
  const [item, setItem] = useState(catalogue.items[0]?.code ?? '');
  const units = catalogue.items.find((i) => i.code === item)?.units ?? [];
  const [unit, setUnit] = useState(units[0] ?? '');
  const [quantity, setQuantity] = useState('');
  const [perHousehold, setPerHousehold] = useState('');
  const [to, setTo] = useState('');
  const [community, setCommunity] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const body: MovementInput = {
      kind,
      warehouseId: warehouse.id,
      item,
      unit: units.includes(unit) ? unit : units[0]!,
    };
    if (quantity) body.quantity = Number(quantity);
    if (kind === 'distribution' && perHousehold && !quantity) body.perHousehold = Number(perHousehold);
    if (kind === 'transfer') body.toWarehouseId = to;
    if (kind === 'distribution') body.communityId = community;
    if (reference.trim()) body.reference = reference.trim();
    try {
      const m = await reservesApi.record(body);
      setDone(
        m.households !== null
          ? t('lstock.recordedHouseholds', { quantity: formatNumber(m.unitQuantity), households: m.households })
          : t('lstock.recorded'),
      );
      setQuantity('');
      setPerHousehold('');
      onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card lg-form" onSubmit={(e) => void submit(e)} data-testid="ls-record">
      <h2>{t('lstock.record')}</h2>
      <label>
        {t('lstock.kindLabel')}
        <select value={kind} onChange={(e) => setKind(e.target.value as MovementKind)} data-testid="ls-kind">
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`lstock.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('lstock.item')}
        <select
          value={item}
          onChange={(e) => {
            setItem(e.target.value);
            setUnit(catalogue.items.find((i) => i.code === e.target.value)?.units[0] ?? '');
          }}
          data-testid="ls-item"
        >
          {catalogue.items.map((i) => (
            <option key={i.code} value={i.code}>
              {nameOf(catalogue.items, i.code, i18n.language)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('lstock.unit')}
        <select value={unit} onChange={(e) => setUnit(e.target.value)} data-testid="ls-unit">
          {units.map((u) => (
            <option key={u} value={u}>
              {nameOf(catalogue.units, u, i18n.language)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('lstock.quantity')}
        <input
          type="number"
          min="0"
          step="any"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          data-testid="ls-quantity"
        />
      </label>
      {kind === 'transfer' && (
        <label>
          {t('lstock.toWarehouse')}
          <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="ls-to">
            <option value="">—</option>
            {others.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === 'distribution' && (
        <>
          <div>
            {t('lstock.community')}
            <AreaPicker onChange={(a) => setCommunity(a.id)} testId="ls-community" />
          </div>
          <label>
            {t('lstock.perHousehold')}
            <input
              type="number"
              min="0"
              step="any"
              value={perHousehold}
              onChange={(e) => setPerHousehold(e.target.value)}
              data-testid="ls-per-household"
            />
          </label>
        </>
      )}
      <label>
        {t('lstock.reference')}
        <input value={reference} onChange={(e) => setReference(e.target.value)} data-testid="ls-reference" />
      </label>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="ls-submit">
        {t('lstock.save')}
      </button>
      {done && (
        <p className="ok small" data-testid="ls-done">
          {done}
        </p>
      )}
      <ErrorBox error={error} />
    </form>
  );
}

export function WarehousePage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const [tick, setTick] = useState(0);
  const [offset, setOffset] = useState(0);
  const [kind, setKind] = useState<MovementKind | ''>('');
  const catalogue = useLoad(() => reservesApi.catalogue(), []);
  const warehouse = useLoad(() => reservesApi.warehouse(id), [id, tick]);
  const all = useLoad(() => reservesApi.warehouses(), []);
  const movements = useLoad(
    () => reservesApi.movements(id, { limit: PAGE, offset, ...(kind ? { kind } : {}) }),
    [id, offset, kind, tick],
  );
  const w = warehouse.data;
  return (
    <div className="logistics-page" data-testid="ls-warehouse-page">
      <p>
        <Link to="/logistics/warehouses">{t('lstock.back')}</Link>
      </p>
      <ErrorBox error={warehouse.error} />
      {!w && warehouse.loading && <Loading />}
      {w && (
        <>
          <h1 className="page-title">{w.name}</h1>
          <p className="muted small">
            {w.areaName} · <Label text={t('lstock.owner')} />
            {w.ownerUnit}
          </p>
          <div className="card">
            <StockTable warehouse={w} catalogue={catalogue.data} />
          </div>
          {can('logistics.stock') && catalogue.data && (
            <RecordMovement
              warehouse={w}
              others={(all.data?.items ?? []).filter((x) => x.id !== w.id)}
              catalogue={catalogue.data}
              onDone={() => {
                setOffset(0);
                setTick((n) => n + 1);
              }}
            />
          )}
          <div className="card">
            <h2>{t('lstock.movements')}</h2>
            <select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as MovementKind | '');
                setOffset(0);
              }}
              aria-label={t('lstock.kindLabel')}
              data-testid="ls-filter-kind"
            >
              <option value="">{t('lstock.allKinds')}</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`lstock.kind.${k}`)}
                </option>
              ))}
            </select>
            <ErrorBox error={movements.error} />
            {movements.data && movements.data.items.length === 0 && <p className="empty">{t('lstock.noMovements')}</p>}
            {movements.data && movements.data.items.length > 0 && (
              <div className="table-scroll">
                <table className="table" data-testid="ls-movements">
                  <thead>
                    <tr>
                      <th>{t('lstock.when')}</th>
                      <th>{t('lstock.kindLabel')}</th>
                      <th>{t('lstock.item')}</th>
                      <th>{t('lstock.quantity')}</th>
                      <th>{t('lstock.counterpart')}</th>
                      <th>{t('lstock.reference')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {movements.data.items.map((m) => (
                      <tr key={m.id} data-testid="ls-movement">
                        <td>{formatDateTime(m.occurredAt)}</td>
                        <td>
                          {m.kind === 'transfer' && m.toWarehouseId === id
                            ? t('lstock.transferIn')
                            : t(`lstock.kind.${m.kind}`)}
                        </td>
                        <td>{nameOf(catalogue.data?.items, m.item, i18n.language)}</td>
                        <td>
                          {formatNumber(m.unitQuantity)} {nameOf(catalogue.data?.units, m.unit, i18n.language)}
                        </td>
                        <td>
                          {m.kind === 'transfer'
                            ? m.toWarehouseId === id
                              ? m.warehouseName
                              : m.toWarehouseName
                            : m.kind === 'distribution'
                              ? t('lstock.toCommunity', { community: m.communityName, households: m.households })
                              : ''}
                        </td>
                        <td>{m.reference}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {movements.data && <Pager total={movements.data.total} limit={PAGE} offset={offset} onChange={setOffset} />}
          </div>
        </>
      )}
    </div>
  );
}
