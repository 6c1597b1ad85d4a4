import { api } from '../../api/endpoints';
import type { SessionInfo } from '../../api/types';
import { useAuth } from '../../auth/session';
import { FormAlert, useAction } from '../../components/forms';
import { Badge, formatDateTime, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { t as say } from '../../i18n/intl';

/** A short, readable name for a user-agent string ("Chrome on Linux"). */
export function describeAgent(ua: string): string {
  if (!ua) return say('security.unknownBrowser');
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? say('security.chromiumBrowser')
        : /Safari\//.test(ua)
          ? 'Safari'
          : say('security.browser');
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS X/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /iPhone|iPad/.test(ua)
          ? 'iOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : say('security.unknownSystem');
  return say('security.browserOnSystem', { browser, os });
}

export function SessionsPanel() {
  const list = useResource(() => api.account.sessions(), '');
  const { signOut } = useAuth();
  const action = useAction();
  const t = useT();

  const revoke = (s: SessionInfo) => {
    if (s.current && !window.confirm(t('security.signOutHereConfirm'))) return;
    void action.run(async () => {
      await api.account.revokeSession(s.id);
      if (s.current) await signOut();
      else await list.reload();
    });
  };

  const sessions = list.data?.sessions ?? [];
  return (
    <Panel title={t('security.sessions')} description={t('security.sessionsHelp')}>
      <FormAlert message={list.error ?? action.error} />
      {list.loading ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('security.device')}</th>
                <th scope="col">{t('security.address')}</th>
                <th scope="col">{t('security.signedIn')}</th>
                <th scope="col">{t('security.lastActive')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('security.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <span className="strong">{describeAgent(s.userAgent)}</span>{' '}
                    {s.current ? <Badge tone="ok">{t('security.thisDevice')}</Badge> : null}
                  </th>
                  <td className="mono small">
                    <bdi>{s.ip}</bdi>
                  </td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{formatDateTime(s.lastSeenAt)}</td>
                  <td className="table__actions">
                    <button
                      type="button"
                      className="btn btn--danger-ghost btn--small"
                      onClick={() => revoke(s)}
                      disabled={action.busy}
                      // Another row's button names its device; the current row's words differ from the
                      // navigation's "Sign out", so neither eyes nor screen readers meet two identical buttons.
                      aria-label={
                        s.current ? undefined : t('security.revokeSessionLabel', { device: describeAgent(s.userAgent) })
                      }
                    >
                      {s.current ? t('security.signOutThisDevice') : t('security.revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
