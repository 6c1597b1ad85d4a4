import { randomUUID } from 'node:crypto';
import {
  createDeviceIdentity,
  createKeyPackage,
  type DeviceIdentity,
  encodeCredentialIdentity,
  type KeyPackageBundle,
  type MlsIncoming,
  MlsSession,
  type PendingCommit,
} from '@parley/e2ee';
import type { MlsMessage } from '@parley/protocol';
import type { InjectClient } from '../lib/inject-client.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * One device of one user, driving a real MlsSession through the server's HTTP API (in-process inject): the
 * Delivery Service tests use it, and so does the demo loader to write the demo's back-channel message.
 */
export class MlsDevice {
  session: MlsSession | undefined;
  /** Seq of the last message processed from the Delivery Service. */
  cursor = 0;
  readonly received: string[] = [];
  private bundles: KeyPackageBundle[] = [];

  private constructor(
    readonly name: string,
    readonly http: InjectClient,
    readonly identity: DeviceIdentity,
  ) {}

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
    // Leaf indices of the added devices as this commit will place them.
    const added = (extra.welcomeTo ?? []).map((d) => d.deviceId);
    const res = await this.http.post(`/api/mls/groups/${mlsGroupId}/commits`, {
      deviceId: this.deviceId,
      epoch: Number(pending.epoch),
      commit: b64(pending.commit),
      welcomes: added.map((deviceId) => ({ deviceId, welcome: b64(pending.welcome!) })),
      addedDevices: this.predictLeaves(added, extra.removed ?? []),
      removedDevices: (extra.removed ?? []).map((d) => d.deviceId),
    });
    if (res.statusCode === 201) await pending.apply();
    else await pending.discard();
    return { status: res.statusCode, body: res.json() };
  }

  /**
   * Where the commit puts the added devices: RFC 9420 §12.1.1 / §7.7 — removals first, then each Add takes the
   * leftmost blank leaf. (The wrapper applies a commit only once the server has accepted it.)
   */
  private predictLeaves(deviceIds: string[], removed: MlsDevice[]) {
    const gone = new Set(removed.map((d) => d.deviceId));
    const used = new Set(
      this.s
        .members()
        .filter((m) => !gone.has(m.deviceId))
        .map((m) => m.leafIndex),
    );
    const leaves: number[] = [];
    for (let i = 0; leaves.length < deviceIds.length; i++) if (!used.has(i)) leaves.push(i);
    return deviceIds.map((deviceId, i) => ({ deviceId, leafIndex: leaves[i]! }));
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
