import type { CallClientMessage, CallErrorCode, CallServerMessage } from '@parley/protocol';
import { HttpError } from '../../http/errors.js';
import { JanusError } from '../../janus/index.js';

/** A refusal told to the sender as `call.error` (codes are part of the contract the browser reacts to). */
export class CallError extends Error {
  constructor(
    readonly code: CallErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Never echoes Janus's own words (they may name rooms or handles); the code says what to do. */
export function callErrorOf(
  err: unknown,
  msg?: Pick<CallClientMessage, 'meetingId' | 'requestId' | 'caucusId'>,
): CallServerMessage {
  const base = {
    type: 'call.error' as const,
    ...(msg ? { meetingId: msg.meetingId } : {}),
    ...(msg?.caucusId ? { caucusId: msg.caucusId } : {}),
    ...(msg?.requestId ? { requestId: msg.requestId } : {}),
  };
  if (err instanceof CallError) return { ...base, code: err.code, message: err.message };
  if (err instanceof HttpError) {
    const code =
      err.status === 409
        ? 'conflict'
        : err.status === 503
          ? 'media_unavailable'
          : err.status === 404
            ? 'not_found'
            : 'forbidden';
    return { ...base, code, message: err.detail ?? err.title };
  }
  if (err instanceof JanusError)
    return err.kind === 'closed' || err.kind === 'timeout'
      ? { ...base, code: 'media_unavailable', message: 'The media server is not reachable; try again shortly' }
      : { ...base, code: 'media_error', message: 'The media server refused this request' };
  return { ...base, code: 'internal', message: 'Something went wrong' };
}
