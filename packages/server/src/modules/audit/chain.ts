import type { Marking } from '@parley/protocol';
import { asc, desc, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { sha256Hex } from '../../lib/crypto.js';
import { auditLog } from './schema.js';

export const GENESIS_HASH = '0'.repeat(64);
// Any constant works; it only has to be the same for every writer so appends are serialised.
const AUDIT_LOCK_KEY = 7_041_937;

export interface AuditInput {
  actorUserId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  groupId: string | null;
  sideId: string | null;
  marking: Marking;
  before?: unknown;
  after?: unknown;
}

type AuditRow = typeof auditLog.$inferSelect;

export const digestOf = (value: unknown): string | null =>
  value === undefined || value === null ? null : sha256Hex(canonicalJson(value));

/** The hashed body of an entry: every column but the hash itself, dates as ISO strings. */
function hashedBody(row: Omit<AuditRow, 'hash'>) {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actorUserId: row.actorUserId,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    groupId: row.groupId,
    sideId: row.sideId,
    marking: row.marking,
    beforeDigest: row.beforeDigest,
    afterDigest: row.afterDigest,
    prevHash: row.prevHash,
  };
}

export const entryHash = (row: Omit<AuditRow, 'hash'>): string =>
  sha256Hex(row.prevHash + canonicalJson(hashedBody(row)));

/** Appends inside the caller's transaction, so the entry commits or rolls back with the change it records. */
export async function appendAudit(tx: DbOrTx, input: AuditInput): Promise<AuditRow> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const body = {
    seq: (last?.seq ?? 0) + 1,
    // Millisecond precision survives the round trip through timestamptz, so verification recomputes the same hash.
    at: new Date(),
    actorUserId: input.actorUserId,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    groupId: input.groupId,
    sideId: input.sideId,
    marking: input.marking,
    beforeDigest: digestOf(input.before),
    afterDigest: digestOf(input.after),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const row = { ...body, hash: entryHash(body) };
  await tx.insert(auditLog).values(row);
  return row;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  firstBadSeq: number | null;
  reason: string | null;
}

/** Recomputes the whole chain in pages; reports the first row whose link or hash does not hold. */
export async function verifyAuditChain(db: DbOrTx, pageSize = 1000): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.seq} >= ${expectedSeq}`)
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    for (const row of rows) {
      const bad = (reason: string): ChainReport => ({ ok: false, checked, firstBadSeq: row.seq, reason });
      if (row.seq !== expectedSeq) {
        return { ok: false, checked, firstBadSeq: expectedSeq, reason: `row ${expectedSeq} is missing` };
      }
      if (row.prevHash !== prevHash) return bad('prevHash does not match the previous row');
      if (entryHash(row) !== row.hash) return bad('hash does not match the row contents');
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < pageSize) break;
  }
  return { ok: true, checked, firstBadSeq: null, reason: null };
}
