import type { CallParticipant } from '@parley/protocol';
import { useEffect, useRef, useState } from 'react';
import type { MessageId } from '../i18n/catalogue';
import { useT } from '../i18n/I18nProvider';
import { CallAnnouncer } from './CallAnnouncer';
import type { CallContext } from './CallPage';
import { ControlBar, type PanelName } from './ControlBar';
import { FloorBadge, HandBadge } from './FloorBadge';
import { FloorPanel } from './FloorPanel';
import { floorApi } from './floor-api';
import { useFloorNews } from './floor-news';
import { ChannelAudio, InterpretationPanel, InterpreterBadge } from './InterpretationPanel';
import { type Channel, DUCKED_FLOOR_VOLUME, FloorVolume, useInterpretation } from './interpretation-api';
import { ChatPanel, PeoplePanel, VerifyPanel } from './Panels';
import { Stage } from './Stage';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';
import { useElapsed } from './useCallSession';
import { sideSeconds, useFloor, useNow } from './useFloor';

const PANEL_TITLES = {
  people: 'call-room.panelPeople',
  chat: 'call-room.panelChat',
  verify: 'call-room.panelVerify',
  floor: 'call-room.panelFloor',
  language: 'call-room.panelLanguage',
} as const satisfies Record<Exclude<PanelName, null>, MessageId>;

