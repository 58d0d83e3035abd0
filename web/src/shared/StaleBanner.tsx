// 数据可能已过时: shown above live figures while their stream cannot be trusted (web/src/shared/liveStream.ts),
// with the time of the last update; the page polls meanwhile.
import { useTranslation } from 'react-i18next';
import { formatDateTime } from './format.ts';
import { STALE_POLL_MS } from './liveStream.ts';

export function StaleBanner({ stale, updatedAt }: { stale: boolean; updatedAt: number | null }) {
  const { t } = useTranslation();
  if (!stale) return null;
  return (
    <div className="alert alert-warn live-stale" role="status" data-testid="live-stale">
      <div className="alert-title">{t('liveStream.staleTitle')}</div>
      <div className="small">
        {t('liveStream.staleBody', { seconds: STALE_POLL_MS / 1000 })}{' '}
        {updatedAt === null
          ? t('liveStream.neverUpdated')
          : t('liveStream.lastUpdate', { time: formatDateTime(updatedAt) })}
      </div>
    </div>
  );
}
