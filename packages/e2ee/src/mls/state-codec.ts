// Session state <-> bytes, for a browser to keep a call's MLS state in IndexedDB across reloads.
import { type ClientState, decodeGroupState, encodeGroupState, type GroupState } from 'ts-mls';
import { decodeFrames, encodeFrames } from './bytes.js';

const MAGIC = 'PMLS';
const VERSION = 1;
const FLAG_NEEDS_PATH_UPDATE = 1;

export interface SessionFlags {
  needsPathUpdate: boolean;
}

/**
 * The envelope holds ts-mls's own GroupState encoding (tree, key schedule, secret tree, private path keys,
 * signature key, retained past-epoch receiver data) plus our flags. The client config (auth service, retention)
 * is code, not data, so it is re-supplied on restore. The bytes contain private keys: store them like secrets.
 */
export function encodeSessionState(state: ClientState, flags: SessionFlags): Uint8Array {
  const { clientConfig: _config, ...groupState } = state;
  return encodeFrames(MAGIC, VERSION, [
    Uint8Array.of(flags.needsPathUpdate ? FLAG_NEEDS_PATH_UPDATE : 0),
    encodeGroupState(groupState),
  ]);
}

export function decodeSessionState(bytes: Uint8Array): { groupState: GroupState; flags: SessionFlags } {
  const [flagBytes, stateBytes] = decodeFrames(MAGIC, VERSION, bytes, 2) as [Uint8Array, Uint8Array];
  const decoded = decodeGroupState(stateBytes, 0);
  if (!decoded || decoded[1] !== stateBytes.length) throw new Error('corrupt MLS session state');
  return {
    groupState: decoded[0],
    flags: { needsPathUpdate: ((flagBytes[0] ?? 0) & FLAG_NEEDS_PATH_UPDATE) !== 0 },
  };
}
