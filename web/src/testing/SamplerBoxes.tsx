// 装箱转运 Boxes at the sampling table: closed tubes go into a box, the box is handed to transport;
// each step is time-stamped on the server (chain of custody). The lab receives it (LabPage).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { testingApi, type Box } from './testingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { FaultTable } from '../shared/FaultTable.tsx';
import { formatDateTime } from '../shared/format.ts';

export function SamplerBoxes({ roundId, recent }: { roundId: string; recent: string[] }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [tick, setTick] = useState(0);
  const boxes = useLoad(() => testingApi.boxes({ roundId, limit: 50, offset: 0 }), [roundId, tick]);
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return;
    setError(null);
    try {
      await testingApi.createBox(roundId, code.trim().toUpperCase());
      setCode('');
      setTick((n) => n + 1);
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <div className="card" data-testid="sampler-boxes">
      <h2 className="card-title">{t('testing.boxes.title')}</h2>
      <form className="task-form" onSubmit={(e) => void create(e)}>
        <input
          className="mono"
          data-testid="box-code"
          placeholder={t('testing.boxes.code')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          maxLength={40}
        />
        <button type="submit" className="btn btn-primary" data-testid="box-create" disabled={!code.trim()}>
          {t('testing.boxes.create')}
        </button>
      </form>
      <ErrorBox error={error} />
      {boxes.error && <ErrorBox error={boxes.error} />}
      <ul className="task-list">
        {(boxes.data?.items ?? []).map((box) => (
          <BoxRow
            key={box.id}
            box={box}
            recent={recent}
            canHand={can('testing.custody')}
            onChange={() => setTick((n) => n + 1)}
          />
        ))}
      </ul>
    </div>
  );
}

function BoxRow({
  box,
  recent,
  canHand,
  onChange,
}: {
  box: Box;
  recent: string[];
  canHand: boolean;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const [barcodes, setBarcodes] = useState('');
  const [carrier, setCarrier] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      onChange();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const list = barcodes
    .split(/[\s,;,;]+/)
    .map((b) => b.trim().toUpperCase())
    .filter(Boolean);

  return (
    <li className="task" data-testid="box-row" data-status={box.status}>
      <div className="task-who">
        <span className="mono strong">{box.code}</span>
        <span className="badge badge-off">{t(`testing.boxes.status.${box.status}`)}</span>
        <span className="muted small">{t('testing.boxes.tubes', { count: box.tubes })}</span>
      </div>
      <div className="muted small">
        {formatDateTime(box.createdAt)} · {box.createdBy}
        {box.handedAt && (
          <> · {t('testing.boxes.handed', { carrier: box.carrier ?? '', at: formatDateTime(box.handedAt) })}</>
        )}
        {box.receivedAt && (
          <> · {t('testing.boxes.received', { lab: box.lab ?? '', at: formatDateTime(box.receivedAt) })}</>
        )}
      </div>
      {box.status === 'packing' && (
        <>
          <div className="task-form">
            <textarea
              data-testid="box-barcodes"
              rows={2}
              className="mono"
              placeholder={t('testing.boxes.barcodes')}
              value={barcodes}
              onChange={(e) => setBarcodes(e.target.value)}
            />
            <button
              type="button"
              className="btn"
              data-testid="box-add"
              disabled={list.length === 0}
              onClick={() =>
                void run(async () => {
                  await testingApi.boxTubes(box.id, list);
                  setBarcodes('');
                })
              }
            >
              {t('testing.boxes.add')}
            </button>
          </div>
          {recent.length > 0 && (
            <button type="button" className="link-button small" onClick={() => setBarcodes(recent.join('\n'))}>
              {t('testing.boxes.useRecent', { count: recent.length })}
            </button>
          )}
          {canHand && (
            <div className="task-form">
              <input
                data-testid="box-carrier"
                placeholder={t('testing.boxes.carrier')}
                value={carrier}
                onChange={(e) => setCarrier(e.target.value)}
                maxLength={80}
              />
              <button
                type="button"
                className="btn"
                data-testid="box-handover"
                disabled={!carrier.trim() || box.tubes === 0}
                onClick={() => void run(() => testingApi.handOver(box.id, carrier.trim()))}
              >
                {t('testing.boxes.handover')}
              </button>
            </div>
          )}
        </>
      )}
      <ErrorBox error={error} />
      {error && error.errors.length > 0 && <FaultTable faults={error.errors} />}
    </li>
  );
}
