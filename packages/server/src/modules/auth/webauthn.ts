import { type AuthenticationResponseJSON, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { and, eq, lt } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { fieldError } from '../../http/errors.js';
import { authFlows, passkeys } from './schema.js';

/** How long a WebAuthn challenge may be answered; also passed to the browser as the ceremony timeout. */
export const FLOW_TTL_MS = 5 * 60_000;

export type FlowRow = typeof authFlows.$inferSelect;
export type PasskeyRow = typeof passkeys.$inferSelect;

export const rpIdOf = (config: Config): string => new URL(config.publicUrl).hostname;

export const verifyTarget = (config: Config) => ({
  expectedOrigin: config.allowedOrigins,
  expectedRPID: rpIdOf(config),
});

/**
 * Stores a challenge server-side. Ceremony bookkeeping, like touching a session, is not a change anyone acts
 * on and is not audited (an anonymous caller must not be able to grow the audit chain); what a ceremony
 * produces — a passkey, a session — is.
 */
export async function createFlow(
  db: DbOrTx,
  values: Omit<typeof authFlows.$inferInsert, 'id' | 'expiresAt'>,
): Promise<string> {
  const now = new Date();
  await db.delete(authFlows).where(lt(authFlows.expiresAt, now));
  const [row] = await db
    .insert(authFlows)
    .values({ ...values, expiresAt: new Date(now.getTime() + FLOW_TTL_MS) })
    .returning({ id: authFlows.id });
  return row!.id;
}

/** Takes a challenge out for good, whether or not the answer then verifies: each is usable once. */
export async function consumeFlow(db: DbOrTx, id: string, purpose: FlowRow['purpose']): Promise<FlowRow> {
  const [flow] = await db
    .delete(authFlows)
    .where(and(eq(authFlows.id, id), eq(authFlows.purpose, purpose)))
    .returning();
  if (!flow || flow.expiresAt.getTime() <= Date.now()) {
    throw fieldError(404, 'body.flowId', 'unknown or expired ceremony; start again', 'ceremony_expired');
  }
  return flow;
}

/**
 * Checks a passkey's assertion against the ceremony's challenge and returns the authenticator's new signature
 * counter; throws when the assertion does not verify.
 */
export async function verifyPasskeyAssertion(
  config: Config,
  response: AuthenticationResponseJSON,
  challenge: string,
  passkey: PasskeyRow,
  requireUserVerification: boolean,
): Promise<number> {
  const verified = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    ...verifyTarget(config),
    credential: {
      id: passkey.credentialId,
      publicKey: isoBase64URL.toBuffer(passkey.publicKey),
      counter: passkey.counter,
      transports: passkey.transports,
    },
    requireUserVerification,
  });
  if (!verified.verified) throw new Error('not verified');
  return verified.authenticationInfo.newCounter;
}

export async function findPasskeyByCredentialId(db: DbOrTx, credentialId: string): Promise<PasskeyRow | undefined> {
  const [p] = await db.select().from(passkeys).where(eq(passkeys.credentialId, credentialId));
  return p;
}

export const passkeyDto = (p: PasskeyRow) => ({
  id: p.id,
  name: p.name,
  createdAt: p.createdAt.toISOString(),
  lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
});
