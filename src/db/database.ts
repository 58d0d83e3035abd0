// The tables Cordon stores, as Kysely sees them. Times are epoch milliseconds; flags are 0/1 integers
// so that SQLite and PostgreSQL read them the same way.
import type { Kysely, Transaction } from 'kysely';

export interface AreaTable {
  id: string;
  code: string;
  name: string;
  /** city | district | street | community | grid */
  level: string;
  parent_id: string | null;
  /** Materialised path of codes, e.g. "220400/220402/220402001/"; a subtree is a prefix. */
  path: string;
  created_at: number;
}

export interface BuildingTable {
  id: string;
  area_id: string;
  name: string;
  address: string;
  created_at: number;
}

export interface HouseholdTable {
  id: string;
  building_id: string | null;
  area_id: string;
  unit: string;
  door: string;
  address: string;
  rooms: number | null;
  head_person_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface PersonTable {
  id: string;
  household_id: string | null;
  area_id: string;
  name: string;
  /** resident_id | passport | other | none */
  id_type: string;
  id_enc: string | null;
  id_hmac: string | null;
  birth_date: string | null;
  sex: string | null;
  phone_enc: string | null;
  phone_hmac: string | null;
  relation: string;
  elderly_alone: number;
  bedridden: number;
  pregnant: number;
  dialysis: number;
  no_smartphone: number;
  note: string;
  created_at: number;
  updated_at: number;
}

export interface AppUserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  area_id: string;
  failed_logins: number;
  locked_until: number | null;
  disabled: number;
  created_at: number;
  updated_at: number;
  /** The registry person a `resident` account belongs to (migration 0003); null for staff. */
  person_id?: string | null;
}

export interface SessionTable {
  /** SHA-256 of the session token; the token itself lives only in the cookie. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface AuditEventTable {
  seq: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  action: string;
  object_type: string;
  object_id: string | null;
  reason: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface SettingTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface VenueTable {
  id: string;
  name: string;
  /** A key of rules/venue-categories.json. */
  category: string;
  address: string;
  area_id: string;
  capacity: number;
  operator_user_id: string | null;
  /** pending | approved | suspended */
  status: string;
  approved_by: string | null;
  approved_at: number | null;
  /** Part of every signed code; bumped on revoke/reissue so old posters are refused. */
  code_version: number;
  /** 1: only the rotating screen code is accepted (presence must be proven). */
  requires_presence: number;
  /** Overrides the category's default dwell when set. */
  dwell_minutes: number | null;
  created_at: number;
  updated_at: number;
}

export interface CheckinTable {
  id: string;
  venue_id: string;
  person_id: string;
  client_id: string | null;
  /** self | assisted | dependant */
  method: string;
  entered_at: number;
  exited_at: number | null;
  /** scan | guard | auto */
  exit_kind: string | null;
  /** admitted | refused */
  decision: string;
  refusal_code: string | null;
  /** green | yellow | red, as verified at the door */
  colour: string;
  /** JSON array of {code, params}; null when there was nothing to say */
  reasons: string | null;
  test_sampled_at: number | null;
  test_result: string | null;
  /** 1 / 0, or null when unknown */
  vaccinated: number | null;
  created_at: number;
}

export interface CaseRecordTable {
  id: string;
  person_id: string;
  /** confirmed | asymptomatic | suspected */
  classification: string;
  onset_at: number | null;
  first_positive_sampled_at: number | null;
  /** testing_round | fever_clinic | checkpoint | self_report | contact_tracing */
  source: string;
  isolated_at: number | null;
  /** suspected | confirmed | recovered | released */
  status: string;
  /** The rule set of the latest trace (migration 0005). */
  ruleset_id: string;
  ruleset_version: string;
  traced_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** Append-only. */
export interface CaseStatusHistoryTable {
  id: string;
  case_id: string;
  from_status: string | null;
  to_status: string;
  at: number;
  actor_id: string | null;
  reason: string;
  /** JSON */
  evidence: string;
}

export interface ContactTable {
  id: string;
  case_id: string;
  person_id: string;
  /** close | general | secondary */
  class: string;
  /** 1: found by co-presence, for an investigator to classify */
  candidate: number;
  /** household | venue | manual | secondary */
  basis: string;
  reason_code: string;
  /** JSON */
  evidence: string;
  ruleset_id: string;
  ruleset_version: string;
  rule: string;
  first_exposure_at: number | null;
  last_exposure_at: number | null;
  /** pending | confirmed | reclassified | dismissed */
  review_status: string;
  reviewed_by: string | null;
  review_reason: string | null;
  reviewed_at: number | null;
  source_contact_id: string | null;
  /** source_contact_id or '': part of the natural key (case, person, basis, source_key). */
  source_key: string;
  created_at: number;
  updated_at: number;
}

export interface Database {
  area: AreaTable;
  building: BuildingTable;
  household: HouseholdTable;
  person: PersonTable;
  app_user: AppUserTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
  setting: SettingTable;
  venue: VenueTable;
  checkin: CheckinTable;
  case_record: CaseRecordTable;
  case_status_history: CaseStatusHistoryTable;
  contact: ContactTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: stores accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Dialect = 'sqlite' | 'postgres';
