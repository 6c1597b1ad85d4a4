import type { FloorState } from '@parley/protocol';
import { http } from '../api/client';

const base = (meetingId: string) => `/api/meetings/${encodeURIComponent(meetingId)}/floor`;

/** The speakers' list (REST); changes arrive as `floor.*` events on the meeting's topic. */
export const floorApi = {
  get: (meetingId: string) => http.get<FloorState>(base(meetingId)),
  raiseHand: (meetingId: string) => http.post<FloorState>(`${base(meetingId)}/hand`, {}),
  lowerHand: (meetingId: string) => http.delete<FloorState>(`${base(meetingId)}/hand`),
  add: (meetingId: string, userId: string) => http.post<FloorState>(`${base(meetingId)}/queue`, { userId }),
  remove: (meetingId: string, userId: string) =>
    http.delete<FloorState>(`${base(meetingId)}/queue/${encodeURIComponent(userId)}`),
  give: (meetingId: string, userId?: string) =>
    http.post<FloorState>(`${base(meetingId)}/give`, userId ? { userId } : {}),
  take: (meetingId: string) => http.post<FloorState>(`${base(meetingId)}/take`, {}),
  allowance: (meetingId: string, sideId: string, seconds: number | null) =>
    http.post<FloorState>(`${base(meetingId)}/allowance`, { sideId, seconds }),
};
