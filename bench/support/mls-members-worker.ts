// A worker thread holding some of a call's MLS members (bench/mls.bench.ts): each restores its members from their
// serialized state, then processes every commit it is sent at each of them and derives the epoch's SFrame keys, the
// way each member's own device would. It answers with the base keys, so the bench checks that everyone agrees.
import { parentPort } from 'node:worker_threads';
import { deriveEpochSenderKeys, MLS_SFRAME_DEFAULT_EPOCH_BITS, MlsSession } from '@parley/e2ee';

export type ToMembers = { type: 'restore'; states: Uint8Array[] } | { type: 'commit'; commit: Uint8Array };
export type FromMembers = { type: 'restored' } | { type: 'keys'; baseKeys: string[] };

let members: MlsSession[] = [];
const port = parentPort!;
port.on('message', async (message: ToMembers) => {
  if (message.type === 'restore') {
    members = await Promise.all(message.states.map((state) => MlsSession.restore(state)));
    port.postMessage({ type: 'restored' } satisfies FromMembers);
    return;
  }
  const baseKeys: string[] = [];
  for (const member of members) {
    await member.processMessage(message.commit);
    const keys = await deriveEpochSenderKeys(member, member.epoch, MLS_SFRAME_DEFAULT_EPOCH_BITS);
    baseKeys.push(Buffer.from(keys.baseKey).toString('hex'));
  }
  port.postMessage({ type: 'keys', baseKeys } satisfies FromMembers);
});
