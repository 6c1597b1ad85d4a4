import { api } from '../../api/endpoints';
import type { SessionInfo } from '../../api/types';
import { useAuth } from '../../auth/session';
import { FormAlert, useAction } from '../../components/forms';
import { Badge, formatDateTime, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';

/** A short, readable name for a user-agent string ("Chrome on Linux"). */
export function describeAgent(ua: string): string {
  if (!ua) return 'Unknown browser';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chromium-based browser'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
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
            : 'unknown system';
  return `${browser} on ${os}`;
}

export function SessionsPanel() {
  const list = useResource(() => api.account.sessions(), '');
  const { signOut } = useAuth();
  const action = useAction();

  const revoke = (s: SessionInfo) => {
    if (s.current && !window.confirm('This signs you out here. Continue?')) return;
    void action.run(async () => {
      await api.account.revokeSession(s.id);
      if (s.current) await signOut();
      else await list.reload();
    });
  };

  const sessions = list.data?.sessions ?? [];
  return (
    <Panel title="Signed-in sessions" description="Every browser currently signed in to your account.">
      <FormAlert message={list.error ?? action.error} />
      {list.loading ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last active</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <span className="strong">{describeAgent(s.userAgent)}</span>{' '}
                    {s.current ? <Badge tone="ok">This device</Badge> : null}
                  </th>
                  <td className="mono small">{s.ip}</td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{formatDateTime(s.lastSeenAt)}</td>
                  <td className="table__actions">
                    <button
                      type="button"
                      className="btn btn--danger-ghost btn--small"
                      onClick={() => revoke(s)}
                      disabled={action.busy}
                      aria-label={s.current ? 'Sign out this device' : `Revoke session ${describeAgent(s.userAgent)}`}
                    >
                      {s.current ? 'Sign out' : 'Revoke'}
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
