// Types of the audit API: events, filters and the chain check (docs/openapi.json). Times are epoch milliseconds.

export interface AuditEvent {
  seq: number;
  /** ISO 8601 with offset. */
  at: string;
  actorId: string | null;
  actorName: string;
  actorRole: string;
  action: string;
  objectType: string;
  objectId: string | null;
  /** What the object is (a household's address, a person's masked name, a username); null when unknown. */
  objectLabel: string | null;
  /** As written: a service's English sentence, or a user's own words. */
  reason: string;
  /** The reason as data when a service wrote it; null for a user's own words (shown as written). */
  reasonKind: 'colour_basis' | 'own_colour' | 'resident_page' | 'assisted_checkin' | 'retention' | null;
  /** The kind's parameters (colour_basis: the basis's, with its kind as basisKind). */
  reasonParams: Record<string, string | number> | null;
  detail: unknown;
  hash: string;
}

export interface AuditEventPage {
  items: AuditEvent[];
  limit: number;
  /** Pass as beforeSeq for the next (older) page; null on the last one. */
  nextBeforeSeq: number | null;
}

/** The auditor's filters (empty strings are left out). */
export interface AuditFilter {
  action?: string;
  actor?: string;
  objectType?: string;
  objectId?: string;
  /** YYYY-MM-DD or an ISO time with offset. */
  from?: string;
  to?: string;
  q?: string;
}

export interface AuditVerify {
  ok: boolean;
  events: number;
  brokenAt?: number;
  problem?: string;
  /** The anchor that found the break, or that was refused (file:line). */
  anchor?: string;
  headHash?: string;
  /** The first event hashed with the audit key. */
  keyedFrom?: number | null;
  /** The check against the server's anchor directory; absent when it has none. */
  anchors?: { checked: number; newestSeq: number | null; newestAt: string | null };
}
