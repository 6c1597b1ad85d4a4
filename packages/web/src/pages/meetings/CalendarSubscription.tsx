import { useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, useAction } from '../../components/forms';
import { LineIcon } from '../../components/LineIcon';
import { CopyField } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';

/**
 * The per-user calendar feed. Its address is the secret (calendar apps cannot sign in), so it is shown once,
 * right after it is made; rotating replaces it and revoking turns it off everywhere.
 */
export function CalendarSubscription({ compact }: { compact?: boolean }) {
  const t = useT();
  const [url, setUrl] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const action = useAction();

  const rotate = () =>
    void action.run(async () => {
      const made = await lifecycle.calendar.rotate();
      setUrl(made.url);
      setNote(null);
    });
  const revoke = () =>
    void action.run(async () => {
      await lifecycle.calendar.revoke();
      setUrl(null);
      setNote(t('meetings.subscriptionRevoked'));
    });

  return (
    <section className={`subscribe${compact ? ' subscribe--compact' : ''}`} aria-labelledby="subscribe-heading">
      <div className="subscribe__head">
        <LineIcon
          className="subscribe__icon"
          d="M4 4h12v12H4zM4 8h12M8 2v4M12 2v4M7 11h2M11 11h2M7 13.5h2"
          weight={1.5}
        />
        <div>
          <h2 id="subscribe-heading">{t('meetings.subscribeTitle')}</h2>
          <p className="muted small">{t('meetings.subscribeBody')}</p>
        </div>
      </div>
      <FormAlert message={action.error} />
      <FormAlert message={note} tone="info" />
      {url ? (
        <CopyField label={t('meetings.subscriptionAddress')} value={url} hint={t('meetings.subscriptionHint')} />
      ) : null}
      <div className="subscribe__actions">
        <button type="button" className="btn btn--secondary btn--small" onClick={rotate} disabled={action.busy}>
          {url ? t('meetings.subscriptionRotate') : t('meetings.subscriptionCreate')}
        </button>
        <button type="button" className="btn btn--danger-ghost btn--small" onClick={revoke} disabled={action.busy}>
          {t('meetings.subscriptionRevoke')}
        </button>
      </div>
      <p className="muted small">{t('meetings.subscriptionRotateNote')}</p>
    </section>
  );
}
