// One device's membership in one long-lived thread's MLS group (`backchannel:…` or `caucus:…`) through the Delivery
// Service, driven by MlsGroupClient (@parley/e2ee). Unlike a call, nobody needs to be online together: the state survives reloads
// (SessionStore), what was read is archived on the device (ThreadArchive), and any member adds the allowed devices
// that are not in yet.
import {
  ADD_FALLBACK_MS,
  type DeliveryApi,
  type GroupEvents,
  GroupHolder,
  type KeyPackageToAdd,
  MlsGroupClient,
  type MlsSession,
} from '@parley/e2ee';
import { fromB64, fromUtf8, utf8 } from '../e2ee/bytes.js';
import type { LocalDevice } from '../e2ee/device.js';
import type { DeviceStore } from '../e2ee/device-store.js';
import type { DeviceTrust } from '../e2ee/trust.js';
import { welcomeJoiner } from '../e2ee/welcome-joiner.js';
import type { ThreadArchive, ThreadMessage } from './archive.js';
import { missingDevices } from './missing-devices.js';

export type ThreadPhase = 'starting' | 'waiting-for-welcome' | 'ready' | 'ended' | 'failed';

/** A device that had no key package to claim is asked about again after this long. */
const CLAIM_COOLDOWN_MS = 30_000;
const MAX_TEXT = 4000;

export class ThreadKeyManager extends GroupHolder {
  /** Server seq this device joined at: messages before it are not readable here. */
  joinedSeq: number | null = null;
  protected readonly group: MlsGroupClient;
  #missingSince = new Map<string, number>();
  #claimedEmpty = new Map<string, number>();

  constructor(
    readonly context: string,
    private readonly device: LocalDevice,
    store: DeviceStore,
    private readonly trust: DeviceTrust,
    ws: GroupEvents,
    private readonly api: DeliveryApi,
    private readonly archive: ThreadArchive,
    /** Users who may be in the thread (the server checks again on every call). */
    private readonly allowedUsers: () => readonly string[],
    private readonly changed: () => void,
  ) {
    super();
    const persist = () => this.#persist();
    this.group = new MlsGroupClient(
      {
        context,
        device,
        store,
        trust,
        ws,
        api,
        inlineWelcome: false,
        joinWelcome: welcomeJoiner(),
        externalJoin: true,
        text: {
          vanished: 'the thread’s key group vanished while opening it',
          removed: 'this device was removed from the thread',
          notInGroup: 'this device is not in the thread yet',
          keysChanging: 'the thread’s keys keep changing; try again',
        },
      },
      {
        changed: () => this.changed(),
        persist,
        adopted: (groupId, how, seq) => {
          this.group.error = null;
          this.archive.noteGroup(groupId);
          this.changed();
          if (how !== 'restored') this.joinedSeq = seq;
        },
        created: async () => {
          await persist();
          await this.group.maybeAdd();
        },
        joined: async () => {
          await persist();
          this.changed();
        },
        caughtUp: async (moved) => {
          await persist();
          if (moved) this.trust.invalidate();
          this.changed();
          await this.group.maybeAdd();
        },
        application: (data, from, seq, at, epoch) => this.#receive(data, from, seq, at, epoch),
        joinedExternally: (devices, seq, at) => {
          for (const d of devices)
            this.archive.upsert({
              id: `joined:${d.deviceId}:${seq}`,
              seq,
              userId: d.userId,
              deviceId: d.deviceId,
              text: '',
              at,
              epoch: Number(this.session?.epoch ?? 0),
              mine: false,
              status: 'sent',
              notice: 'device-joined',
            });
        },
        toAdd: (session, groupId) => this.#toAdd(session, groupId),
        added: async () => {
          this.trust.invalidate();
          await persist();
          this.changed();
        },
        removalsDone: async (ok) => {
          if (ok) await persist();
          this.changed();
        },
      },
    );
  }

  /** 'unavailable': nobody added this device and there is no GroupInfo to join from (a chair may start anew). */
  get rejoin(): 'waiting' | 'unavailable' | null {
    return this.group.rejoin?.state ?? null;
  }

  get reestablished() {
    return this.group.rejoin?.reestablished ?? null;
  }

  reestablish(): Promise<void> {
    return this.group.reestablish();
  }

  start(): Promise<void> {
    return this.group.start();
  }

