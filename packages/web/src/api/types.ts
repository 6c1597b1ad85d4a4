import type {
  InvitationAccepted as InvitationAcceptedSchema,
  InvitationCreated as InvitationCreatedSchema,
  InvitationList as InvitationListSchema,
  InvitationPreview as InvitationPreviewSchema,
  Marking as MarkingSchema,
  PasskeyList as PasskeyListSchema,
  PasskeyOptions as PasskeyOptionsSchema,
  Passkey as PasskeySchema,
  SessionInfo as SessionInfoSchema,
  SessionList as SessionListSchema,
  TotpEnrolment as TotpEnrolmentSchema,
} from '@parley/protocol';
import type { z } from 'zod';

// The protocol exports some schemas without a matching type alias; derive them here once.
export type InvitationCreated = z.infer<typeof InvitationCreatedSchema>;
export type InvitationAccepted = z.infer<typeof InvitationAcceptedSchema>;
export type InvitationList = z.infer<typeof InvitationListSchema>;
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;
export type Marking = z.infer<typeof MarkingSchema>;
export type PasskeyList = z.infer<typeof PasskeyListSchema>;
export type Passkey = z.infer<typeof PasskeySchema>;
export type PasskeyOptions = z.infer<typeof PasskeyOptionsSchema>;
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
export type SessionList = z.infer<typeof SessionListSchema>;
export type TotpEnrolment = z.infer<typeof TotpEnrolmentSchema>;
