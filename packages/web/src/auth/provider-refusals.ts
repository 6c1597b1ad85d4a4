import type { OidcRefusal } from '@parley/protocol';

/** What the sign-in page says when a sign-in through an identity provider was refused (nothing was stored). */
export const PROVIDER_REFUSALS: Record<OidcRefusal, string> = {
  flow_missing: 'That sign-in had expired or was not started in this browser. Please try again.',
  state_mismatch: 'That sign-in did not match the one this browser started, so it was refused. Please try again.',
  provider_error: 'Your identity provider did not sign you in. If you cancelled, try again.',
  wrong_issuer:
    'The answer did not come from the identity provider Parley expected (wrong issuer), so it was refused. Tell your Parley administrator.',
  token_invalid:
    'Your identity provider’s answer could not be verified (its signature, expiry or nonce was wrong), so it was refused. Please try again; if it keeps happening, tell your Parley administrator.',
  email_missing: 'Your identity provider did not share your email address, which Parley needs. Ask your IT team.',
  email_unverified:
    'Your identity provider has not verified your email address, so Parley cannot use it. Ask your IT team to verify it.',
  not_bound:
    'This identity provider does not sign anyone into a side of any group yet. Ask your Parley administrator to bind it to your side.',
  account_elsewhere:
    'A Parley account with your email address belongs to another side or to the administrator, so this provider may not sign into it. Ask your Parley administrator.',
  account_disabled: 'This account is disabled. Ask your Parley administrator to re-enable it.',
  provider_unreachable: 'Parley could not reach your identity provider. Please try again in a moment.',
};

export const providerRefusal = (code: string | null): string | null =>
  code ? (PROVIDER_REFUSALS[code as OidcRefusal] ?? 'That sign-in was refused. Please try again.') : null;
