import { eq } from 'drizzle-orm';
import { randomToken } from '../../../lib/crypto.js';
import type { MatrixCase } from '../../../test-support/matrix.js';
import type { Persona, World } from '../../../test-support/world.js';
import { passkeys, users } from '../schema.js';
import { createUser } from '../users.js';

const SIGNED_IN = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'] as const;
let n = 0;

/** A fresh account for each row that acts on one (an admin action ends its sessions, or disables it). */
async function freshAccount(w: World, disabled = false): Promise<string> {
  const u = await createUser(w.ctx, null, {
    email: `recovery-matrix-${Date.now()}-${n++}@test.parley`,
    displayName: 'Recovery Matrix',
    password: null,
    isAdmin: false,
  });
  if (disabled) await w.ctx.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, u.id));
  return u.id;
}

/** Recovery codes need a second factor: the persona gets a (never used) passkey record. */
async function withSecondFactor(w: World, persona: Persona): Promise<void> {
  if (persona === 'anonymous') return;
  await w.ctx.db.insert(passkeys).values({
    userId: w.users[persona].id,
    credentialId: randomToken(16),
    publicKey: randomToken(32),
    name: 'Matrix',
  });
}

export const recoveryMatrix: MatrixCase[] = [
  {
    route: 'GET /api/account/recovery-codes',
    allow: SIGNED_IN,
    request: () => ({ url: '/api/account/recovery-codes' }),
  },
  {
    route: 'POST /api/account/recovery-codes',
    allow: SIGNED_IN,
    why: 'one’s own codes, once a second factor is enrolled',
    request: async (w, persona) => {
      await withSecondFactor(w, persona);
      return { url: '/api/account/recovery-codes', body: {} };
    },
  },
  {
    route: 'POST /api/auth/login/recovery-code',
    allow: [],
    why: 'only a pending second-factor session may finish a login (the flow is covered by recovery.api.test.ts)',
    request: () => ({ url: '/api/auth/login/recovery-code', body: { code: 'abcde-23456' } }),
  },
  ...(['disable', 'reset-second-factors', 'reset-password'] as const).map(
    (action): MatrixCase => ({
      route: `POST /api/admin/users/{id}/${action}`,
      allow: ['admin'],
      request: async (w) => ({ url: `/api/admin/users/${await freshAccount(w)}/${action}`, body: {} }),
    }),
  ),
  {
    route: 'POST /api/admin/users/{id}/enable',
    allow: ['admin'],
    request: async (w) => ({ url: `/api/admin/users/${await freshAccount(w, true)}/enable`, body: {} }),
  },
];
