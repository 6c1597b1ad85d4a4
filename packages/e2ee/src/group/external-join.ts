// A long-lived thread's device that no member is online to add joins by an external commit (RFC 9420 §12.4.3.2;
// the protocol itself is in mls/external-join.ts), and members keep a GroupInfo of the current epoch published so
// the next such device can (docs/call-keys.md §9). Used by MlsGroupClient when its setup asks for external joins.
import type { MlsGroup } from '@parley/protocol';
import { MLS_DEFAULT_CIPHER_SUITE, MlsSession, type VerifyMember } from '../mls/index.js';
import type { DeliveryService } from './delivery.js';
import type { GroupDevice } from './owner.js';
import { fromB64, statusOf } from './transport.js';

/** How long a device waits for a member to add it (an online member does within its 5 s catch-up) before joining. */
export const EXTERNAL_JOIN_WAIT_MS = 6000;

export type ExternalJoinOutcome =
  | { kind: 'joined'; session: MlsSession; seq: number }
  /** Another commit won the epoch, or a member added this device meanwhile: look again. */
  | { kind: 'raced' }
  /** No GroupInfo of the current epoch, or one whose tree this device refuses (a key the device-key log denies). */
  | { kind: 'unavailable' };

export async function joinByExternalCommit(
  ds: DeliveryService,
  groupId: string,
  device: GroupDevice,
  verifyMember: VerifyMember,
): Promise<ExternalJoinOutcome> {
  const published = await ds.groupInfo(groupId);
  if (!published) return { kind: 'unavailable' };
  let joined: Awaited<ReturnType<typeof MlsSession.joinExternal>>;
  try {
    joined = await MlsSession.joinExternal({
      identity: device.identity,
      groupInfo: fromB64(published.groupInfo),
      options: { verifyMember },
    });
  } catch {
    // ts-mls refused the GroupInfo (signature, tree, or a member key the device-key log does not confirm).
    return { kind: 'unavailable' };
  }
  const seq = await ds.externalCommit(groupId, {
    epoch: joined.epoch,
    commit: joined.commit,
    leafIndex: joined.session.ownLeafIndex,
  });
  return seq === null ? { kind: 'raced' } : { kind: 'joined', session: joined.session, seq };
}

/** Publishes the session's current GroupInfo; a group that moved on meanwhile is someone else's to publish. */
export async function publishGroupInfo(ds: DeliveryService, groupId: string, session: MlsSession): Promise<void> {
  if (session.active) await ds.publishGroupInfo(groupId, session.epoch, await session.groupInfo());
}

/**
 * Where a long-lived thread's device stands while nobody has added it: waiting (for a member, then for the wait to
 * pass), or unavailable (nothing to join from: a chair may start the thread anew). Keeps the context's group as last
 * seen, member or not, since an external join and a re-establishing both name it.
 */
export class ThreadRejoin {
  state: 'waiting' | 'unavailable' | null = null;
  /** Who started the context's current group anew, and when (the thread's history shows it). */
  reestablished: MlsGroup['reestablished'] = null;
  groupId: string | undefined;
  #since = 0;
  /** How long to wait for a member's Add before committing in (§9). */
  waitMs = EXTERNAL_JOIN_WAIT_MS;

  constructor(
    private readonly ds: DeliveryService,
    private readonly context: string,
    private readonly device: GroupDevice,
    private readonly verifyMember: VerifyMember,
  ) {}

  seen(group: MlsGroup): void {
    this.groupId = group.id;
    this.reestablished = group.reestablished;
  }

  startWaiting(): void {
    this.#since = Date.now();
    this.state = 'waiting';
  }

  /** Joins by an external commit once the wait is over; null while waiting or when there is nothing to join from. */
  async tryJoin(): Promise<{ session: MlsSession; groupId: string; seq: number } | null> {
    if (Date.now() - this.#since < this.waitMs) return null;
    // The context may have a new group since we looked (a chair started the thread anew).
    const group = await this.ds.findGroup(this.context);
    if (!group) return null;
    this.seen(group);
    const outcome = await joinByExternalCommit(this.ds, group.id, this.device, this.verifyMember);
    if (outcome.kind !== 'joined') {
      this.state = outcome.kind === 'raced' ? 'waiting' : 'unavailable';
      return null;
    }
    this.state = null;
    return { session: outcome.session, groupId: group.id, seq: outcome.seq };
  }

  /**
   * A chair starts the thread anew: a new group with this device alone in it; the earlier ciphertext stays on the
   * server, unreadable. null when someone else did first (the earlier group is gone, or a GroupInfo appeared).
   */
  async startAnew(): Promise<{ session: MlsSession; groupId: string } | null> {
    if (!this.groupId) return null;
    const fresh = await this.ds.reestablish(this.groupId, MLS_DEFAULT_CIPHER_SUITE).catch((e: unknown) => {
      if (statusOf(e) === 404 || statusOf(e) === 409) return null;
      throw e;
    });
    if (!fresh) return null;
    const session = await MlsSession.create({
      identity: this.device.identity,
      groupId: fresh.id,
      options: { verifyMember: this.verifyMember },
    });
    this.seen(fresh);
    this.state = null;
    return { session, groupId: fresh.id };
  }
}
