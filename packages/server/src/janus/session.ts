import { EventEmitter } from 'node:events';
import type { IceCandidate, JanusClient, JanusMessage, Jsep, PluginResponse } from './client.js';
import { JanusError } from './errors.js';

type SessionEvents = { gone: [reason: string] };

export class JanusSession extends EventEmitter<SessionEvents> {
  readonly handles = new Map<number, JanusHandle>();
  alive = true;

  constructor(
    readonly client: JanusClient,
    readonly id: number,
  ) {
    super();
  }

  async attach(plugin: string, opaqueId?: string): Promise<JanusHandle> {
    const res = await this.client.request({ janus: 'attach', session_id: this.id, plugin, opaque_id: opaqueId });
    const id = res.data?.id;
    if (typeof id !== 'number') throw new JanusError('janus', 0, 'Janus attach returned no handle id');
    const handle = new JanusHandle(this, id, plugin);
    this.handles.set(id, handle);
    return handle;
  }

  async destroy(): Promise<void> {
    if (!this.alive) return;
    try {
      await this.client.request({ janus: 'destroy', session_id: this.id });
    } finally {
      this.gone('destroyed');
    }
  }

  /** @internal */
  gone(reason: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.client.sessions.delete(this.id);
    for (const h of this.handles.values()) h.gone(reason);
    this.handles.clear();
    this.emit('gone', reason);
  }

  /** @internal */
  dispatch(msg: JanusMessage): void {
    if (msg.janus === 'timeout') {
      this.gone('session timed out');
      return;
    }
    const handle = msg.sender === undefined ? undefined : this.handles.get(msg.sender);
    handle?.dispatch(msg);
  }
}

type HandleEvents = {
  /** Asynchronous plugin events not answering a request of ours (e.g. VideoRoom publishers/leaving/talking). */
  event: [data: Record<string, unknown>, jsep: Jsep | undefined];
  webrtcup: [];
  media: [info: { type: string; mid?: string; receiving: boolean }];
  slowlink: [info: { mid?: string; media?: string; uplink: boolean; lost: number }];
  hangup: [reason: string];
  /** Janus detached the handle or its session/connection is gone. */
  gone: [reason: string];
};

export class JanusHandle extends EventEmitter<HandleEvents> {
  alive = true;

  constructor(
    readonly session: JanusSession,
    readonly id: number,
    readonly plugin: string,
  ) {
    super();
  }

  private get client(): JanusClient {
    return this.session.client;
  }

  /** A plugin request; synchronous ("success") and asynchronous ("ack" then "event") answers both resolve here. */
  async message<T = Record<string, unknown>>(
    body: Record<string, unknown>,
    jsep?: Jsep,
    opts: { timeoutMs?: number } = {},
  ): Promise<PluginResponse<T>> {
    const res = await this.client.request(
      { janus: 'message', session_id: this.session.id, handle_id: this.id, body, ...(jsep ? { jsep } : {}) },
      opts,
    );
    return { data: (res.plugindata?.data ?? {}) as T, ...(res.jsep ? { jsep: res.jsep } : {}) };
  }

  /** One candidate, several, or null for end-of-candidates. */
  async trickle(candidate: IceCandidate | IceCandidate[] | null): Promise<void> {
    const payload = Array.isArray(candidate)
      ? { candidates: candidate }
      : { candidate: candidate ?? { completed: true } };
    await this.client.request(
      { janus: 'trickle', session_id: this.session.id, handle_id: this.id, ...payload },
      { ackIsFinal: true },
    );
  }

  /** Hangs up the PeerConnection but keeps the handle. */
  async hangup(): Promise<void> {
    await this.client.request({ janus: 'hangup', session_id: this.session.id, handle_id: this.id });
  }

  async detach(): Promise<void> {
    if (!this.alive) return;
    try {
      await this.client.request({ janus: 'detach', session_id: this.session.id, handle_id: this.id });
    } finally {
      this.session.handles.delete(this.id);
      this.gone('detached');
    }
  }

  /** @internal */
  gone(reason: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.emit('gone', reason);
  }

  /** @internal */
  dispatch(msg: JanusMessage): void {
    switch (msg.janus) {
      case 'event':
        if (msg.plugindata) this.emit('event', msg.plugindata.data, msg.jsep);
        break;
      case 'webrtcup':
        this.emit('webrtcup');
        break;
      case 'media':
        this.emit('media', {
          type: String(msg.type),
          ...(typeof msg.mid === 'string' ? { mid: msg.mid } : {}),
          receiving: msg.receiving === true,
        });
        break;
      case 'slowlink':
        this.emit('slowlink', {
          ...(typeof msg.mid === 'string' ? { mid: msg.mid } : {}),
          ...(typeof msg.media === 'string' ? { media: msg.media } : {}),
          uplink: msg.uplink === true,
          lost: typeof msg.lost === 'number' ? msg.lost : 0,
        });
        break;
      case 'hangup':
        this.emit('hangup', String(msg.reason ?? ''));
        break;
      case 'detached':
        this.session.handles.delete(this.id);
        this.gone('detached by Janus');
        break;
    }
  }
}
