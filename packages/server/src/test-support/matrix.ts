import type { Persona, World } from './world.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface PreparedRequest {
  url: string;
  body?: unknown;
  /**
   * The persona's session to send it in, when the row had to begin something bound to one session (a passkey
   * ceremony started by that session): still the persona's own, only not the fresh one the matrix opens.
   */
  cookie?: string;
}

/**
 * One row of the authorization matrix: a route as it appears in the OpenAPI document
 * (e.g. `POST /api/groups/{groupId}/sides`), the personas that must succeed (every other persona must get
 * 401/403/404), and how to build a request. `request` runs once per persona, so a row that deletes or
 * creates something should make a fresh target each time.
 */
export interface MatrixCase {
  route: `${Method} /${string}`;
  allow: readonly Persona[];
  request(w: World, persona: Persona): Promise<PreparedRequest> | PreparedRequest;
  /** A short note when the expectation is not obvious. */
  why?: string;
}

/**
 * Each module exports `matrix: MatrixCase[]` from `modules/<name>/matrix.ts`, and may export
 * `seedSecrets(w)` that creates side-only content of side A and returns strings side B must never see.
 */
export interface MatrixModule {
  matrix: MatrixCase[];
  seedSecrets?: (w: World) => Promise<string[]>;
}
