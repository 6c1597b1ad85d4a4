import type { Device } from '@parley/protocol';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { conflict, fieldError, notFound } from '../../http/errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import { type ActorFacts, canSeeItem } from '../../policy/policy.js';
import { runWrite } from '../../services/write.js';
import { agencies, groups, memberships } from '../groups/schema.js';
import { appendDeviceLog, b64 } from './device-log.js';
import { devices, keyPackages } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;
export type DeviceRow = typeof devices.$inferSelect;

const MAX_KEY_PACKAGES_PER_DEVICE = 500;
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export async function findDevice(db: DbOrTx, deviceId: string): Promise<DeviceRow | undefined> {
  const [d] = await db.select().from(devices).where(eq(devices.deviceId, deviceId));
  return d;
}

/** The caller's own active device; anyone else's (or a revoked one) is "not found". */
export async function ownActiveDevice(db: DbOrTx, userId: string, deviceId: string): Promise<DeviceRow> {
  const d = await findDevice(db, deviceId);
  if (!d || d.userId !== userId || d.status !== 'active') throw notFound('Device');
  return d;
}

export async function deviceDtos(db: DbOrTx, rows: DeviceRow[]): Promise<Device[]> {
  const ids = rows.map((r) => r.deviceId);
  const stock =
    ids.length === 0
      ? []
      : await db
          .select({ deviceId: keyPackages.deviceId, lastResort: keyPackages.lastResort, n: count() })
          .from(keyPackages)
          .where(inArray(keyPackages.deviceId, ids))
          .groupBy(keyPackages.deviceId, keyPackages.lastResort);
  return rows.map((d) => ({
    deviceId: d.deviceId,
    userId: d.userId,
    label: d.label,
    signaturePublicKey: b64(d.signaturePublicKey),
    credential: b64(d.credential),
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    revokedAt: d.revokedAt?.toISOString() ?? null,
    keyPackages: stock.find((s) => s.deviceId === d.deviceId && !s.lastResort)?.n ?? 0,
    hasLastResort: stock.some((s) => s.deviceId === d.deviceId && s.lastResort),
  }));
}

export async function devicesOfUser(db: DbOrTx, userId: string): Promise<DeviceRow[]> {
  return db.select().from(devices).where(eq(devices.userId, userId)).orderBy(devices.createdAt);
}

/**
 * Registers a device key with its log entry. Registering the same key again is a no-op; a different key for
 * an existing device id is refused: a device's key never changes, a new key is a new device (and a new entry).
 */
export async function registerDevice(
  ctx: Ctx,
  userId: string,
  input: { deviceId: string; signaturePublicKey: string; credential: string; label: string },
): Promise<{ device: DeviceRow; created: boolean }> {
  const key = fromB64(input.signaturePublicKey);
  const credential = fromB64(input.credential);
  if (key.length !== 32) throw fieldError(400, 'body.signaturePublicKey', 'must be a 32-byte Ed25519 public key');
  // The MLS BasicCredential identity is `${userId}:${deviceId}` (the e2ee package's contract): a device can only
  // be registered under a credential naming its owner and itself, so members can match leaves to log entries.
  if (Buffer.from(credential).toString('utf8') !== `${userId}:${input.deviceId}`)
    throw fieldError(400, 'body.credential', 'must name the signed-in user and this device');
  const existing = await findDevice(ctx.db, input.deviceId);
  if (existing) {
    const same =
      existing.userId === userId &&
      existing.status === 'active' &&
      b64(existing.signaturePublicKey) === b64(key) &&
      b64(existing.credential) === b64(credential);
    if (!same) throw conflict('This device id is taken; a new key needs a new device id');
    return { device: existing, created: false };
  }
  return runWrite(ctx, userId, async (w) => {
    if (await findDevice(w.tx, input.deviceId)) throw conflict('This device id is taken');
    const entry = await appendDeviceLog(w.tx, {
      userId,
      deviceId: input.deviceId,
      action: 'add',
      signaturePublicKey: key,
      credential,
    });
    const [device] = await w.tx
      .insert(devices)
      .values({
        deviceId: input.deviceId,
        userId,
        label: input.label,
        signaturePublicKey: key,
        credential,
        addedLogHash: entry.hash,
      })
      .returning();
    await w.audit({
      ...placement,
      action: 'device.register',
      resourceType: 'device',
      resourceId: input.deviceId,
      after: { logHash: entry.hash, label: input.label },
    });
    return { device: device!, created: true };
  });
}

