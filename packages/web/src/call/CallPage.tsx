import type { CallStatus, Group, Meeting } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, errorMessage } from '../api/client';
import { api } from '../api/endpoints';
import { lifecycle } from '../api/lifecycle';
import { useUser } from '../auth/session';
import { useLive } from '../components/lifecycle/useLive';
import { Loading } from '../components/ui';
import { useResource } from '../components/useResource';
import { CallE2ee } from '../e2ee/call-e2ee';
import { supportsE2ee } from '../e2ee/support';
import { useT } from '../i18n/I18nProvider';
import { callApi } from './api';
import { CallRoomWithCaucus } from './CaucusRoom';
import { CaucusController } from './caucus';
import { PreJoin } from './PreJoin';
import { CallSession } from './session';
import { TabHandover } from './tab-handover';
import { useCallSnapshot } from './useCallSession';
import './call.css';
import './call-panels.css';
import './floor.css';
import './interpretation.css';
import './call-small-screens.css';

export interface CallContext {
  meeting: Meeting;
  group: Group;
  status: CallStatus | null;
  /** Why the server will not let this person into the call (its 403), or null. */
  refused: string | null;
}

/** /meetings/:meetingId/call — the pre-join check, the lobby, the call room and the screens after it. */
export function CallPage() {
  const { meetingId = '' } = useParams();
  const data = useResource(async (): Promise<CallContext> => {
    const detail = await lifecycle.meetings.get(meetingId);
    let refused: string | null = null;
    const [group, status] = await Promise.all([
      api.groups.get(detail.meeting.groupId),
      callApi.status(meetingId).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 403) refused = errorMessage(err);
        return null;
      }),
    ]);
    return { meeting: detail.meeting, group, status, refused };
  }, meetingId);
  useLive([`meeting:${meetingId}`], () => void data.reload());

  const userId = useUser().id;
  const t = useT();
  // This browser must encrypt every frame end to end, or it cannot take part.
  const [supported] = useState(supportsE2ee);
  const [session, setSession] = useState<CallSession | null>(null);
  useEffect(() => {
    if (!supported) return;
    const created = new CallSession(meetingId, new CallE2ee({ meetingId, userId }));
    // The E2EE device is readied while the camera check is on screen, not after Join is pressed.
    void created.prepare().catch(() => undefined);
    setSession(created);
    (window as { __parleyCall?: CallSession }).__parleyCall = created;
    return () => created.dispose();
  }, [meetingId, userId, supported]);
  const snap = useCallSnapshot(session);
  const [caucus, setCaucus] = useState<CaucusController | null>(null);
  useEffect(() => {
    if (!session) return;
    const c = new CaucusController(session, userId);
    setCaucus(c);
    return () => void c.back();
  }, [session, userId]);

  // Another tab of this browser in the call: ask before taking it over (see TabHandover).
  const [tab, setTab] = useState<TabState>({ kind: 'checking' });
  const [handover, setHandover] = useState<TabHandover | null>(null);
  useEffect(() => {
    const h = new TabHandover(meetingId, userId);
    setHandover(h);
    setTab({ kind: 'checking' });
    void h.elsewhere().then(
      (e) => setTab(e ? { kind: 'elsewhere', failed: false } : { kind: 'here', autoJoin: false }),
      () => setTab({ kind: 'here', autoJoin: false }),
    );
    return () => h.close();
  }, [meetingId, userId]);
  useEffect(
    () => (handover && session ? handover.onTakeOver(() => session.moveAway()) : undefined),
    [handover, session],
  );
  const beforeJoin = async () => {
    if (!handover || !(await handover.elsewhere())) return true;
    setTab({ kind: 'elsewhere', failed: false });
    return false;
  };
  const moveHere = async () => {
    if (!handover) return;
    setTab({ kind: 'moving' });
    if (await handover.takeOver()) setTab({ kind: 'here', autoJoin: true });
    else setTab({ kind: 'elsewhere', failed: true });
  };

  if (data.loading || (supported && !session) || tab.kind === 'checking')
    return <Loading label={t('call-room.preparingCall')} />;
  if (!data.data)
    return (
      <CallMessage title={t('call-room.unavailableTitle')} back={null}>
        {data.status === 404 ? t('call-room.unavailableBody') : data.error}
      </CallMessage>
    );
  const ctx = data.data;
  const back = `/meetings/${ctx.meeting.id}`;
  if (!supported || !session)
    return (
      <CallMessage title={t('call-room.unsupportedTitle')} back={back}>
        {t('call-room.unsupportedBody')}
      </CallMessage>
    );
  if (ctx.refused)
    return (
      <CallMessage title={t('call-room.refusedTitle')} back={back}>
        <p>{sentence(ctx.refused)}</p>
        <p>{t('call-room.refusedHint')}</p>
      </CallMessage>
    );
  if (snap.phase === 'idle' && tab.kind !== 'here')
    return (
      <OtherTab
        ctx={ctx}
        tab={tab}
        back={back}
        onMove={() => void moveHere()}
        onKeep={() => setTab({ kind: 'kept' })}
      />
    );
  switch (snap.phase) {
    case 'idle':
    case 'joining':
    case 'error':
      return (
        <PreJoin
          ctx={ctx}
          session={session}
          snap={snap}
          onStarted={data.reload}
          beforeJoin={beforeJoin}
          autoJoin={tab.kind === 'here' && tab.autoJoin}
        />
      );
    case 'lobby':
      return <LobbyWait ctx={ctx} session={session} />;
    case 'joined':
      return caucus ? <CallRoomWithCaucus ctx={ctx} session={session} snap={snap} controller={caucus} /> : null;
    case 'denied':
      return (
        <CallMessage title={t('call-room.deniedTitle')} back={back}>
          {t('call-room.deniedBody')}
        </CallMessage>
      );
    case 'removed':
      return (
        <CallMessage title={t('call-room.removedTitle')} back={back}>
          {snap.error ?? t('call-room.removedBody')}
        </CallMessage>
      );
    case 'ended':
      return (
        <CallMessage title={t('call-room.endedTitle')} back={back}>
          {t('call-room.endedBody')}
        </CallMessage>
      );
    case 'moved':
      return (
        <CallMessage title={t('call-room.movedTitle')} back={back}>
          {t('call-room.movedBody', { title: ctx.meeting.title })}
        </CallMessage>
      );
    case 'left':
      return (
        <CallMessage title={t('call-room.leftTitle')} back={back}>
          <button type="button" className="btn btn--primary" onClick={() => window.location.reload()}>
            {t('call-room.rejoin')}
          </button>
        </CallMessage>
      );
  }
}

