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

/**
 * Whether text holds a character nobody can mean: NUL (which PostgreSQL cannot even store), the other C0 and C1
 * control characters and DEL, and halves of a surrogate pair (not a character at all). Free text keeps tabs and
 * line breaks; a single line (a title, a name, a place) keeps none of them.
 */
export function hasControlCharacters(value: string, singleLine: boolean): boolean {
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    // A complete pair iterates as one code point above 0xFFFF, so anything in this range is a lone half.
    if (c >= 0xd800 && c <= 0xdfff) return true;
    if (c === 0x7f || (c >= 0x80 && c <= 0x9f)) return true;
    if (c < 0x20 && (singleLine || (c !== 0x09 && c !== 0x0a && c !== 0x0d))) return true;
    if (singleLine && (c === 0x2028 || c === 0x2029)) return true;
  }
  return false;
}

export const SINGLE_LINE_MESSAGE =
  'must be one line of plain text: remove line breaks, tabs and invisible control characters';
export const FREE_TEXT_MESSAGE =
  'contains an invisible control character (such as a NUL) that cannot be stored: remove it';

/** A title, name or place: one line, no control characters. */
export const singleLine = <T extends z.ZodString>(s: T): T =>
  s.refine((v) => !hasControlCharacters(v, true), SINGLE_LINE_MESSAGE) as T;
/** Text people write at length (notes, reasons, statements): line breaks and tabs, no other control characters. */
export const freeText = <T extends z.ZodString>(s: T): T =>
  s.refine((v) => !hasControlCharacters(v, false), FREE_TEXT_MESSAGE) as T;

export const DisplayName = singleLine(z.string().trim().min(1).max(120));
export const Title = singleLine(z.string().trim().max(160));
export const Password = freeText(z.string().min(12, 'must be at least 12 characters').max(256));
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
  /**
   * Stable and machine-readable (`wrong_credentials`, `validation`, `not_found`, `chair_step_up_required`…): the web
   * app translates the code, or reacts to it, and falls back to `detail` for a code it does not know yet.
   */
  code: z.string().optional(),
  /** With `too_many_requests`: seconds to wait, as the Retry-After header says. */
  retryAfter: z.number().int().optional(),
  instance: z.string().optional(),
  /**
   * Each refused field: `message` in English, `code` (field-codes.ts: `required`, `too_long`…) and its `params`
   * (`{ max: 120 }`) for the web to say in the reader's language.
   */
  errors: z
    .array(
      z.object({
        path: z.string(),
        message: z.string(),
        code: z.string().optional(),
        params: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).optional(),
      }),
    )
    .optional(),
  currentState: z.unknown().optional(),
});
export type Problem = z.infer<typeof Problem>;

export const IdParams = z.strictObject({ id: Id });
export const GroupParams = z.strictObject({ groupId: Id });

export const Ok = z.object({ ok: z.literal(true) });
