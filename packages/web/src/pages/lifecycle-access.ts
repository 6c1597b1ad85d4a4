import type { Group, Side } from '@parley/protocol';

/** What the interface offers; the server decides again on every request. */
const WRITERS = new Set(['chair', 'member', 'secretariat']);
const REPRESENTERS = new Set(['chair', 'secretariat']);

export const canWrite = (g: Group) => !!g.myMembership && WRITERS.has(g.myMembership.role);
export const canRepresent = (g: Group) => !!g.myMembership && REPRESENTERS.has(g.myMembership.role);
export const isChair = (g: Group) => g.myMembership?.role === 'chair';
export const mySide = (g: Group): Side | undefined => g.sides.find((s) => s.id === g.myMembership?.sideId);
export const sideById = (g: Group, id: string | null | undefined): Side | undefined =>
  id ? g.sides.find((s) => s.id === id) : undefined;
