import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useT } from '../../i18n/I18nProvider';

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes it and focus returns to the opener.
 */
export function Modal({
  title,
  description,
  open,
  onClose,
  children,
  wide,
}: {
  title: string;
  description?: ReactNode;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`modal${wide ? ' modal--wide' : ''}`}
      aria-labelledby={headingId}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open ? (
        <div className="modal__inner">
          <header className="modal__head">
            <div>
              <h2 id={headingId}>{title}</h2>
              {description ? <p className="modal__desc">{description}</p> : null}
            </div>
            <button type="button" className="modal__close" onClick={onClose} aria-label={t('common.close')}>
              ×
            </button>
          </header>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
