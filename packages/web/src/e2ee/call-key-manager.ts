// One device's membership in one call's MLS group (context `call:<meetingId>`, or a side's caucus's
// `caucus-call:<meetingId>:<sideId>`, docs/call-keys.md §12), driven through the Delivery Service
// by MlsGroupClient. What is the call's own: every epoch's SFrame keys go to the worker, and the participants in the
// call's roster are the devices to add.
import {
  ADD_FALLBACK_MS,
  type DeliveryApi,
  deriveEpochSenderKeys,
  type GroupEvents,
  GroupHolder,
  type KeyPackageToAdd,
  MLS_SFRAME_DEFAULT_EPOCH_BITS,
  MlsGroupClient,
  type MlsSession,
} from '@parley/e2ee';
import { mlsContext } from '@parley/protocol';
import { DepartureHold, missingFrom, planAdds } from './add-plan.js';
import { fromB64 } from './bytes.js';
import type { LocalDevice } from './device.js';
import type { DeviceStore } from './device-store.js';
import { PathUpdateHold } from './path-update-hold.js';
import type { DeviceTrust } from './trust.js';
import type { RosterEntry } from './types.js';
import { welcomeJoiner } from './welcome-joiner.js';
import type { EpochKeysMessage } from './worker-protocol.js';

/** How long a roster entry whose device just left the group is not added back (see DepartureHold). */
export const DEPARTED_HOLD_MS = 5000;
/** How long a key package from the roster stays usable: the first two adders by rank (§5.2) may need it. */
const CLAIMED_KEEP_MS = 2 * ADD_FALLBACK_MS;

export interface ManagerHooks {
  keys(message: EpochKeysMessage): void;
  /** Phase, epoch or membership changed. */
  changed(): void;
  /** An application message: its plaintext and who sent it. */
  application(data: Uint8Array, from: { userId: string; deviceId: string }, seq: number, at: string): void;
  /** Resolves when the first remote picture of the call can be decoded (the worker decrypted a key frame). */
  firstPicture: Promise<void>;
}

export class CallKeyManager extends GroupHolder {
  roster: RosterEntry[] = [];
  protected readonly group: MlsGroupClient;
  #missingSince = new Map<string, number>();
  /**
   * Key packages the call manager claimed at admission, by device, from the one roster that carried them: used once,
   * instead of a claim round trip, and dropped as soon as the device is a member or after CLAIMED_KEEP_MS
   * (docs/call-keys.md §5.2 item 4).
   */
  readonly #claimed = new Map<string, { keyPackage: Uint8Array; at: number }>();
  readonly #departed = new DepartureHold(DEPARTED_HOLD_MS);
  readonly #pathUpdate: PathUpdateHold;

