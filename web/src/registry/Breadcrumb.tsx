// Where a record sits in the area tree: each ancestor links to it in the registry.
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Area } from '../shared/types.ts';

export interface Crumb {
  label: string;
  to?: string;
}

export function Breadcrumb({ ancestors, tail = [] }: { ancestors: readonly Area[]; tail?: readonly Crumb[] }) {
  const { t } = useTranslation();
  const crumbs: Crumb[] = [...ancestors.map((a) => ({ label: a.name, to: `/registry/${a.id}` })), ...tail];
  return (
    <nav className="breadcrumb" aria-label={t('common.breadcrumb')} data-testid="breadcrumb">
      <ol>
        {crumbs.map((c, i) => (
          <li key={`${i}-${c.label}`}>
            {c.to && i < crumbs.length - 1 ? (
              <Link to={c.to}>{c.label}</Link>
            ) : (
              <span aria-current={i === crumbs.length - 1 ? 'page' : undefined}>{c.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
