// The frame of every signed-in page: a command-centre header (product, user, language, sign out)
// and the navigation this user may use; on phones the navigation folds behind a menu button.
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth, useMe } from './auth.tsx';
import { LangSwitch } from './LangSwitch.tsx';
import { navFor } from './nav.ts';

export function Layout() {
  const { t } = useTranslation();
  const me = useMe();
  const { permissions, logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = navFor(permissions, me.role);

  useEffect(() => setMenuOpen(false), [location.pathname]);

  const signOut = async () => {
    await logout().catch(() => undefined);
    navigate('/login', { replace: true });
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/" className="brand" aria-label={t('app.name')}>
            <span className="brand-mark" aria-hidden="true">＋</span>
            <span className="brand-text">
              <span className="brand-name">Cordon</span>
              <span className="brand-sub">{t('app.subtitle')}</span>
            </span>
          </NavLink>
          <button
            type="button"
            className="menu-button"
            data-testid="nav-menu"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            <span className="menu-icon" aria-hidden="true" />
            <span>{t('nav.menu')}</span>
          </button>
          <div className={`topbar-tools ${menuOpen ? 'open' : ''}`}>
            <div className="user-chip" data-testid="user-chip">
              <span className="user-name" data-testid="user-name">{me.displayName}</span>
              <span className="user-meta">
                <span className="role-badge" data-testid="user-role">{t(`role.${me.role}`, { defaultValue: me.role })}</span>
                <span className="user-area" data-testid="user-area">{me.areaName}</span>
              </span>
            </div>
            <LangSwitch className="on-dark" />
            <button type="button" className="btn btn-on-dark" data-testid="logout" onClick={() => void signOut()}>
              {t('nav.logout')}
            </button>
          </div>
        </div>
        <nav id="main-nav" className={`mainnav ${menuOpen ? 'open' : ''}`} aria-label={t('nav.label')}>
          <div className="mainnav-inner">
            {items.map((item) => (
              <NavLink key={item.key} to={item.to} data-testid={`nav-${item.key}`} className={({ isActive }) => (isActive ? 'active' : '')}>
                {t(`nav.${item.key}`)}
              </NavLink>
            ))}
          </div>
        </nav>
      </header>
      <main className="content" id="content">
        <Outlet />
      </main>
      <footer className="footer">{t('app.footer')}</footer>
    </div>
  );
}
