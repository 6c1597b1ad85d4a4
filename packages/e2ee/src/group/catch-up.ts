// Reading a group's Delivery Service log after a cursor, in order (docs/call-keys.md §2.2, M22): commits move the
// epoch, application messages go to the owner. What the group client does with the outcome (a replaced
// membership, its own removal, the owner's hooks) stays in client.ts.
import type { MlsMessage } from '@parley/protocol';
import type { MlsIncoming, MlsSession } from '../mls/index.js';
import { type DeliveryService, decodeMessage } from './delivery.js';
import type { MlsGroupOwner } from './owner.js';

/** The Delivery Service's page size for M22: a full page means there may be more. */
const PAGE = 200;

export type CatchUpOutcome =
  /** This device was removed and added again meanwhile, from `joinedSeq` on (§8.2): its state is of no use. */
  | { kind: 'replaced'; joinedSeq: number }
  /** A commit removed this device. */
  | { kind: 'removed-self' }
  /** Read to the end; `removed`: some commit removed members. */
  | { kind: 'done'; removed: boolean };

/**
 * Processes every message after `cursor()`; `advance(seq)` is called before each message is processed, so a message
 * that throws is not read again.
 */
export async function readLog(input: {
  ds: DeliveryService;
  groupId: string;
  session: MlsSession;
  ownDeviceId: string;
  owner: Pick<MlsGroupOwner, 'application' | 'joinedExternally'>;
  cursor: () => number;
  advance: (seq: number) => void;
  trace: (what: string) => void;
  /** Hears each message read and what it was (null: this device's own application message, never decrypted). */
  seen?: (m: MlsMessage, got: MlsIncoming | null) => void;
}): Promise<CatchUpOutcome> {
  const { ds, groupId, session, owner } = input;
  let removed = false;
  for (;;) {
    const { messages: batch, joinedSeq } = await ds.messages(groupId, input.cursor());
    if (joinedSeq > input.cursor()) return { kind: 'replaced', joinedSeq };
    for (const m of batch) {
      input.advance(m.seq);
      if (m.kind === 'application') {
        // MLS never lets a sender decrypt its own application message; the owner kept it when it was sent.
        if (m.senderDeviceId === input.ownDeviceId) {
          input.seen?.(m, null);
          continue;
        }
        let got: MlsIncoming;
        try {
          got = await session.processMessage(decodeMessage(m));
          if (got.kind === 'application') owner.application(got.data, got.sender, m.seq, m.createdAt, m.epoch);
        } catch {
          // A message we cannot read (e.g. sent in an epoch before we joined) is skipped, not fatal.
          continue;
        }
        input.seen?.(m, got);
        continue;
      }
      const got = await session.processMessage(decodeMessage(m));
      input.seen?.(m, got);
      if (got.kind !== 'commit') continue;
      // No committing member: a device committed itself in from a GroupInfo (an external join, §9).
      if (!got.committer && got.added.length > 0) owner.joinedExternally?.(got.added, m.seq, m.createdAt);
      input.trace(`processed commit seq ${m.seq}${got.removed.length > 0 ? ' (removal)' : ''}`);
      if (got.removed.length > 0) removed = true;
      if (got.removedSelf) return { kind: 'removed-self' };
    }
    if (batch.length < PAGE) return { kind: 'done', removed };
  }
}
