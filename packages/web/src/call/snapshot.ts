import type { CallCaucus, CallParticipant, LobbyEntry } from '@parley/protocol';
import type { CallE2eeView, ChatMessage } from '../e2ee/types';
import type { RemoteKey, RemoteMedia } from './subscriber';

/** `moved`: the call continues in another tab or window of this person (this one let go without leaving). */
export type CallPhase =
  | 'idle'
  | 'joining'
  | 'lobby'
  | 'joined'
  | 'denied'
  | 'removed'
  | 'ended'
  | 'left'
  | 'moved'
  | 'error';
export type MediaHealth = 'connecting' | 'connected' | 'reconnecting';

/** Everything the call room renders, replaced (never mutated) on each change. */
export interface CallSnapshot {
  phase: CallPhase;
  participantId: string | null;
  startedAt: string | null;
  participants: CallParticipant[];
  lobby: LobbyEntry[];
  remote: Map<RemoteKey, RemoteMedia>;
  local: MediaStream | null;
  screen: MediaStream | null;
  audio: boolean;
  video: boolean;
  media: MediaHealth;
  /** A one-off message for the user (a chair asked you to mute, the media server restarted, …). */
  notice: string | null;
  error: string | null;
  e2ee: CallE2eeView;
  chat: ChatMessage[];
  /** This browser's E2EE device (loaded or registered on the pre-join screen, so Join needs no extra round trip). */
  device: 'preparing' | 'ready' | 'failed';
  /** ms from pressing Join to the first decoded remote video frame (shown in diagnostics, read by tests). */
  firstFrameMs: number | null;
  /** In the plenary: this person's side's open caucus, if any. */
  caucus: CallCaucus | null;
  /** In the plenary: sides that have a caucus open. */
  sidesInCaucus: string[];
  /** In the plenary: stepped out to the side's caucus (publishing and subscribing paused, keys kept). */
  away: boolean;
  /** In a caucus: the chair who called everyone back to the plenary, until the person returns. */
  recalledBy: string | null;
  /** The interpreter whose channel this person listens to (subscribed and played over the lowered floor); null: Floor. */
  listening: string | null;
  /** An assigned interpreter's own channel is on air: their microphone goes to it, not to the floor. */
  interpreting: boolean;
}

export const INITIAL: CallSnapshot = {
  phase: 'idle',
  participantId: null,
  startedAt: null,
  participants: [],
  lobby: [],
  remote: new Map(),
  local: null,
  screen: null,
  audio: true,
  video: true,
  media: 'connecting',
  notice: null,
  error: null,
  e2ee: {
    phase: 'starting',
    epoch: null,
    safetyCode: null,
    deviceId: null,
    members: [],
    participants: [],
    keys: {},
    keyWarning: false,
    framesEncrypted: 0,
    framesDroppedNoKey: 0,
    chatHistoryStartsAtJoin: true,
    error: null,
  },
  chat: [],
  device: 'preparing',
  listening: null,
  interpreting: false,
  firstFrameMs: null,
  caucus: null,
  sidesInCaucus: [],
  away: false,
  recalledBy: null,
};
