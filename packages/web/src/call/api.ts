import type { CallCaucus, CallStatus } from '@parley/protocol';
import { http } from '../api/client';

const base = (meetingId: string) => `/api/meetings/${encodeURIComponent(meetingId)}/call`;

/** REST side of a call: whether it runs, and starting/ending it (chairs). Signalling goes over the WebSocket. */
export const callApi = {
  status: (meetingId: string) => http.get<CallStatus>(base(meetingId)),
  start: (meetingId: string) => http.post<CallStatus>(`${base(meetingId)}/start`, {}),
  end: (meetingId: string) => http.post<CallStatus>(`${base(meetingId)}/end`, {}),
  /** A chair's own side's caucus: open it, call its participants back, close it. */
  openCaucus: (meetingId: string) => http.post<CallCaucus>(`${base(meetingId)}/caucus`, {}),
  recallCaucus: (meetingId: string) => http.post<CallCaucus>(`${base(meetingId)}/caucus/recall`, {}),
  closeCaucus: (meetingId: string) => http.post<CallStatus>(`${base(meetingId)}/caucus/close`, {}),
};
