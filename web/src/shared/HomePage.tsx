// "/": the first page this role may use; for the command centre, the area's figures (today's cases,
// contacts to review, colours, testing rounds, open pools), the most crowded venues and the pages it
// may open; a notice for roles with nothing here yet.
import { Link, Navigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth, useMe } from './auth.tsx';
import { navFor } from './nav.ts';
import { CrowdedWidget } from '../venues/CrowdedWidget.tsx';
import { CommandSummaryCards } from '../command/CommandSummaryCards.tsx';

export function HomePage() {
  const { t } = useTranslation();
  const { permissions, can } = useAuth();
  const me = useMe();
  const items = navFor(permissions, me.role);
  if (can('command.view')) {
    return (
      <div className="home-page" data-testid="command-home">
        <h1 className="page-title">{t('home.welcome', { name: me.displayName })}</h1>
        <CommandSummaryCards />
        <CrowdedWidget areaId={me.areaId} canOpen={can('venue.manage')} />
        {items.length > 0 && (
          <nav className="card home-links" aria-label={t('nav.label')}>
            {items.map((item) => (
              <Link key={item.key} to={item.to} className="btn">
                {t(`nav.${item.key}`)}
              </Link>
            ))}
          </nav>
        )}
      </div>
    );
  }
  const first = items[0];
  if (first) return <Navigate to={first.to} replace />;
  return (
    <div className="card notice" data-testid="no-pages">
      <h1>{t('home.welcome', { name: me.displayName })}</h1>
      <p>{t('home.nothing', { role: t(`role.${me.role}`, { defaultValue: me.role }) })}</p>
    </div>
  );
}
