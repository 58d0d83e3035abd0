// One vehicle pass: its details as the national template prints them, the QR of the signed
// electronic pass (a checkpoint verifies it offline with the published key), and the A4 PDF.
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { saveFile, type ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { QrCode } from '../shared/QrCode.tsx';
import { formatDateTime } from '../shared/format.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { logisticsApi, named, type PassState } from './logisticsApi.ts';
import './logistics.css';

export function PassStateBadge({ state }: { state: PassState }) {
  const { t } = useTranslation();
  return (
    <span className={`lg-badge lg-${state}`} data-testid="lg-pass-state">
      {t(`logistics.state.${state}`)}
    </span>
  );
}

export function PassPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const rules = useLoad(() => logisticsApi.rules(), []);
  const pass = useLoad(() => logisticsApi.pass(id), [id]);
  const issued = pass.data?.status === 'issued';
  const code = useLoad(() => (issued ? logisticsApi.code(id) : Promise.resolve(null)), [id, issued]);
  const [error, setError] = useState<ApiError | null>(null);
  const pdf = async () => {
    setError(null);
    try {
      const file = await logisticsApi.pdf(id);
      saveFile(file.blob, file.filename);
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const p = pass.data;
  return (
    <div className="logistics-page" data-testid="lg-pass-page">
      <h1 className="page-title">{t('logistics.pass.title')}</h1>
      <ErrorBox error={pass.error ?? error} />
      {pass.loading && !p && <Loading />}
      {p && (
        <div className="lg-pass card">
          <div className="lg-pass-head">
            <div>{t('logistics.pass.template')}</div>
            <div className="lg-pass-number" data-testid="lg-pass-number">
              {p.number ?? t('logistics.pass.noNumber')}
            </div>
            <PassStateBadge state={p.state} />
          </div>
          <dl className="lg-pass-rows">
            <dt>{t('logistics.vehicle.plate')}</dt>
            <dd>
              {p.plate}
              {p.trailerPlate ? ` + ${p.trailerPlate}` : ''}
            </dd>
            <dt>{t('logistics.portal.enterprise')}</dt>
            <dd>{p.enterpriseName}</dd>
            <dt>{t('logistics.driver.title')}</dt>
            <dd>{p.drivers.map((d) => `${d.name} ${d.phone}`).join('；') || '—'}</dd>
            <dt>{t('logistics.pass.origin')}</dt>
            <dd>
              {p.origin.name ?? ''}（{p.origin.code}）
            </dd>
            <dt>{t('logistics.pass.destination')}</dt>
            <dd>
              {p.destination.name ?? ''}（{p.destination.code}）
            </dd>
            <dt>{t('logistics.pass.cargo')}</dt>
            <dd>
              {named(rules.data?.cargoCategories, p.cargoCategory, i18n.language)}
              {p.cargoNote ? `：${p.cargoNote}` : ''}
            </dd>
            <dt>{t('logistics.pass.validity')}</dt>
            <dd>
              {p.validFrom} ~ {p.validUntil}
            </dd>
            <dt>{t('logistics.pass.issuer')}</dt>
            <dd>
              {p.county.name ?? p.county.code} {named(rules.data?.departments, p.department, i18n.language)}
            </dd>
            {p.decidedAt !== null && (
              <>
                <dt>{t('logistics.pass.decided')}</dt>
                <dd>
                  {formatDateTime(p.decidedAt)} {p.decisionNote ?? ''}
                </dd>
              </>
            )}
            {p.revokedAt !== null && (
              <>
                <dt>{t('logistics.pass.revoked')}</dt>
                <dd>
                  {formatDateTime(p.revokedAt)} {p.revokeReason ?? ''}
                </dd>
              </>
            )}
          </dl>
          {code.data && (
            <div className="lg-pass-qr" data-testid="lg-pass-qr">
              <QrCode text={code.data.token} size={220} label={t('logistics.pass.qr')} />
              <p className="muted small">{t('logistics.pass.qrHelp')}</p>
              <button type="button" className="btn btn-primary" onClick={() => void pdf()} data-testid="lg-pass-pdf">
                {t('logistics.pass.pdf')}
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
