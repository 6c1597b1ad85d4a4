// Linking a re-request to a back-channel message without the server learning anything: the link is the message's
// random id, chosen by its sender inside the ciphertext. Only a chair whose device read the message can resolve it,
// from its own device archive; everyone else sees that the meeting was re-requested through the back channel.
import { type Group, mlsContext } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useUser } from '../auth/session';
import { formatDateTime } from '../components/ui';
import { DeviceStore } from '../e2ee/device-store';
import { useT } from '../i18n/I18nProvider';
import { archiveName, ThreadArchive, type ThreadMessage } from './archive';

/** The back channels this chair is in that could hold a message of `bySideId`'s side. */
function candidateSides(group: Group, bySideId: string | null): string[] {
  const mine = group.myMembership;
  if (mine?.role !== 'chair') return [];
  const others = group.sides.map((s) => s.id).filter((id) => id !== mine.sideId);
  if (!bySideId || bySideId === mine.sideId) return others;
  return others.includes(bySideId) ? [bySideId] : [];
}

async function loadArchived(group: Group, userId: string, sides: string[]) {
  const store = new DeviceStore();
  try {
    const out: { otherSideId: string; message: ThreadMessage }[] = [];
    for (const other of sides) {
      const archive = new ThreadArchive(
        store,
        archiveName(
          mlsContext({ kind: 'backchannel', groupId: group.id, sideIds: [group.myMembership!.sideId, other] }),
          userId,
        ),
      );
      await archive.load();
      for (const message of archive.messages)
        if (message.status === 'sent' && !message.notice) out.push({ otherSideId: other, message });
    }
    return out;
  } finally {
    void store.close();
  }
}

export function LinkedBackChannelMessage({
  group,
  bySideId,
  backChannelRef,
}: {
  group: Group;
  bySideId: string;
  backChannelRef: string;
}) {
  const t = useT();
  const user = useUser();
  const sides = candidateSides(group, bySideId);
  const [found, setFound] = useState<{ otherSideId: string; message: ThreadMessage } | null | undefined>(undefined);
  const [open, setOpen] = useState(false);
  const key = sides.join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    loadArchived(group, user.id, key.split(','))
      .then((all) => live && setFound(all.find((m) => m.message.id === backChannelRef) ?? null))
      .catch(() => live && setFound(null));
    return () => {
      live = false;
    };
  }, [group, user.id, key, backChannelRef]);
  if (sides.length === 0) return null;
  const otherSideId = found?.otherSideId ?? sides[0]!;
  const href = `/groups/${group.id}/backchannel/${otherSideId}?message=${backChannelRef}`;
  return (
    <div className="timeline__linked" data-testid="linked-backchannel">
      <p className="timeline__note">
        <strong>{t('backchannel.linkedTitle')}</strong>{' '}
        {found ? (
          <button type="button" className="btn btn--ghost btn--small" onClick={() => setOpen(!open)}>
            {open ? t('backchannel.hide') : t('backchannel.open')}
          </button>
        ) : null}{' '}
        <Link to={href}>{t('backchannel.showInChannel')}</Link>
      </p>
      {found === null ? <p className="muted small">{t('backchannel.notReadHere')}</p> : null}
      {found && open ? (
        <blockquote className="timeline__reason" data-testid="linked-backchannel-text">
          {found.message.text}
          <footer className="muted small">
            <time dateTime={found.message.at}>{formatDateTime(found.message.at)}</time> ·{' '}
            {t('backchannel.decryptedHere')}
          </footer>
        </blockquote>
      ) : null}
    </div>
  );
}

/** In the re-request form: pick one of the back-channel messages this device holds (text shown only here). */
export function BackChannelPicker({
  group,
  value,
  onChange,
}: {
  group: Group;
  value: string;
  onChange: (id: string) => void;
}) {
  const t = useT();
  const user = useUser();
  const sides = candidateSides(group, null);
  const key = sides.join(',');
  const [messages, setMessages] = useState<ThreadMessage[]>([]);
  useEffect(() => {
    if (!key) return;
    let live = true;
    loadArchived(group, user.id, key.split(','))
      .then(
        (all) =>
          live &&
          setMessages(
            all
              .map((m) => m.message)
              .slice(-20)
              .reverse(),
          ),
      )
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [group, user.id, key]);
  if (sides.length === 0) return null;
  return (
    <label className="field">
      <span className="field__label">{t('backchannel.pickLabel')}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={t('backchannel.pickAria')}>
        <option value="">{t('backchannel.pickNone')}</option>
        {messages.map((m) => (
          <option key={m.id} value={m.id}>
            {formatDateTime(m.at)} — {m.text.slice(0, 60)}
          </option>
        ))}
      </select>
      <span className="field__hint">{t('backchannel.pickHint')}</span>
    </label>
  );
}
