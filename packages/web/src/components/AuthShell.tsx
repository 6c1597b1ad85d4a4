import type { ReactNode } from 'react';
import { useT } from '../i18n/I18nProvider';
import { BrandMark } from './BrandMark';
import { LanguageSwitch } from './LanguageSwitch';

/** The frame around pages seen before signing in: a single centred card under the product mark. */
export function AuthShell({ title, lede, children }: { title: string; lede?: ReactNode; children: ReactNode }) {
  const t = useT();
  return (
    <div className="auth">
      <main className="auth__main" id="main">
        <div className="auth__brand">
          <BrandMark size={36} />
          <div>
            <span className="auth__product">Parley</span>
            <span className="auth__tagline">{t('sign-in.tagline')}</span>
          </div>
          <LanguageSwitch />
        </div>
        <div className="auth__card">
          <h1>{title}</h1>
          {lede ? <p className="auth__lede">{lede}</p> : null}
          {children}
        </div>
        <p className="auth__footnote">{t('sign-in.footnote')}</p>
      </main>
    </div>
  );
}
