import type { CallStatus, Group, Meeting } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import { lifecycle } from '../api/lifecycle';
import { useUser } from '../auth/session';
import { useLive } from '../components/lifecycle/useLive';
import { Loading } from '../components/ui';
import { useResource } from '../components/useResource';
import { CallE2ee } from '../e2ee/call-e2ee';
import { supportsE2ee } from '../e2ee/support';
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
        if (err instanceof ApiError && err.status === 403) refused = err.message;
        return null;
      }),
    ]);
    return { meeting: detail.meeting, group, status, refused };
  }, meetingId);
  useLive([`meeting:${meetingId}`], () => void data.reload());

  const userId = useUser().id;
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
      (e) => setTab(e ? { kind: 'elsewhere', error: null } : { kind: 'here', autoJoin: false }),
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
    setTab({ kind: 'elsewhere', error: null });
    return false;
  };
  const moveHere = async () => {
    if (!handover) return;
    setTab({ kind: 'moving' });
    if (await handover.takeOver()) setTab({ kind: 'here', autoJoin: true });
    else
      setTab({
        kind: 'elsewhere',
        error: 'The other tab did not let go of the call. Close it, then try again here.',
      });
  };

  if (data.loading || (supported && !session) || tab.kind === 'checking')
    return <Loading label="Preparing the secure call…" />;
  if (!data.data)
    return (
      <CallMessage title="Call unavailable" back={null}>
        {data.status === 404 ? 'This meeting does not exist or is not open to you.' : data.error}
      </CallMessage>
    );
  const ctx = data.data;
  const back = `/meetings/${ctx.meeting.id}`;
  if (!supported || !session)
    return (
      <CallMessage title="This browser cannot join the secure call" back={back}>
        This browser cannot encrypt calls end to end, so it cannot join. Use a current version of Chrome, Edge, Firefox
        (117 or later) or Safari.
      </CallMessage>
    );
  if (ctx.refused)
    return (
      <CallMessage title="You cannot join this call" back={back}>
        <p>{sentence(ctx.refused)}</p>
        <p>The meeting itself stays open to you; ask a chair of your side if you think you should take part.</p>
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
        <CallMessage title="You were not admitted" back={back}>
          A chair of your side turned down your request to join this call.
        </CallMessage>
      );
    case 'removed':
      return (
        <CallMessage title="You were removed from the call" back={back}>
          {snap.error ?? 'A chair removed you from this call.'}
        </CallMessage>
      );
    case 'ended':
      return (
        <CallMessage title="The call has ended" back={back}>
          A chair ended the call for everyone.
        </CallMessage>
      );
    case 'moved':
      return (
        <CallMessage title="The call moved to another tab" back={back}>
          You joined “{ctx.meeting.title}” from another tab or window, so the call continues there. This tab is no
          longer connected to it; you can close it.
        </CallMessage>
      );
    case 'left':
      return (
        <CallMessage title="You left the call" back={back}>
          <button type="button" className="btn btn--primary" onClick={() => window.location.reload()}>
            Rejoin
          </button>
        </CallMessage>
      );
  }
}

type TabState =
  | { kind: 'checking' }
  | { kind: 'here'; autoJoin: boolean }
  | { kind: 'elsewhere'; error: string | null }
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
  if (tab.kind === 'moving') return <Loading label="Moving the call to this tab…" />;
  if (tab.kind === 'kept')
    return (
      <CallMessage title="The call stays in your other tab" back={back}>
        <p>
          You are in “{ctx.meeting.title}” in another tab of this browser, and it stays there. You can close this one.
        </p>
        <button type="button" className="btn btn--secondary" onClick={onMove}>
          Move the call to this tab after all
        </button>
      </CallMessage>
    );
  return (
    <CallMessage title="This call is open in another tab" back={null}>
      <p>
        You are already in “{ctx.meeting.title}” in another tab of this browser. A call runs in one tab at a time:
        moving it here disconnects the other tab, without leaving the call.
      </p>
      {tab.error ? (
        <p className="alert alert--error" role="alert">
          {tab.error}
        </p>
      ) : null}
      <div className="call-message__actions">
        <button type="button" className="btn btn--primary" onClick={onMove}>
          Move the call to this tab
        </button>
        <button type="button" className="btn btn--secondary" onClick={onKeep}>
          Keep it in the other tab
        </button>
      </div>
    </CallMessage>
  );
}

/** The server's reason as a sentence. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function LobbyWait({ ctx, session }: { ctx: CallContext; session: CallSession }) {
  const mine = ctx.group.sides.find((s) => s.id === ctx.group.myMembership?.sideId);
  return (
    <CallMessage title="Waiting to be admitted" back={null}>
      <p role="status" className="call-lobby-wait">
        <span className="call-spinner" aria-hidden="true" />
        Waiting for {mine ? `the chair of ${mine.name}` : 'your side'} to admit you to “{ctx.meeting.title}”.
      </p>
      <button type="button" className="btn btn--secondary" onClick={() => void session.leave()}>
        Leave the lobby
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
  return (
    <div className="call-message" data-theme="dark">
      <div className="call-message__card">
        <h1>{title}</h1>
        <div className="call-message__body">{children}</div>
        {back ? (
          <Link className="btn btn--secondary" to={back}>
            Back to the meeting
          </Link>
        ) : null}
      </div>
    </div>
  );
}
