// The member check of a device without a browser's trust store (the demo loader's device, the e2e harness, tests):
// a leaf is accepted when its signature key is the active key of that device in the user's verified, hash-chained
// device-key log (docs/call-keys.md §5.1). The browser's DeviceTrust does the same with caching and key warnings.
import type { DeviceLog, verifyDeviceChain } from '@parley/protocol';
import type { MemberCredentialCheck, VerifyMember } from '../mls/index.js';
import { type DeliveryApi, toB64 } from './transport.js';

/**
 * `verifyChain` is @parley/protocol's verifyDeviceChain, passed in so that this package only takes types from the
 * protocol: a page's SFrame worker bundles @parley/e2ee and must not carry the protocol's schemas along.
 */
export function deviceLogCheck(
  api: DeliveryApi,
  verifyChain: typeof verifyDeviceChain,
  onVerified?: (deviceId: string) => void,
): VerifyMember {
  return async (member: MemberCredentialCheck): Promise<boolean> => {
    const log = await api
      .get<DeviceLog>(`/api/devices/log?userIds=${encodeURIComponent(member.userId)}`)
      .catch(() => null);
    const chain = log?.chains.find((c) => c.userId === member.userId);
    if (!chain) return false;
    const verified = await verifyChain(member.userId, chain.entries);
    const ok = verified.ok && verified.active.get(member.deviceId) === toB64(member.signaturePublicKey);
    if (ok) onVerified?.(member.deviceId);
    return ok;
  };
}
