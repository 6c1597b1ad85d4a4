import { randomUUID } from 'node:crypto';
import {
  commitBody,
  createDeviceIdentity,
  createKeyPackage,
  type DeliveryApi,
  type DeviceIdentity,
  deviceLogCheck,
  encodeCredentialIdentity,
  type GroupDevice,
  type KeyPackageBundle,
  MemorySecretStore,
  MlsGroupClient,
  type MlsGroupOwner,
  type MlsGroupSetup,
  type MlsIncoming,
  MlsSession,
  type PendingCommit,
  predictLeaves,
  type SecretStore,
} from '@parley/e2ee';
import { type MlsMessage, verifyDeviceChain } from '@parley/protocol';
import type { LightMyRequestResponse } from 'fastify';
import type { InjectClient } from '../lib/inject-client.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** The Delivery Service requests of @parley/e2ee over an inject client: a failure throws with its `status`. */
export function injectApi(http: InjectClient): DeliveryApi {
  const answer = <T>(res: LightMyRequestResponse, what: string): T => {
    if (res.statusCode >= 400)
      throw Object.assign(new Error(`${what}: ${res.statusCode} ${res.body}`), { status: res.statusCode });
    return (res.body ? res.json() : null) as T;
  };
  return {
    get: async <T>(url: string) => answer<T>(await http.get(url), `GET ${url}`),
    post: async <T>(url: string, body?: unknown) => answer<T>(await http.post(url, body), `POST ${url}`),
  };
}

/**
 * One device of one user in this process, speaking to the server's HTTP API in process (inject). It drives its
 * groups either step by step (the Delivery Service tests check the server's answer to each request) or through
 * the one MLS group client of @parley/e2ee (`group()`), as a browser does.
 */
export class MlsDevice implements GroupDevice {
  session: MlsSession | undefined;
  /** Seq of the last message processed from the Delivery Service. */
  cursor = 0;
  readonly received: string[] = [];
  private bundles: KeyPackageBundle[] = [];
  readonly api: DeliveryApi;
  /** The member check of every tree this device accepts (the device-key log, docs/call-keys.md §5.1). */
  readonly verifyMember;
  /** The device's sessions at rest, by group (memory: the device lives as long as the process). */
  readonly store: SecretStore = new MemorySecretStore();

  private constructor(
    readonly name: string,
    readonly http: InjectClient,
    readonly identity: DeviceIdentity,
  ) {
    this.api = injectApi(http);
    this.verifyMember = deviceLogCheck(this.api, verifyDeviceChain);
  }

  async keyPackages(): Promise<KeyPackageBundle[]> {
    return this.bundles;
  }

  async forgetKeyPackage(ref: string): Promise<void> {
    this.bundles = this.bundles.filter((b) => b.ref !== ref);
  }

  /** Keeps a few key packages at the server, as a browser does after a Welcome used one. */
  async replenish(): Promise<void> {
    if (this.bundles.length < 3) await this.uploadKeyPackages(2);
  }

  /** The one MLS group client (@parley/e2ee) for `context` on this device, with its events from `events`. */
  group(
    setup: Pick<MlsGroupSetup, 'context' | 'ws'> & Partial<Omit<MlsGroupSetup, 'device' | 'api' | 'context' | 'ws'>>,
    owner: MlsGroupOwner,
  ): MlsGroupClient {
    return new MlsGroupClient(
      {
        device: this,
        api: this.api,
        store: this.store,
        trust: { verifyMember: this.verifyMember },
        inlineWelcome: true,
        text: {
          vanished: `${this.name}: the group vanished`,
          removed: `${this.name}: removed from the group`,
          notInGroup: `${this.name}: not in the group`,
          keysChanging: `${this.name}: the keys keep changing`,
        },
        ...setup,
      },
      owner,
    );
  }

  get deviceId(): string {
    return this.identity.deviceId;
  }
  get userId(): string {
    return this.identity.userId;
  }
  get s(): MlsSession {
    if (!this.session) throw new Error(`${this.name} has no session`);
    return this.session;
  }

  static async register(name: string, http: InjectClient, userId: string): Promise<MlsDevice> {
    const identity = await createDeviceIdentity(userId, randomUUID());
    const res = await http.post('/api/devices', {
      deviceId: identity.deviceId,
      signaturePublicKey: b64(identity.signaturePublicKey),
      credential: b64(encodeCredentialIdentity(identity)),
      label: `${name}'s laptop`,
    });
    if (res.statusCode !== 201) throw new Error(`register ${name}: ${res.statusCode} ${res.body}`);
    return new MlsDevice(name, http, identity);
  }

  /** A device that already exists, going on from a saved MLS state (e.g. across a server upgrade). */
  static async resume(
    name: string,
    http: InjectClient,
    identity: DeviceIdentity,
    session: Uint8Array,
    cursor: number,
  ): Promise<MlsDevice> {
    const device = new MlsDevice(name, http, identity);
    device.session = await MlsSession.restore(session);
    device.cursor = cursor;
    return device;
  }

  /** A device identity that was never registered: it has no entry in the device-key log. */
  static async unregistered(name: string, http: InjectClient, userId: string): Promise<MlsDevice> {
    return new MlsDevice(name, http, await createDeviceIdentity(userId, randomUUID()));
  }

  /** Publishes the signed GroupInfo of the current epoch, for external joins (RFC 9420 §12.4.3.2). */
  async publishGroupInfo(mlsGroupId: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.http.post(`/api/mls/groups/${mlsGroupId}/group-info`, {
      deviceId: this.deviceId,
      epoch: Number(this.s.epoch),
      groupInfo: b64(await this.s.groupInfo()),
    });
    return { status: res.statusCode, body: res.json() };
  }

