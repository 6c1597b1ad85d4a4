// The call's MLS state at rest (wrapped by the device store), so a reload continues in the group instead of
// leaving and waiting to be added again. Saved after every change, and before every sent message, so a reload
// can never reuse a sending ratchet generation. Erased when the device leaves or is removed.
import { MlsSession, type VerifyMember } from '@parley/e2ee';
import type { DeviceStore } from './device-store.js';

export class SessionStore {
  constructor(
    private readonly store: DeviceStore,
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
