import type { CallStream } from '@parley/protocol';
import type { Publisher } from './publisher';
import type { Subscriber } from './subscriber';

export type InboundStat = {
  participantId: string;
  stream: CallStream;
  kind: string;
  framesDecoded: number;
  bytes: number;
} & Record<string, unknown>;

export interface OutboundStat {
  rid: string | null;
  active: boolean;
  framesEncoded: number;
  frameWidth: number | null;
  frameHeight: number | null;
}

/** The receiving connection's inbound-rtp entries, each named by the participant and stream it carries. */
export async function inboundStats(sub: Subscriber | null): Promise<InboundStat[]> {
  const report = await sub?.stats();
  if (!sub || !report) return [];
  const byTrack = new Map<string, { participantId: string; stream: CallStream }>();
  for (const r of sub.remote.values())
    for (const rec of r.receivers) byTrack.set(rec.track.id, { participantId: r.participantId, stream: r.stream });
  const out: InboundStat[] = [];
  for (const s of report.values()) {
    if (s.type !== 'inbound-rtp') continue;
    const owner = byTrack.get(s.trackIdentifier);
    if (owner)
      out.push({
        ...owner,
        kind: s.kind,
        framesDecoded: s.framesDecoded ?? 0,
        // Energy of what was decoded and played out: silence (or nothing) when frames do not decrypt.
        audioEnergy: s.totalAudioEnergy,
        bytes: s.bytesReceived ?? 0,
        framesReceived: s.framesReceived,
        keyFramesDecoded: s.keyFramesDecoded,
        pliCount: s.pliCount,
        framesDropped: s.framesDropped,
        frameWidth: s.frameWidth,
        frameHeight: s.frameHeight,
        decoder: s.decoderImplementation,
        codec: report.get(s.codecId)?.mimeType,
      });
  }
  return out;
}

/** The camera connection's video outbound-rtp entries: one per simulcast layer. */
export async function outboundStats(pub: Publisher | null): Promise<OutboundStat[]> {
  const report = await pub?.stats();
  if (!report) return [];
  const out: OutboundStat[] = [];
  for (const s of report.values()) {
    if (s.type !== 'outbound-rtp' || s.kind !== 'video') continue;
    out.push({
      rid: s.rid ?? null,
      active: s.active !== false,
      framesEncoded: s.framesEncoded ?? 0,
      frameWidth: s.frameWidth ?? null,
      frameHeight: s.frameHeight ?? null,
    });
  }
  return out;
}