  /** Builds an external commit from the published GroupInfo (without sending it). */
  async prepareExternalJoin(mlsGroupId: string) {
    const res = await this.http.get(`/api/mls/groups/${mlsGroupId}/group-info`);
    if (res.statusCode !== 200) throw new Error(`${this.name}: no GroupInfo (${res.statusCode} ${res.body})`);
    const joined = await MlsSession.joinExternal({ identity: this.identity, groupInfo: bytes(res.json().groupInfo) });
    return { ...joined, groupInfoEpoch: res.json().epoch as number };
  }

  /** Posts an external commit; on 201 the device is a member from that seq on. */
  async postExternalCommit(
    mlsGroupId: string,
    joined: { session: MlsSession; commit: Uint8Array; epoch: bigint },
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.http.post(`/api/mls/groups/${mlsGroupId}/external-commits`, {
      deviceId: this.deviceId,
      epoch: Number(joined.epoch),
      commit: b64(joined.commit),
      leafIndex: joined.session.ownLeafIndex,
    });
    if (res.statusCode === 201) {
      this.session = joined.session;
      this.cursor = res.json().seq as number;
    }
    return { status: res.statusCode, body: res.json() };
  }

  async uploadKeyPackages(count: number): Promise<void> {
    const fresh = await Promise.all(Array.from({ length: count + 1 }, () => createKeyPackage(this.identity)));
    this.bundles.push(...fresh);
    const [lastResort, ...oneTime] = fresh;
    const res = await this.http.post(`/api/devices/${this.deviceId}/key-packages`, {
      keyPackages: oneTime.map((k) => b64(k.publicBytes)),
      lastResort: b64(lastResort!.publicBytes),
    });
    if (res.statusCode !== 201) throw new Error(`upload ${this.name}: ${res.statusCode} ${res.body}`);
  }

  async createGroup(context: string): Promise<string> {
    const res = await this.http.post('/api/mls/groups', { context, deviceId: this.deviceId });
    if (res.statusCode !== 201) throw new Error(`create ${context}: ${res.statusCode} ${res.body}`);
    const id = res.json().id as string;
    this.session = await MlsSession.create({ identity: this.identity, groupId: id });
    return id;
  }

  /** Fetches and processes everything after the cursor; returns what it processed. */
  async sync(mlsGroupId: string): Promise<MlsIncoming[]> {
    const res = await this.http.get(
      `/api/mls/groups/${mlsGroupId}/messages?deviceId=${this.deviceId}&afterSeq=${this.cursor}`,
    );
    if (res.statusCode !== 200) throw new Error(`sync ${this.name}: ${res.statusCode} ${res.body}`);
    const out: MlsIncoming[] = [];
    for (const m of res.json().messages as MlsMessage[]) {
      this.cursor = m.seq;
      if (m.senderDeviceId === this.deviceId && m.kind === 'application') continue;
      const incoming = await this.s.processMessage(bytes(m.message));
      if (incoming.kind === 'application') this.received.push(new TextDecoder().decode(incoming.data));
      out.push(incoming);
    }
    return out;
  }

  /** Posts a prepared commit; on 201 applies it, on 409 discards it and returns the server's current state. */
  async postCommit(
    mlsGroupId: string,
    pending: PendingCommit,
    extra: { welcomeTo?: MlsDevice[]; removed?: MlsDevice[] } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.http.post(
      `/api/mls/groups/${mlsGroupId}/commits`,
      commitBody(this.deviceId, {
        epoch: pending.epoch,
        commit: pending.commit,
        welcome: pending.welcome,
        // Where the commit puts the added devices (the wrapper applies a commit only once the server accepted it).
        added: predictLeaves(
          this.s.members(),
          (extra.welcomeTo ?? []).map((d) => d.deviceId),
          (extra.removed ?? []).map((d) => d.deviceId),
        ),
        removed: (extra.removed ?? []).map((d) => d.deviceId),
      }),
    );
    if (res.statusCode === 201) await pending.apply();
    else await pending.discard();
    return { status: res.statusCode, body: res.json() };
  }

  /** Joins from the Welcome the server holds for this device and commits the full-path update (retrying on 409). */
  async joinFromWelcome(mlsGroupId: string, welcome?: { welcome: string; seq: number }): Promise<void> {
    let w = welcome;
    if (!w) {
      const res = await this.http.get(`/api/mls/welcomes?deviceId=${this.deviceId}`);
      w = (res.json().welcomes as { mlsGroupId: string; welcome: string; seq: number }[]).find(
        (x) => x.mlsGroupId === mlsGroupId,
      );
      if (!w) throw new Error(`${this.name}: no Welcome`);
    }
    const joined = await MlsSession.join({
      identity: this.identity,
      welcome: bytes(w.welcome),
      keyPackages: this.bundles,
    });
    this.session = joined.session;
    this.cursor = w.seq;
    let pending = joined.pathUpdate;
    for (;;) {
      const r = await this.postCommit(mlsGroupId, pending);
      if (r.status === 201) return;
      if (r.status !== 409) throw new Error(`${this.name} path update: ${r.status} ${JSON.stringify(r.body)}`);
      await this.sync(mlsGroupId);
      pending = await this.s.prepareSelfUpdate();
    }
  }

  async send(mlsGroupId: string, text: string): Promise<{ status: number; ciphertext: string }> {
    const ciphertext = b64(await this.s.encryptApplication(new TextEncoder().encode(text)));
    const res = await this.http.post(`/api/mls/groups/${mlsGroupId}/messages`, {
      deviceId: this.deviceId,
      epoch: Number(this.s.epoch),
      message: ciphertext,
    });
    return { status: res.statusCode, ciphertext };
  }
}
