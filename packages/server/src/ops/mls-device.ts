import { randomUUID } from 'node:crypto';
import {
  commitBody,
  createDeviceIdentity,
  createKeyPackage,
  type DeliveryApi,
  DeliveryService,
  type DeviceIdentity,
  deviceLogCheck,
  encodeCredentialIdentity,
  type GroupDevice,
  joinFromWelcome,
  type KeyPackageBundle,
  MemorySecretStore,
  MlsGroupClient,
  type MlsGroupOwner,
  type MlsGroupSetup,
  type MlsIncoming,
  MlsSession,
  type PendingCommit,
  postCommit,
  predictLeaves,
  readLog,
  type SecretStore,
} from '@parley/e2ee';
import { verifyDeviceChain } from '@parley/protocol';
import type { LightMyRequestResponse } from 'fastify';
import type { InjectClient } from '../lib/inject-client.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * The Delivery Service requests of @parley/e2ee over an inject client: a failure throws with its `status`. The
 * client is asked for on every request, so a device pointed at another server (a restored one) speaks to it.
 */
export function injectApi(clientOf: () => InjectClient): DeliveryApi {
  const answer = <T>(res: LightMyRequestResponse, what: string): T => {
    if (res.statusCode >= 400)
      throw Object.assign(new Error(`${what}: ${res.statusCode} ${res.body}`), { status: res.statusCode });
    return (res.body ? res.json() : null) as T;
  };
  return {
    get: async <T>(url: string) => answer<T>(await clientOf().get(url), `GET ${url}`),
    post: async <T>(url: string, body?: unknown) => answer<T>(await clientOf().post(url, body), `POST ${url}`),
  };
}

/**
 * One device of one user in this process, speaking to the server's HTTP API in process (inject). It drives its
 * groups through the one MLS group client of @parley/e2ee (`group()`), as a browser does, or, where the Delivery
 * Service tests check the server's answer to each request, request by request; the steps a member takes in between
 * (reading the log, joining from a Welcome, posting a commit) are the group client's own (`readLog`,
 * `joinFromWelcome`, `postCommit`), not copies of them.
 */
export class MlsDevice implements GroupDevice {
  session: MlsSession | undefined;
  /** Seq of the last message processed from the Delivery Service. */
  cursor = 0;
  readonly received: string[] = [];
  private bundles: KeyPackageBundle[] = [];
  readonly api: DeliveryApi;
  readonly ds: DeliveryService;
  /** The member check of every tree this device accepts (the device-key log, docs/call-keys.md §5.1). */
  readonly verifyMember;
  /** The device's sessions at rest, by group (memory: the device lives as long as the process). */
  readonly store: SecretStore = new MemorySecretStore();

  private constructor(
    readonly name: string,
    readonly http: InjectClient,
    readonly identity: DeviceIdentity,
  ) {
    this.api = injectApi(() => this.http);
    this.ds = new DeliveryService(this.api, identity.deviceId);
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

  /** Reads and processes everything after the cursor, as the group client does (`readLog`); returns what it read. */
  async sync(mlsGroupId: string): Promise<MlsIncoming[]> {
    const out: MlsIncoming[] = [];
    await readLog({
      ds: this.ds,
      groupId: mlsGroupId,
      session: this.s,
      ownDeviceId: this.deviceId,
      owner: { application: (data) => this.received.push(new TextDecoder().decode(data)) },
      cursor: () => this.cursor,
      advance: (seq) => {
        this.cursor = seq;
      },
      trace: () => {},
      seen: (_m, got) => {
        if (got) out.push(got);
      },
    });
    return out;
  }

  /** Posts a prepared commit; on 201 applies it, on 409 discards it and returns the server's current state. */
  async postCommit(
    mlsGroupId: string,
    pending: PendingCommit,
    extra: { welcomeTo?: MlsDevice[]; removed?: readonly { deviceId: string }[] } = {},
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

  /**
   * Joins from the Welcome the server holds for this device (or the one given) and commits the full-path update,
   * retrying on 409, with the group client's steps (docs/call-keys.md §5.3).
   */
  async joinFromWelcome(mlsGroupId: string, welcome?: { welcome: string; seq: number }): Promise<void> {
    const entry = welcome ?? (await this.ds.welcomes()).find((x) => x.mlsGroupId === mlsGroupId);
    if (!entry) throw new Error(`${this.name}: no Welcome`);
    const joined = await joinFromWelcome(this, entry, undefined);
    if (!joined) throw new Error(`${this.name}: the Welcome names none of this device's key packages`);
    this.session = joined.session;
    this.cursor = entry.seq;
    while (this.s.needsPathUpdate) {
      if (await postCommit(this.ds, mlsGroupId, await this.s.prepareSelfUpdate())) return;
      await this.sync(mlsGroupId);
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
