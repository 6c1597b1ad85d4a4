import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useAuth, useUser } from '../auth/session';
import { useT } from '../i18n/I18nProvider';
import { BrandMark } from './BrandMark';

export function AppLayout() {
  const user = useUser();
  const { signOut } = useAuth();
  const location = useLocation();
  const t = useT();
  const main = useRef<HTMLElement>(null);
  const menuButton = useRef<HTMLButtonElement>(null);
  const nav = useRef<HTMLElement>(null);
  // On a phone the navigation folds away behind a Menu button (wider screens always show it; CSS decides).
  const [menuOpen, setMenuOpen] = useState(false);

  // On navigation (not on first load, where the skip link should come first), focus moves to the new page's
  // content so keyboard and screen-reader users start there.
  const firstPath = useRef(location.pathname);
  useEffect(() => {
    if (location.pathname === firstPath.current) return;
    firstPath.current = '';
    setMenuOpen(false);
    main.current?.focus({ preventScroll: true });
  }, [location.pathname]);

  const toggleMenu = () => {
    const opening = !menuOpen;
    setMenuOpen(opening);
    // Opening puts the keyboard on the first link, so the menu is where focus is.
    if (opening) requestAnimationFrame(() => nav.current?.querySelector<HTMLElement>('a')?.focus());
  };
  // Escape closes the open menu from wherever focus is, and gives focus back to the button.
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  return (
    <div className={menuOpen ? 'shell shell--menu-open' : 'shell'}>
      <a className="skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <header className="topbar">
        <div className="topbar__brand">
          <BrandMark />
          <span className="sidenav__product">Parley</span>
        </div>
        <button
          ref={menuButton}
          type="button"
          className="topbar__menu"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={toggleMenu}
        >
          <NavIcon d={menuOpen ? 'M5 5l10 10M15 5L5 15' : 'M3 5h14M3 10h14M3 15h14'} />
          {t('common.menu')}
        </button>
      </header>
      <nav className="sidenav" id="main-nav" aria-label={t('common.mainNav')} ref={nav}>
        <div className="sidenav__brand">
          <BrandMark />
          <span className="sidenav__product">Parley</span>
        </div>
        <p className="sidenav__section">{t('common.workspace')}</p>
        <ul className="sidenav__list">
          <li>
            <NavLink to="/groups" className="sidenav__link">
              <NavIcon d="M3 5h14M3 10h14M3 15h9" />
              {t('common.groups')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/meetings" className="sidenav__link">
              <NavIcon d="M4 4h12v12H4zM4 8h12M8 2v4M12 2v4" />
              {t('common.meetings')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/joint-statements" className="sidenav__link">
              <NavIcon d="M5 3h7l3 3v11H5zM8 9h5M8 12h5" />
              {t('common.statements')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/calls" className="sidenav__link">
              <NavIcon d="M3 6h9v8H3zM12 9l5-3v8l-5-3" />
              {t('common.calls')}
            </NavLink>
          </li>
        </ul>
        <p className="sidenav__section">{t('common.account')}</p>
        <ul className="sidenav__list">
          <li>
            <NavLink to="/account" className="sidenav__link">
              <NavIcon d="M10 2l6 3v5c0 4-3 7-6 8-3-1-6-4-6-8V5z" />
              {t('common.security')}
            </NavLink>
          </li>
          {user.isAdmin ? (
            <li>
              <NavLink to="/admin" className="sidenav__link">
                <NavIcon d="M10 7a3 3 0 110 6 3 3 0 010-6zM10 2v3M10 15v3M2 10h3M15 10h3" />
                {t('common.administration')}
              </NavLink>
            </li>
          ) : null}
        </ul>
        <div className="sidenav__footer">
          <div className="sidenav__user">
            <span className="sidenav__user-name">{user.displayName}</span>
            <span className="sidenav__user-email">{user.email}</span>
          </div>
          <button type="button" className="btn btn--ghost btn--block" onClick={() => void signOut()}>
            {t('common.signOut')}
          </button>
        </div>
      </nav>
      <main id="main" className="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

function NavIcon({ d }: { d: string }) {
  return (
    <svg className="sidenav__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
