import type { CallParticipant, Group, Side } from '@parley/protocol';
import { type CSSProperties, useRef, useState } from 'react';
import { ParticipantMenu } from './ParticipantMenu';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';
import { Tile } from './Tile';
import { useNarrowStage } from './useNarrowStage';
import { useTileLayout } from './useTileLayout';

/**
 * The tiles: grouped by side in the group's side order; a screen share, when there is one, large on the left. On a
 * phone, one person large (the one chosen, else whoever spoke last) and everyone else in a strip beneath.
 */
export function Stage({
  group,
  session,
  snap,
  floorBadge,
}: {
  group: Group;
  session: CallSession;
  snap: CallSnapshot;
  /** The speakers' list's badge for a participant's tile, if they have the floor. */
  floorBadge?: (p: CallParticipant) => React.ReactNode;
}) {
  const me = snap.participantId;
  const mine = group.myMembership;
  // Asking to mute and removing are a chair's (the server checks again); the secretariat only admits.
  const mayModerate = mine?.role === 'chair';
  const sideOf = (id: string) => group.sides.find((s) => s.id === id);
  const mediaOf = (p: CallParticipant, stream: 'main' | 'screen') =>
    p.participantId === me
      ? stream === 'main'
        ? snap.local
        : snap.screen
      : (snap.remote.get(`${p.participantId}:${stream}`)?.media ?? null);
  const keyOf = (p: CallParticipant) => (p.participantId === me ? undefined : snap.e2ee.keys[p.participantId]);
  const onFirstFrame = () => session.firstFrame();
  const stage = useRef<HTMLDivElement>(null);

  const narrow = useNarrowStage();
  const [chosen, setChosen] = useState<string | null>(null);
  const lastSpeaker = useRef<string | null>(null);
  const speaker = snap.participants.find((p) => p.speaking && p.participantId !== me);
  if (speaker) lastSpeaker.current = speaker.participantId;

  const tile = (p: CallParticipant, large = false) => (
    <Tile
      key={p.participantId}
      large={large}
      participant={p}
      side={sideOf(p.sideId)}
      media={mediaOf(p, 'main')}
      isMe={p.participantId === me}
      keyStatus={keyOf(p)}
      {...(p.participantId !== me ? { onFirstFrame, onSize: session.tileSize } : {})}
      floorBadge={floorBadge?.(p)}
      menu={
        mayModerate && p.participantId !== me ? (
          <ParticipantMenu participant={p} ownSide={p.sideId === mine?.sideId} session={session} />
        ) : null
      }
    />
  );

  const presenter = snap.participants.find(
    (p) => p.sharing && (p.participantId === me ? snap.screen : snap.remote.has(`${p.participantId}:screen`)),
  );
  const bySide = new Map<string, CallParticipant[]>();
  for (const p of snap.participants) bySide.set(p.sideId, [...(bySide.get(p.sideId) ?? []), p]);
  const sides = [...group.sides]
    .sort((a, b) => a.position - b.position)
    .filter((s) => bySide.has(s.id))
    .concat(
      [...bySide.keys()]
        .filter((id) => !sideOf(id))
        .map((id) => ({ id, name: 'Other', shortCode: '?', colour: '#667085', groupId: group.id, position: 99 })),
    );

  // No grid while presenting or on a phone: the empty plan also makes the grid re-measure when it comes back.
  const gridShown = !presenter && !(narrow && snap.participants.length > 1);
  const layout = useTileLayout(stage, gridShown ? sides.map((s) => bySide.get(s.id)?.length ?? 0) : []);

  if (presenter) {
    return (
      <div className="call-stage call-stage--presenting">
        <div className="call-stage__screen">
          <Tile
            participant={presenter}
            side={sideOf(presenter.sideId)}
            media={mediaOf(presenter, 'screen')}
            isMe={presenter.participantId === me}
            stream="screen"
            keyStatus={keyOf(presenter)}
            large
          />
        </div>
        <section className="call-stage__strip" aria-label="Participants">
          {sides.flatMap((s) => bySide.get(s.id) ?? []).map((p) => tile(p))}
        </section>
      </div>
    );
  }
  if (narrow && snap.participants.length > 1) {
    const everyone = sides.flatMap((s) => bySide.get(s.id) ?? []);
    const present = (id: string | null) => everyone.find((p) => p.participantId === id);
    const featured =
      present(chosen) ?? present(lastSpeaker.current) ?? everyone.find((p) => p.participantId !== me) ?? everyone[0]!;
    return (
      <div className="call-stage call-stage--focus">
        <div className="call-stage__featured">{tile(featured, true)}</div>
        <section className="call-stage__strip" aria-label="Participants">
          {everyone
            .filter((p) => p !== featured)
            .map((p) => (
              <div className="call-strip-item" key={p.participantId}>
                {tile(p)}
                <button
                  type="button"
                  className="call-strip-item__pick"
                  aria-label={`Show ${p.displayName} large`}
                  onClick={() => setChosen(p.participantId)}
                />
              </div>
            ))}
        </section>
      </div>
    );
  }
  return (
    <div className="call-stage" ref={stage}>
      {sides.map((s, i) => (
        <SideGroup
          key={s.id}
          side={s}
          count={bySide.get(s.id)?.length ?? 0}
          cols={layout?.columns[i] ?? 1}
          tileWidth={layout?.tileWidth ?? 320}
        >
          {(bySide.get(s.id) ?? []).map((p) => tile(p))}
        </SideGroup>
      ))}
    </div>
  );
}

function SideGroup({
  side,
  count,
  cols,
  tileWidth,
  children,
}: {
  side: Side;
  count: number;
  cols: number;
  tileWidth: number;
  children: React.ReactNode;
}) {
  return (
    <section
      className="call-side"
      aria-label={side.name}
      style={{ '--side': side.colour, '--cols': cols, '--tile-w': `${tileWidth}px` } as CSSProperties}
    >
      <h2 className="call-side__head">
        <span className="side-code" style={{ '--side': side.colour } as CSSProperties}>
          {side.shortCode}
        </span>
        {side.name}
        <span className="call-side__count">{count}</span>
      </h2>
      <div className="call-side__tiles">{children}</div>
    </section>
  );
}
