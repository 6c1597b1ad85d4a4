import { conflict } from '../../http/errors.js';
import { randomToken } from '../../lib/crypto.js';
import { runWrite, type WriteContext } from '../../services/write.js';
import { hashPassword } from './passwords.js';
import { findUserByEmail } from './queries.js';
import { users } from './schema.js';

export interface NewUser {
  email: string;
  displayName: string;
  password: string | null;
  isAdmin: boolean;
  /** Hashed ahead of a transaction so argon2 does not run while it holds locks. */
  passwordHash?: string;
}

/** Creates an account; used by the admin API, invitations, the CLI and the demo loader. */
export async function createUser(ctx: WriteContext, actorUserId: string | null, input: NewUser) {
  const passwordHash = input.passwordHash ?? (input.password ? await hashPassword(input.password) : null);
  return runWrite(ctx, actorUserId, async (w) => {
    if (await findUserByEmail(w.tx, input.email)) {
      throw conflict('An account with this email exists', undefined, [
        { path: 'body.email', message: 'already registered', code: 'email_taken' },
      ]);
    }
    const [u] = await w.tx
      .insert(users)
      .values({
        email: input.email.toLowerCase(),
        displayName: input.displayName,
        passwordHash,
        isAdmin: input.isAdmin,
        webauthnUserId: randomToken(16),
      })
      .returning();
    await w.audit({
      action: 'user.create',
      resourceType: 'user',
      resourceId: u!.id,
      groupId: null,
      sideId: null,
      marking: 'shared',
      after: { id: u!.id, email: u!.email, displayName: u!.displayName, isAdmin: u!.isAdmin },
    });
    return u!;
  });
}