const placement = { groupId: null, sideId: null, marking: 'shared' as const };

/** Revokes one of the caller's devices: a log entry, and its unused key packages are destroyed. */
export async function revokeDevice(ctx: Ctx, userId: string, deviceId: string): Promise<DeviceRow> {
  return runWrite(ctx, userId, async (w) => {
    const d = await ownActiveDevice(w.tx, userId, deviceId);
    const entry = await appendDeviceLog(w.tx, {
      userId,
      deviceId,
      action: 'revoke',
      signaturePublicKey: d.signaturePublicKey,
      credential: d.credential,
    });
    await w.tx.delete(keyPackages).where(eq(keyPackages.deviceId, deviceId));
    const [row] = await w.tx
      .update(devices)
      .set({ status: 'revoked', revokedAt: new Date() })
      .where(eq(devices.deviceId, deviceId))
      .returning();
    await w.audit({
      ...placement,
      action: 'device.revoke',
      resourceType: 'device',
      resourceId: deviceId,
      after: { logHash: entry.hash },
    });
    return row!;
  });
}

export async function uploadKeyPackages(
  ctx: Ctx,
  userId: string,
  deviceId: string,
  input: { keyPackages: string[]; lastResort?: string | undefined },
): Promise<{ keyPackages: number; hasLastResort: boolean }> {
  return runWrite(ctx, userId, async (w) => {
    await ownActiveDevice(w.tx, userId, deviceId);
    const [{ n } = { n: 0 }] = await w.tx
      .select({ n: count() })
      .from(keyPackages)
      .where(and(eq(keyPackages.deviceId, deviceId), eq(keyPackages.lastResort, false)));
    if (n + input.keyPackages.length > MAX_KEY_PACKAGES_PER_DEVICE)
      throw fieldError(409, 'body.keyPackages', `at most ${MAX_KEY_PACKAGES_PER_DEVICE} unclaimed per device`);
    const rows = input.keyPackages.map((k) => ({ deviceId, keyPackage: fromB64(k), lastResort: false }));
    if (input.lastResort) {
      await w.tx.delete(keyPackages).where(and(eq(keyPackages.deviceId, deviceId), eq(keyPackages.lastResort, true)));
      rows.push({ deviceId, keyPackage: fromB64(input.lastResort), lastResort: true });
    }
    if (rows.length > 0) await w.tx.insert(keyPackages).values(rows);
    await w.audit({
      ...placement,
      action: 'key-packages.upload',
      resourceType: 'device',
      resourceId: deviceId,
      after: { digests: rows.map((r) => sha256Hex(r.keyPackage)), lastResort: !!input.lastResort },
    });
    const [{ hasLastResort } = { hasLastResort: false }] = await w.tx
      .select({ hasLastResort: keyPackages.lastResort })
      .from(keyPackages)
      .where(and(eq(keyPackages.deviceId, deviceId), eq(keyPackages.lastResort, true)));
    return { keyPackages: n + input.keyPackages.length, hasLastResort };
  });
}

/**
 * Of the requested users, those the actor may know about: themselves and anyone whose membership the actor
 * can see in some group (so a side-only delegate of side A is never revealed to side B through the key log).
 */
export async function visibleUsers(db: DbOrTx, actor: ActorFacts, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .select({
      userId: memberships.userId,
      sideId: memberships.sideId,
      marking: memberships.marking,
      group: { id: groups.id, kind: groups.kind, parentGroupId: groups.parentGroupId },
      agencySide: agencies.sideId,
      agencyMarking: agencies.marking,
    })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
    .where(inArray(memberships.userId, [...userIds]));
  const visible = new Set<string>(actor.userId && userIds.includes(actor.userId) ? [actor.userId] : []);
  for (const r of rows) {
    const seen =
      canSeeItem(actor, { group: r.group, sideId: r.sideId, marking: r.marking }) &&
      (r.agencyMarking === null ||
        canSeeItem(actor, { group: r.group, sideId: r.agencySide, marking: r.agencyMarking }));
    if (seen) visible.add(r.userId);
  }
  return userIds.filter((u) => visible.has(u));
}
