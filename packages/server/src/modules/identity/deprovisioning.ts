import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import type { AppContext } from '../../context.js';
import { runWrite } from '../../services/write.js';
import { sessions } from '../auth/schema.js';
import { providerConfig } from './oidc-client.js';
import { openRefreshToken, sealRefreshToken } from './provider-secret.js';
import { identityLinks, identityProviders } from './schema.js';

export interface CheckReport {
  checked: number;
  /** Links whose provider said the person is gone: their sessions were ended. */
  revoked: string[];
  /** Providers that could not be asked (down, unreachable): their people keep their sessions until next time. */
  unreachable: number;
}

/**
 * Deprovisioning: "sessions end at the next check". Every IDENTITY_CHECK_MINUTES the server uses each link's refresh
 * token at its provider. When the provider refuses it (`invalid_grant`: the person was removed or disabled there,
 * or their grant revoked), every session of the account ends and the link is marked revoked; signing in again needs
 * the provider to accept the person again. A provider that cannot be reached ends nobody's session.
 */
export async function checkIdentityLinks(ctx: AppContext): Promise<CheckReport> {
  const rows = await ctx.db
    .select({ link: identityLinks, provider: identityProviders })
    .from(identityLinks)
    .innerJoin(identityProviders, eq(identityProviders.id, identityLinks.providerId))
    .where(and(isNull(identityLinks.revokedAt), isNotNull(identityLinks.refreshToken)));
  const report: CheckReport = { checked: 0, revoked: [], unreachable: 0 };
  for (const { link, provider } of rows) {
    report.checked++;
    try {
      const config = await providerConfig(ctx, provider);
      const tokens = await oidc.refreshTokenGrant(config, openRefreshToken(ctx.secrets(), link.id, link.refreshToken!));
      const next = tokens.refresh_token;
      // Bookkeeping of the check (the rotated token, when): not a change anyone acts on, no audit entry.
      await ctx.db
        .update(identityLinks)
        .set({
          lastCheckedAt: new Date(),
          ...(next ? { refreshToken: sealRefreshToken(ctx.secrets(), link.id, next) } : {}),
        })
        .where(eq(identityLinks.id, link.id));
    } catch (err) {
      if (err instanceof oidc.ResponseBodyError && err.error === 'invalid_grant') {
        await revoke(ctx, link.id, link.userId);
        report.revoked.push(link.id);
      } else {
        report.unreachable++;
        ctx.log.warn(
          { event: 'oidc_check_failed', providerId: provider.id, err: (err as Error).message },
          'identity check failed',
        );
      }
    }
  }
  return report;
}

async function revoke(ctx: AppContext, linkId: string, userId: string) {
  await runWrite(ctx, null, async (w) => {
    await w.tx
      .update(identityLinks)
      .set({ revokedAt: new Date(), refreshToken: null, lastCheckedAt: new Date() })
      .where(eq(identityLinks.id, linkId));
    const ended = await w.tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
    await w.audit({
      action: 'identity.deprovisioned',
      resourceType: 'user',
      resourceId: userId,
      groupId: null,
      sideId: null,
      marking: 'shared',
      after: { linkId, sessionsEnded: ended.length },
    });
  });
}

/** Runs the check on a timer for the server's lifetime; 0 minutes turns it off. */
export function scheduleIdentityChecks(app: FastifyInstance, ctx: AppContext): void {
  const minutes = ctx.config.identityCheckMinutes;
  if (minutes === 0) return;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    checkIdentityLinks(ctx)
      .catch((err) => ctx.log.error({ err }, 'identity check failed'))
      .finally(() => {
        running = false;
      });
  }, minutes * 60_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
