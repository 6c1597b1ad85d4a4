import type { Marking, Role } from '@parley/protocol';
import type { AppContext } from '../../packages/server/src/context.js';
import { createUser } from '../../packages/server/src/modules/auth/users.js';
import {
  addMembership,
  createAgency,
  createGroup,
  createSide,
} from '../../packages/server/src/modules/groups/service.js';

export const PASSWORD = 'correct horse battery staple';

interface PersonSpec {
  key: string;
  displayName: string;
  role: Role;
  agency: string | null;
  title: string;
  marking?: Marking;
}

interface SideSpec {
  name: string;
  shortCode: string;
  colour: string;
  agencies: { name: string; marking: Marking }[];
  people: PersonSpec[];
}

/** Fictional delegations, as in docs/architecture.md §8. */
const SIDES: SideSpec[] = [
  {
    name: 'Republic of Aldoria',
    shortCode: 'ALD',
    colour: '#1f4e8c',
    agencies: [
      { name: 'Office of the National Security Adviser', marking: 'shared' },
      { name: 'Ministry of Foreign Affairs', marking: 'shared' },
      { name: 'National Intelligence Service', marking: 'side-only' },
    ],
    people: [
      {
        key: 'aldChair',
        displayName: 'Elena Marsh',
        role: 'chair',
        agency: 'Office of the National Security Adviser',
        title: 'National Security Adviser',
      },
      {
        key: 'aldSecretariat',
        displayName: 'Tomas Reiner',
        role: 'secretariat',
        agency: 'Office of the National Security Adviser',
        title: 'Head of Secretariat',
      },
      {
        key: 'aldExpert',
        displayName: 'Iris Halden',
        role: 'member',
        agency: 'Ministry of Foreign Affairs',
        title: 'Director, Arms Control',
      },
      {
        key: 'aldAnalyst',
        displayName: 'Piet Kovar',
        role: 'member',
        agency: 'National Intelligence Service',
        title: 'Senior Analyst',
        marking: 'side-only',
      },
    ],
  },
  {
    name: 'Commonwealth of Belmora',
    shortCode: 'BEL',
    colour: '#8c2f39',
    agencies: [
      { name: 'Cabinet Office', marking: 'shared' },
      { name: 'Ministry of Defence', marking: 'shared' },
    ],
    people: [
      {
        key: 'belChair',
        displayName: 'Amara Quist',
        role: 'chair',
        agency: 'Cabinet Office',
        title: 'National Security Adviser',
      },
      {
        key: 'belExpert',
        displayName: 'Jonas Feld',
        role: 'member',
        agency: 'Ministry of Defence',
        title: 'Deputy Director, Policy',
      },
    ],
  },
];

export interface World {
  groupId: string;
  groupName: string;
  sides: Record<string, { id: string; name: string }>;
  users: Record<string, { id: string; email: string; displayName: string }>;
  admin: { id: string; email: string };
}

/** Seeds one group with two delegations through the server's own services (audited like any write). */
export async function seedWorld(ctx: AppContext): Promise<World> {
  const admin = await createUser(ctx, null, {
    email: 'admin@parley.test',
    displayName: 'Instance Administrator',
    password: PASSWORD,
    isAdmin: true,
  });
  const group = await createGroup(ctx, admin.id, {
    name: 'Strategic Consultative Group',
    description: 'Standing consultations on strategic stability, regional security and crisis communication.',
    kind: 'group',
    parentGroupId: null,
  });
  const facts = { id: group.id, kind: group.kind, parentGroupId: group.parentGroupId };
  const world: World = {
    groupId: group.id,
    groupName: group.name,
    sides: {},
    users: {},
    admin: { id: admin.id, email: admin.email },
  };
  for (const spec of SIDES) {
    const side = await createSide(ctx, admin.id, facts, {
      name: spec.name,
      shortCode: spec.shortCode,
      colour: spec.colour,
    });
    world.sides[spec.shortCode] = { id: side.id, name: side.name };
    const agencyIds = new Map<string, string>();
    for (const a of spec.agencies) {
      const agency = await createAgency(ctx, admin.id, facts, side.id, a);
      agencyIds.set(a.name, agency.id);
    }
    for (const p of spec.people) {
      const email = `${p.key.toLowerCase()}@parley.test`;
      const user = await createUser(ctx, admin.id, {
        email,
        displayName: p.displayName,
        password: PASSWORD,
        isAdmin: false,
      });
      await addMembership(ctx, admin.id, facts, {
        userId: user.id,
        sideId: side.id,
        role: p.role,
        agencyId: p.agency ? (agencyIds.get(p.agency) ?? null) : null,
        title: p.title,
        marking: p.marking ?? 'shared',
      });
      world.users[p.key] = { id: user.id, email, displayName: p.displayName };
    }
  }
  return world;
}
