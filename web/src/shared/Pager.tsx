// Previous / next over a paged list, with "1–50 of 312".
import { useTranslation } from 'react-i18next';

export function Pager({
  total,
  limit,
  offset,
  onChange,
}: {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
}) {
  const { t } = useTranslation();
  if (total <= limit && offset === 0)
    return total > 0 ? (
      <div className="pager">
        <span className="pager-info">{t('pager.all', { total })}</span>
      </div>
    ) : null;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <div className="pager" data-testid="pager">
      <button
        type="button"
        className="btn btn-ghost"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      >
        {t('pager.prev')}
      </button>
      <span className="pager-info">{t('pager.range', { from, to, total })}</span>
      <button
        type="button"
        className="btn btn-ghost"
        disabled={offset + limit >= total}
        onClick={() => onChange(offset + limit)}
      >
        {t('pager.next')}
      </button>
    </div>
  );
}
