// The frame of every signed-in page: a command-centre header (product, user, language, sign out) and a
// side navigation grouped by module, each group folding open and shut (remembered on this device). On
// phones the navigation is a drawer behind a menu button, with the user's name, the language and sign-out
// at its top; it closes on navigation, on Escape and on a tap beside it.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth, useMe } from './auth.tsx';
import { LangSwitch } from './LangSwitch.tsx';
import { isCurrent, navGroupsFor, type NavGroup } from './nav.ts';

/** Below this width the side navigation becomes a drawer (the same breakpoint as the phone styles). */
const PHONE_QUERY = '(max-width: 860px)';
const CLOSED_GROUPS_KEY = 'cordon.nav.closedGroups';

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

function readClosedGroups(): string[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(CLOSED_GROUPS_KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

function writeClosedGroups(keys: readonly string[]): void {
  try {
    localStorage.setItem(CLOSED_GROUPS_KEY, JSON.stringify(keys));
  } catch {
    // Private mode or a full store: the groups simply open again next time.
  }
}

export function Layout() {
  const { t } = useTranslation();
  const location = useLocation();
  const { permissions } = useAuth();
  const me = useMe();
  const phone = useMediaQuery(PHONE_QUERY);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const drawer = useRef<HTMLElement>(null);
  const groups = navGroupsFor(permissions, me.role);
  const drawerOpen = phone && menuOpen;

  const closeMenu = useCallback((refocus: boolean) => {
    setMenuOpen(false);
    if (refocus) menuButton.current?.focus();
  }, []);

  useEffect(() => setMenuOpen(false), [location.pathname, phone]);

  useEffect(() => {
    if (!drawerOpen) return;
    drawer.current?.focus();
    document.body.classList.add('nav-drawer-open');
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeMenu(true);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.body.classList.remove('nav-drawer-open');
      document.removeEventListener('keydown', onKey);
    };
  }, [drawerOpen, closeMenu]);

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/" className="brand" aria-label={t('app.name')}>
            <span className="brand-mark" aria-hidden="true">
              ＋
            </span>
            <span className="brand-text">
              <span className="brand-name">Cordon</span>
              <span className="brand-sub">{t('app.subtitle')}</span>
            </span>
          </NavLink>
          <button
            ref={menuButton}
            type="button"
            className="menu-button"
            data-testid="nav-menu"
            aria-expanded={drawerOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            <span className="menu-icon" aria-hidden="true" />
            <span>{t('nav.menu')}</span>
          </button>
          {!phone && <UserTools className="topbar-tools" />}
        </div>
      </header>
      <div className="shell">
        {drawerOpen && (
          <div className="nav-backdrop" data-testid="nav-backdrop" aria-hidden="true" onClick={() => closeMenu(true)} />
        )}
        <nav
          id="main-nav"
          ref={drawer}
          tabIndex={-1}
          className={`sidenav ${drawerOpen ? 'open' : ''}`}
          aria-label={t('nav.label')}
          data-testid="main-nav"
        >
          {phone && (
            <div className="sidenav-head">
              <UserTools className="drawer-tools" />
              <button
                type="button"
                className="btn btn-on-dark nav-close"
                data-testid="nav-close"
                onClick={() => closeMenu(true)}
              >
                {t('nav.close')}
              </button>
            </div>
          )}
          <NavGroups groups={groups} pathname={location.pathname} onNavigate={() => setMenuOpen(false)} />
        </nav>
        <div className="main-column">
          <main className="content" id="content">
            <Outlet />
          </main>
          <footer className="footer">{t('app.footer')}</footer>
        </div>
      </div>
    </div>
  );
}

/** Who is signed in, the language switch and sign-out: in the header, or at the top of the phone drawer. */
function UserTools({ className }: { className: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const signOut = async () => {
    await logout().catch(() => undefined);
    navigate('/login', { replace: true });
  };
  return (
    <div className={className}>
      <div className="user-chip" data-testid="user-chip">
        <span className="user-name" data-testid="user-name">
          {me.displayName}
        </span>
        <span className="user-meta">
          <span className="role-badge" data-testid="user-role">
            {t(`role.${me.role}`, { defaultValue: me.role })}
          </span>
          <span className="user-area" data-testid="user-area">
            {me.areaName}
          </span>
        </span>
      </div>
      <LangSwitch className="on-dark" />
      <button type="button" className="btn btn-on-dark" data-testid="logout" onClick={() => void signOut()}>
        {t('nav.logout')}
      </button>
    </div>
  );
}

function NavGroups({ groups, pathname, onNavigate }: { groups: NavGroup[]; pathname: string; onNavigate: () => void }) {
  const { t } = useTranslation();
  const [closed, setClosed] = useState<string[]>(readClosedGroups);
  const currentGroup = groups.find((g) => g.items.some((item) => isCurrent(item, pathname)))?.key;

  // Arriving at a page of a folded group (from a link on a page) opens that group.
  useEffect(() => {
    if (currentGroup === undefined) return;
    setClosed((keys) => {
      if (!keys.includes(currentGroup)) return keys;
      const next = keys.filter((k) => k !== currentGroup);
      writeClosedGroups(next);
      return next;
    });
  }, [currentGroup]);

  const toggle = (key: string) => {
    setClosed((keys) => {
      const next = keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key];
      writeClosedGroups(next);
      return next;
    });
  };

  return (
    <ul className="nav-groups">
      {groups.map((group) => {
        const open = !closed.includes(group.key);
        const listId = `nav-group-${group.key}-items`;
        return (
          <li
            key={group.key}
            className={`nav-group ${group.key === currentGroup ? 'current' : ''}`}
            data-testid={`nav-group-${group.key}`}
          >
            <button
              type="button"
              className="nav-group-toggle"
              data-testid={`nav-group-toggle-${group.key}`}
              aria-expanded={open}
              aria-controls={listId}
              onClick={() => toggle(group.key)}
            >
              <span className="nav-group-label">{t(`navGroup.${group.key}`)}</span>
              <span className="nav-chevron" aria-hidden="true" />
            </button>
            <ul id={listId} className="nav-items" hidden={!open}>
              {group.items.map((item) => {
                const current = isCurrent(item, pathname);
                return (
                  <li key={item.key}>
                    <Link
                      to={item.to}
                      data-testid={`nav-${item.key}`}
                      className={current ? 'active' : undefined}
                      aria-current={current ? 'page' : undefined}
                      onClick={onNavigate}
                    >
                      {t(`nav.${item.key}`)}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </li>
        );
      })}
    </ul>
  );
}
