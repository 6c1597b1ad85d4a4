/**
 * Run by the upgrade test inside a checkout of the PREVIOUS release (so every import below resolves to that
 * release's code): loads the demo, has two chairs' devices hold an MLS group and exchange a message, enrols an
 * authenticator app, and writes what a later step needs to go on (device keys, MLS state, the TOTP seed).
 * Uses only what both releases have, so it typechecks here and runs there.
 */
import fs from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/client.js';
import { loadDemo } from '../../demo/load.js';
import { DEMO_PASSWORD } from '../../demo/people.js';
import { InjectClient } from '../../lib/inject-client.js';
import { MlsDevice } from '../mls-device.js';

export interface PreviousReleaseState {
  mlsGroupId: string;
  devices: Record<
    'helena' | 'amara',
    {
      email: string;
      userId: string;
      deviceId: string;
      publicKey: string;
      privateKey: string;
      session: string;
      cursor: number;
    }
  >;
  totp: { email: string; secret: string };
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

async function main(out: string): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  const { app, ctx } = await buildApp({ config, database, logger: false });
  await app.ready();
  try {
    await loadDemo(app, ctx);
    const signIn = (email: string) => new InjectClient(app).login(email, DEMO_PASSWORD);
    const emails = { helena: 'helena.varga@aldoria.example', amara: 'amara.okafor@belmora.example' };
    const h = await signIn(emails.helena);
    const a = await signIn(emails.amara);
    const me = async (c: InjectClient) => (await c.get('/api/auth/me')).json().user.id as string;
    const [group] = (await h.get('/api/groups')).json().groups.filter((g: { kind: string }) => g.kind === 'group');
    const helena = await MlsDevice.register('Helena', h, await me(h));
    const amara = await MlsDevice.register('Amara', a, await me(a));
    await amara.uploadKeyPackages(1);
    const mlsGroupId = await helena.createGroup(`group:${group.id}`);
    const claim = await h.post(`/api/mls/groups/${mlsGroupId}/key-packages/claim`, {
      deviceId: helena.deviceId,
      userId: amara.userId,
    });
    const [kp] = claim.json().keyPackages as { keyPackage: string }[];
    const add = await helena.s.prepareAdd([new Uint8Array(Buffer.from(kp!.keyPackage, 'base64'))]);
    if ((await helena.postCommit(mlsGroupId, add, { welcomeTo: [amara] })).status !== 201) throw new Error('add');
    await amara.joinFromWelcome(mlsGroupId);
    await helena.sync(mlsGroupId);
    if ((await helena.send(mlsGroupId, 'before the upgrade')).status !== 201) throw new Error('send');
    await amara.sync(mlsGroupId);
    if (!amara.received.includes('before the upgrade')) throw new Error('amara did not read the message');

    // A delegate with an authenticator app, enrolled by this release (which stored the seed as it was).
    const email = 'jonas.ebner@aldoria.example';
    const c = await signIn(email);
    const { secret } = (await c.post('/api/account/totp/enrol')).json() as { secret: string };
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
    const confirmed = await c.post('/api/account/totp/confirm', { code });
    if (confirmed.statusCode !== 200) throw new Error(`totp confirm: ${confirmed.body}`);

    const device = (d: MlsDevice, mail: string) => ({
      email: mail,
      userId: d.userId,
      deviceId: d.deviceId,
      publicKey: b64(d.identity.signaturePublicKey),
      privateKey: b64(d.identity.signaturePrivateKey),
      session: b64(d.s.serialize()),
      cursor: d.cursor,
    });
    const state: PreviousReleaseState = {
      mlsGroupId,
      devices: { helena: device(helena, emails.helena), amara: device(amara, emails.amara) },
      totp: { email, secret },
    };
    fs.writeFileSync(out, JSON.stringify(state));
  } finally {
    await app.close();
    await database.close();
  }
}

// Runs only as a script (`previous-release.ts <out.json>`), never on import.
if (
  process.argv[1] &&
  import.meta.url.endsWith('/previous-release.ts') &&
  process.argv[1].endsWith('previous-release.ts')
)
  await main(process.argv[2] ?? 'previous-release.json');
