import { z } from 'zod';
import { freeText, Id, singleLine, Timestamp } from './common.js';
import { canonicalLanguage, LanguageTag } from './language.js';

/** Lower-case hex SHA-256. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

const Title = singleLine(z.string().trim().min(1).max(300));
const Body = freeText(z.string().trim().min(1).max(50_000));

/**
 * A text is written in one language, and may carry the same text in a second language, shown beside it (a
 * bilingual statement). The second language and its text come together or not at all.
 */
const SecondText = {
  secondLanguage: LanguageTag.nullable().default(null),
  secondText: Body.nullable().default(null),
};
/** On a save, an absent field keeps what the text had; null removes the second-language text. */
const SecondTextChange = {
  language: LanguageTag.optional(),
  secondLanguage: LanguageTag.nullable().optional(),
  secondText: Body.nullable().optional(),
};

/** The both-or-neither and must-differ rules, for a whole text after any change is applied; null when it holds. */
export function secondTextProblem(v: {
  language: string;
  secondLanguage: string | null;
  secondText: string | null;
}): { path: 'secondLanguage' | 'secondText'; message: string } | null {
  if (v.secondLanguage !== null && v.secondText === null)
    return { path: 'secondText', message: 'is required when a second language is given' };
  if (v.secondLanguage === null && v.secondText !== null)
    return { path: 'secondLanguage', message: 'is required when a second-language text is given' };
  if (v.secondLanguage !== null && canonicalLanguage(v.secondLanguage) === canonicalLanguage(v.language))
    return { path: 'secondLanguage', message: 'must differ from language' };
  return null;
}

const withSecondText = <
  T extends z.ZodType<{ language: string; secondLanguage: string | null; secondText: string | null }>,
>(
  schema: T,
) =>
  schema.superRefine((v, ctx) => {
    const p = secondTextProblem(v);
    if (p) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  });

/** What a reader needs to set a text: its language and, when there is one, the second-language text. */
const Languages = {
  language: z.string(),
  secondLanguage: z.string().nullable(),
  secondText: z.string().nullable(),
};

// ---- Readouts: a side's own account of a meeting, side-only until a chair of that side publishes it. ----

export const ReadoutStatus = z.enum(['draft', 'published']);

export const Author = z.object({ userId: Id, name: z.string() });

export const Readout = z.object({
  id: Id,
  groupId: Id,
  sideId: Id,
  meetingId: Id,
  status: ReadoutStatus,
  title: z.string(),
  text: z.string(),
  ...Languages,
  /** The latest saved version; every save makes a new one. */
  version: z.number().int(),
  publishedVersion: z.number().int().nullable(),
  publishedAt: Timestamp.nullable(),
  /** Everyone who saved a version, in order of first contribution. */
  authors: z.array(Author),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Readout = z.infer<typeof Readout>;
export const ReadoutList = z.object({ readouts: z.array(Readout) });

export const ReadoutVersion = z.object({
  version: z.number().int(),
  title: z.string(),
  text: z.string(),
  ...Languages,
  author: Author,
  createdAt: Timestamp,
});
export const ReadoutVersionList = z.object({ versions: z.array(ReadoutVersion) });

export const CreateReadoutBody = withSecondText(
  z.strictObject({ meetingId: Id, title: Title, text: Body, language: LanguageTag.default('en'), ...SecondText }),
);
/** A save names the version it was made from, so a concurrent save is a 409 instead of a lost update. */
export const SaveReadoutBody = z.strictObject({
  title: Title.optional(),
  text: Body,
  ...SecondTextChange,
  baseVersion: z.number().int().min(1),
});
export const PublishReadoutBody = z.strictObject({ version: z.number().int().min(1) });
export const ReadoutQuery = z.strictObject({ meetingId: Id.optional() });
export const ReadoutParams = z.strictObject({ readoutId: Id });

// ---- Joint statements: one text, approved by a chair of every side; an approval binds SHA-256(text). ----

export const StatementStatus = z.enum(['draft', 'published']);

export const StatementApproval = z.object({
  sideId: Id,
  /** Null (and a generic name) when the approving chair is kept side-only and the reader is on another side. */
  userId: Id.nullable(),
  name: z.string(),
  textHash: Sha256Hex,
  approvedAt: Timestamp,
});

export const JointStatement = z.object({
  id: Id,
  groupId: Id,
  meetingId: Id.nullable(),
  status: StatementStatus,
  text: z.string(),
  ...Languages,
  /**
   * SHA-256 (hex) of the UTF-8 bytes of `statementDigestInput(statement)`: the text exactly as stored, or for a
   * statement in two languages both tags and both texts. Approvals bind this value.
   */
  textHash: Sha256Hex,
  /** Increases with every edit. */
  revision: z.number().int(),
  /** Approvals of the current text (an edit voids all of them). */
  approvals: z.array(StatementApproval),
  /** Sides whose approval is needed; for a track these are the track's sides, approved by parent-group chairs. */
  requiredSideIds: z.array(Id),
  approvedBy: z.enum(['group-chairs', 'parent-group-chairs']),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  publishedAt: Timestamp.nullable(),
});
export type JointStatement = z.infer<typeof JointStatement>;
export const JointStatementList = z.object({ statements: z.array(JointStatement) });

export const CreateStatementBody = withSecondText(
  z.strictObject({
    text: Body,
    meetingId: Id.nullable().default(null),
    language: LanguageTag.default('en'),
    ...SecondText,
  }),
);
export const EditStatementBody = z.strictObject({ text: Body, ...SecondTextChange, baseHash: Sha256Hex });
export const ApproveStatementBody = z.strictObject({ textHash: Sha256Hex });
export const StatementParams = z.strictObject({ statementId: Id });
export const StatementQuery = z.strictObject({ meetingId: Id.optional() });
