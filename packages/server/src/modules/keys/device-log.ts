import { DEVICE_LOG_GENESIS, type DeviceLogEntry, deviceLogBody } from '@parley/protocol';
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { sha256Hex } from '../../lib/crypto.js';
import { deviceKeyLog } from './schema.js';

// Any constant; with the user id it serialises appends to one user's chain without blocking other users.
const DEVICE_LOG_LOCK = 7_041_938;

type Body = Omit<DeviceLogEntry, 'hash'>;

/**
 * hash = SHA-256(prevHash ‖ canonical JSON of the body). The body is flat, so lib/canonical-json and the
 * client-side `deviceLogBody` of @parley/protocol produce the same bytes; the tests hold them to that.
 */
export function deviceLogHash(body: Body): string {
  const canonical = canonicalJson(body);
  if (canonical !== deviceLogBody(body)) throw new Error('device log: canonical forms disagree');
  return sha256Hex(body.prevHash + canonical);
}

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Appends in the caller's transaction, so a key and its log entry commit together or not at all. */
export async function appendDeviceLog(
  tx: DbOrTx,
  input: {
    userId: string;
    deviceId: string;
    action: 'add' | 'revoke';
    signaturePublicKey: Uint8Array;
    credential: Uint8Array;
  },
): Promise<DeviceLogEntry> {
  await tx.execute(sql`select pg_advisory_xact_lock(${DEVICE_LOG_LOCK}, hashtext(${input.userId}))`);
  const [last] = await tx
    .select({ seq: deviceKeyLog.seq, hash: deviceKeyLog.hash })
    .from(deviceKeyLog)
    .where(eq(deviceKeyLog.userId, input.userId))
    .orderBy(desc(deviceKeyLog.seq))
    .limit(1);
  const body: Body = {
    userId: input.userId,
    seq: (last?.seq ?? 0) + 1,
    deviceId: input.deviceId,
    action: input.action,
    signaturePublicKey: b64(input.signaturePublicKey),
    credentialDigest: sha256Hex(input.credential),
    // Millisecond ISO string: survives timestamptz and is what the hash covers.
    at: new Date().toISOString(),
    prevHash: last?.hash ?? DEVICE_LOG_GENESIS,
  };
  const entry = { ...body, hash: deviceLogHash(body) };
  await tx.insert(deviceKeyLog).values({ ...entry, at: new Date(entry.at) });
  return entry;
}

export async function deviceChains(db: DbOrTx, userIds: readonly string[]): Promise<Map<string, DeviceLogEntry[]>> {
  const chains = new Map<string, DeviceLogEntry[]>(userIds.map((u) => [u, []]));
  if (userIds.length === 0) return chains;
  const rows = await db
    .select()
    .from(deviceKeyLog)
    .where(inArray(deviceKeyLog.userId, [...userIds]))
    .orderBy(asc(deviceKeyLog.userId), asc(deviceKeyLog.seq));
  for (const r of rows) chains.get(r.userId)?.push({ ...r, at: r.at.toISOString() });
  return chains;
}
