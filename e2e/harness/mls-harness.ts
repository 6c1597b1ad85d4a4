// Browser harness: drives the real @parley/e2ee MLS wrapper and SFrame layer inside a page of the Parley SPA
// origin, talking to the real Delivery Service with the page's session cookie. Bundled by
// e2e/support/e2ee-harness.ts and installed as `window.parleyMls`; the spec calls it through page.evaluate, so
// every argument and result is plain JSON (epochs as numbers, bytes as base64). Private keys, MLS state and
// SFrame keys stay inside the page, as they would in the real client.
import {
  commitBody,
  createDeviceIdentity,
  createKeyPackage,
  DeliveryService,
  type DeviceIdentity,
  decodeHeader,
  deriveEpochSenderKeys,
  deviceLogCheck,
  encodeCredentialIdentity,
  fromB64,
  isSFrameError,
  joinFromWelcome,
  type KeyPackageBundle,
  MlsSession,
  type PendingCommit,
  parseKid,
  predictLeaves,
  readLog,
  SFrameContext,
  safetyCode,
  toB64,
} from '@parley/e2ee';
import { verifyDeviceChain } from '@parley/protocol';

export interface ApiResult {
  status: number;
  body: unknown;
}
export interface CommitResult {
  status: number;
  epoch: number;
  body: unknown;
}
export interface SyncEvent {
  seq: number;
  kind: string;
  epoch: number;
  senderDeviceId: string;
  text?: string;
  removedSelf?: boolean;
}
export interface HarnessState {
  userId: string;
  deviceId: string;
  mlsGroupId: string | null;
  active: boolean;
  epoch: number;
  leaf: number;
  safetyCode: string;
  members: { leafIndex: number; userId: string; deviceId: string }[];
  /** Leaves whose signature key the device-key log confirmed (the verifyMember hook). */
  verifiedDevices: string[];
}
export type Unprotected =
  | { ok: true; text: string; kid: string; ctr: string; senderLeaf: number; epoch: number }
  | { ok: false; code: string; message: string };

export interface MlsHarness {
  signIn(email: string, password: string): Promise<string>;
  registerDevice(label: string): Promise<{ status: number; deviceId: string; userId: string }>;
  uploadKeyPackages(count: number): Promise<ApiResult>;
  /** A key package kept on this device but not uploaded: for the spec to try an out-of-band Add. */
  unlistedKeyPackage(): Promise<string>;
  api(method: string, path: string, body?: unknown): Promise<ApiResult>;
  createGroup(context: string): Promise<ApiResult>;
  claim(userId: string): Promise<ApiResult>;
  add(userId: string): Promise<{ claim: ApiResult; commit?: CommitResult }>;
  addKeyPackage(deviceId: string, keyPackage: string): Promise<CommitResult>;
  join(): Promise<{ mlsGroupId: string; pathUpdate: CommitResult }>;
  sync(): Promise<SyncEvent[]>;
  send(text: string): Promise<{ status: number; seq: number; ciphertext: string }>;
  selfUpdate(): Promise<CommitResult>;
  remove(deviceId: string): Promise<CommitResult>;
  state(): HarnessState;
  /** Derives this epoch's SFrame keys from MLS into a new SFrameContext kept under `name`. */
  sframeContext(name: string): Promise<{ epoch: number; senderKid: string; receiverKids: string[] }>;
  protect(name: string, text: string): Promise<string>;
  unprotect(name: string, frame: string): Promise<Unprotected>;
  /** A removed member's best try: the frame's own KID with the base key of the epoch it last knew. */
  unprotectWithLastBaseKey(frame: string): Promise<Unprotected>;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

async function api(method: string, path: string, body?: unknown): Promise<ApiResult> {
  const init: RequestInit = { method, credentials: 'same-origin' };
  if (body !== undefined) init.headers = { 'content-type': 'application/json' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: keep the text for the failure message.
  }
  return { status: res.status, body: parsed };
}

function opened(f: { kid: bigint; ctr: bigint; epoch: bigint; plaintext: Uint8Array }, epoch = Number(f.epoch)) {
  const text = fromUtf8.decode(f.plaintext);
  const senderLeaf = parseKid(f.kid, 4).leafIndex;
  return { ok: true as const, text, kid: f.kid.toString(), ctr: f.ctr.toString(), senderLeaf, epoch };
}

function failure(error: unknown): Unprotected {
  if (isSFrameError(error)) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: 'error', message: error instanceof Error ? error.message : String(error) };
}

