// 宽松 / 适中 / 拥挤 / 已满: a venue's crowd level as a coloured badge.
import { useTranslation } from 'react-i18next';
import type { CrowdLevel } from './types.ts';

export function CrowdBadge({ level }: { level: CrowdLevel }) {
  const { t } = useTranslation();
  return (
    <span className={`crowd crowd-${level}`} data-level={level}>
      {t(`crowd.${level}`)}
    </span>
  );
}

/** count / capacity as a small filled bar in the level's colour. */
export function CrowdBar({ count, capacity, level }: { count: number; capacity: number; level: CrowdLevel }) {
  const pct = capacity > 0 ? Math.min(100, Math.round((count / capacity) * 100)) : 100;
  return (
    <span className="crowd-bar" aria-hidden="true">
      <span className={`crowd-fill crowd-fill-${level}`} style={{ width: `${pct}%` }} />
    </span>
  );
}
