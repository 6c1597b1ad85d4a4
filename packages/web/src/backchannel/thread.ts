import type { DeliveryApi, GroupEvents } from '@parley/e2ee';
/**
 * A long-lived end-to-end-encrypted thread (back channel between two sides' chairs, or a side's caucus): MLS
 * application messages through the Delivery Service, the server storing ciphertext only. Framework-free.
 *
 * ```ts
 * const context = mlsContext({ kind: 'backchannel', groupId, sideIds: [mySideId, otherSideId] });
 * const thread = openThread({ context, me: { userId }, allowedUsers: () => chairIds });
 * thread.onState(render);  await thread.send('text');  thread.close();
 * ```
 * History: a device reads what was sent while it was a member (kept on the device, wrapped by its non-extractable
 * key); a device added later cannot read earlier messages (`joinedSeq`).
 */
import { http } from '../api/client.js';
import { realtime } from '../api/realtime.js';
import { LocalDevice } from '../e2ee/device.js';
import { DeviceStore } from '../e2ee/device-store.js';
import { DeviceTrust } from '../e2ee/trust.js';
import type { E2eeMe, MemberDevice } from '../e2ee/types.js';
import { SaidError } from '../i18n/said.js';
import { archiveName, ThreadArchive, type ThreadMessage } from './archive.js';
import { installKeyHook } from './key-hook.js';
import { type ThreadKeyManager as Manager, ThreadKeyManager, type ThreadPhase } from './thread-manager.js';

export type { ThreadMessage } from './archive.js';

export interface ThreadState {
  phase: ThreadPhase;
  epoch: number | null;
  safetyCode: string | null;
  deviceId: string | null;
  members: MemberDevice[];
  keyWarning: boolean;
  messages: readonly ThreadMessage[];
  /** Server seq this device joined at (0 for the creator); earlier messages are unreadable here. */
  joinedSeq: number | null;
  /** Messages older than this device's membership exist on the server as ciphertext only. */
  historyStartsAtJoin: true;
  /** Not added yet: 'waiting' for a member or to join by itself; 'unavailable': nothing to join from. */
  rejoin: 'waiting' | 'unavailable' | null;
  /** A chair started the thread anew: who and when (earlier messages stay on the server, unreadable). */
  reestablished: { byUserId: string; at: string } | null;
  /** A `SaidError` is worded by the view in the reader's language; a string is a protocol failure's own words. */
  error: string | SaidError | null;
}

export interface Thread {
  onState(cb: (s: ThreadState) => void): () => void;
  getState(): ThreadState;
  send(text: string): Promise<ThreadMessage>;
  /** A chair starts the thread anew when there is nothing to join from (the server refuses anyone else). */
  reestablish(): Promise<void>;
  close(): void;
}

export interface ThreadOptions {
  context: string;
  me: E2eeMe;
  allowedUsers: () => readonly string[];
  api?: DeliveryApi;
  ws?: GroupEvents;
  storeName?: string;
}

export function openThread(options: ThreadOptions): Thread {
  const api = options.api ?? http;
  const ws = options.ws ?? realtime;
  const store = new DeviceStore(options.storeName);
  const trust = new DeviceTrust(api, store);
  const archive = new ThreadArchive(store, archiveName(options.context, options.me.userId));
  const listeners = new Set<(s: ThreadState) => void>();
  let manager: Manager | undefined;
  let members: MemberDevice[] = [];
  let deviceId: string | null = null;
  let error: string | SaidError | null = null;
  let closed = false;
  let releaseLock: () => void = () => {};
  let offHook: () => void = () => {};

  const state = (): ThreadState => {
    const session = manager?.session;
    return {
      phase: manager?.phase ?? (closed ? 'ended' : error ? 'failed' : 'starting'),
      epoch: session?.active ? Number(session.epoch) : null,
      safetyCode: manager?.safetyCode ?? null,
      deviceId,
      members,
      keyWarning: members.some((m) => m.warning !== null),
      messages: [...archive.messages],
      joinedSeq: manager?.joinedSeq ?? null,
      historyStartsAtJoin: true,
      rejoin: manager?.rejoin ?? null,
      reestablished: manager?.reestablished ?? null,
      error: manager?.error ?? error,
    };
  };
  const emit = () => {
    const s = state();
    for (const l of listeners) l(s);
  };

  let refreshing = Promise.resolve();
  const refresh = () => {
    refreshing = refreshing.then(async () => {
      const session = manager?.session;
      members = (await trust.assessMembers(session)).map((m) => ({
        ...m,
        isMe: m.leafIndex === session?.ownLeafIndex,
        participantId: null,
      }));
      emit();
    });
  };

  void (async () => {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (locks) {
      const held = await new Promise<boolean>((resolve) => {
        void locks.request(`parley-thread:${options.context}:${options.me.userId}`, { ifAvailable: true }, (lock) => {
          resolve(lock !== null);
          return lock ? new Promise<void>((release) => (releaseLock = release)) : undefined;
        });
      });
      if (!held) throw new SaidError('backchannel.openElsewhere');
    }
    await archive.load();
    emit();
    const device = await LocalDevice.open(api, store, options.me.userId, options.me.deviceLabel);
    deviceId = device.deviceId;
    await device.replenish();
    if (closed) return;
    manager = new ThreadKeyManager(
      options.context,
      device,
      store,
      trust,
      ws,
      api,
      archive,
      options.allowedUsers,
      () => {
        emit();
        refresh();
      },
    );
    offHook = installKeyHook(options.context, manager);
    await manager.start();
  })().catch((e: unknown) => {
    error = e instanceof SaidError ? e : e instanceof Error ? e.message : String(e);
    emit();
  });

  return {
    onState(cb) {
      listeners.add(cb);
      cb(state());
      return () => listeners.delete(cb);
    },
    getState: state,
    async send(text) {
      const trimmed = text.trim();
      if (!trimmed) throw new SaidError('backchannel.nothingToSend');
      if (manager?.phase !== 'ready') throw new SaidError('backchannel.notInYet');
      return manager.send(trimmed, emit);
    },
    async reestablish() {
      if (!manager) throw new SaidError('backchannel.notReady');
      await manager.reestablish();
    },
    close() {
      if (closed) return;
      closed = true;
      manager?.close();
      offHook();
      releaseLock();
      listeners.clear();
      void store.close();
    },
  };
}

/** Reads a message this browser already decrypted for `userId` in `context`, without touching the MLS state. */
export async function findArchivedMessage(
  context: string,
  userId: string,
  id: string,
  storeName?: string,
): Promise<ThreadMessage | undefined> {
  const store = new DeviceStore(storeName);
  try {
    const archive = new ThreadArchive(store, archiveName(context, userId));
    await archive.load();
    return archive.find(id);
  } finally {
    void store.close();
  }
}