class Harness implements MlsHarness {
  #userId = '';
  #identity: DeviceIdentity | undefined;
  #bundles: KeyPackageBundle[] = [];
  #session: MlsSession | undefined;
  #mlsGroupId: string | null = null;
  #cursor = 0;
  #verified = new Set<string>();
  #sframe = new Map<string, { context: SFrameContext; epoch: bigint }>();
  #lastBaseKey: Uint8Array | undefined;

  get #id(): DeviceIdentity {
    if (!this.#identity) throw new Error('no device identity yet');
    return this.#identity;
  }
  get #s(): MlsSession {
    if (!this.#session) throw new Error('not in an MLS group');
    return this.#session;
  }
  get #group(): string {
    if (!this.#mlsGroupId) throw new Error('no MLS group');
    return this.#mlsGroupId;
  }

  api(method: string, path: string, body?: unknown): Promise<ApiResult> {
    return api(method, path, body);
  }

  async signIn(email: string, password: string): Promise<string> {
    const res = await api('POST', '/api/auth/login', { email, password });
    const body = res.body as { status?: string; user?: { id: string } };
    if (res.status !== 200 || body.status !== 'ok' || !body.user) throw new Error(`sign-in: ${JSON.stringify(res)}`);
    this.#userId = body.user.id;
    return this.#userId;
  }

