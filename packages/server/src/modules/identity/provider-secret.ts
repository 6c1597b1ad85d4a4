import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { identityLinks, identityProviders } from './schema.js';

/**
 * How a provider's client secret and a person's refresh token are kept: sealed with the server's secrets key and
 * bound to their row, so a database dump shows neither and a value moved to another row no longer opens.
 */
const clientSecretContext = (providerId: string) => `parley/oidc-client/${providerId}`;
const refreshContext = (linkId: string) => `parley/oidc-refresh/${linkId}`;

export const sealClientSecret = (box: SecretBox, providerId: string, secret: string) =>
  box.seal(secret, clientSecretContext(providerId));
export const openClientSecret = (box: SecretBox, providerId: string, sealed: string) =>
  box.open(sealed, clientSecretContext(providerId));
export const sealRefreshToken = (box: SecretBox, linkId: string, token: string) =>
  box.seal(token, refreshContext(linkId));
export const openRefreshToken = (box: SecretBox, linkId: string, sealed: string) =>
  box.open(sealed, refreshContext(linkId));

/** Re-seals every client secret and refresh token from one key to another, in the caller's transaction. */
export async function resealIdentitySecrets(db: DbOrTx, from: SecretBox, to: SecretBox): Promise<number> {
  let n = 0;
  for (const p of await db.select().from(identityProviders)) {
    const plain = openClientSecret(from, p.id, p.clientSecret);
    await db
      .update(identityProviders)
      .set({ clientSecret: sealClientSecret(to, p.id, plain) })
      .where(eq(identityProviders.id, p.id));
    n++;
  }
  for (const l of await db.select().from(identityLinks)) {
    if (!l.refreshToken) continue;
    const plain = openRefreshToken(from, l.id, l.refreshToken);
    await db
      .update(identityLinks)
      .set({ refreshToken: sealRefreshToken(to, l.id, plain) })
      .where(eq(identityLinks.id, l.id));
    n++;
  }
  return n;
}
