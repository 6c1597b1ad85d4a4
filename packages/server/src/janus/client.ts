import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { JanusError, type JanusLogger, silentLogger } from './errors.js';
import { redactMessage } from './redact.js';
import { JanusSession } from './session.js';

export { JanusHandle, JanusSession } from './session.js';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** Set on offers whose media is end-to-end encrypted (insertable streams); require_e2ee rooms demand it. */
  e2ee?: boolean;
  trickle?: boolean;
}

export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** One frame of the Janus API, as far as Parley reads it. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: Record<string, unknown> & { id?: number };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  error?: { code: number; reason: string };
  [key: string]: unknown;
}

export interface PluginResponse<T = Record<string, unknown>> {
  data: T;
  jsep?: Jsep;
}

export interface JanusClientOptions {
  /** Read at every (re)connection: a restarted child may listen on a new port. */
  url: string | (() => string);
  log?: JanusLogger;
  requestTimeoutMs?: number;
  keepaliveMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

interface Pending {
  resolve(msg: JanusMessage): void;
  reject(err: Error): void;
  /** Resolve on "ack" (keepalive, trickle) rather than wait for success/event. */
  ackIsFinal: boolean;
  timer: NodeJS.Timeout;
}

type ClientEvents = {
  connected: [];
  disconnected: [reason: string];
  /** The socket came back after a drop: every session and handle is gone, rooms may be gone (Janus restart). */
  reset: [info: { reason: string }];
};

const forLog = (msg: object) => {
  const r = redactMessage(msg) as Record<string, unknown>;
  const jsep = r.jsep as { sdp?: string } | undefined;
  if (jsep?.sdp) r.jsep = { ...jsep, sdp: `[sdp ${jsep.sdp.length} chars]` };
  return r;
};

/** A typed client of the Janus WebSocket API with per-request time-outs, keepalives and reconnection. */
export class JanusClient extends EventEmitter<ClientEvents> {
  private ws: WebSocket | null = null;
  private readonly pending = new Map<string, Pending>();
  readonly sessions = new Map<number, JanusSession>();
  private readonly log: JanusLogger;
  private closed = false;
  private everConnected = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private firstConnect: Promise<void> | null = null;
  readonly requestTimeoutMs: number;

  constructor(private readonly opts: JanusClientOptions) {
    super();
    this.log = opts.log ?? silentLogger;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Resolves once connected; keeps reconnecting with back-off after drops until `close()`. */
  connect(): Promise<void> {
    this.firstConnect ??= new Promise<void>((resolve, reject) => {
      const onConnected = () => {
        this.off('disconnected', onClosed);
        resolve();
      };
      const onClosed = () => {
        if (this.closed) reject(new JanusError('closed', 0, 'Janus client closed before connecting'));
      };
      this.once('connected', onConnected);
      this.on('disconnected', onClosed);
      this.open();
    });
    return this.firstConnect;
  }

  private open(): void {
    if (this.closed) return;
    const url = typeof this.opts.url === 'function' ? this.opts.url() : this.opts.url;
    const ws = new WebSocket(url, 'janus-protocol', { handshakeTimeout: 5_000, perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.log.debug({ url }, 'janus: connected');
      const wasReset = this.everConnected;
      this.everConnected = true;
      const every = this.opts.keepaliveMs ?? 25_000;
      this.keepaliveTimer = setInterval(() => this.keepalive(), every);
      this.keepaliveTimer.unref();
      this.emit('connected');
      if (wasReset) this.emit('reset', { reason: 'reconnected' });
    });
    ws.on('message', (raw) => this.onMessage(String(raw)));
    ws.on('error', (err) => this.log.debug({ err: err.message }, 'janus: socket error'));
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
      this.keepaliveTimer = null;
      const reason = `socket closed (${code})`;
      for (const [tx, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new JanusError('closed', 0, `Janus connection lost: ${reason}`));
        this.pending.delete(tx);
      }
      for (const s of [...this.sessions.values()]) s.gone(reason);
      this.emit('disconnected', reason);
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.opts.reconnectMinMs ?? 250;
    const max = this.opts.reconnectMaxMs ?? 5_000;
    const base = Math.min(max, min * 2 ** this.attempt++);
    const delay = base * (0.8 + Math.random() * 0.4);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
    this.reconnectTimer.unref();
  }

  private keepalive(): void {
    for (const s of this.sessions.values())
      this.request({ janus: 'keepalive', session_id: s.id }, { ackIsFinal: true }).catch((err: Error) =>
        this.log.warn({ err: err.message, session: s.id }, 'janus: keepalive failed'),
      );
  }

  /** Sends one request and resolves with its final answer; Janus and plugin errors reject with a JanusError. */
  request(
    body: Record<string, unknown>,
    opts: { ackIsFinal?: boolean; timeoutMs?: number } = {},
  ): Promise<JanusMessage> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN)
      return Promise.reject(new JanusError('closed', 0, 'Janus is not connected'));
    const transaction = randomBytes(9).toString('base64url');
    const msg = { ...body, transaction };
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    return new Promise<JanusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError('timeout', 0, `Janus "${String(body.janus)}" request timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(transaction, { resolve, reject, ackIsFinal: opts.ackIsFinal ?? false, timer });
      this.log.debug({ out: forLog(msg) }, 'janus: send');
      ws.send(JSON.stringify(msg), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(transaction);
        reject(new JanusError('closed', 0, `Janus send failed: ${err.message}`));
      });
    });
  }

  private onMessage(text: string): void {
    let msg: JanusMessage;
    try {
      msg = JSON.parse(text) as JanusMessage;
    } catch {
      this.log.warn({}, 'janus: unparseable frame');
      return;
    }
    this.log.debug({ in: forLog(msg) }, 'janus: receive');
    const p = msg.transaction ? this.pending.get(msg.transaction) : undefined;
    if (p && (msg.janus !== 'ack' || p.ackIsFinal)) {
      this.pending.delete(msg.transaction!);
      clearTimeout(p.timer);
      const pluginError = msg.plugindata?.data;
      if (msg.janus === 'error')
        p.reject(new JanusError('janus', msg.error?.code ?? 0, msg.error?.reason ?? 'Janus error'));
      else if (pluginError && typeof pluginError.error_code === 'number')
        p.reject(new JanusError('plugin', pluginError.error_code, String(pluginError.error ?? 'plugin error')));
      else p.resolve(msg);
      return;
    }
    if (p) return; // the ack of an asynchronous request: its event follows
    const session = msg.session_id === undefined ? undefined : this.sessions.get(msg.session_id);
    session?.dispatch(msg);
  }

  /** Server information (also a cheap liveness probe). */
  async info(): Promise<Record<string, unknown>> {
    const res = await this.request({ janus: 'info' });
    return res as Record<string, unknown>;
  }

  async createSession(): Promise<JanusSession> {
    const res = await this.request({ janus: 'create' });
    const id = res.data?.id;
    if (typeof id !== 'number') throw new JanusError('janus', 0, 'Janus create returned no session id');
    const session = new JanusSession(this, id);
    this.sessions.set(id, session);
    return session;
  }

  /** Stops reconnecting and closes the socket (sessions die with it on the Janus side). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    if (!ws) {
      this.emit('disconnected', 'closed');
      return;
    }
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1_000).unref();
    });
  }
}
