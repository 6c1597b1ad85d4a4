import type { Role, Side } from '@parley/protocol';
import { type CSSProperties, type ReactNode, useEffect, useId, useRef, useState } from 'react';

export const ROLE_LABELS: Record<Role, string> = {
  chair: 'Chair',
  secretariat: 'Secretariat',
  member: 'Member',
  observer: 'Observer',
};
export const ROLE_PLURAL: Record<Role, string> = {
  chair: 'Chairs',
  secretariat: 'Secretariat',
  member: 'Members',
  observer: 'Observers',
};
export const ROLE_OPTIONS = (['chair', 'secretariat', 'member', 'observer'] as const).map((r) => ({
  value: r,
  label: ROLE_LABELS[r],
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
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
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
  return (
    <span className="badge badge--side-only" title="Visible to this side only">
      Side-only
    </span>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ReactNode; tone?: 'neutral' | 'accent' | 'ok' }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
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
          Copy
        </button>
      </div>
      <p className="field__hint" aria-live="polite">
        {copied === 'done' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Press Ctrl+C to copy.' : hint}
      </p>
    </div>
  );
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
