import { z } from 'zod';

/** Every identifier Parley hands out is a UUID; anything else is rejected before it reaches a query. */
export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

export const Marking = z.enum(['shared', 'side-only']);
export type Marking = z.infer<typeof Marking>;

export const Role = z.enum(['chair', 'member', 'observer', 'secretariat']);
export type Role = z.infer<typeof Role>;

export const GroupKind = z.enum(['group', 'track']);
export type GroupKind = z.infer<typeof GroupKind>;

export const Timestamp = z.iso.datetime({ offset: true });

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((s) => s.toLowerCase());

export const DisplayName = z.string().trim().min(1).max(120);
export const Title = z.string().trim().max(160);
export const Password = z.string().min(12, 'must be at least 12 characters').max(256);
export const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour');
export const ShortCode = z
  .string()
  .trim()
  .regex(/^[A-Z]{2,6}$/, 'must be 2–6 capital letters');

/** RFC 9457 problem document; `errors` names each failing field path. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  currentState: z.unknown().optional(),
});
export type Problem = z.infer<typeof Problem>;

export const IdParams = z.strictObject({ id: Id });
export const GroupParams = z.strictObject({ groupId: Id });

export const Ok = z.object({ ok: z.literal(true) });
