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
  /** The residential compound (小区) the building stands in, '' when not known (migration 0023). */
  compound: string;
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
  /** A resident's phone, sealed, and its lookup digest (migration 0011); null for staff. */
  phone_enc?: string | null;
  phone_hmac?: string | null;
  /** 1 after an administrator set the password: the user must choose their own first (migration 0024). */
  must_change_password?: number;
}

/** A one-time code sent by SMS to prove control of a phone (migration 0011); only its digest is kept. */
export interface ResidentChallengeTable {
  id: string;
  purpose: string;
  subject: string;
  person_id: string | null;
  phone_hmac: string;
  phone_enc: string | null;
  code_hash: string;
  attempts: number;
  source: string | null;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  closed_at: number | null;
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

/** Failed sign-ins of one account from one source address (migration 0015). */
export interface LoginFailureTable {
  /** Keyed digest (FieldCipher.lookup('login', username)) of the username as typed, known or not. */
  account_key: string;
  /** The client address the attempts came from. */
  source: string;
  failures: number;
  locked_until: number | null;
  last_failure_at: number;
}

/** A scheduled job's lease and last outcome (migration 0033; src/platform/jobs.ts). */
export interface JobLeaseTable {
  name: string;
  /** The process holding (or that last held) the lease: host, process id and a per-runner suffix. */
  holder: string | null;
  /** The lease holds until then while a run goes on; null once the run ended. */
  until: number | null;
  /** When the latest run started. */
  last_run_at: number | null;
  /** When the latest run that succeeded started. */
  last_ok_at: number | null;
  /** The latest run's error; null when it succeeded. */
  last_error: string | null;
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
  /** The first event hashed with the audit key (HMAC); the ones before are plain SHA-256. */
  keyed_from: number | null;
  /** When the last scheduled anchor was claimed (the lease that keeps it to one process). */
  anchored_at: number | null;
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
  /** Who registered it (a different person approves it); null for venues from before this was kept.
   * Optional here (as the four after it): seeded and older rows leave them out. */
  registered_by?: string | null;
  /** 负责人 the operator's responsible person. */
  responsible_person?: string | null;
  /** The operator's contact phone, sealed (AES-GCM), and its lookup HMAC. */
  contact_phone_enc?: string | null;
  contact_phone_hmac?: string | null;
  /** 营业执照/许可证号 the business licence number. */
  licence_no?: string | null;
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
  /**
   * How long after the scan it reached the server (ms): 0 online, the time it waited in a guard
   * device's queue otherwise; null for check-ins stored before it was recorded.
   */
  scan_gap_ms: number | null;
}

/** A check-in purge that ran, with its cutoff (migration 0016). */
export interface CheckinPurgeTable {
  id: string;
  /** Check-ins that began before this instant were deleted. */
  before: number;
  retention_days: number;
  checkins: number;
  actor_id: string | null;
  at: number;
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

/** One designated unit (building, community or street) with its level in force (migration 0009). */
export interface RiskAreaTable {
  id: string;
  /** building | community | street */
  unit: string;
  target_id: string;
  building_id: string | null;
  area_id: string;
  area_path: string;
  name: string;
  /** pending | active | lifted | rejected */
  status: string;
  level: string | null;
  level_since: number | null;
  episode_start: number | null;
  reason: string;
  legal_basis: string;
  ruleset_id: string;
  ruleset_version: string;
  pending_level: string | null;
  pending_approval_id: string | null;
  pending_reason: string | null;
  pending_legal_basis: string | null;
  pending_by: string | null;
  pending_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Append-only. */
export interface RiskAreaHistoryTable {
  id: string;
  risk_area_id: string;
  /** designate | downgrade | lift | held | approved | rejected */
  kind: string;
  from_level: string | null;
  to_level: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  manual: number;
  reason: string;
  legal_basis: string;
  ruleset_id: string;
  ruleset_version: string;
  rule: string | null;
  /** JSON */
  evidence: string;
}

export interface RiskAreaExposureTable {
  risk_area_id: string;
  person_id: string;
  /** residence | checkin */
  basis: string;
  last_stay_at: number;
  fact_since: number | null;
  ended_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface TestingRoundTable {
  id: string;
  name: string;
  starts_at: number;
  deadline_at: number;
  closed_at: number | null;
  previous_round_id: string | null;
  auto_report: number;
  pooling_version: string;
  testing_version: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface TestingRoundAreaTable {
  round_id: string;
  area_id: string;
  area_path: string;
  /** sealed | controlled | prevention | quarantine_site | key_group */
  control_level: string;
}

export interface TestingSiteTable {
  id: string;
  area_id: string;
  area_path: string;
  name: string;
  address: string;
  /** ordinary | quarantine_site | key_group */
  kind: string;
  created_at: number;
}

export interface TestingTableTable {
  id: string;
  site_id: string;
  name: string;
  created_at: number;
}

export interface TestingStaffTable {
  id: string;
  round_id: string;
  user_id: string;
  site_id: string | null;
  table_id: string | null;
  /** sampler | registrar | squad */
  duty: string;
  created_at: number;
}

export interface TestingTubeTable {
  id: string;
  round_id: string;
  barcode: string;
  site_id: string | null;
  table_id: string | null;
  area_id: string;
  area_path: string;
  /** pool | household | single | retest */
  mode: string;
  capacity: number;
  control_level: string;
  /** open | closed | boxed | in_transit | received | resulted */
  status: string;
  member_count: number;
  opened_at: number;
  opened_by: string | null;
  opened_by_name: string;
  closed_at: number | null;
  closed_by_name: string | null;
  box_id: string | null;
  task_id: string | null;
  rules_version: string;
  /** Set when a result was accepted before custody was complete: the last step reached (closed | boxed | in_transit). */
  custody_gap?: string | null;
}

export interface TestingTubeMemberTable {
  tube_id: string;
  person_id: string;
  round_id: string;
  household_id: string | null;
  sampled_at: number;
}

export interface TestingBoxTable {
  id: string;
  round_id: string;
  code: string;
  /** packing | in_transit | received */
  status: string;
  tube_count: number;
  created_at: number;
  created_by_name: string;
  handed_at: number | null;
  handed_by_name: string | null;
  carrier: string | null;
  received_at: number | null;
  received_by_name: string | null;
  lab: string | null;
}

/** Append-only. */
export interface TestingCustodyTable {
  id: string;
  round_id: string;
  tube_id: string | null;
  box_id: string | null;
  kind: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  /** JSON */
  detail: string;
}

export interface TestingLabUploadTable {
  id: string;
  round_id: string | null;
  file_name: string | null;
  rows: number;
  negative: number;
  positive: number;
  uploaded_by: string | null;
  uploaded_by_name: string;
  at: number;
}

export interface TestingResultTable {
  tube_id: string;
  round_id: string;
  /** negative | positive */
  result: string;
  ct_n: number | null;
  ct_orf1ab: number | null;
  tested_at: number;
  resulted_at: number;
  upload_id: string;
}

export interface TestingPoolTable {
  id: string;
  tube_id: string;
  round_id: string;
  area_id: string;
  area_path: string;
  /** detected | reported | released | case_found */
  status: string;
  members: number;
  detected_at: number;
  reported_at: number | null;
  reported_by_name: string | null;
  closed_at: number | null;
}

export interface TestingNotificationTable {
  id: string;
  pool_id: string;
  /** squad | community | police */
  kind: string;
  recipient: string;
  area_id: string | null;
  /** JSON, no personal data */
  payload: string;
  status: string;
  created_at: number;
}

export interface TestingTaskTable {
  id: string;
  /** retest | home */
  kind: string;
  round_id: string;
  pool_id: string | null;
  person_id: string;
  area_id: string;
  area_path: string;
  /** open | sampled | negative | positive | cancelled */
  status: string;
  tube_id: string | null;
  sampled_at: number | null;
  result_at: number | null;
  case_id: string | null;
  case_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface TestingVisitTable {
  id: string;
  round_id: string;
  person_id: string;
  building_id: string | null;
  /** sampled_at_home | away | refused | bedridden */
  outcome: string;
  note: string;
  at: number;
  by_id: string | null;
  by_name: string;
  task_id: string | null;
}

export interface TestingSyncOpTable {
  user_id: string;
  client_id: string;
  op_type: string;
  /** JSON */
  outcome: string;
  at: number;
}

/** A call to a contact found by tracing, on the list of their community (migration 0008). */
export interface CallTaskTable {
  id: string;
  contact_id: string;
  case_id: string;
  person_id: string;
  area_id: string;
  area_path: string;
  class: string;
  /** pending | reached | not_reached | refused | withdrawn */
  status: string;
  attempts: number;
  last_attempt_at: number | null;
  last_note: string | null;
  created_at: number;
  updated_at: number;
}

/** One call made on a task (append-only). */
export interface CallAttemptTable {
  id: string;
  task_id: string;
  /** reached | not_reached | refused */
  outcome: string;
  note: string;
  actor_id: string | null;
  at: number;
}

/** A fact a person's colour rests on (migration 0006). */
export interface HealthFactTable {
  id: string;
  person_id: string;
  kind: string;
  source_type: string;
  source_id: string;
  source_group: string | null;
  since: number;
  until: number | null;
  ended_at: number | null;
  /** JSON */
  detail: string;
  created_at: number;
  updated_at: number;
}

export interface HealthTestTable {
  person_id: string;
  source_type: string;
  source_id: string;
  sampled_at: number;
  reported_at: number;
  /** negative | positive */
  result: string;
  pooled: number;
  ct_n: number | null;
  ct_orf1ab: number | null;
  created_at: number;
}

/** The current colour per person, with the latest test: one primary-key read at the door. */
export interface HealthStatusTable {
  person_id: string;
  colour: string;
  /** JSON array of reasons */
  reasons: string;
  ruleset_id: string;
  ruleset_version: string;
  computed_at: number;
  changed_at: number;
  next_change_at: number | null;
  override_id: string | null;
  override_colour: string | null;
  override_until: number | null;
  test_source_id: string | null;
  test_sampled_at: number | null;
  test_reported_at: number | null;
  test_result: string | null;
  test_pooled: number | null;
}

/** Append-only. */
export interface HealthColourHistoryTable {
  id: string;
  person_id: string;
  from_colour: string;
  to_colour: string;
  /** JSON */
  reasons: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  basis: string;
  /** The basis as data (health/basis.rules.ts); null on rows from before migration 0026. */
  basis_kind: string | null;
  /** JSON of the basis's params; null with basis_kind. */
  basis_params: string | null;
  manual: number;
  ruleset_id: string;
  ruleset_version: string;
  override_id: string | null;
  approval_id: string | null;
  audit_seq: number | null;
}

export interface HealthOverrideTable {
  id: string;
  /** JSON array */
  person_ids: string;
  people: number;
  area_path: string;
  colour: string;
  legal_basis: string;
  reason: string;
  ends_at: number;
  appeal_id: string | null;
  /** pending | approved | rejected | held */
  status: string;
  requested_by: string;
  requested_by_name: string;
  requested_at: number;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  approval_id: string | null;
  ruleset_id: string;
  ruleset_version: string;
}

export interface HealthAppealTable {
  id: string;
  person_id: string;
  area_path: string;
  filed_by: string;
  filed_at: number;
  due_at: number;
  colour: string;
  statement: string;
  /** open | upheld | correction_pending | corrected | correction_rejected */
  status: string;
  reviewer_id: string | null;
  reviewer_name: string | null;
  answered_at: number | null;
  answer: string | null;
  override_id: string | null;
  updated_at: number;
}

/** A recolouring action held by the circuit breaker for a command-centre approval. */
export interface HealthApprovalTable {
  id: string;
  /** add_facts | end_facts | override */
  kind: string;
  people: number;
  /** JSON */
  payload: string;
  reason: string;
  /** pending | approved | rejected */
  status: string;
  requested_by: string | null;
  requested_by_name: string;
  requested_by_role: string;
  requested_at: number;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  ruleset_id: string;
  ruleset_version: string;
  threshold: number;
}

// ---- quarantine (隔离管控): migration 0028 ----------------------------------------------------------

export interface QuarantineSiteTable {
  id: string;
  area_id: string;
  area_path: string;
  name: string;
  address: string;
  /** hotel | dormitory | cabin_hospital */
  kind: string;
  /** JSON {observation, service, sanitation}: where each of the three zones is. */
  zones: string;
  /** in_service | out_of_service */
  status: string;
  testing_site_id: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface QuarantineRoomTable {
  id: string;
  site_id: string;
  floor: number;
  number: string;
  /** single | double | family | accessible | ward_bed */
  kind: string;
  beds: number;
  own_bathroom: number;
  /** in_service | cleaning | out_of_service */
  status: string;
  disinfection_due_at: number | null;
  disinfected_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface QuarantineStaffTable {
  id: string;
  site_id: string;
  user_id: string | null;
  name: string;
  /** manager | medical | service | security | cleaning | psychological | liaison */
  role: string;
  /** day | night | rotating */
  shift: string;
  ppe_level: number;
  active: number;
  created_at: number;
}

export interface HospitalTable {
  id: string;
  area_id: string;
  area_path: string;
  name: string;
  address: string;
  phone: string;
  /** JSON array of designations. */
  designations: string;
  /** JSON array of accepted colours. */
  accepts_colours: string;
  beds: number;
  beds_free: number;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface QuarantineOrderTable {
  id: string;
  person_id: string;
  area_id: string;
  area_path: string;
  /** close_contact | secondary_contact | high_risk_arrival | medium_risk_arrival | released_case */
  kind: string;
  /** centralised | home_quarantine | home_health_monitoring */
  place: string;
  /** active | released | converted | cancelled */
  status: string;
  /** contact | case | pool | risk_area | order | manual */
  source_type: string;
  source_id: string | null;
  case_id: string | null;
  household_id: string | null;
  rule_set_id: string;
  start_at: number;
  centralised_until: number;
  home_until: number;
  ends_at: number;
  home_kind: string;
  /** JSON [{phase, day, date}] */
  test_days: string;
  /** JSON care needs. */
  care_needs: string;
  guardian_person_id: string | null;
  /** none | seal | sensor */
  door_measure: string;
  door_measure_at: number | null;
  released_at: number | null;
  release_basis: string | null;
  follow_order_id: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface QuarantineOrderEventTable {
  id: string;
  order_id: string;
  kind: string;
  /** JSON */
  detail: string;
  actor_id: string | null;
  at: number;
}

export interface QuarantineStayTable {
  id: string;
  order_id: string;
  site_id: string;
  room_id: string;
  /** planned | current | ended */
  status: string;
  plan_id: string | null;
  from_at: number | null;
  to_at: number | null;
  created_at: number;
}

export interface QuarantineTransferTable {
  id: string;
  order_id: string | null;
  person_id: string;
  /** pickup | move | hospital | return */
  kind: string;
  from_site_id: string | null;
  to_site_id: string | null;
  hospital_id: string | null;
  need: string | null;
  vehicle: string;
  escort: string;
  /** planned | done */
  status: string;
  at: number;
  actor_id: string | null;
  /** The allocation plan the transfer was planned with (migration 0031). */
  plan_id: string | null;
}

export interface QuarantineCheckTable {
  id: string;
  order_id: string;
  /** YYYY-MM-DD in the deployment's zone */
  date: string;
  /** morning | evening */
  slot: string;
  temperature: number;
  /** JSON array of symptom keys */
  symptoms: string;
  /** self | staff | phone */
  by: string;
  recorded_by: string | null;
  recorded_at: number;
  client_op_id: string | null;
}

export interface QuarantineAlertTable {
  id: string;
  order_id: string;
  site_id: string | null;
  /** fever | symptom | missed_check | missed_test | positive */
  kind: string;
  date: string;
  slot: string | null;
  detail: string;
  /** open | followed_up | closed */
  status: string;
  follow_up: string | null;
  handled_by: string | null;
  handled_at: number | null;
  raised_at: number;
}

export interface QuarantineRequestTable {
  id: string;
  order_id: string;
  site_id: string | null;
  /** meal | medicine | necessities | psychological | family_call | delivery | garbage | other */
  kind: string;
  detail: string;
  /** open | in_progress | done | declined */
  status: string;
  note: string | null;
  created_by: string | null;
  handled_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface QuarantineBreachTable {
  id: string;
  order_id: string;
  kind: string;
  note: string;
  recorded_by: string | null;
  at: number;
}

export interface QuarantineHomeServiceTable {
  id: string;
  order_id: string;
  /** delivery | garbage */
  kind: string;
  items: string;
  bags: number | null;
  handled_by: string;
  note: string;
  at: number;
  recorded_by: string | null;
  recorded_at: number;
}

export interface QuarantineDisinfectionTable {
  id: string;
  site_id: string;
  room_id: string | null;
  item: string;
  zone: string;
  agent: string;
  concentration_mg_l: number | null;
  contact_minutes: number | null;
  operator: string;
  at: number;
  recorded_by: string | null;
}

export interface QuarantineWasteTable {
  id: string;
  site_id: string;
  bags: number;
  weight_kg: number;
  sealed: number;
  stored_at: number;
  handed_over_at: number | null;
  receiver_unit: string | null;
  receiver_signature: string | null;
  staff_signature: string | null;
  recorded_by: string | null;
}

export interface QuarantineStaffCheckTable {
  id: string;
  staff_id: string;
  date: string;
  temperature: number;
  symptoms: string;
  /** negative | positive | pending | none */
  test: string;
  recorded_by: string | null;
  recorded_at: number;
}

/** An enterprise of the logistics module (migration 0032). */
export interface EnterpriseTable {
  id: string;
  credit_code: string;
  name: string;
  /** supply_whitelist | medical_supplies | food | energy | production_materials */
  category: string;
  area_id: string;
  area_path: string;
  /** The issuing county of its passes. */
  county: string;
  address: string;
  contact_name: string;
  contact_phone_enc: string;
  contact_phone_hmac: string;
  /** active | suspended */
  status: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** An account acting for an enterprise (its portal), or a reviewer's department. */
export interface LogisticsAccountTable {
  user_id: string;
  enterprise_id: string | null;
  department: string | null;
  created_at: number;
}

export interface VehicleTable {
  id: string;
  enterprise_id: string;
  plate: string;
  /** standard | new_energy */
  plate_kind: string;
  trailer_plate: string | null;
  vehicle_type: string;
  load_kg: number;
  /** active | retired */
  status: string;
  created_at: number;
  updated_at: number;
}

export interface DriverTable {
  id: string;
  enterprise_id: string;
  person_id: string | null;
  name: string;
  id_type: string;
  id_number_enc: string;
  id_hmac: string;
  phone_enc: string;
  phone_hmac: string;
  licence_class: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface VehiclePassTable {
  id: string;
  number: string | null;
  serial: number | null;
  enterprise_id: string;
  vehicle_id: string;
  area_path: string;
  county: string;
  origin: string;
  destination: string;
  cargo_category: string;
  cargo_note: string;
  department: string;
  /** JSON array of driver ids. */
  driver_ids: string;
  valid_from: string;
  valid_until: string;
  /** applied | issued | refused | revoked | withdrawn */
  status: string;
  rules_version: string;
  applied_by: string | null;
  applied_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
  revoked_by: string | null;
  revoked_at: number | null;
  revoke_reason: string | null;
  updated_at: number;
}

export interface VehiclePassSerialTable {
  county: string;
  last_serial: number;
}

export interface WarehouseTable {
  id: string;
  name: string;
  area_id: string;
  area_path: string;
  owner_unit: string;
  address: string;
  status: string;
  created_by: string | null;
  created_at: number;
}

export interface StockLevelTable {
  warehouse_id: string;
  item: string;
  /** Thousandths of the item's base unit. */
  qty_milli: number;
  updated_at: number;
}

export interface StockMovementTable {
  id: string;
  /** in | out | transfer | distribution */
  kind: string;
  item: string;
  warehouse_id: string;
  area_path: string;
  to_warehouse_id: string | null;
  community_id: string | null;
  households: number | null;
  qty_milli: number;
  unit: string;
  unit_qty: number;
  reference: string;
  note: string;
  occurred_at: number;
  recorded_by: string | null;
  recorded_at: number;
}

export interface StockAlertTable {
  id: string;
  item: string;
  area_id: string;
  area_path: string;
  /** warn | critical */
  level: string;
  days_of_supply: number | null;
  threshold_days: number;
  rules_version: string;
  raised_at: number;
  updated_at: number;
  cleared_at: number | null;
}

/** A transfer station (migration 0035). */
export interface TransferStationTable {
  id: string;
  name: string;
  area_id: string;
  area_path: string;
  county: string;
  address: string;
  window_minutes: number;
  created_at: number;
}

export interface CheckpointTable {
  id: string;
  name: string;
  area_id: string;
  area_path: string;
  officer_user_id: string | null;
  created_at: number;
}

/** A trip pre-registration (报备). */
export interface TripTable {
  id: string;
  enterprise_id: string;
  area_path: string;
  pass_id: string | null;
  vehicle_id: string;
  /** JSON array of {driverId, role}. */
  crew: string;
  cargo_category: string;
  cargo_name: string;
  quantity: number;
  unit: string;
  origin: string;
  origin_risk: string;
  destination_kind: string;
  destination_id: string | null;
  destination_name: string;
  destination_county: string;
  intent: string;
  arrive_from: number;
  arrive_until: number;
  department: string;
  status: string;
  rules_version: string;
  reported_by: string | null;
  reported_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
  arrived_at: number | null;
  updated_at: number;
}

export interface CheckpointCheckTable {
  id: string;
  checkpoint_id: string;
  area_path: string;
  client_id: string;
  plate: string;
  vehicle_id: string | null;
  pass_id: string | null;
  trip_id: string | null;
  vehicle_class: string;
  decision: string;
  path: string | null;
  reasons: string;
  note: string;
  queue_status: string | null;
  officer_user_id: string | null;
  resolved_by: string | null;
  resolved_at: number | null;
  resolution_note: string | null;
  handed_to_area_id: string | null;
  rules_version: string;
  checked_by: string | null;
  checked_at: number;
  sync_gap_ms: number;
  recorded_at: number;
}

export interface CheckpointPersonCheckTable {
  id: string;
  check_id: string;
  driver_id: string | null;
  person_id: string | null;
  name: string;
  role: string;
  temperature: number;
  colour: string;
  test_sampled_at: number | null;
  antigen: string | null;
  pcr_sampled: number;
  outcome: string;
  reasons: string;
  control: string;
}

export interface StationVisitTable {
  id: string;
  station_id: string;
  area_path: string;
  trip_id: string | null;
  check_id: string | null;
  plate: string;
  on_list: number;
  step: string;
  handover: string | null;
  crew: string;
  relay_driver: string | null;
  route: string | null;
  seal_number: string | null;
  arrived_at: number;
  due_at: number;
  closed_at: number | null;
  updated_at: number;
}

export interface StationVisitStepTable {
  id: string;
  visit_id: string;
  step: string;
  at: number;
  by_user: string | null;
  by_name: string;
  note: string;
}

/** A volunteer's sign-up and its vetting (migration 0038). */
export interface VolunteerTable {
  id: string;
  name: string;
  id_number_enc: string;
  id_hmac: string;
  phone_enc: string;
  phone_hmac: string;
  person_id: string | null;
  area_id: string;
  area_path: string;
  org_kind: string;
  team: string;
  /** JSON [{code, proof}]. */
  skills: string;
  /** JSON array of weekday half-days ("mon_am", …). */
  availability: string;
  consent_at: number;
  /** pending | info_requested | approved | rejected */
  status: string;
  status_note: string;
  user_id: string | null;
  vetted_by: string | null;
  vetted_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A unit's need of volunteers for one slot (migration 0038). */
export interface VolunteerNeedTable {
  id: string;
  unit_kind: string;
  unit_name: string;
  task_type: string;
  area_id: string;
  area_path: string;
  place: string;
  date: string;
  start_at: number;
  end_at: number;
  people: number;
  /** JSON array of skill codes. */
  skills: string;
  /** none | green | green_test */
  health: string;
  test_within_hours: number | null;
  team: string;
  contact_name: string;
  contact_phone_enc: string;
  series_id: string;
  /** open | cancelled */
  status: string;
  created_by: string | null;
  created_at: number;
}

/** A volunteer booked to a need (migration 0038). */
export interface VolunteerBookingTable {
  id: string;
  need_id: string;
  volunteer_id: string;
  start_at: number;
  end_at: number;
  /** offered | accepted | declined | cancelled */
  status: string;
  score: number;
  explain: string;
  confirmed_by: string | null;
  created_at: number;
  answered_at: number | null;
  decline_reason: string;
}

/** A command-centre alert (migration 0039): open_key is set and unique while the alert is not closed. */
export interface CommandAlertTable {
  id: string;
  rule: string;
  /** critical | high | medium */
  severity: string;
  subject_type: string;
  subject_id: string;
  open_key: string | null;
  area_id: string;
  area_path: string;
  /** JSON */
  evidence: string;
  /** JSON array of roles */
  notify: string;
  rules_version: string;
  /** open | acknowledged | closed */
  status: string;
  opened_at: number;
  seen_at: number;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  /** cleared | note */
  close_reason: string | null;
  close_note: string | null;
  closed_by: string | null;
  closed_at: number | null;
}

export interface Database {
  area: AreaTable;
  building: BuildingTable;
  household: HouseholdTable;
  person: PersonTable;
  app_user: AppUserTable;
  resident_challenge: ResidentChallengeTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  login_failure: LoginFailureTable;
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
  job_lease: JobLeaseTable;
  setting: SettingTable;
  venue: VenueTable;
  checkin: CheckinTable;
  checkin_purge: CheckinPurgeTable;
  case_record: CaseRecordTable;
  case_status_history: CaseStatusHistoryTable;
  contact: ContactTable;
  call_task: CallTaskTable;
  call_attempt: CallAttemptTable;
  risk_area: RiskAreaTable;
  risk_area_history: RiskAreaHistoryTable;
  risk_area_exposure: RiskAreaExposureTable;
  testing_round: TestingRoundTable;
  testing_round_area: TestingRoundAreaTable;
  testing_site: TestingSiteTable;
  testing_table: TestingTableTable;
  testing_staff: TestingStaffTable;
  testing_tube: TestingTubeTable;
  testing_tube_member: TestingTubeMemberTable;
  testing_box: TestingBoxTable;
  testing_custody: TestingCustodyTable;
  testing_lab_upload: TestingLabUploadTable;
  testing_result: TestingResultTable;
  testing_pool: TestingPoolTable;
  testing_notification: TestingNotificationTable;
  testing_task: TestingTaskTable;
  testing_visit: TestingVisitTable;
  testing_sync_op: TestingSyncOpTable;
  health_fact: HealthFactTable;
  health_test: HealthTestTable;
  health_status: HealthStatusTable;
  health_colour_history: HealthColourHistoryTable;
  health_override: HealthOverrideTable;
  health_appeal: HealthAppealTable;
  health_approval: HealthApprovalTable;
  quarantine_site: QuarantineSiteTable;
  quarantine_room: QuarantineRoomTable;
  quarantine_staff: QuarantineStaffTable;
  hospital: HospitalTable;
  quarantine_order: QuarantineOrderTable;
  quarantine_order_event: QuarantineOrderEventTable;
  quarantine_stay: QuarantineStayTable;
  quarantine_transfer: QuarantineTransferTable;
  quarantine_check: QuarantineCheckTable;
  quarantine_alert: QuarantineAlertTable;
  quarantine_request: QuarantineRequestTable;
  quarantine_breach: QuarantineBreachTable;
  quarantine_home_service: QuarantineHomeServiceTable;
  quarantine_disinfection: QuarantineDisinfectionTable;
  quarantine_waste: QuarantineWasteTable;
  quarantine_staff_check: QuarantineStaffCheckTable;
  enterprise: EnterpriseTable;
  logistics_account: LogisticsAccountTable;
  vehicle: VehicleTable;
  driver: DriverTable;
  vehicle_pass: VehiclePassTable;
  vehicle_pass_serial: VehiclePassSerialTable;
  command_alert: CommandAlertTable;
  volunteer: VolunteerTable;
  volunteer_need: VolunteerNeedTable;
  volunteer_booking: VolunteerBookingTable;
  transfer_station: TransferStationTable;
  checkpoint: CheckpointTable;
  trip: TripTable;
  checkpoint_check: CheckpointCheckTable;
  checkpoint_person_check: CheckpointPersonCheckTable;
  station_visit: StationVisitTable;
  station_visit_step: StationVisitStepTable;
  warehouse: WarehouseTable;
  stock_level: StockLevelTable;
  stock_movement: StockMovementTable;
  stock_alert: StockAlertTable;
  decision_projection: DecisionProjectionTable;
}

/** A projection of cases with its inputs, bands, demand and (once its days passed) its score (migration 0040). */
export interface DecisionProjectionTable {
  id: string;
  area_id: string;
  area_path: string;
  /** YYYY-MM-DD: the first projected day. */
  first_day: string;
  horizon: number;
  /** JSON */
  inputs: string;
  /** JSON */
  bands: string;
  /** JSON */
  demand: string;
  scored_at: number | null;
  /** JSON */
  score: string | null;
  created_by: string | null;
  created_at: number;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: stores accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Dialect = 'sqlite' | 'postgres';
