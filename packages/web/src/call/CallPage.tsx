import type { CallStatus, Group, Meeting } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/endpoints';
import { lifecycle } from '../api/lifecycle';
import { useUser } from '../auth/session';
import { useLive } from '../components/lifecycle/useLive';
import { Loading } from '../components/ui';
import { useResource } from '../components/useResource';
import { callApi } from './api';
import { CallRoom } from './CallRoom';
import { type CryptoChoice, loadCrypto } from './load-e2ee';
import { PreJoin } from './PreJoin';
import { CallSession } from './session';
import { useCallSnapshot } from './useCallSession';
import './call.css';
import './call-panels.css';

export interface CallContext {
  meeting: Meeting;
  group: Group;
  status: CallStatus | null;
}

/** /meetings/:meetingId/call — the pre-join check, the lobby, the call room and the screens after it. */
export function CallPage() {
  const { meetingId = '' } = useParams();
  const data = useResource(async (): Promise<CallContext> => {
    const detail = await lifecycle.meetings.get(meetingId);
    const [group, status] = await Promise.all([
      api.groups.get(detail.meeting.groupId),
      callApi.status(meetingId).catch(() => null),
    ]);
    return { meeting: detail.meeting, group, status };
  }, meetingId);
  useLive([`meeting:${meetingId}`], () => void data.reload());

  const userId = useUser().id;
  const [choice, setChoice] = useState<CryptoChoice | null>(null);
  const [session, setSession] = useState<CallSession | null>(null);
  useEffect(() => {
    let alive = true;
    let created: CallSession | null = null;
    void loadCrypto({ meetingId, userId }).then((c) => {
      if (!alive) return void c.crypto.close();
      created = new CallSession(meetingId, c.crypto);
      // The E2EE device is readied while the camera check is on screen, not after Join is pressed.
      if (c.supported) void created.prepare().catch(() => undefined);
      setChoice(c);
      setSession(created);
      (window as { __parleyCall?: CallSession }).__parleyCall = created;
    });
    return () => {
      alive = false;
      created?.dispose();
    };
  }, [meetingId, userId]);
  const snap = useCallSnapshot(session);

  if (data.loading || !choice || !session) return <Loading label="Preparing the secure call…" />;
  if (!data.data)
    return (
      <CallMessage title="Call unavailable" back={null}>
        {data.status === 404 ? 'This meeting does not exist or is not open to you.' : data.error}
      </CallMessage>
    );
  const ctx = data.data;
  const back = `/meetings/${ctx.meeting.id}`;
  if (!choice.supported)
    return (
      <CallMessage title="This browser cannot join the secure call" back={back}>
        {choice.reason ??
          'Calls in Parley are end-to-end encrypted, and this browser lacks what that needs. Use a current Chrome, Edge, Firefox or Safari.'}
      </CallMessage>
    );
  switch (snap.phase) {
    case 'idle':
    case 'joining':
    case 'error':
      return <PreJoin ctx={ctx} session={session} snap={snap} crypto={choice} onStarted={data.reload} />;
    case 'lobby':
      return <LobbyWait ctx={ctx} session={session} />;
    case 'joined':
      return <CallRoom ctx={ctx} session={session} snap={snap} />;
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
    <div className="call-message">
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
