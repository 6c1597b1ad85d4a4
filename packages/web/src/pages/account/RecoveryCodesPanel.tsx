import { useEffect, useRef, useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { api } from '../../api/endpoints';
import { useUser } from '../../auth/session';
import { FormAlert, useAction } from '../../components/forms';
import { Badge, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { locale } from '../../i18n/intl';

const formatDate = (iso: string) =>
  new Date(iso).toLocaleDateString(locale(), { day: 'numeric', month: 'long', year: 'numeric' });

/**
 * Codes that stand in for a lost phone or security key. They are made as soon as a second factor is enrolled
 * and shown once; the server keeps only their hashes.
 */
export function RecoveryCodesPanel() {
  const user = useUser();
  const hasSecondFactor = user.totpEnabled || user.passkeyCount > 0;
  const status = useResource(() => api.account.recoveryCodes(), `${user.id}:${hasSecondFactor}`);
  const [codes, setCodes] = useState<string[] | null>(null);
  const action = useAction();
  const madeUnasked = useRef(false);
  const t = useT();

  const make = () =>
    action.run(async () => {
      setCodes((await api.account.makeRecoveryCodes()).codes);
      await status.reload();
    });

  // The first second factor brings the first set of codes with it, before the person can forget to ask.
  const none = status.data?.createdAt === null;
  useEffect(() => {
    if (!hasSecondFactor || !none || madeUnasked.current) return;
    madeUnasked.current = true;
    void make();
  });

  const left = status.data?.remaining ?? 0;
  return (
    <Panel
      title={t('security.recoveryCodes')}
      description={t('security.recoveryCodesHelp')}
      actions={
        hasSecondFactor && status.data?.createdAt ? (
          <Badge tone={left > 2 ? 'ok' : 'neutral'}>{t('security.codesLeft', { count: left })}</Badge>
        ) : null
      }
    >
      <FormAlert message={action.error ?? status.error} />
      {!hasSecondFactor ? (
        <p className="muted">{t('security.recoveryNeedsFactor')}</p>
      ) : codes ? (
        <div className="stack">
          <p role="status">
            <FormattedMessage
              id="security.saveCodesNow"
              values={{ strong: (words) => <span className="strong">{words}</span> }}
            />
          </p>
          <ul className="recovery-codes" aria-label={t('security.yourRecoveryCodes')}>
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <div className="form-actions">
            <button type="button" className="btn btn--primary" onClick={() => setCodes(null)}>
              {t('security.savedThem')}
            </button>
          </div>
        </div>
      ) : status.loading ? (
        <Loading />
      ) : (
        <div className="stack">
          <p className="muted">
            {status.data?.createdAt
              ? t('security.codesUnused', { count: left, date: formatDate(status.data.createdAt) })
              : t('security.noRecoveryCodes')}{' '}
            {t('security.newCodesCancelOld')}
          </p>
          <div>
            <button type="button" className="btn btn--secondary" onClick={() => void make()} disabled={action.busy}>
              {t('security.makeCodes')}
            </button>
          </div>
        </div>
      )}
    </Panel>
  );
}
