import type { Role } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { findUserByEmail } from '../modules/auth/queries.js';
import { users } from '../modules/auth/schema.js';
import { agenciesOfGroup, allGroups, sidesOf } from '../modules/groups/queries.js';
import { createInvitation } from '../modules/invitations/service.js';

export interface InviteRequest {
  /** Group id or exact name. */
  group: string;
  /** Side short code (e.g. ALD) or id. */
  side: string;
  role: Role;
  agency?: string;
  title?: string;
  email?: string;
  hours: number;
  /** Who the audit log records as inviting; defaults to the first administrator. */
  asEmail?: string;
}

/** The operator's way to invite from the command line, resolving names to ids and naming what it cannot find. */
export async function inviteFromCli(ctx: Pick<AppContext, 'db' | 'hub' | 'config'>, req: InviteRequest) {
  const group = (await allGroups(ctx.db)).find((g) => g.id === req.group || g.name === req.group);
  if (!group) throw new Error(`--group: no group with id or name "${req.group}"`);
  const side = (await sidesOf(ctx.db, [group.id])).find(
    (s) => s.id === req.side || s.shortCode === req.side.toUpperCase(),
  );
  if (!side) throw new Error(`--side: no side "${req.side}" in ${group.name}`);
  let agencyId: string | null = null;
  if (req.agency) {
    const agency = (await agenciesOfGroup(ctx.db, group.id)).find(
      (a) => a.sideId === side.id && (a.id === req.agency || a.name === req.agency),
    );
    if (!agency) throw new Error(`--agency: no agency "${req.agency}" on side ${side.shortCode}`);
    agencyId = agency.id;
  }
  const actor = req.asEmail
    ? await findUserByEmail(ctx.db, req.asEmail)
    : (await ctx.db.select().from(users).where(eq(users.isAdmin, true)).limit(1))[0];
  if (!actor)
    throw new Error(
      req.asEmail
        ? `--as: no account ${req.asEmail}`
        : 'no administrator account exists; create one with `parley user add --admin`',
    );
  const { invitation, token } = await createInvitation(
    ctx,
    actor.id,
    { id: group.id, kind: group.kind, parentGroupId: group.parentGroupId },
    {
      sideId: side.id,
      role: req.role,
      agencyId,
      title: req.title ?? '',
      marking: 'shared',
      email: req.email,
      expiresInHours: req.hours,
    },
  );
  return {
    url: `${ctx.config.publicUrl}/invite/${token}`,
    expiresAt: invitation.expiresAt,
    group: group.name,
    side: side.name,
  };
}
