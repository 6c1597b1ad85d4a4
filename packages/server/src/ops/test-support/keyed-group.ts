import { mlsContext } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../../demo/people.js';
import { InjectClient } from '../../lib/inject-client.js';
import { MlsDevice } from '../mls-device.js';

export const HELENA = 'helena.varga@aldoria.example';
export const AMARA = 'amara.okafor@belmora.example';

export interface KeyedGroup {
  mlsGroupId: string;
  helena: MlsDevice;
  amara: MlsDevice;
}

const signIn = (app: FastifyInstance, email: string) => new InjectClient(app).login(email, DEMO_PASSWORD);

/**
 * On a loaded demo: the two chairs' devices hold an MLS group for the demo group and exchange a message, the way
 * their browsers would; the devices stay in this process so a later step can go on from the same key state.
 */
export async function keyGroupOfChairs(app: FastifyInstance): Promise<KeyedGroup> {
  const h = await signIn(app, HELENA);
  const a = await signIn(app, AMARA);
  const me = async (c: InjectClient) => (await c.get('/api/auth/me')).json().user.id as string;
  const [group] = (await h.get('/api/groups')).json().groups.filter((g: { kind: string }) => g.kind === 'group');
  const helena = await MlsDevice.register('Helena', h, await me(h));
  const amara = await MlsDevice.register('Amara', a, await me(a));
  await amara.uploadKeyPackages(1);
  const mlsGroupId = await helena.createGroup(mlsContext({ kind: 'group', groupId: group.id }));
  const claim = await h.post(`/api/mls/groups/${mlsGroupId}/key-packages/claim`, {
    deviceId: helena.deviceId,
    userId: amara.userId,
  });
  if (claim.statusCode !== 200) throw new Error(`claim: ${claim.statusCode} ${claim.body}`);
  const [kp] = claim.json().keyPackages as { keyPackage: string }[];
  const add = await helena.s.prepareAdd([new Uint8Array(Buffer.from(kp!.keyPackage, 'base64'))]);
  const added = await helena.postCommit(mlsGroupId, add, { welcomeTo: [amara] });
  if (added.status !== 201) throw new Error(`add: ${added.status}`);
  await amara.joinFromWelcome(mlsGroupId);
  await helena.sync(mlsGroupId);
  const sent = await helena.send(mlsGroupId, 'before the backup');
  if (sent.status !== 201) throw new Error(`send: ${sent.status}`);
  await amara.sync(mlsGroupId);
  return { mlsGroupId, helena, amara };
}

/** Points the devices at another server (the restored or upgraded one), signed in again there. */
export async function moveDevices(keyed: KeyedGroup, app: FastifyInstance): Promise<void> {
  for (const [device, email] of [
    [keyed.helena, HELENA],
    [keyed.amara, AMARA],
  ] as const)
    (device as unknown as { http: InjectClient }).http = await signIn(app, email);
}
