import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/endpoints';
import { useUser } from '../../auth/session';
import { FormAlert, useAction } from '../../components/forms';
import { Badge, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
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
      title="Recovery codes"
      description="If you lose your phone or security key, one of these codes signs you in instead. Each works once."
      actions={
        hasSecondFactor && status.data?.createdAt ? (
          <Badge tone={left > 2 ? 'ok' : 'neutral'}>{`${left} left`}</Badge>
        ) : null
      }
    >
      <FormAlert message={action.error ?? status.error} />
      {!hasSecondFactor ? (
        <p className="muted">
          Recovery codes come with a second factor: set up an authenticator app or a passkey first.
        </p>
      ) : codes ? (
        <div className="stack">
          <p role="status">
            <span className="strong">Save these codes now.</span> Print them or write them down and keep them apart from
            your devices: they will not be shown again.
          </p>
          <ul className="recovery-codes" aria-label="Your recovery codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <div className="form-actions">
            <button type="button" className="btn btn--primary" onClick={() => setCodes(null)}>
              I have saved them
            </button>
          </div>
        </div>
      ) : status.loading ? (
        <Loading />
      ) : (
        <div className="stack">
          <p className="muted">
            {status.data?.createdAt
              ? `${left} of your codes are unused (made on ${formatDate(status.data.createdAt)}).`
              : 'You have no recovery codes yet.'}{' '}
            Making new codes cancels all the old ones.
          </p>
          <div>
            <button type="button" className="btn btn--secondary" onClick={() => void make()} disabled={action.busy}>
              Make new recovery codes
            </button>
          </div>
        </div>
      )}
    </Panel>
  );
}
