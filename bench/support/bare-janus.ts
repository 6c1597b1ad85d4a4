// A bare web page that talks to Janus directly, without Parley: a minimal hand-written Janus WebSocket client
// (sessions, VideoRoom publish and a multistream subscription, trickle ICE), no E2EE, no MLS, no app server.
// It is the baseline of the call-join bench: what joining costs when nothing but Janus and WebRTC is involved.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * window.bare: connect(url) opens the WebSocket and a Janus session (page load); prepare() takes the camera
 * (the pre-join preview); publish(room, display) publishes the fake camera (the participants already in the call);
 * the Join button joins `room`, publishes and subscribes to every publisher; `firstFrameMs` is then click → first
 * remote video frame decoded, from the same in-page getStats poll as the Parley measure.
 */
const PAGE_SCRIPT = `
const VIDEO = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
const rnd = () => Math.random().toString(36).slice(2);
const state = { ws: null, session: 0, pending: new Map(), handles: new Map(), pcs: [], local: null, timer: 0,
  clickAt: 0, firstFrameMs: null, error: null };

function send(msg, ackIsFinal) {
  const transaction = rnd();
  return new Promise((resolve, reject) => {
    state.pending.set(transaction, { resolve, reject, ackIsFinal });
    state.ws.send(JSON.stringify({ ...msg, transaction }));
  });
}

function onMessage(ev) {
  const m = JSON.parse(ev.data);
  const p = m.transaction && state.pending.get(m.transaction);
  if (p) {
    if (m.janus === 'ack' && !p.ackIsFinal) return;
    state.pending.delete(m.transaction);
    const data = m.plugindata && m.plugindata.data;
    if (m.janus === 'error') return p.reject(new Error(m.error.code + ' ' + m.error.reason));
    if (data && data.error) return p.reject(new Error(data.error_code + ' ' + data.error));
    return p.resolve(m);
  }
  const h = m.sender && state.handles.get(m.sender);
  if (h && h.onEvent) h.onEvent(m);
}

async function connect(url) {
  state.ws = new WebSocket(url, 'janus-protocol');
  state.ws.onmessage = onMessage;
  await new Promise((resolve, reject) => { state.ws.onopen = resolve; state.ws.onerror = () => reject(new Error('ws')); });
  state.session = (await send({ janus: 'create' })).data.id;
  state.timer = setInterval(() => send({ janus: 'keepalive', session_id: state.session }, true), 20000);
}

async function attach() {
  const r = await send({ janus: 'attach', session_id: state.session, plugin: 'janus.plugin.videoroom' });
  const handle = { id: r.data.id, onEvent: null };
  state.handles.set(handle.id, handle);
  return handle;
}

const message = (h, body, jsep) =>
  send({ janus: 'message', session_id: state.session, handle_id: h.id, body, ...(jsep ? { jsep } : {}) });

function peer(h) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.onicecandidate = (e) => send({ janus: 'trickle', session_id: state.session, handle_id: h.id,
    candidate: e.candidate ? e.candidate.toJSON() : { completed: true } }, true);
  state.pcs.push(pc);
  return pc;
}

async function prepare() {
  state.local = await navigator.mediaDevices.getUserMedia({ audio: true, video: VIDEO });
}

async function publishOn(h, local) {
  const pc = peer(h);
  for (const t of local.getTracks()) pc.addTransceiver(t, { direction: 'sendonly', streams: [local] });
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const r = await message(h, { request: 'publish' }, { type: offer.type, sdp: offer.sdp });
  await pc.setRemoteDescription(r.jsep);
}

async function publish(room, display) {
  if (!state.local) await prepare();
  const h = await attach();
  const joined = (await message(h, { request: 'join', ptype: 'publisher', room, display })).plugindata.data;
  await publishOn(h, state.local);
  // Janus lists (and lets others subscribe to) a feed only once its media is up.
  const pc = state.pcs[state.pcs.length - 1];
  for (let i = 0; i < 300 && pc.connectionState !== 'connected'; i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  return { id: joined.id, privateId: joined.private_id };
}

async function watchFrames(pc) {
  for (let i = 0; i < 3000 && state.firstFrameMs === null; i++) {
    for (const s of (await pc.getStats()).values())
      if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded || 0) > 0 && state.firstFrameMs === null)
        state.firstFrameMs = performance.now() - state.clickAt;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function subscribe(room, privateId, feeds, measure) {
  const h = await attach();
  const pc = peer(h);
  pc.ontrack = (e) => {
    if (e.track.kind !== 'video') return;
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true;
    v.srcObject = new MediaStream([e.track]);
    document.body.append(v);
  };
  const streams = feeds.map((feed) => ({ feed }));
  const r = await message(h, { request: 'join', ptype: 'subscriber', room, private_id: privateId, streams, use_msid: true });
  const watching = measure ? watchFrames(pc) : Promise.resolve();
  await pc.setRemoteDescription(r.jsep);
  // As Parley's page does (docs/call-keys.md §11): the DTLS server role, and the answer to Janus before it is set
  // here. With Janus an ICE-lite agent, a page that answered as the DTLS client lost a second now and then.
  const created = await pc.createAnswer();
  const answer = { type: 'answer', sdp: created.sdp.replace(/a=setup:active/g, 'a=setup:passive') };
  const started = message(h, { request: 'start' }, answer);
  await pc.setLocalDescription(answer);
  await started;
  await watching;
}

async function join(room) {
  const h = await attach();
  const joined = (await message(h, { request: 'join', ptype: 'publisher', room, display: 'bare-joiner' })).plugindata.data;
  const feeds = (joined.publishers || []).map((p) => p.id);
  await Promise.all([publishOn(h, state.local), subscribe(room, joined.private_id, feeds, true)]);
}

async function leave() {
  clearInterval(state.timer);
  for (const pc of state.pcs) pc.close();
  if (state.session) await send({ janus: 'destroy', session_id: state.session }).catch(() => undefined);
  state.ws.close();
}

const button = document.getElementById('join');
button.addEventListener('click', () => {
  state.clickAt = performance.now();
  join(Number(button.dataset.room)).catch((e) => { state.error = String(e); });
});
const watch = (room, privateId, feeds) => subscribe(room, privateId, feeds, false);
window.bare = { connect, prepare, publish, watch, leave, state };
`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>bare Janus</title></head>
<body><button id="join" type="button">Join</button><script type="module" src="/bare.js"></script></body></html>`;

export interface BarePageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the bare page on an http://127.0.0.1 origin (a secure-enough context for getUserMedia and WebRTC). */
export async function serveBarePage(): Promise<BarePageServer> {
  const server = http.createServer((req, res) => {
    const script = req.url === '/bare.js';
    res.writeHead(200, { 'content-type': script ? 'text/javascript' : 'text/html', 'cache-control': 'no-store' });
    res.end(script ? PAGE_SCRIPT : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
