import type { Role, Side } from '@parley/protocol';
import { type CSSProperties, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import { locale, translatedRecord } from '../i18n/intl';

const ROLES = ['chair', 'secretariat', 'member', 'observer'] as const satisfies readonly Role[];

export const ROLE_LABELS = translatedRecord(ROLES, (r) => `common.role_${r}` as const);
export const ROLE_PLURAL = translatedRecord(ROLES, (r) => `common.roles_${r}` as const);
export const ROLE_OPTIONS: { value: Role; label: string }[] = ROLES.map((r) => ({
  value: r,
  get label() {
    return ROLE_LABELS[r];
  },
}));

export function PageHeader({
  title,
  eyebrow,
  children,
  actions,
}: {
  title: string;
  eyebrow?: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        {eyebrow ? <p className="page-header__eyebrow">{eyebrow}</p> : null}
        <h1>{title}</h1>
        {children ? <div className="page-header__lede">{children}</div> : null}
      </div>
      {actions ? <div className="page-header__actions">{actions}</div> : null}
    </header>
  );
}

export function Panel({
  title,
  description,
  children,
  actions,
  id,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  id?: string;
}) {
  // Not derived from the title: in Hebrew or Arabic it has no Latin letters, and every panel would share one id.
  const generated = useId();
  const headingId = `${id ?? generated}-heading`;
  return (
    <section className="panel" aria-labelledby={headingId} id={id}>
      <div className="panel__head">
        <div>
          <h2 id={headingId}>{title}</h2>
          {description ? <p className="panel__desc">{description}</p> : null}
        </div>
        {actions ? <div className="panel__actions">{actions}</div> : null}
      </div>
      <div className="panel__body">{children}</div>
    </section>
  );
}

/** The side's short code on its colour; the colour is decoration, the code carries the meaning. */
export function SideCode({ side, large }: { side: Pick<Side, 'shortCode' | 'colour' | 'name'>; large?: boolean }) {
  return (
    <span
      className={`side-code${large ? ' side-code--large' : ''}`}
      style={{ '--side': side.colour } as CSSProperties}
      title={side.name}
    >
      {side.shortCode}
    </span>
  );
}

export function SideOnlyBadge() {
  const t = useT();
  return (
    <span className="badge badge--side-only" title={t('common.sideOnlyTitle')}>
      {t('common.sideOnly')}
    </span>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ReactNode; tone?: 'neutral' | 'accent' | 'ok' }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <p className="loading" role="status">
      {label ?? t('common.loading')}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty__title">{title}</p>
      {children ? <div className="empty__body">{children}</div> : null}
    </div>
  );
}

/** A secret shown once: read-only, selectable, with a copy button that reports what it did. */
export function CopyField({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  const ref = useRef<HTMLInputElement>(null);
  const id = useId();
  const t = useT();
  useEffect(() => {
    if (copied === 'idle') return;
    const t = setTimeout(() => setCopied('idle'), 2500);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('done');
    } catch {
      ref.current?.select();
      setCopied('failed');
    }
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field__row">
        <input id={id} ref={ref} readOnly value={value} onFocus={(e) => e.currentTarget.select()} className="mono" />
        <button type="button" className="btn btn--secondary" onClick={copy}>
          {t('common.copy')}
        </button>
      </div>
      <p className="field__hint" aria-live="polite">
        {copied === 'done' ? t('common.copied') : copied === 'failed' ? t('common.copyFailed') : hint}
      </p>
    </div>
  );
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
