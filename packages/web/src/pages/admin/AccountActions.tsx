import type { User } from '@parley/protocol';
import { api } from '../../api/endpoints';
import { useUser } from '../../auth/session';
import { useT } from '../../i18n/I18nProvider';

/**
 * The administrator's buttons for one account. Each asks first, in words saying what happens, because each ends
 * the person's sessions.
 */
export function AccountActions({
  user,
  busy,
  run,
}: {
  user: User;
  busy: boolean;
  run: (what: () => Promise<string>) => void;
}) {
  const me = useUser();
  const t = useT();
  const ask = (question: string, what: () => Promise<string>) => {
    if (window.confirm(question)) run(what);
  };
  const name = user.displayName;
  return (
    <div className="row-actions">
      {user.totpEnabled || user.passkeyCount > 0 ? (
        <button
          type="button"
          className="btn btn--small btn--secondary"
          disabled={busy}
          aria-label={t('admin.resetFactorsOf', { name })}
          onClick={() =>
            ask(t('admin.resetFactorsConfirm', { name }), async () => {
              await api.admin.resetSecondFactors(user.id);
              return t('admin.resetFactorsDone', { name });
            })
          }
        >
          {t('admin.resetFactors')}
        </button>
      ) : null}
      <button
        type="button"
        className="btn btn--small btn--secondary"
        disabled={busy}
        aria-label={t('admin.resetPasswordOf', { name })}
        onClick={() =>
          ask(t('admin.resetPasswordConfirm', { name }), async () => {
            const { temporaryPassword } = await api.admin.resetPassword(user.id);
            return t('admin.temporaryPassword', { name, password: temporaryPassword });
          })
        }
      >
        {t('admin.resetPassword')}
      </button>
      {user.disabled ? (
        <button
          type="button"
          className="btn btn--small btn--secondary"
          disabled={busy}
          aria-label={t('admin.enableOf', { name })}
          onClick={() =>
            run(async () => {
              await api.admin.enableUser(user.id);
              return t('admin.enabled', { name });
            })
          }
        >
          {t('admin.enable')}
        </button>
      ) : user.id !== me.id ? (
        <button
          type="button"
          className="btn btn--small btn--danger"
          disabled={busy}
          aria-label={t('admin.disableOf', { name })}
          onClick={() =>
            ask(t('admin.disableConfirm', { name }), async () => {
              await api.admin.disableUser(user.id);
              return t('admin.disabled', { name });
            })
          }
        >
          {t('admin.disable')}
        </button>
      ) : null}
    </div>
  );
}