  /** Archive first, then the MLS state: a crash in between re-reads messages (deduplicated by id), never loses one. */
  async #persist(): Promise<void> {
    await this.archive.save();
    await this.group.saveSession();
  }

  #receive(data: Uint8Array, from: { userId: string; deviceId: string }, seq: number, at: string, epoch: number) {
    let parsed: { t?: unknown; id?: unknown; text?: unknown };
    try {
      parsed = JSON.parse(fromUtf8(data)) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.t !== 'msg' || typeof parsed.id !== 'string' || typeof parsed.text !== 'string') return;
    if (!/^[0-9a-f-]{36}$/.test(parsed.id)) return;
    this.archive.upsert({
      id: parsed.id,
      seq,
      userId: from.userId,
      deviceId: from.deviceId,
      text: parsed.text.slice(0, MAX_TEXT),
      at,
      epoch,
      mine: false,
      status: 'sent',
    });
  }

  /** Allowed devices that are not in yet. The lowest leaf acts at once, others after rank × ADD_FALLBACK_MS. */
  async #toAdd(session: MlsSession, groupId: string): Promise<KeyPackageToAdd[]> {
    const now = Date.now();
    const inGroup = new Set(session.members().map((m) => m.deviceId));
    const missing = (await missingDevices(this.api, this.allowedUsers(), inGroup)).filter(
      (d) => (this.#claimedEmpty.get(d.deviceId) ?? 0) < now,
    );
    for (const key of [...this.#missingSince.keys()])
      if (!missing.some((d) => d.deviceId === key)) this.#missingSince.delete(key);
    if (missing.length === 0) return [];
    const leaves = session
      .members()
      .map((m) => m.leafIndex)
      .sort((a, b) => a - b);
    const rank = Math.max(0, leaves.indexOf(session.ownLeafIndex));
    const due = missing.filter((d) => {
      const since = this.#missingSince.get(d.deviceId) ?? now;
      this.#missingSince.set(d.deviceId, since);
      return now - since >= rank * ADD_FALLBACK_MS;
    });
    if (due.length === 0) return [];
    const packages: KeyPackageToAdd[] = [];
    for (const userId of new Set(due.map((d) => d.userId))) {
      // Only the devices due now: a device not yet due keeps its one-time package for its own turn.
      const theirs = due.filter((x) => x.userId === userId);
      const wanted = theirs.map((d) => d.deviceId);
      const claimed = await this.group.ds.claim(groupId, userId, wanted).catch(() => []);
      for (const d of theirs) {
        const kp = claimed.find((k) => k.deviceId === d.deviceId);
        if (kp) packages.push({ deviceId: kp.deviceId, keyPackage: fromB64(kp.keyPackage) });
        else this.#claimedEmpty.set(d.deviceId, now + CLAIM_COOLDOWN_MS);
      }
    }
    return packages;
  }

  /** Encrypts and posts a message; the archive holds it (sending → sent/failed) since MLS never lets us re-read it. */
  send(text: string, onUpdate: (m: ThreadMessage) => void): Promise<ThreadMessage> {
    const message: ThreadMessage = {
      id: crypto.randomUUID(),
      seq: null,
      userId: this.device.identity.userId,
      deviceId: this.device.deviceId,
      text: text.slice(0, MAX_TEXT),
      at: new Date().toISOString(),
      epoch: Number(this.session?.epoch ?? 0),
      mine: true,
      status: 'sending',
    };
    this.archive.upsert(message);
    onUpdate(message);
    return this.group.run(async () => {
      try {
        const payload = utf8(JSON.stringify({ t: 'msg', id: message.id, text: message.text }));
        const { seq, epoch } = await this.group.send(payload);
        const sent = { ...message, seq, epoch: Number(epoch), status: 'sent' as const };
        this.archive.upsert(sent);
        await this.#persist();
        onUpdate(sent);
        return sent;
      } catch (error) {
        const failed = { ...message, status: 'failed' as const };
        this.archive.upsert(failed);
        await this.archive.save().catch(() => undefined);
        onUpdate(failed);
        throw error;
      }
    });
  }

  /** The current epoch's exporter output under the SFrame label: for the debug-only key hook, never shown. */
  exportKeyForTests(): Promise<Uint8Array> | undefined {
    return this.session?.active ? this.session.exportSecret('SFrame 1.0 Base Key', new Uint8Array(), 16) : undefined;
  }

  close(): void {
    this.group.close();
  }
}
