/**
 * The shapes the desk reads from the API. The assessment and the incident come from the law room's own schemas
 * (type-only imports: nothing of the rule engine is bundled); the rest mirror the API's JSON.
 */
import type { Assessment, Obligation, Reason } from "../law/assessment.js";
import type { Incident, IncidentInput } from "../law/incident.js";

export type { Assessment, Incident, IncidentInput, Obligation, Reason };

export type Role = "owner" | "dpo" | "handler" | "viewer";

export interface Session {
  orgId: string;
  organisation: string;
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  csrfToken?: string;
}

export type DutyKind = "regulator" | "subjects" | "processor";
export type DutyStatus = "met" | "decided" | "open" | "overdue" | "not_required";

export interface Duty {
  jurisdiction: string;
  duty: DutyKind;
  decision: string;
  deadline: string | null;
  status: DutyStatus;
}

export interface Decision {
  id: string;
  jurisdiction: string;
  duty: DutyKind;
  outcome: "notify" | "not_notify" | "public_communication" | "defer";
  rationale: string;
  authorId: string;
  decidedAt: string;
}

export interface NotificationGiven {
  id: string;
  jurisdiction: string;
  recipient: "regulator" | "subjects" | "controller" | "public";
  phase: "initial" | "follow_up";
  givenAt: string;
  method: string;
  reference: string | null;
  delayReason: string | null;
  deadline: string | null;
  late: boolean;
  lateBySeconds: number;
  delayReasonMissing: boolean;
}

export interface Evidence {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  description: string | null;
  uploadedAt: string;
  download: string;
}

export interface BreachView {
  id: string;
  title: string;
  status: "open" | "closed";
  version: number;
  awareAt: string;
  createdAt: string;
  updatedAt: string;
  incident: Incident;
  assessment: Assessment;
  duties: Duty[];
  decisions: Decision[];
  notifications: NotificationGiven[];
  evidence: Evidence[];
  retention: string;
  viewer: Role;
}

export interface BreachListItem {
  id: string;
  title: string;
  status: "open" | "closed";
  awareAt: string;
  createdAt: string;
  /** The latest assessment's risk. */
  risk: { level: "low" | "medium" | "high"; score: number } | null;
  obligations: {
    jurisdiction: string;
    regulator: string;
    decision: string;
    deadline: string | null;
    strict: boolean;
  }[];
}

export interface DeadlineItem {
  breachId: string;
  title: string;
  jurisdiction: string;
  jurisdictionName: string;
  duty: DutyKind;
  decision: string;
  regulator: string;
  deadline: string;
  strict: boolean;
  status: "open" | "overdue";
  secondsLeft: number;
}

export interface TimelineEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  data: Record<string, unknown>;
  hash: string;
}

export interface RecipientSummary {
  people: number;
  byJurisdiction: Record<string, number>;
  categories: Record<string, number>;
  reachable: { byPost: number; byEmailOnly: number; neither: number };
  imports: {
    importId: string;
    startedAt: string;
    completedAt: string | null;
    rows: number;
    people: number;
    sources: { file: string; rows: number; bytes: number }[];
  }[];
}

export interface ImpactColumn {
  file: string;
  name: string;
  role: string;
  category: string | null;
  confidence: number;
  reason: string;
}

export interface ImpactUploadResult {
  impact: {
    files: { file: string; bytes: number; rows: number; format: string }[];
    rows: number;
    subjects: number;
    subjectsByJurisdiction: Record<string, number>;
    columns: ImpactColumn[];
    problems?: { file?: string; line?: number; message: string }[];
  };
  importId: string;
  /** The whole recipient list after this upload (earlier uploads included). */
  recipients?: { people: number; byJurisdiction: Record<string, number> };
  /** Whether the breach's counts were set from the list, and what that changed in its duties. */
  breach?: { updated: boolean; version?: number; changes: ObligationChange[] };
}

export interface ObligationChange {
  jurisdiction: string;
  duty: DutyKind;
  field: "decision" | "deadline" | "presence";
  from: string | null;
  to: string | null;
}

export interface NoticeSummary {
  jurisdiction: string;
  regulator: string;
  decision: string;
  deadline: string | null;
  draft: {
    missing: { id: string; heading: string; requirement: string }[];
    complete: boolean;
    changedSinceLatest: boolean;
  };
  versions: NoticeVersion[];
}

export interface UserView {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
}

export interface NoticeVersion {
  id: string;
  jurisdiction: string;
  version: number;
  phase: "initial" | "follow_up";
  missing: string[];
  complete: boolean;
  createdAt: string;
  links: { pdf: string; html: string; text: string };
}
