import { z } from 'zod';
import { Id, Marking, Timestamp } from './common.js';

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: Timestamp,
  actorUserId: Id.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  groupId: Id.nullable(),
  sideId: Id.nullable(),
  marking: Marking,
  beforeDigest: z.string().nullable(),
  afterDigest: z.string().nullable(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditList = z.object({ entries: z.array(AuditEntry) });
export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  beforeSeq: z.coerce.number().int().min(1).optional(),
});
