import type {
  AgendaItem,
  CalendarToken,
  CreateOutcomeBody,
  JointStatement,
  Marking,
  Meeting,
  MeetingDetail,
  MeetingFormat,
  Outcome,
  OutcomeKind,
  OutcomeStatus,
  OutcomeSummary,
  Readout,
  ReadoutVersionList as ReadoutVersionListSchema,
  RequestChannel,
  Role,
  Track,
  UpdateOutcomeBody,
} from '@parley/protocol';
import type { z } from 'zod';
import { http } from './client';

/** A statement's language and, when it has one, the same text in a second language. */
type StatementLanguages = { language: string; secondLanguage: string | null; secondText: string | null };

export type ReadoutVersion = z.infer<typeof ReadoutVersionListSchema>['versions'][number];

const enc = encodeURIComponent;
const g = (groupId: string) => `/api/groups/${enc(groupId)}`;
const m = (meetingId: string) => `/api/meetings/${enc(meetingId)}`;

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface NewMeeting {
  title: string;
  format: MeetingFormat;
  location: string;
  start: string;
  end: string;
  timeZone: string;
  marking: Marking;
}

export interface OutcomeFilters {
  kind?: OutcomeKind | undefined;
  sideId?: string | undefined;
  status?: OutcomeStatus | undefined;
  meetingId?: string | undefined;
}

/** The consultation lifecycle: meetings, agenda, calendar, outcomes, tracks, readouts, joint statements. */
export const lifecycle = {
  meetings: {
    list: (groupId: string) => http.get<{ meetings: Meeting[] }>(`${g(groupId)}/meetings`),
    create: (groupId: string, body: NewMeeting) => http.post<Meeting>(`${g(groupId)}/meetings`, body),
    get: (meetingId: string) => http.get<MeetingDetail>(m(meetingId)),
    update: (meetingId: string, body: { title?: string; location?: string }) => http.patch<Meeting>(m(meetingId), body),
    cancel: (meetingId: string, body: { reason: string; bySideId: string }) =>
      http.post<Meeting>(`${m(meetingId)}/cancel`, body),
    reRequest: (meetingId: string, body: { bySideId: string; channel: RequestChannel; backChannelRef?: string }) =>
      http.post<Meeting>(`${m(meetingId)}/re-request`, body),
    postpone: (meetingId: string, body: { bySideId: string; reason?: string }) =>
      http.post<Meeting>(`${m(meetingId)}/postpone`, body),
    reschedule: (meetingId: string, body: { start: string; end: string; timeZone: string; reason?: string }) =>
      http.post<Meeting>(`${m(meetingId)}/reschedule`, body),
    changeFormat: (meetingId: string, body: { format: MeetingFormat; reason: string; location?: string }) =>
      http.post<Meeting>(`${m(meetingId)}/change-format`, body),
    share: (meetingId: string) => http.post<Meeting>(`${m(meetingId)}/share`, { confirm: true }),
    start: (meetingId: string) => http.post<Meeting>(`${m(meetingId)}/start`, {}),
    end: (meetingId: string) => http.post<Meeting>(`${m(meetingId)}/end`, {}),
    inviteUrl: (meetingId: string) => `${m(meetingId)}/invite.ics`,
  },
  agenda: {
    add: (meetingId: string, body: { title: string; notes: string; marking: Marking }) =>
      http.post<AgendaItem>(`${m(meetingId)}/agenda`, body),
    update: (meetingId: string, itemId: string, body: { title?: string; notes?: string }) =>
      http.patch<AgendaItem>(`${m(meetingId)}/agenda/${enc(itemId)}`, body),
    remove: (meetingId: string, itemId: string) => http.delete<unknown>(`${m(meetingId)}/agenda/${enc(itemId)}`),
    reorder: (meetingId: string, itemIds: string[]) =>
      http.put<{ meetingId: string; items: AgendaItem[] }>(`${m(meetingId)}/agenda/order`, { itemIds }),
  },
  calendar: {
    rotate: () => http.post<CalendarToken>('/api/calendar/token'),
    revoke: () => http.delete<unknown>('/api/calendar/token'),
  },
  outcomes: {
    list: (groupId: string, f: OutcomeFilters = {}) =>
      http.get<{ outcomes: Outcome[] }>(`${g(groupId)}/outcomes${query({ ...f })}`),
    summary: (groupId: string) => http.get<OutcomeSummary>(`${g(groupId)}/outcomes/summary`),
    create: (groupId: string, body: Partial<CreateOutcomeBody> & Pick<CreateOutcomeBody, 'kind' | 'text'>) =>
      http.post<Outcome>(`${g(groupId)}/outcomes`, body),
    update: (outcomeId: string, body: UpdateOutcomeBody) =>
      http.patch<Outcome>(`/api/outcomes/${enc(outcomeId)}`, body),
    setStatus: (outcomeId: string, status: OutcomeStatus) =>
      http.post<Outcome>(`/api/outcomes/${enc(outcomeId)}/status`, { status }),
    remove: (outcomeId: string) => http.delete<unknown>(`/api/outcomes/${enc(outcomeId)}`),
  },
  tracks: {
    list: (groupId: string) => http.get<{ tracks: Track[] }>(`${g(groupId)}/tracks`),
    create: (
      outcomeId: string,
      body: { name: string; description: string; experts: { membershipId: string; role: Role }[] },
    ) => http.post<Track>(`/api/outcomes/${enc(outcomeId)}/tracks`, body),
  },
  readouts: {
    list: (groupId: string, meetingId: string) =>
      http.get<{ readouts: Readout[] }>(`${g(groupId)}/readouts${query({ meetingId })}`),
    create: (groupId: string, body: { meetingId: string; title: string; text: string }) =>
      http.post<Readout>(`${g(groupId)}/readouts`, body),
    versions: (readoutId: string) =>
      http.get<{ versions: ReadoutVersion[] }>(`/api/readouts/${enc(readoutId)}/versions`),
    save: (readoutId: string, body: { title: string; text: string; baseVersion: number }) =>
      http.post<Readout>(`/api/readouts/${enc(readoutId)}/versions`, body),
    publish: (readoutId: string, version: number) =>
      http.post<Readout>(`/api/readouts/${enc(readoutId)}/publish`, { version }),
  },
  statements: {
    list: (groupId: string, meetingId?: string) =>
      http.get<{ statements: JointStatement[] }>(`${g(groupId)}/statements${query({ meetingId })}`),
    create: (groupId: string, body: { text: string; meetingId: string | null } & StatementLanguages) =>
      http.post<JointStatement>(`${g(groupId)}/statements`, body),
    get: (statementId: string) => http.get<JointStatement>(`/api/statements/${enc(statementId)}`),
    edit: (statementId: string, body: { text: string; baseHash: string } & StatementLanguages) =>
      http.patch<JointStatement>(`/api/statements/${enc(statementId)}`, body),
    approve: (statementId: string, textHash: string) =>
      http.post<JointStatement>(`/api/statements/${enc(statementId)}/approvals`, { textHash }),
  },
};