type TabState =
  | { kind: 'checking' }
  | { kind: 'here'; autoJoin: boolean }
  | { kind: 'elsewhere'; failed: boolean }
  | { kind: 'moving' }
  | { kind: 'kept' };

/** The call runs in another tab of this browser: move it here, or keep it there. */
function OtherTab({
  ctx,
  tab,
  back,
  onMove,
  onKeep,
}: {
  ctx: CallContext;
  tab: Exclude<TabState, { kind: 'checking' } | { kind: 'here' }>;
  back: string;
  onMove: () => void;
  onKeep: () => void;
}) {
  const t = useT();
  if (tab.kind === 'moving') return <Loading label={t('call-room.movingHere')} />;
  if (tab.kind === 'kept')
    return (
      <CallMessage title={t('call-room.keptTitle')} back={back}>
        <p>{t('call-room.keptBody', { title: ctx.meeting.title })}</p>
        <button type="button" className="btn btn--secondary" onClick={onMove}>
          {t('call-room.moveAfterAll')}
        </button>
      </CallMessage>
    );
  return (
    <CallMessage title={t('call-room.otherTabTitle')} back={null}>
      <p>{t('call-room.otherTabBody', { title: ctx.meeting.title })}</p>
      {tab.failed ? (
        <p className="alert alert--error" role="alert">
          {t('call-room.tabNoRelease')}
        </p>
      ) : null}
      <div className="call-message__actions">
        <button type="button" className="btn btn--primary" onClick={onMove}>
          {t('call-room.moveHere')}
        </button>
        <button type="button" className="btn btn--secondary" onClick={onKeep}>
          {t('call-room.keepThere')}
        </button>
      </div>
    </CallMessage>
  );
}

/** The server's reason as a sentence. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function LobbyWait({ ctx, session }: { ctx: CallContext; session: CallSession }) {
  const t = useT();
  const mine = ctx.group.sides.find((s) => s.id === ctx.group.myMembership?.sideId);
  return (
    <CallMessage title={t('call-room.lobbyTitle')} back={null}>
      <p role="status" className="call-lobby-wait">
        <span className="call-spinner" aria-hidden="true" />
        {mine
          ? t('call-room.lobbyWaitChair', { side: mine.name, title: ctx.meeting.title })
          : t('call-room.lobbyWaitSide', { title: ctx.meeting.title })}
      </p>
      <button type="button" className="btn btn--secondary" onClick={() => void session.leave()}>
        {t('call-room.leaveLobby')}
      </button>
    </CallMessage>
  );
}

export function CallMessage({
  title,
  back,
  children,
}: {
  title: string;
  back: string | null;
  children: React.ReactNode;
}) {
  const t = useT();
  return (
    <div className="call-message" data-theme="dark">
      <div className="call-message__card">
        <h1>{title}</h1>
        <div className="call-message__body">{children}</div>
        {back ? (
          <Link className="btn btn--secondary" to={back}>
            {t('call-room.backToMeeting')}
          </Link>
        ) : null}
      </div>
    </div>
  );
}
