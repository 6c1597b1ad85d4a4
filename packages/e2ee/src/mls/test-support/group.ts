// In-process test group: real MlsSessions for several devices, with the Delivery Service's ordering played by
// the test itself (a commit is applied by its sender, then processed by every other member, in one order).
import type { PendingCommit } from '../commit.js';
import { createDeviceIdentity, type DeviceIdentity } from '../identity.js';
import { createKeyPackage } from '../key-package.js';
import { MlsSession, type MlsSessionOptions } from '../session.js';
import type { MlsCipherSuiteName } from '../suites.js';

export interface TestMember {
  name: string;
  identity: DeviceIdentity;
  session: MlsSession;
}

export class TestGroup {
  readonly members: TestMember[] = [];

  private constructor(
    readonly cipherSuite: MlsCipherSuiteName,
    readonly options: MlsSessionOptions,
  ) {}

  static async create(
    creator: string,
    cipherSuite?: MlsCipherSuiteName,
    options: MlsSessionOptions = {},
  ): Promise<TestGroup> {
    const group = new TestGroup(cipherSuite ?? 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519', options);
    const identity = await createDeviceIdentity(`user-${creator}`, `dev-${creator}`);
    const session = await MlsSession.create({ identity, groupId: 'call-test', cipherSuite, options });
    group.members.push({ name: creator, identity, session });
    return group;
  }

  get(name: string): TestMember {
    const member = this.members.find((m) => m.name === name);
    if (!member) throw new Error(`no member ${name}`);
    return member;
  }

  /** The sender applies (server accepted) and every other current member processes the commit. */
  async deliver(from: TestMember, pending: PendingCommit, skip: string[] = []): Promise<void> {
    await pending.apply();
    for (const member of this.members) {
      if (member !== from && !skip.includes(member.name)) await member.session.processMessage(pending.commit);
    }
  }

  /** Parley's join flow: `by` commits the Add + Welcome, the joiner joins and commits its full-path update. */
  async add(name: string, by: string, options: { skipPathUpdate?: boolean } = {}): Promise<TestMember> {
    const adder = this.get(by);
    const identity = await createDeviceIdentity(`user-${name}`, `dev-${name}`);
    const keyPackage = await createKeyPackage(identity, { cipherSuite: this.cipherSuite });
    const add = await adder.session.prepareAdd([keyPackage.publicBytes]);
    await this.deliver(adder, add);
    const joined = await MlsSession.join({
      identity,
      welcome: add.welcome!,
      keyPackages: [keyPackage],
      options: this.options,
    });
    const member = { name, identity, session: joined.session };
    this.members.push(member);
    if (options.skipPathUpdate) await joined.pathUpdate.discard();
    else await this.deliver(member, joined.pathUpdate);
    return member;
  }

  /** `by` removes `name`; the removed member also processes the commit (it learns it was removed). */
  async remove(name: string, by: string): Promise<TestMember> {
    const removed = this.get(name);
    const remover = this.get(by);
    const pending = await remover.session.prepareRemove([removed.session.ownLeafIndex]);
    await this.deliver(remover, pending);
    this.members.splice(this.members.indexOf(removed), 1);
    return removed;
  }
}
