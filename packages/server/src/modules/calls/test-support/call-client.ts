import type { CallServerMessage, ServerMessage } from '@parley/protocol';
import WebSocket from 'ws';
import { TEST_ORIGIN } from '../../../test-support/app.js';

type Msg = ServerMessage;
export type State = Extract<CallServerMessage, { type: 'call.state' }>;

/** A real WebSocket client on a listening server's /ws, as a browser tab would hold it. */
export class CallClient {
  readonly messages: Msg[] = [];
  private waiters: { test: (m: Msg) => boolean; from: number; resolve: (m: Msg) => void }[] = [];
  private n = 0;

  private constructor(
    private readonly ws: WebSocket,
    readonly meetingId: string,
  ) {
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as Msg;
      this.messages.push(m);
      const at = this.messages.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (at < w.from || !w.test(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }

  static async open(url: string, cookie: string, meetingId: string): Promise<CallClient> {
    const ws = new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN } });
    const client = new CallClient(ws, meetingId);
    await client.next((m) => m.type === 'hello');
    return client;
  }

  /** Position in the message log; `next(test, mark)` then only looks at what arrived after it. */
  mark(): number {
    return this.messages.length;
  }

  next<T extends Msg['type']>(
    type: T,
    test?: (m: Extract<Msg, { type: T }>) => boolean,
    from?: number,
  ): Promise<Extract<Msg, { type: T }>>;
  next(test: (m: Msg) => boolean, from?: number): Promise<Msg>;
  next(a: unknown, b?: unknown, c?: unknown): Promise<Msg> {
    const [test, from] =
      typeof a === 'string'
        ? [(m: Msg) => m.type === a && (!b || (b as (m: Msg) => boolean)(m)), (c as number | undefined) ?? 0]
        : [a as (m: Msg) => boolean, (b as number | undefined) ?? 0];
    const seen = this.messages.findIndex((m, i) => i >= from && test(m));
    if (seen >= 0) return Promise.resolve(this.messages[seen]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message; last: ${JSON.stringify(this.messages.slice(-3))}`)),
        15_000,
      );
      this.waiters.push({
        test,
        from,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** The newest roster that satisfies `test`. */
  state(test: (s: State) => boolean = () => true, from = 0): Promise<State> {
    return this.next('call.state', (s) => test(s as State), from) as Promise<State>;
  }

  send(msg: Record<string, unknown>): void {
    this.ws.send(JSON.stringify({ meetingId: this.meetingId, ...msg }));
  }

  /** Sends with a request id and resolves with the server's reply carrying it (an answer, offer or error). */
  request(msg: Record<string, unknown>): Promise<Msg> {
    const requestId = `r${++this.n}`;
    const from = this.mark();
    this.send({ ...msg, requestId });
    return this.next((m) => (m as { requestId?: string }).requestId === requestId, from);
  }

  /** Sends and resolves with the `call.error` for it, or null once a later ping shows none came. */
  async refusal(msg: Record<string, unknown>): Promise<string | null> {
    const requestId = `r${++this.n}`;
    const from = this.mark();
    this.send({ ...msg, requestId });
    // Call messages of one socket are handled in order, so a following call message's reply bounds this one's.
    const probe = `p${++this.n}`;
    this.send({
      type: 'call.media-state',
      audio: false,
      video: false,
      requestId: probe,
      meetingId: '00000000-0000-4000-8000-000000000000',
    });
    const m = await this.next((x) => {
      const rid = (x as { requestId?: string }).requestId;
      return rid === requestId || rid === probe;
    }, from);
    return m.type === 'call.error' && m.requestId === requestId ? m.code : null;
  }

  close(): void {
    this.ws.close();
  }
}

/** A minimal but valid WebRTC offer (one Opus send-only m-line): enough for Janus to answer without real media. */
export function syntheticOffer(seed = 1): { type: 'offer'; sdp: string } {
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 7 + seed) % 256).toString(16).padStart(2, '0').toUpperCase());
  const sdp = [
    'v=0',
    `o=- ${4611731400430051336n + BigInt(seed)} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS s',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:u${seed}ab`,
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fp.join(':')}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=sendonly',
    'a=msid:s t',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}
/**
 * A receive-only answer to a subscriber offer of Janus, as a browser would make it: every offered m-line accepted
 * (recvonly, first codec) under the same mids, or rejected where Janus offered it with port 0.
 */
export function syntheticAnswer(offerSdp: string, seed = 1): { type: 'answer'; sdp: string } {
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 11 + seed) % 256).toString(16).padStart(2, '0').toUpperCase());
  const sections = offerSdp.split(/\r\n(?=m=)/).slice(1);
  const mids: string[] = [];
  const media = sections.map((s) => {
    const lines = s.split('\r\n');
    const [kind, port, proto, ...pts] = lines[0]!.slice(2).split(' ');
    const mid = /^a=mid:(.+)$/m.exec(s)?.[1] ?? String(mids.length);
    const pt = pts[0] ?? '0';
    if (port === '0' || kind === 'application')
      return [`m=${kind} 0 ${proto} ${pt}`, 'c=IN IP4 0.0.0.0', `a=mid:${mid}`, 'a=inactive'];
    mids.push(mid);
    const rtpmap = lines.find((l) => l.startsWith(`a=rtpmap:${pt} `));
    return [
      `m=${kind} 9 ${proto} ${pt}`,
      'c=IN IP4 0.0.0.0',
      'a=rtcp:9 IN IP4 0.0.0.0',
      `a=ice-ufrag:a${seed}xy`,
      'a=ice-pwd:zyxwvutsrqponmlkjihgfedc',
      `a=fingerprint:sha-256 ${fp.join(':')}`,
      'a=setup:active',
      `a=mid:${mid}`,
      'a=recvonly',
      'a=rtcp-mux',
      ...(rtpmap ? [rtpmap] : []),
    ];
  });
  const sdp = [
    'v=0',
    `o=- ${1000 + seed} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mids.join(' ')}`,
    'a=msid-semantic: WMS',
    ...media.flat(),
    '',
  ].join('\r\n');
  return { type: 'answer', sdp };
}
