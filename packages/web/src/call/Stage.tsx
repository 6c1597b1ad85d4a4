import type { CallParticipant, Group, Side } from '@parley/protocol';
import { type CSSProperties, useRef } from 'react';
import { ParticipantMenu } from './ParticipantMenu';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';
import { Tile } from './Tile';
import { useTileLayout } from './useTileLayout';

/** The tiles: grouped by side in the group's side order; a screen share, when there is one, large on the left. */
export function Stage({ group, session, snap }: { group: Group; session: CallSession; snap: CallSnapshot }) {
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

  const tile = (p: CallParticipant) => (
    <Tile
      key={p.participantId}
      participant={p}
      side={sideOf(p.sideId)}
      media={mediaOf(p, 'main')}
      isMe={p.participantId === me}
      keyStatus={keyOf(p)}
      {...(p.participantId !== me ? { onFirstFrame } : {})}
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

  const layout = useTileLayout(stage, presenter ? [] : sides.map((s) => bySide.get(s.id)?.length ?? 0));

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
          {sides.flatMap((s) => bySide.get(s.id) ?? []).map(tile)}
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
          {(bySide.get(s.id) ?? []).map(tile)}
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
