/** The tables as Kysely sees them. Mirrors the migrations; the integration tests check the two agree. */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date, Date>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface OrganisationsTable {
  org_id: string;
  name: string;
  created_at: Timestamp;
  audit_seq: Generated<number>;
  audit_head: Generated<string>;
}

export type Role = "owner" | "dpo" | "handler" | "viewer";

export interface UsersTable {
  org_id: string;
  user_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  created_at: Timestamp;
}

export interface ApiTokensTable {
  org_id: string;
  token_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface SessionsTable {
  org_id: string;
  session_id: string;
  user_id: string;
  secret_hash: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface BreachesTable {
  org_id: string;
  breach_id: string;
  title: string;
  status: "open" | "closed";
  incident: Json;
  aware_at: Timestamp;
  version: number;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssessmentsTable {
  org_id: string;
  breach_id: string;
  version: number;
  assessed_at: Timestamp;
  packs: Json;
  incident: Json;
  result: Json;
  created_by: string;
}

/** Regulator guidance of a rule-pack version, stored once and referred to by assessments (content-addressed). */
export interface AssessmentGuidanceTable {
  org_id: string;
  guidance_hash: string;
  content: Json;
}

export type Duty = "regulator" | "subjects" | "processor";

export interface ObligationsTable {
  org_id: string;
  breach_id: string;
  jurisdiction: string;
  duty: Duty;
  decision: string;
  deadline: Timestamp | null;
  strict: boolean;
  regulator_name: string;
}

export interface DecisionsTable {
  org_id: string;
  decision_id: string;
  breach_id: string;
  jurisdiction: string;
  duty: Duty;
  outcome: "notify" | "not_notify" | "public_communication" | "defer";
  rationale: string;
  author_id: string;
  decided_at: Timestamp;
}

export interface NotificationsTable {
  org_id: string;
  notification_id: string;
  breach_id: string;
  jurisdiction: string;
  recipient: "regulator" | "subjects" | "controller" | "public";
  phase: "initial" | "follow_up";
  given_at: Timestamp;
  method: string;
  reference: string | null;
  delay_reason: string | null;
  deadline: Timestamp | null;
  late: boolean;
  created_by: string;
  created_at: Timestamp;
}

export interface EvidenceTable {
  org_id: string;
  evidence_id: string;
  breach_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  description: string | null;
  uploaded_by: string;
  uploaded_at: Timestamp;
}

export interface EvidenceBlobsTable {
  org_id: string;
  evidence_id: string;
  content: Uint8Array;
}

export interface RecipientImportsTable {
  org_id: string;
  import_id: string;
  breach_id: string;
  sources: Json<{ file: string; bytes: number; sha256?: string }[]>;
  /** People per batch: a resumed import keeps the size it started with, so its batches are the same. */
  batch_size: number;
  started_by: string;
  started_at: Timestamp;
  completed_at: Timestamp | null;
  row_count: number | null;
  people: number | null;
}

export interface RecipientImportBatchesTable {
  org_id: string;
  import_id: string;
  batch: number;
  people: number;
  stored_at: Timestamp;
}

export interface SealingKeysTable {
  org_id: string;
  key_id: string;
  first_used_at: Timestamp;
}

export interface RecipientsTable {
  org_id: string;
  breach_id: string;
  person_hash: Uint8Array;
  jurisdiction: string;
  jurisdiction_strength: number;
  categories: string[];
  contact_rank: number;
  key_id: string;
  nonce: Uint8Array;
  sealed: Uint8Array;
  import_id: string;
}

export interface AuditEventsTable {
  org_id: string;
  seq: number;
  event_id: string;
  at: Timestamp;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  data: Json;
  prev_hash: string;
  hash: string;
}

export interface NoticeVersionsTable {
  org_id: string;
  notice_id: string;
  breach_id: string;
  jurisdiction: string;
  version: number;
  phase: "initial" | "follow_up";
  content: unknown;
  sha256: string;
  missing: string[];
  created_by: string;
  created_at: Date;
}

export interface OrganisationTemplatesTable {
  org_id: string;
  templates: unknown;
  updated_by: string;
  updated_at: Date;
}

export interface LetterEditionsTable {
  org_id: string;
  edition_id: string;
  breach_id: string;
  sha256: string;
  context: unknown;
  created_by: string;
  created_at: Date;
}

export type OutboxState = "pending" | "sending" | "committing" | "sent" | "failed" | "uncertain";

export interface OutboxTable {
  org_id: string;
  job_id: string;
  kind: string;
  dedupe_key: string;
  breach_id: string | null;
  payload: unknown;
  state: OutboxState;
  attempts: Generated<number>;
  next_attempt_at: Date;
  locked_until: Date | null;
  claim_token: string | null;
  last_error: string | null;
  result: unknown;
  created_at: Date;
  updated_at: Date;
}

export interface Schema {
  organisations: OrganisationsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  breaches: BreachesTable;
  assessments: AssessmentsTable;
  assessment_guidance: AssessmentGuidanceTable;
  obligations: ObligationsTable;
  decisions: DecisionsTable;
  notifications: NotificationsTable;
  evidence: EvidenceTable;
  evidence_blobs: EvidenceBlobsTable;
  recipient_imports: RecipientImportsTable;
  recipient_import_batches: RecipientImportBatchesTable;
  recipients: RecipientsTable;
  sealing_keys: SealingKeysTable;
  notice_versions: NoticeVersionsTable;
  organisation_templates: OrganisationTemplatesTable;
  letter_editions: LetterEditionsTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
}
