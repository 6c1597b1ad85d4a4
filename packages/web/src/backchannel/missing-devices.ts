import type { DeliveryApi } from '@parley/e2ee';
import { type DeviceLog, verifyDeviceChain } from '@parley/protocol';

/**
 * Active devices of allowed users that are not in the group, read from their verified device-key logs: a device is
 * only ever added if its key is in a log that checks out, and nothing is claimed (an audited write) when none is missing.
 */
export async function missingDevices(
  api: DeliveryApi,
  users: readonly string[],
  inGroup: ReadonlySet<string>,
): Promise<{ userId: string; deviceId: string }[]> {
  if (users.length === 0) return [];
  const log = await api.get<DeviceLog>(`/api/devices/log?userIds=${users.map(encodeURIComponent).join(',')}`);
  const out: { userId: string; deviceId: string }[] = [];
  for (const chain of log.chains) {
    if (!users.includes(chain.userId)) continue;
    const verified = await verifyDeviceChain(chain.userId, chain.entries);
    if (!verified.ok) continue;
    for (const deviceId of verified.active.keys())
      if (!inGroup.has(deviceId)) out.push({ userId: chain.userId, deviceId });
  }
  return out;
}
