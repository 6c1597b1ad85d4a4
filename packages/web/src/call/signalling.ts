import type { CallClientMessage, CallServerMessage } from '@parley/protocol';
import { realtime } from '../api/realtime';

type Outgoing = CallClientMessage extends infer M
  ? M extends unknown
    ? Omit<M, 'meetingId' | 'caucusId'>
    : never
  : never;

/**
 * The call's signalling on the tab's one WebSocket. Messages for other meetings are dropped here; the server is the
 * only party that speaks on this socket and it is trusted for signalling (never for keys), so a structural check is
 * enough and keeps zod out of the bundle.
 */
export class CallSignalling {
  private readonly off: () => void;
  private handlers = new Set<(m: CallServerMessage) => void>();

  /** `caucusId`: this signalling is for the side's caucus of the meeting's call, not the plenary. */
  constructor(
    readonly meetingId: string,
    readonly caucusId?: string,
  ) {
    this.off = realtime.onMessage((raw) => {
      if (!raw.type.startsWith('call.')) return;
      const mid = (raw as { meetingId?: unknown }).meetingId;
      if (mid !== undefined && mid !== this.meetingId) return;
      // The plenary and a caucus share the socket: each hears only its own call's messages.
      if ((raw as { caucusId?: unknown }).caucusId !== this.caucusId) return;
      for (const h of this.handlers) h(raw as unknown as CallServerMessage);
    });
  }

  on(handler: (m: CallServerMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  send(msg: Outgoing): Promise<boolean> {
    return realtime.sendWhenOpen({
      ...msg,
      meetingId: this.meetingId,
      ...(this.caucusId ? { caucusId: this.caucusId } : {}),
    });
  }

  /** Called after the socket came back: the server forgot this connection's call state. */
  onReconnect(handler: () => void): () => void {
    return realtime.onReconnect(handler);
  }

  close(): void {
    this.off();
    this.handlers.clear();
  }
}