  async registerDevice(label: string) {
    const identity = await createDeviceIdentity(this.#userId, crypto.randomUUID());
    const res = await api('POST', '/api/devices', {
      deviceId: identity.deviceId,
      signaturePublicKey: toB64(identity.signaturePublicKey),
      credential: toB64(encodeCredentialIdentity(identity)),
      label,
    });
    if (res.status === 201) this.#identity = identity;
    return { status: res.status, deviceId: identity.deviceId, userId: this.#userId };
  }

  async uploadKeyPackages(count: number): Promise<ApiResult> {
    const fresh = await Promise.all(Array.from({ length: count + 1 }, () => createKeyPackage(this.#id)));
    this.#bundles.push(...fresh);
    const [lastResort, ...oneTime] = fresh;
    return api('POST', `/api/devices/${this.#id.deviceId}/key-packages`, {
      keyPackages: oneTime.map((k) => toB64(k.publicBytes)),
      lastResort: toB64(lastResort!.publicBytes),
    });
  }

  async unlistedKeyPackage(): Promise<string> {
    const kp = await createKeyPackage(this.#id);
    this.#bundles.push(kp);
    return toB64(kp.publicBytes);
  }

  /** The member check every client runs: the leaf's key must be the active key of that device in the log. */
  #verifyMember = deviceLogCheck(
    {
      get: async <T>(url: string) => {
        const res = await api('GET', url);
        if (res.status !== 200) throw Object.assign(new Error(`GET ${url}: ${res.status}`), { status: res.status });
        return res.body as T;
      },
      post: () => Promise.reject(new Error('the member check only reads')),
    },
    verifyDeviceChain,
    (deviceId) => this.#verified.add(deviceId),
  );

  async createGroup(context: string): Promise<ApiResult> {
    const res = await api('POST', '/api/mls/groups', { context, deviceId: this.#id.deviceId });
    if (res.status !== 201) return res;
    this.#mlsGroupId = (res.body as { id: string }).id;
    this.#session = await MlsSession.create({
      identity: this.#id,
      groupId: this.#mlsGroupId,
      options: { verifyMember: this.#verifyMember },
    });
    this.#cursor = 0;
    return res;
  }

  claim(userId: string): Promise<ApiResult> {
    return api('POST', `/api/mls/groups/${this.#group}/key-packages/claim`, { deviceId: this.#id.deviceId, userId });
  }

  async add(userId: string) {
    const claim = await this.claim(userId);
    if (claim.status !== 200) return { claim };
    const [kp] = (claim.body as { keyPackages: { deviceId: string; keyPackage: string }[] }).keyPackages;
    if (!kp) return { claim };
    return { claim, commit: await this.addKeyPackage(kp.deviceId, kp.keyPackage) };
  }

  async addKeyPackage(deviceId: string, keyPackage: string): Promise<CommitResult> {
    const pending = await this.#s.prepareAdd([fromB64(keyPackage)]);
    return this.#postCommit(pending, { added: [deviceId] });
  }

  async selfUpdate(): Promise<CommitResult> {
    return this.#postCommit(await this.#s.prepareSelfUpdate());
  }

  async remove(deviceId: string): Promise<CommitResult> {
    const leaf = this.#s.members().find((m) => m.deviceId === deviceId);
    if (!leaf) throw new Error(`${deviceId} is not in the group`);
    return this.#postCommit(await this.#s.prepareRemove([leaf.leafIndex]), { removed: [deviceId] });
  }

  /** Applies the commit only on 201, discards it otherwise: local state never runs ahead of the server. */
  async #postCommit(pending: PendingCommit, change: { added?: string[]; removed?: string[] } = {}) {
    const added = change.added ?? [];
    const removed = change.removed ?? [];
    const res = await api(
      'POST',
      `/api/mls/groups/${this.#group}/commits`,
      commitBody(this.#id.deviceId, {
        epoch: pending.epoch,
        commit: pending.commit,
        welcome: pending.welcome,
        added: predictLeaves(this.#s.members(), added, removed),
        removed,
      }),
    );
    if (res.status === 201) await pending.apply();
    else await pending.discard();
    return { status: res.status, epoch: Number(this.#s.epoch), body: res.body };
  }

  /** The Delivery Service calls of the group client, over this page's session cookie. */
  get #ds(): DeliveryService {
    return new DeliveryService(
      {
        get: async <T>(url: string) => this.#answer<T>(await api('GET', url), url),
        post: async <T>(url: string, body?: unknown) => this.#answer<T>(await api('POST', url, body), url),
      },
      this.#id.deviceId,
    );
  }

  #answer<T>(res: ApiResult, url: string): T {
    if (res.status >= 400) throw Object.assign(new Error(`${url}: ${JSON.stringify(res)}`), { status: res.status });
    return res.body as T;
  }

  /** Joins from this device's Welcome with the group client's steps, then commits the full-path update (§5.3). */
  async join() {
    const [w] = await this.#ds.welcomes();
    if (!w) throw new Error('no Welcome for this device');
    const joined = await joinFromWelcome(
      { identity: this.#id, keyPackages: async () => this.#bundles },
      w,
      this.#verifyMember,
    );
    if (!joined) throw new Error('the Welcome names none of this device’s key packages');
    // The private half of a used key package is of no further use and must not linger.
    this.#bundles = this.#bundles.filter((b) => b.ref !== joined.keyPackageRef);
    this.#session = joined.session;
    this.#mlsGroupId = w.mlsGroupId;
    this.#cursor = w.seq;
    for (;;) {
      const r = await this.#postCommit(await this.#s.prepareSelfUpdate());
      if (r.status !== 409) return { mlsGroupId: w.mlsGroupId, pathUpdate: r };
      await this.sync();
    }
  }

  /** Reads the log after the cursor as the group client does (`readLog`), reporting each message. */
  async sync(): Promise<SyncEvent[]> {
    const out: SyncEvent[] = [];
    await readLog({
      ds: this.#ds,
      groupId: this.#group,
      session: this.#s,
      ownDeviceId: this.#id.deviceId,
      owner: { application: () => {} },
      cursor: () => this.#cursor,
      advance: (seq) => {
        this.#cursor = seq;
      },
      trace: () => {},
      seen: (m, incoming) => {
        const base = { seq: m.seq, epoch: m.epoch, senderDeviceId: m.senderDeviceId };
        // Our own application messages cannot be decrypted by us (MLS forbids reusing the sending ratchet).
        if (!incoming) out.push({ ...base, kind: 'own-application' });
        else if (incoming.kind === 'application') {
          if (incoming.sender.deviceId !== m.senderDeviceId) throw new Error('sender differs from the server’s label');
          out.push({ ...base, kind: 'application', text: fromUtf8.decode(incoming.data) });
        } else if (incoming.kind === 'commit')
          out.push({ ...base, kind: 'commit', epoch: Number(incoming.epoch), removedSelf: incoming.removedSelf });
        else out.push({ ...base, kind: incoming.kind });
      },
    });
    return out;
  }

  async send(text: string) {
    const ciphertext = toB64(await this.#s.encryptApplication(utf8.encode(text)));
    const res = await api('POST', `/api/mls/groups/${this.#group}/messages`, {
      deviceId: this.#id.deviceId,
      epoch: Number(this.#s.epoch),
      message: ciphertext,
    });
    return { status: res.status, seq: (res.body as { seq?: number }).seq ?? -1, ciphertext };
  }

  state(): HarnessState {
    const s = this.#session;
    const active = !!s?.active;
    return {
      userId: this.#userId,
      deviceId: this.#identity?.deviceId ?? '',
      mlsGroupId: this.#mlsGroupId,
      active,
      epoch: s ? Number(s.epoch) : -1,
      leaf: s && active ? s.ownLeafIndex : -1,
      safetyCode: s && active ? safetyCode(s.epochAuthenticator()) : '',
      members:
        s && active ? s.members().map((m) => ({ leafIndex: m.leafIndex, userId: m.userId, deviceId: m.deviceId })) : [],
      verifiedDevices: [...this.#verified].sort(),
    };
  }

  async sframeContext(name: string) {
    const s = this.#s;
    const keys = await deriveEpochSenderKeys(s, s.epoch);
    const context = new SFrameContext();
    const receiverKids: string[] = [];
    let senderKid = '';
    for (const sender of keys.senders) {
      if (sender.leafIndex === s.ownLeafIndex) {
        await context.setSenderKey(sender.kid, sender.baseKey);
        senderKid = sender.kid.toString();
      } else {
        await context.addReceiverKey(sender.kid, sender.baseKey, { epoch: keys.epoch });
        receiverKids.push(sender.kid.toString());
      }
    }
    this.#sframe.get(name)?.context.close();
    this.#sframe.set(name, { context, epoch: keys.epoch });
    this.#lastBaseKey = keys.baseKey;
    return { epoch: Number(keys.epoch), senderKid, receiverKids };
  }

  #context(name: string): SFrameContext {
    const entry = this.#sframe.get(name);
    if (!entry) throw new Error(`no SFrame context ${name}`);
    return entry.context;
  }

  async protect(name: string, text: string): Promise<string> {
    return toB64(await this.#context(name).protect(utf8.encode(text)));
  }

  async unprotect(name: string, frame: string): Promise<Unprotected> {
    try {
      return opened(await this.#context(name).unprotect(fromB64(frame)));
    } catch (error) {
      return failure(error);
    }
  }

  async unprotectWithLastBaseKey(frame: string): Promise<Unprotected> {
    if (!this.#lastBaseKey) throw new Error('no SFrame keys were ever derived here');
    try {
      const bytes = fromB64(frame);
      const guess = new SFrameContext();
      await guess.addReceiverKey(decodeHeader(bytes).kid, this.#lastBaseKey);
      // The guess context has no idea of epochs: success here would mean the old key opened a new-epoch frame.
      return opened(await guess.unprotect(bytes), -1);
    } catch (error) {
      return failure(error);
    }
  }
}

(globalThis as unknown as { parleyMls: MlsHarness }).parleyMls = new Harness();
