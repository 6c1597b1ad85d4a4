import { z } from 'zod';
import {
  Colour,
  DisplayName,
  freeText,
  GroupKind,
  Id,
  Marking,
  Role,
  ShortCode,
  singleLine,
  Timestamp,
  Title,
} from './common.js';

export const Side = z.object({
  id: Id,
  groupId: Id,
  name: z.string(),
  shortCode: z.string(),
  colour: z.string(),
  position: z.number().int(),
});
export type Side = z.infer<typeof Side>;

export const Group = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  kind: GroupKind,
  parentGroupId: Id.nullable(),
  createdAt: Timestamp,
  sides: z.array(Side),
  /** The caller's own place in the group, if any (absent for admins and overseers). */
  myMembership: z.object({ sideId: Id, role: Role }).nullable(),
  /** True when the caller reads this track as a chair of its parent group. */
  overseeing: z.boolean(),
  /**
   * Chairs who signed in through an identity provider confirm a passkey or authenticator code once per session
   * before chair actions in this group (docs/threat-model.md, "Chair step-up").
   */
  chairStepUp: z.boolean(),
});
export type Group = z.infer<typeof Group>;

export const GroupList = z.object({ groups: z.array(Group) });

export const CreateGroupBody = z.strictObject({
  name: singleLine(z.string().trim().min(1).max(200)),
  description: freeText(z.string().trim().max(4000)).default(''),
  kind: GroupKind.default('group'),
  parentGroupId: Id.nullable().default(null),
});
export const UpdateGroupBody = z.strictObject({
  name: singleLine(z.string().trim().min(1).max(200)).optional(),
  description: freeText(z.string().trim().max(4000)).optional(),
  chairStepUp: z.boolean().optional(),
});

export const CreateSideBody = z.strictObject({
  name: singleLine(z.string().trim().min(1).max(200)),
  shortCode: ShortCode,
  colour: Colour,
});
export const UpdateSideBody = CreateSideBody.partial();
export const SideParams = z.strictObject({ groupId: Id, sideId: Id });

export const Agency = z.object({
  id: Id,
  groupId: Id,
  sideId: Id,
  name: z.string(),
  marking: Marking,
});
export type Agency = z.infer<typeof Agency>;
export const CreateAgencyBody = z.strictObject({
  name: singleLine(z.string().trim().min(1).max(200)),
  marking: Marking.default('shared'),
});
export const UpdateAgencyBody = CreateAgencyBody.partial();
export const AgencyParams = z.strictObject({ groupId: Id, sideId: Id, agencyId: Id });

export const Membership = z.object({
  id: Id,
  groupId: Id,
  sideId: Id,
  userId: Id,
  displayName: z.string(),
  email: z.string().optional(),
  role: Role,
  agencyId: Id.nullable(),
  title: z.string(),
  marking: Marking,
});
export type Membership = z.infer<typeof Membership>;

export const AddMembershipBody = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  sideId: Id,
  role: Role,
  agencyId: Id.nullable().default(null),
  title: Title.default(''),
  marking: Marking.default('shared'),
});
export const UpdateMembershipBody = z.strictObject({
  role: Role.optional(),
  agencyId: Id.nullable().optional(),
  title: Title.optional(),
  marking: Marking.optional(),
});
export const MembershipParams = z.strictObject({ groupId: Id, membershipId: Id });

/** Roster grouped side → agency → role, already filtered for the caller. */
export const Roster = z.object({
  groupId: Id,
  sides: z.array(
    z.object({
      side: Side,
      agencies: z.array(
        z.object({
          agency: Agency.nullable(),
          roles: z.array(z.object({ role: Role, members: z.array(Membership) })),
        }),
      ),
    }),
  ),
});
export type Roster = z.infer<typeof Roster>;

export const RosterMemberName = DisplayName;
