import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDeviceIdentity,
  createKeyPackage,
  type MemberCredentialCheck,
  MlsSession,
  MlsSessionError,
} from '../mls/index.js';
import { type JoinPort, OffThreadJoiner, serveWelcomeJoins, warmUp } from './off-thread-join.js';

/** A real three-member group adding a fresh device: its Welcome, and the adder to compare with. */
async function adding() {
  const adder = await MlsSession.create({ identity: await createDeviceIdentity('user-a', 'dev-a'), groupId: 'g1' });
  const second = await adder.prepareAdd([
    (await createKeyPackage(await createDeviceIdentity('user-b', 'dev-b'))).publicBytes,
  ]);
  await second.apply();
  const identity = await createDeviceIdentity('user-j', 'dev-j');
  const keyPackage = await createKeyPackage(identity);
  const add = await adder.prepareAdd([keyPackage.publicBytes]);
  await add.apply();
  return { adder, identity, keyPackage, welcome: add.welcome! };
}

const open: MessageChannel[] = [];
/** Both ends over a real message channel: everything crosses by structured clone, as to a worker. */
function channel(): { joiner: OffThreadJoiner; worker: JoinPort } {
  const { port1, port2 } = new MessageChannel();
  open.push({ port1, port2 } as MessageChannel);
  const worker = port2 as unknown as JoinPort;
  serveWelcomeJoins(worker);
  return { joiner: new OffThreadJoiner(port1 as unknown as JoinPort), worker };
}

afterEach(() => {
  for (const { port1, port2 } of open.splice(0)) {
    port1.close();
    port2.close();
  }
});

describe('joining from a Welcome on another thread (docs/call-keys.md §11)', () => {
  it('joins into the adder’s epoch, with every member checked where the joiner is', async () => {
    const { adder, identity, keyPackage, welcome } = await adding();
    const checked: string[] = [];
    const verifyMember = (member: MemberCredentialCheck) => {
      checked.push(member.deviceId);
      return true;
    };
    const { joiner } = channel();
    // The throwaway join of the warm-up runs first and answers nothing.
    joiner.warm();
    const { session, keyPackageRef } = await joiner.join({
      identity,
      welcome,
      keyPackages: [keyPackage],
      options: { verifyMember },
    });
    expect(keyPackageRef).toBe(keyPackage.ref);
    expect(session.epoch).toBe(adder.epoch);
    expect(session.epochAuthenticator()).toEqual(adder.epochAuthenticator());
    expect(session.needsPathUpdate).toBe(true);
    expect(new Set(checked)).toEqual(new Set(['dev-a', 'dev-b', 'dev-j']));
    // The restored session is a working member: the adder reads what it sends.
    const sent = await session.encryptApplication(new TextEncoder().encode('hello'));
    const read = await adder.processMessage(sent);
    expect(read.kind).toBe('application');
  });

  it('warms up with a join that succeeds (a failing warm-up is silent in the worker)', async () => {
    await expect(warmUp()).resolves.toBeUndefined();
  });

  it('fails as a join in this thread would when a member is refused or the check fails', async () => {
    const { identity, keyPackage, welcome } = await adding();
    const { joiner } = channel();
    const refuse = (member: MemberCredentialCheck) => member.deviceId !== 'dev-b';
    await expect(
      MlsSession.fromWelcome({ identity, welcome, keyPackages: [keyPackage], options: { verifyMember: refuse } }),
    ).rejects.toThrow();
    await expect(
      joiner.join({ identity, welcome, keyPackages: [keyPackage], options: { verifyMember: refuse } }),
    ).rejects.toThrow('user-b/dev-b');
    const broken = () => Promise.reject(new Error('device-key log unreachable'));
    await expect(
      joiner.join({ identity, welcome, keyPackages: [keyPackage], options: { verifyMember: broken } }),
    ).rejects.toThrow('device-key log unreachable');
  });

  it('says NO_KEY_PACKAGE for a Welcome to none of the device’s key packages', async () => {
    const { identity, welcome } = await adding();
    const { joiner } = channel();
    const other = await createKeyPackage(identity);
    const failure = await joiner.join({ identity, welcome, keyPackages: [other] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MlsSessionError);
    expect((failure as MlsSessionError).code).toBe('NO_KEY_PACKAGE');
  });

  it('finishes the joins under way in this thread when the working end is lost', async () => {
    const { adder, identity, keyPackage, welcome } = await adding();
    const { port1 } = new MessageChannel();
    open.push({ port1, port2: port1 } as unknown as MessageChannel);
    // Nobody serves this port: the join waits until the worker is declared lost.
    const joiner = new OffThreadJoiner(port1 as unknown as JoinPort);
    const joining = joiner.join({ identity, welcome, keyPackages: [keyPackage] });
    joiner.lost();
    expect((await joining).session.epoch).toBe(adder.epoch);
    const later = await joiner.join({ identity, welcome, keyPackages: [keyPackage] });
    expect(later.session.epoch).toBe(adder.epoch);
  });
});
