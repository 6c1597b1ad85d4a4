export type MlsSessionErrorCode =
  | 'BAD_MESSAGE'
  | 'BAD_STATE'
  | 'WRONG_GROUP'
  | 'FUTURE_EPOCH'
  | 'NOT_ACTIVE'
  | 'NO_KEY_PACKAGE'
  | 'PENDING_COMMIT'
  | 'COMMIT_NOT_PENDING'
  | 'PENDING_JOINERS'
  | 'BAD_CHANGE';

/** Errors the caller is expected to branch on (by code); anything else thrown is a protocol or crypto failure. */
export class MlsSessionError extends Error {
  readonly code: MlsSessionErrorCode;
  /** For PENDING_JOINERS: leaves that were added but have not committed their path update yet. */
  readonly leaves: number[];

  constructor(code: MlsSessionErrorCode, message: string, leaves: number[] = []) {
    super(message);
    this.name = 'MlsSessionError';
    this.code = code;
    this.leaves = leaves;
  }
}
