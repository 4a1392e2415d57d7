import type { TimelineEntry } from '../session-timeline/timeline-entry';

export type SessionStatus =
  | 'created'
  | 'offer_created'
  | 'offer_retrieved'
  | 'authorization_requested'
  | 'authorized'
  | 'token_issued'
  | 'credential_issued'
  | 'credential_deferred'
  | 'failed'
  | 'erased';

/** The summary row behind GET /admin/sessions, derived from all of a session's timeline entries. */
export interface SessionSummary {
  session_id: string;
  status: SessionStatus;
  grant_type: string | null;
  credential_configuration_ids: string[];
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  event_count: number;
  offer_retrievals: number;
  /** The latest warning or error, with its catalogue reason when it is a refusal (the list view shows it). */
  last_error: { type: string; message: string; occurred_at: string; reason?: string } | null;
}

/** How far along the flow an event type moves a session; events may arrive in any order. */
const PROGRESS: Partial<Record<string, SessionStatus>> = {
  session_created: 'created',
  offer_created: 'offer_created',
  offer_retrieved: 'offer_retrieved',
  par_request_stored: 'authorization_requested',
  authorization_requested: 'authorization_requested',
  authorization_code_issued: 'authorized',
  token_issued: 'token_issued',
  credential_deferred: 'credential_deferred',
  credential_issued: 'credential_issued',
};
const RANK: SessionStatus[] = [
  'created',
  'offer_created',
  'offer_retrieved',
  'authorization_requested',
  'authorized',
  'token_issued',
  'credential_deferred',
  'credential_issued',
];

/** The members of an entry's data a summary reads: the projector fetches only these, not whole requests. */
export const SUMMARY_DATA_FIELDS = ['reason', 'grant_type', 'credential_configuration_ids', 'expires_at'] as const;

/** What a summary is derived from: an entry without what only the timeline shows. */
export type SummaryInput = Pick<TimelineEntry, 'event_id' | 'type' | 'level' | 'message' | 'occurred_at' | 'data'>;

/**
 * Folds entries sorted by occurrence, so the result does not depend on the order in which they
 * arrived from the different topics: the same set of events always gives the same summary.
 */
export function summarize(sessionId: string, entries: SummaryInput[]): SessionSummary {
  const sorted = [...entries].sort(
    (a, b) => a.occurred_at.localeCompare(b.occurred_at) || a.event_id.localeCompare(b.event_id),
  );
  let status: SessionStatus = 'created';
  let erased = false;
  let lastError: SessionSummary['last_error'] = null;
  let grantType: string | null = null;
  let configurationIds: string[] = [];
  let expiresAt: string | null = null;
  let retrievals = 0;
  for (const e of sorted) {
    const progress = PROGRESS[e.type];
    if (progress && RANK.indexOf(progress) > RANK.indexOf(status === 'failed' ? 'created' : status)) status = progress;
    if (e.level === 'error' || e.level === 'warn') {
      lastError = {
        type: e.type,
        message: e.message,
        occurred_at: e.occurred_at,
        ...(typeof e.data.reason === 'string' ? { reason: e.data.reason } : {}),
      };
    }
    if (e.level === 'error') status = 'failed';
    if (e.type === 'session_created') {
      grantType = (e.data.grant_type as string) ?? null;
      configurationIds = (e.data.credential_configuration_ids as string[]) ?? [];
      expiresAt = (e.data.expires_at as string) ?? null;
    }
    if (e.type === 'offer_retrieved') retrievals += 1;
    if (e.type === 'session_erased') erased = true;
  }
  return {
    session_id: sessionId,
    status: erased ? 'erased' : status,
    grant_type: grantType,
    credential_configuration_ids: configurationIds,
    created_at: sorted[0]?.occurred_at ?? new Date(0).toISOString(),
    updated_at: sorted[sorted.length - 1]?.occurred_at ?? new Date(0).toISOString(),
    expires_at: expiresAt,
    event_count: sorted.length,
    offer_retrievals: retrievals,
    last_error: lastError,
  };
}
