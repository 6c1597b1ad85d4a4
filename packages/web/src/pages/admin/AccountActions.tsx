import type { User } from '@parley/protocol';
import { api } from '../../api/endpoints';
import { useUser } from '../../auth/session';

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
          aria-label={`Reset second factors of ${name}`}
          onClick={() =>
            ask(
              `Remove the authenticator app, passkeys and recovery codes of ${name}? They will sign in with their password alone until they set up a new second factor.`,
              async () => {
                await api.admin.resetSecondFactors(user.id);
                return `Second factors of ${name} removed. Their sessions have ended.`;
              },
            )
          }
        >
          Reset second factors
        </button>
      ) : null}
      <button
        type="button"
        className="btn btn--small btn--secondary"
        disabled={busy}
        aria-label={`Reset password of ${name}`}
        onClick={() =>
          ask(`Replace the password of ${name} with a temporary one?`, async () => {
            const { temporaryPassword } = await api.admin.resetPassword(user.id);
            return `Temporary password for ${name}: ${temporaryPassword} — hand it over in person; it is not shown again.`;
          })
        }
      >
        Reset password
      </button>
      {user.disabled ? (
        <button
          type="button"
          className="btn btn--small btn--secondary"
          disabled={busy}
          aria-label={`Re-enable ${name}`}
          onClick={() =>
            run(async () => {
              await api.admin.enableUser(user.id);
              return `${name} can sign in again.`;
            })
          }
        >
          Re-enable
        </button>
      ) : user.id !== me.id ? (
        <button
          type="button"
          className="btn btn--small btn--danger"
          disabled={busy}
          aria-label={`Disable ${name}`}
          onClick={() =>
            ask(`Disable the account of ${name}? They are signed out everywhere and cannot sign in.`, async () => {
              await api.admin.disableUser(user.id);
              return `${name} is disabled and signed out everywhere.`;
            })
          }
        >
          Disable
        </button>
      ) : null}
    </div>
  );
}
