/** The pino subset the Janus layer logs through (a Fastify logger fits). */
export interface JanusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: JanusLogger = { debug() {}, info() {}, warn() {}, error() {} };

export type JanusErrorKind = 'janus' | 'plugin' | 'timeout' | 'closed';

/** Every failure of a Janus request: `kind` says whether Janus, the plugin, the clock or the socket refused it. */
export class JanusError extends Error {
  constructor(
    readonly kind: JanusErrorKind,
    /** Janus core error code (e.g. 458 no such session) or plugin error_code (e.g. 433 unauthorized). */
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'JanusError';
  }
}

/** VideoRoom error codes Parley reacts to (janus_videoroom.c). */
export const VideoRoomErrors = {
  noSuchRoom: 426,
  roomExists: 427,
  noSuchFeed: 428,
  publishersFull: 432,
  unauthorized: 433,
  alreadyPublished: 434,
  idExists: 436,
} as const;

/** Janus core error codes (apierror.h). */
export const JanusCoreErrors = {
  sessionNotFound: 458,
  handleNotFound: 459,
  unauthorized: 403,
} as const;