  constructor(
    meetingId: string,
    context: string | undefined,
    device: LocalDevice,
    store: DeviceStore,
    private readonly trust: DeviceTrust,
    ws: GroupEvents,
    api: DeliveryApi,
    private readonly hooks: ManagerHooks,
  ) {
    super();
    this.#pathUpdate = new PathUpdateHold(hooks.firstPicture);
    const save = () => this.group.saveSession();
    this.group = new MlsGroupClient(
      {
        context: context ?? mlsContext({ kind: 'call', meetingId }),
        device,
        store,
        trust,
        ws,
        api,
        inlineWelcome: true,
        joinWelcome: welcomeJoiner(),
        afreshWhenAlone: true,
        text: {
          vanished: 'the call’s key group vanished while joining',
          removed: 'removed from the call’s key group',
          notInGroup: 'not in the call’s key group yet',
          keysChanging: 'the call’s keys keep changing; try again',
        },
      },
      {
        changed: () => hooks.changed(),
        persist: save,
        created: () => this.#epochChanged(),
        // The keys of the epoch we were welcomed into go to the worker before our path update's round trip: the
        // others already send under them, so decoding can start now. The update's epoch follows.
        welcomed: async () => {
          if (await this.#pushKeys()) hooks.changed();
        },
        // Held until the first picture decodes, unless someone else waits to be added (docs/call-keys.md §5.3 item 6).
        pathUpdateDue: () => {
          this.#releaseIfOthersWait();
          return this.#pathUpdate.due();
        },
        joined: () => this.#epochChanged(),
        caughtUp: async (moved, _removed, restored) => {
          // A reload restores the epoch the previous page sent frames under, but not the SFrame counter of its sender
          // key: sending under it again would repeat (KID, CTR) nonces, and every receiver would refuse those frames
          // as replays until the counter passed where the previous page stopped. Take the call to a fresh epoch first.
          if (restored && !(await this.group.renewEpoch()))
            throw new Error('the call’s keys could not be renewed after the page was reloaded');
          if (moved || restored) await this.#epochChanged();
          else {
            // The periodic catch-up mostly reads nothing: no need to serialise the session for it (§11).
            await this.group.saveSession(true);
            await this.group.maybeAdd();
          }
        },
        application: (data, from, seq, at) => hooks.application(data, from, seq, at),
        toAdd: (session, groupId) => this.#toAdd(session, groupId),
        added: () => this.#epochChanged(),
        removalsDone: async (ok) => {
          if (ok) await this.#epochChanged();
        },
      },
    );
  }

  start(): Promise<void> {
    return this.group.start();
  }

  async #epochChanged(): Promise<void> {
    this.#noteDepartures();
    this.#dropClaimedOfMembers();
    if (!(await this.#pushKeys())) return;
    this.hooks.changed();
    await this.group.saveSession();
    await this.group.maybeAdd();
  }

  /**
   * Hands the current epoch's SFrame keys to the worker (once per epoch: it ignores repeats), as soon as the epoch
   * exists: before storage and before the next add (docs/call-keys.md §7.3, §11).
   */
  async #pushKeys(): Promise<boolean> {
    const session = this.group.session;
    if (!session?.active) return false;
    // Re-read once the join has settled; this epoch's members were checked against the logs held (§7.3 item 3).
    void this.trust.recheck(session.members().map((m) => m.userId)).then(() => this.hooks.changed());
    const keys = await deriveEpochSenderKeys(session, session.epoch, MLS_SFRAME_DEFAULT_EPOCH_BITS);
    const own = keys.senders.find((s) => s.leafIndex === session.ownLeafIndex);
    if (!own) throw new Error('own leaf missing from the epoch’s senders');
    const baseKey = keys.baseKey.slice().buffer;
    keys.baseKey.fill(0);
    this.group.trace('keys to the worker');
    this.hooks.keys({
      type: 'keys',
      epoch: keys.epoch,
      epochBits: keys.epochBits,
      baseKey,
      ownKid: own.kid,
      receivers: keys.senders.filter((s) => s !== own).map((s) => ({ kid: s.kid, leafIndex: s.leafIndex })),
    });
    return true;
  }

  #noteDepartures(): void {
    const session = this.group.session;
    if (session?.active)
      this.#departed.noteMembers(
        session.members().map((m) => m.deviceId),
        this.roster,
        Date.now(),
      );
  }

  /** A package claimed for a device that is a member now was used (or lost a race): it is never offered again. */
  #dropClaimedOfMembers(): void {
    const session = this.group.session;
    if (session?.active) for (const m of session.members()) this.#claimed.delete(m.deviceId);
    const now = Date.now();
    for (const [deviceId, { at }] of this.#claimed) if (now - at > CLAIMED_KEEP_MS) this.#claimed.delete(deviceId);
  }

  setRoster(roster: RosterEntry[]): void {
    if (roster.some((r) => r.keyPackage)) this.group.trace('roster with a key package claimed at admission');
    this.roster = roster;
    for (const r of roster)
      if (r.deviceId && r.keyPackage)
        this.#claimed.set(r.deviceId, { keyPackage: fromB64(r.keyPackage), at: Date.now() });
    this.#departed.forgetGone(roster);
    this.trust.prefetch(roster.map((r) => r.userId));
    this.#releaseIfOthersWait();
    this.hooks.changed();
    void this.group.run(() => this.group.maybeAdd());
  }

  /** Another participant's Add waits for our path update (§5.2 item 5): it is held no longer. */
  #releaseIfOthersWait(): void {
    const session = this.group.session;
    if (!session?.active) return;
    const now = Date.now();
    // Once welcomed this device is a member itself, so whoever is missing is someone else.
    const waiting = missingFrom(this.roster, session.members()).some((r) => !this.#departed.held(r, now));
    if (waiting) this.#pathUpdate.release();
  }

  /**
   * Roster participants whose device is not in the group yet. The lowest-leaf member present in the call acts at
   * once; the next ones step in after rank × ADD_FALLBACK_MS in case it is gone.
   */
  async #toAdd(session: MlsSession, groupId: string): Promise<KeyPackageToAdd[]> {
    const group = this.group;
    const now = Date.now();
    const held = (r: RosterEntry) => this.#departed.held(r, now);
    const { missing, due } = planAdds({
      roster: this.roster.filter((r) => !held(r)),
      members: session.members(),
      ownLeaf: session.ownLeafIndex,
      now,
      fallbackMs: ADD_FALLBACK_MS,
      missingSince: this.#missingSince,
    });
    const retry = () => group.later(ADD_FALLBACK_MS, () => void group.run(() => group.maybeAdd()));
    if (due.length < missing.length || this.roster.some(held)) retry();
    if (due.length === 0) return [];

    const packages: KeyPackageToAdd[] = [];
    this.#dropClaimedOfMembers();
    // Claimed at admission by the call manager: no round trip; used once, a lost race claims afresh (§5.2 item 4).
    const claimedAtAdmission = due.filter((p) => p.deviceId && this.#claimed.has(p.deviceId));
    for (const p of claimedAtAdmission) {
      packages.push({ deviceId: p.deviceId!, keyPackage: this.#claimed.get(p.deviceId!)!.keyPackage });
      this.#claimed.delete(p.deviceId!);
    }
    // Claimed side by side: several joiners at once wait for one round trip, not one each (docs/call-keys.md §11).
    const claims = await Promise.all(
      // A participant who may not take part (404) or has no key packages is retried later, never fatal.
      // Only the device in the call is claimed for: the person's other devices keep their one-time packages.
      due
        .filter((p) => !claimedAtAdmission.includes(p))
        .map(async (p) => ({
          p,
          claimed: await group.ds.claim(groupId, p.userId, p.deviceId ? [p.deviceId] : undefined).catch(() => []),
        })),
    );
    for (const { p, claimed } of claims) {
      const usable = p.deviceId ? claimed.filter((k) => k.deviceId === p.deviceId) : claimed;
      // Without a device id we add the user's device only when there is exactly one: never a device not in the call.
      if (usable.length === 1)
        packages.push({ deviceId: usable[0]!.deviceId, keyPackage: fromB64(usable[0]!.keyPackage) });
    }
    if (packages.length === 0) retry();
    return packages;
  }

  /** Encrypts and posts an application message; re-encrypts in the new epoch if a commit overtook it. */
  sendApplication(data: Uint8Array): Promise<{ seq: number; epoch: bigint }> {
    return this.group.run(() => this.group.send(data));
  }

  /** Leaves the call's group: the server nominates a remaining member to commit our removal. */
  async leave(): Promise<void> {
    const group = this.group;
    await group.run(async () => {
      if (group.groupId) await group.ds.leave(group.groupId).catch(() => undefined);
      group.left('left the call');
    });
    // Nothing more for this page: a Welcome that a member sent from a roster still listing us must not bring us back.
    group.close();
  }

  close(): void {
    this.group.close();
  }
}
