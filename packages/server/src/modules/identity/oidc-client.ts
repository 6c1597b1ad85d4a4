import * as oidc from 'openid-client';
import type { AppContext } from '../../context.js';
import { openClientSecret } from './provider-secret.js';
import type { identityProviders } from './schema.js';

export type ProviderRow = typeof identityProviders.$inferSelect;

/** Where every provider sends people back; the administrator registers this URL at the provider. */
export const redirectUri = (ctx: Pick<AppContext, 'config'>) =>
  new URL('/api/auth/oidc/callback', ctx.config.publicUrl).toString();

/** Plain http is allowed only to a provider on this machine (tests, a provider beside the server). */
const isLoopback = (issuer: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);

/** Scopes asked of every provider: `offline_access` for the refresh token the deprovisioning check uses. */
export const SCOPES = 'openid email profile offline_access';

const cache = new Map<string, { key: string; config: Promise<oidc.Configuration> }>();

/**
 * The provider's configuration from its discovery document, kept per provider until the row changes. The document's
 * issuer must equal the registered issuer exactly (openid-client checks), so a provider cannot speak for another.
 */
export function providerConfig(ctx: AppContext, p: ProviderRow): Promise<oidc.Configuration> {
  const key = `${p.issuer}|${p.clientId}|${p.clientSecret}`;
  const hit = cache.get(p.id);
  if (hit?.key === key) return hit.config;
  const issuer = new URL(p.issuer);
  const config = oidc.discovery(
    issuer,
    p.clientId,
    { id_token_signed_response_alg: 'RS256' },
    oidc.ClientSecretPost(openClientSecret(ctx.secrets(), p.id, p.clientSecret)),
    {
      ...(issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      timeout: 10,
    },
  );
  // A failed discovery is not remembered: the next sign-in tries again.
  config.catch(() => cache.delete(p.id));
  cache.set(p.id, { key, config });
  return config;
}

export function forgetProviderConfig(providerId: string): void {
  cache.delete(providerId);
}
