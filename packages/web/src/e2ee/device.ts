// This browser's MLS device: an Ed25519 identity per signed-in user, registered in the device-key log, with a stock
// of key packages at the server so present members can add it to a call without it being online for a handshake.
import {
  createDeviceIdentity,
  createKeyPackage,
  type DeliveryApi,
  type DeviceIdentity,
  decodeDeviceIdentity,
  encodeCredentialIdentity,
  encodeDeviceIdentity,
  type KeyPackageBundle,
  MLS_KEY_PACKAGE_LIFETIME_SECONDS,
  type MlsCipherSuiteName,
} from '@parley/e2ee';
import type { Device } from '@parley/protocol';
import { fromB64, fromUtf8, toB64, utf8 } from './bytes.js';
import type { DeviceStore } from './device-store.js';

/** Below this many one-time key packages at the server, upload more. */
export const KEY_PACKAGE_LOW_WATER = 4;
export const KEY_PACKAGE_BATCH = 8;

interface StoredBundle {
  c: MlsCipherSuiteName;
  p: string;
  s: string;
  r: string;
  /** Created at (ms since the epoch): bundles past the key-package lifetime are useless and erased. */
  t: number;
  /** The last-resort package: handed out repeatedly until replaced, so never erased on use. */
  l?: true;
}

/** Serialises device work of one user across this browser's tabs (registration, key-package upload). */
async function exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return work();
  return locks.request(name, work) as Promise<T>;
}

export class LocalDevice {
  private constructor(
    readonly identity: DeviceIdentity,
    private readonly store: DeviceStore,
    private readonly api: DeliveryApi,
  ) {}

  get deviceId(): string {
    return this.identity.deviceId;
  }

  /**
   * Loads this user's device from IndexedDB, or creates and registers one. A device the server no longer knows as
   * active (revoked, or a server that lost it) is replaced by a new one: its key can never be trusted again.
   */
  static async open(api: DeliveryApi, store: DeviceStore, userId: string, label = 'Browser'): Promise<LocalDevice> {
    return exclusive(`parley-e2ee-device:${userId}`, async () => {
      const name = `device:${userId}`;
      const stored = await store.getSecret(name);
      let identity = stored ? decodeDeviceIdentity(stored) : undefined;
      if (identity && identity.userId !== userId) identity = undefined;
      const { devices } = await api.get<{ devices: Device[] }>('/api/devices');
      const known = identity && devices.find((d) => d.deviceId === identity?.deviceId);
      if (identity && known?.status === 'revoked') {
        await store.delete(`secret-kp:${identity.deviceId}`);
        identity = undefined;
      }
      if (!identity) {
        identity = await createDeviceIdentity(userId, crypto.randomUUID());
        await store.putSecret(name, encodeDeviceIdentity(identity));
      }
      const current = devices.find((d) => d.deviceId === identity.deviceId);
      if (current?.status !== 'active' || current.signaturePublicKey !== toB64(identity.signaturePublicKey)) {
        await api.post<Device>('/api/devices', {
          deviceId: identity.deviceId,
          signaturePublicKey: toB64(identity.signaturePublicKey),
          credential: toB64(encodeCredentialIdentity(identity)),
          label,
        });
      }
      return new LocalDevice(identity, store, api);
    });
  }

  /** The private halves of this device's key packages (still unexpired). */
  async keyPackages(): Promise<KeyPackageBundle[]> {
    return (await this.#load()).map((b) => ({
      cipherSuite: b.c,
      publicBytes: fromB64(b.p),
      privateBytes: fromB64(b.s),
      ref: b.r,
    }));
  }

  /** A Welcome consumed this package: its private key must not linger (a last-resort one stays until replaced). */
  async forgetKeyPackage(ref: string): Promise<void> {
    await exclusive(`parley-e2ee-device:${this.identity.userId}`, async () => {
      await this.#save((await this.#load()).filter((b) => b.r !== ref || b.l));
    });
  }

  /** Uploads key packages when the server's stock runs low, keeping their private halves here first. */
  async replenish(): Promise<void> {
    await exclusive(`parley-e2ee-device:${this.identity.userId}`, async () => {
      const { devices } = await this.api.get<{ devices: Device[] }>('/api/devices');
      const me = devices.find((d) => d.deviceId === this.deviceId);
      if (!me) return;
      const local = await this.#load();
      const oneTime = me.keyPackages < KEY_PACKAGE_LOW_WATER ? KEY_PACKAGE_BATCH : 0;
      // The last-resort package is replaced at half its lifetime, before it expires at the server.
      const halfLife = Date.now() - (MLS_KEY_PACKAGE_LIFETIME_SECONDS * 1000) / 2;
      const needLastResort = !me.hasLastResort || !local.some((b) => b.l && b.t >= halfLife);
      if (oneTime === 0 && !needLastResort) return;
      const fresh = await Promise.all(
        Array.from({ length: oneTime + (needLastResort ? 1 : 0) }, () => createKeyPackage(this.identity)),
      );
      const now = Date.now();
      const stored = fresh.map(
        (k, i): StoredBundle => ({
          c: k.cipherSuite,
          p: toB64(k.publicBytes),
          s: toB64(k.privateBytes),
          r: k.ref,
          t: now,
          ...(i === oneTime ? { l: true as const } : {}),
        }),
      );
      // Private halves are saved before the public ones are published: a Welcome could come at once.
      await this.#save([...local, ...stored]);
      const lastResort = needLastResort ? stored.at(-1)?.p : undefined;
      await this.api.post(`/api/devices/${this.deviceId}/key-packages`, {
        keyPackages: stored.slice(0, oneTime).map((b) => b.p),
        ...(lastResort ? { lastResort } : {}),
      });
    });
  }

  async #load(): Promise<StoredBundle[]> {
    const bytes = await this.store.getSecret(`secret-kp:${this.deviceId}`);
    if (!bytes) return [];
    const all = JSON.parse(fromUtf8(bytes)) as StoredBundle[];
    const oldest = Date.now() - MLS_KEY_PACKAGE_LIFETIME_SECONDS * 1000;
    return all.filter((b) => b.t >= oldest);
  }

  async #save(bundles: StoredBundle[]): Promise<void> {
    await this.store.putSecret(`secret-kp:${this.deviceId}`, utf8(JSON.stringify(bundles)));
  }
}
