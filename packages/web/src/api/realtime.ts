import { AnyServerMessage, type DomainEvent, EventMessage, type Topic } from '@parley/protocol';

type Listener = (event: DomainEvent) => void;
/** Any other server message (e.g. `call.*` signalling); validated by whoever consumes it. */
type RawListener = (message: AnyServerMessage) => void;

/**
 * One WebSocket per tab. Subscriptions are reference-counted per topic and re-sent after a reconnect,
 * so components simply subscribe on mount and unsubscribe on unmount.
 */
class RealtimeClient {
  private socket: WebSocket | null = null;
  private listeners = new Map<Topic, Set<Listener>>();
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = true;
  /** Set after each (re)connect so views can refetch what they may have missed. */
  private reconnectHandlers = new Set<() => void>();
  private rawListeners = new Set<RawListener>();
  private openWaiters: (() => void)[] = [];

  start(): void {
    if (!this.closed) return;
    this.closed = false;
    this.connect();
  }

  stop(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close(1000, 'signed out');
    this.socket = null;
  }

  subscribe(topic: Topic, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
      this.send({ type: 'subscribe', topic });
    }
    set.add(listener);
    return () => {
      const s = this.listeners.get(topic);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) {
        this.listeners.delete(topic);
        this.send({ type: 'unsubscribe', topic });
      }
    };
  }

  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  /** Listens to every message that is not a topic event (the call signalling rides on the same socket). */
  onMessage(listener: RawListener): () => void {
    this.rawListeners.add(listener);
    return () => this.rawListeners.delete(listener);
  }

  /** Sends once the socket is open; resolves false if it is not open within `timeoutMs`. */
  async sendWhenOpen(msg: unknown, timeoutMs = 10_000): Promise<boolean> {
    if (this.socket?.readyState !== WebSocket.OPEN) {
      this.start();
      const opened = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), timeoutMs);
        this.openWaiters.push(() => {
          clearTimeout(t);
          resolve(true);
        });
      });
      if (!opened) return false;
    }
    this.send(msg);
    return this.socket?.readyState === WebSocket.OPEN;
  }

  private send(msg: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }

  private connect(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const ws = new WebSocket(url);
    this.socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      const wasRetry = this.retry > 0;
      this.retry = 0;
      for (const topic of this.listeners.keys()) this.send({ type: 'subscribe', topic });
      for (const w of this.openWaiters.splice(0)) w();
      if (wasRetry) for (const h of this.reconnectHandlers) h();
    };
    ws.onmessage = (ev) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const other = AnyServerMessage.safeParse(raw);
      if (!other.success) return;
      if (other.data.type !== 'event') {
        for (const l of this.rawListeners) l(other.data);
        return;
      }
      // Events are read through their schema, so a listener that narrows on `kind` reads data of that kind. Only
      // events: a call's signalling (dozens of messages a second while someone joins) is not tried against it first.
      const event = EventMessage.safeParse(raw);
      if (event.success) for (const l of this.listeners.get(event.data.topic) ?? []) l(event.data.event);
    };
    ws.onclose = (ev) => {
      if (this.socket === ws) this.socket = null;
      // 4401: the session is gone; reconnecting would only fail again until the user signs in.
      if (this.closed || ev.code === 4401) return;
      this.retry = Math.min(this.retry + 1, 6);
      const delay = (opened ? 500 : 1000) * 2 ** (this.retry - 1) + Math.random() * 250;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}

export const realtime = new RealtimeClient();