export function CallRoom({
  ctx,
  session,
  snap,
  banner,
  caucus = false,
}: {
  ctx: CallContext;
  session: CallSession;
  snap: CallSnapshot;
  /** The caucus strip (plenary) or banner (caucus), under the header. */
  banner?: React.ReactNode;
  /** This room is the side's caucus: it is closed from its banner, not ended for everyone. */
  caucus?: boolean;
}) {
  const t = useT();
  const role = ctx.group.myMembership?.role;
  const mayAdmit = role === 'chair' || role === 'secretariat';
  const isChair = role === 'chair' && !caucus;
  const [panel, setPanel] = useState<PanelName>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const elapsed = useElapsed(snap.startedAt);
  const panelRef = useRef<HTMLElement>(null);
  // Interpretation is the plenary's: a language panel left open there does not follow into the side's caucus.
  const open = caucus && panel === 'language' ? null : panel;

  // Only a meeting of both sides keeps a speakers' list.
  const hasFloor = ctx.meeting.marking === 'shared';
  const floor = useFloor(ctx.meeting.id, hasFloor);
  const fs = floor.state;
  const myUserId = snap.participants.find((p) => p.participantId === snap.participantId)?.userId ?? null;
  const news = useFloorNews(fs, floor.skew, ctx.group, myUserId);
  const now = useNow(!!fs?.speaker, floor.skew);
  const overSides = new Set(
    fs?.sides
      .filter((t) => t.allowanceSeconds !== null && sideSeconds(fs, t.sideId, now) >= t.allowanceSeconds)
      .map((t) => t.sideId),
  );
  const floorBadge = (p: CallParticipant) => {
    if (!fs) return null;
    if (fs.speaker?.userId === p.userId)
      return <FloorBadge since={fs.speaker.since} skew={floor.skew} over={overSides.has(p.sideId)} />;
    const place = fs.queue.findIndex((q) => q.userId === p.userId);
    return place >= 0 ? <HandBadge position={place + 1} /> : null;
  };
  const raised = !!fs?.queue.some((q) => q.userId === myUserId);
  const hand = fs
    ? {
        raised,
        waiting: fs.queue.length,
        toggle: () => void floor.run(raised ? floorApi.lowerHand : floorApi.raiseHand),
      }
    : undefined;

  // Interpretation is a plenary matter: a caucus is one side speaking among itself.
  const interp = useInterpretation(ctx.meeting.id, !caucus);
  const channels: Channel[] = (interp.state?.interpreters ?? []).map((assignment) => ({
    assignment,
    participantId:
      snap.participants.find((p) => p.userId === assignment.userId && p.feeds.some((f) => f.stream === 'interp'))
        ?.participantId ?? null,
  }));
  const heard = channels.find((c) => c.participantId !== null && c.participantId === snap.listening);
  // A chair ended my assignment while I was on air: off air at once (the server cuts the channel anyway, §13).
  const unassigned =
    !!interp.state && myUserId !== null && !interp.state.interpreters.some((a) => a.userId === myUserId);
  useEffect(() => {
    if (snap.interpreting && unassigned) session.stopInterpreting(t('negotiation.unassigned'));
  }, [snap.interpreting, unassigned, session, t]);
  // The chosen interpreter went off air (or was unassigned): back to the floor.
  useEffect(() => {
    if (snap.listening && !heard) session.setListening(null);
  }, [snap.listening, heard, session]);
  const channelMedia = heard ? (snap.remote.get(`${heard.participantId}:interp`)?.media ?? null) : null;
  const mayAssign = role === 'chair' && !caucus;
  const badges = (p: CallParticipant) => {
    const c = channels.find((x) => x.assignment.userId === p.userId);
    return (
      <>
        {floorBadge(p)}
        {c ? <InterpreterBadge to={c.assignment.to} onAir={c.participantId === p.participantId} /> : null}
      </>
    );
  };
  const spentCodes = ctx.group.sides.filter((s) => overSides.has(s.id)).map((s) => s.shortCode);

  // A newcomer in the lobby opens the people panel for those who can admit them (once per arrival).
  const lobbyCount = snap.lobby.length;
  const lastLobby = useRef(0);
  useEffect(() => {
    if (mayAdmit && lobbyCount > lastLobby.current) setPanel('people');
    lastLobby.current = lobbyCount;
  }, [lobbyCount, mayAdmit]);
  useEffect(() => {
    if (panel) panelRef.current?.focus();
  }, [panel]);

  return (
    <div className="call-room" data-media={snap.media} data-theme="dark" data-call={caucus ? 'caucus' : 'plenary'}>
      <CallAnnouncer snap={snap} news={news} />
      <header className="call-head">
        <div className="call-head__title">
          <h1>{ctx.meeting.title}</h1>
          <span className="call-head__meta">
            {ctx.group.name}
            {elapsed ? (
              <>
                {' '}
                · <span title={t('call-room.duration')}>{elapsed}</span>
              </>
            ) : null}
          </span>
        </div>
        <div className="call-head__status">
          {fs?.speaker ? (
            <button
              type="button"
              className="call-pill call-pill--floor"
              onClick={() => setPanel('floor')}
              title={t('call-room.openFloor')}
            >
              {fs.speaker.userId === myUserId
                ? t('call-room.youHaveFloor')
                : t('call-room.hasFloor', { name: fs.speaker.displayName })}
            </button>
          ) : null}
          {spentCodes.length ? (
            <span className="call-pill call-pill--warn" data-testid="floor-warning">
              {t('call-room.allowanceUsed', { sides: spentCodes.join(' · ') })}
            </span>
          ) : null}
          {snap.media !== 'connected' ? (
            <span className="call-pill call-pill--warn" role="status">
              {snap.media === 'reconnecting' ? t('call-room.reconnectingMedia') : t('call-room.connectingMedia')}
            </span>
          ) : null}
          <button
            type="button"
            className="call-pill call-pill--secure"
            onClick={() => setPanel('verify')}
            title={t('call-room.secureTitle')}
          >
            <span>{t('call-room.encrypted')}</span>
            {snap.e2ee.safetyCode ? (
              <span className="call-pill__code">
                <span className="visually-hidden">{t('call-room.safetyCodeLabel')} </span>
                {snap.e2ee.safetyCode}
              </span>
            ) : (
              <span>· {t('call-room.keying')}</span>
            )}
          </button>
        </div>
      </header>
      {banner}
      {snap.notice ? (
        <div className="call-notice" role="status">
          {snap.notice}
          <button type="button" className="btn btn--link" onClick={session.dismissNotice}>
            {t('call-room.dismiss')}
          </button>
        </div>
      ) : null}
      <div className="call-body">
        <FloorVolume.Provider value={channelMedia ? DUCKED_FLOOR_VOLUME : 1}>
          <Stage group={ctx.group} session={session} snap={snap} floorBadge={badges} />
        </FloorVolume.Provider>
        <ChannelAudio media={channelMedia} />
        {open ? (
          <aside
            id="call-panel"
            className="call-panel"
            aria-label={t(PANEL_TITLES[open])}
            ref={panelRef}
            tabIndex={-1}
            onKeyDown={(e) => e.key === 'Escape' && setPanel(null)}
          >
            <div className="call-panel__head">
              <h2>{t(PANEL_TITLES[open])}</h2>
              <button type="button" className="btn btn--ghost btn--small" onClick={() => setPanel(null)}>
                {t('common.close')}
              </button>
            </div>
            <div className="call-panel__body">
              {open === 'people' ? (
                <PeoplePanel group={ctx.group} session={session} snap={snap} floorBadge={badges} />
              ) : null}
              {open === 'floor' ? <FloorPanel group={ctx.group} floor={floor} snap={snap} isChair={isChair} /> : null}
              {open === 'language' ? (
                <InterpretationPanel
                  group={ctx.group}
                  session={session}
                  snap={snap}
                  interp={interp}
                  channels={channels}
                  myUserId={myUserId}
                  mayAssign={mayAssign}
                />
              ) : null}
              {open === 'chat' ? <ChatPanel session={session} snap={snap} /> : null}
              {open === 'verify' ? <VerifyPanel snap={snap} /> : null}
            </div>
          </aside>
        ) : null}
      </div>
      {confirmEnd ? (
        <div className="call-confirm" role="alertdialog" aria-labelledby="call-end-q">
          <p id="call-end-q">{t('call-room.endQuestion')}</p>
          <button type="button" className="btn btn--danger" onClick={session.endForAll}>
            {t('call-room.endConfirm')}
          </button>
          <button type="button" className="btn btn--secondary" onClick={() => setConfirmEnd(false)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : null}
      <ControlBar
        session={session}
        snap={snap}
        panel={panel}
        setPanel={setPanel}
        mayAdmit={mayAdmit}
        isChair={isChair}
        onEnd={() => setConfirmEnd(true)}
        hand={hand}
        channel={
          !caucus && (channels.length > 0 || mayAssign)
            ? heard
              ? heard.assignment.to.toUpperCase()
              : t('call-room.floorChannel')
            : undefined
        }
      />
    </div>
  );
}
