// A device's decrypted thread messages, kept wrapped in IndexedDB (DeviceStore secrets). MLS lets each application
// message be decrypted exactly once (its ratchet key is deleted afterwards) and never by its own sender, so a thread
// that lasts weeks must keep what it read: the server only ever holds the ciphertext.
import { fromUtf8, utf8 } from '../e2ee/bytes.js';
import type { DeviceStore } from '../e2ee/device-store.js';

export type DeliveryStatus = 'sending' | 'sent' | 'failed';

export interface ThreadMessage {
  /** Random id chosen by the sender, inside the ciphertext: what a re-request's backChannelRef names. */
  id: string;
  /** Delivery Service sequence number (order); null while sending. */
  seq: number | null;
  userId: string;
  deviceId: string;
  text: string;
  at: string;
  epoch: number;
  mine: boolean;
  status: DeliveryStatus;
  /** Not a message but an event of the thread: a device of `userId` joined by itself (an external join). */
  notice?: 'device-joined';
}

interface ArchiveRecord {
  /** The Delivery Service group the messages came from (a re-created group starts a new part of the thread). */
  groupIds: string[];
  messages: ThreadMessage[];
}

const MAX_MESSAGES = 5000;

export const archiveName = (context: string, userId: string) => `secret-thread:${context}:${userId}`;

export class ThreadArchive {
  #record: ArchiveRecord = { groupIds: [], messages: [] };
  #loaded: Promise<void> | undefined;

  constructor(
    private readonly store: DeviceStore,
    private readonly name: string,
  ) {}

  load(): Promise<void> {
    this.#loaded ??= (async () => {
      const bytes = await this.store.getSecret(this.name).catch(() => undefined);
      if (bytes) this.#record = JSON.parse(fromUtf8(bytes)) as ArchiveRecord;
    })();
    return this.#loaded;
  }

  get messages(): readonly ThreadMessage[] {
    return this.#record.messages;
  }

  find(id: string): ThreadMessage | undefined {
    return this.#record.messages.find((m) => m.id === id);
  }

  /** Adds or replaces (same id) a message; keeps server order, unsent ones last. */
  upsert(message: ThreadMessage): void {
    const list = this.#record.messages.filter((m) => m.id !== message.id);
    list.push(message);
    list.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
    this.#record.messages = list.slice(-MAX_MESSAGES);
  }

  noteGroup(groupId: string): void {
    if (!this.#record.groupIds.includes(groupId)) this.#record.groupIds.push(groupId);
  }

  async save(): Promise<void> {
    await this.store.putSecret(this.name, utf8(JSON.stringify(this.#record)));
  }
}
