// A group's MLS state at rest, so a reload continues in the group instead of leaving and waiting to be added again
// (docs/call-keys.md §8.3). Saved after every change, and before every sent message, so a reload can never reuse a
// sending ratchet generation. Erased when the device leaves or is removed. Where the bytes live is the caller's:
// the browser's IndexedDB store wraps them under a non-extractable key; Node keeps them in memory.
import { MlsSession, type VerifyMember } from '../mls/index.js';

/** Named secret bytes (the browser's DeviceStore fits). */
export interface SecretStore {
  getSecret(name: string): Promise<Uint8Array | undefined>;
  putSecret(name: string, bytes: Uint8Array): Promise<void>;
  delete(name: string): Promise<void>;
}

/** A SecretStore in memory, for devices that live as long as their process (the demo loader, tests). */
export class MemorySecretStore implements SecretStore {
  readonly #secrets = new Map<string, Uint8Array>();

  async getSecret(name: string): Promise<Uint8Array | undefined> {
    return this.#secrets.get(name)?.slice();
  }

  async putSecret(name: string, bytes: Uint8Array): Promise<void> {
    this.#secrets.set(name, bytes.slice());
  }

  async delete(name: string): Promise<void> {
    this.#secrets.delete(name);
  }
}

export class SessionStore {
  constructor(
    private readonly store: SecretStore,
    private readonly deviceId: string,
  ) {}

  #name(groupId: string): string {
    return `secret-session:${groupId}:${this.deviceId}`;
  }

  async save(groupId: string, cursor: number, session: MlsSession): Promise<void> {
    const state = session.serialize();
    const bytes = new Uint8Array(4 + state.length);
    new DataView(bytes.buffer).setUint32(0, cursor);
    bytes.set(state, 4);
    await this.store.putSecret(this.#name(groupId), bytes);
  }

  async restore(
    groupId: string,
    verifyMember: VerifyMember,
  ): Promise<{ session: MlsSession; cursor: number } | undefined> {
    try {
      const bytes = await this.store.getSecret(this.#name(groupId));
      if (!bytes || bytes.length < 5) return undefined;
      const cursor = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
      const session = await MlsSession.restore(bytes.subarray(4), { verifyMember });
      return session.active ? { session, cursor } : undefined;
    } catch {
      return undefined;
    }
  }

  erase(groupId: string): Promise<void> {
    return this.store.delete(this.#name(groupId));
  }
}
