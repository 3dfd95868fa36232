import { normalizeAccountability, type Accountability } from './accountability';
import type { DataClassification } from './classification';
import { isEmail, normalizeEmail } from './emails';
import { K8S_PREFIX, TAG_KEYS } from './tags';
import { tenantLabels, tenantsTagValue, type WorkloadTenants } from './tenants';

/** What a governed workload is: the `governance:kind` tag. */
export type WorkloadKind = 'inference-service' | 'agent';

/** The facts every governed resource carries. */
export interface GovernanceFacts {
  readonly environment: string;
  /** The workload; environment-wide pieces use {@link PLATFORM_WORKLOAD}. */
  readonly workload: string;
  readonly accountability: Accountability;
  readonly dataClassification: DataClassification;
  readonly reviewBy: string;
  readonly revocation?: Revocation;
  /** @default - no kind tag (the environment's shared pieces) */
  readonly kind?: WorkloadKind;
  /** Tenants whose data the workload handles. @default - none: no tenants tag */
  readonly tenants?: WorkloadTenants;
}

/** A revoked identity: who revoked it, when (ISO timestamp) and why. */
export interface Revocation {
  /** The revoker's e-mail: the workload's named revoker or the environment's. */
  readonly by: string;
  /** UTC timestamp (`2026-11-30T10:00:00Z`); not in the future unless {@link scheduled}. */
  readonly at: string;
  readonly reason: string;
  /**
   * A revocation decided now that takes effect at `at` (in the future): IAM denies from `at` on
   * (`aws:CurrentTime`), and the gateway function refuses from `at` on. Pods, keys and the Pod
   * Identity association go at the first apply after `at`.
   * @default false
   */
  readonly scheduled?: boolean;
}

/**
 * The facts of one workload from its props: what its tags, labels and report say. E-mail
 * addresses are lower-cased here (emails.ts), once for every tag, label and report.
 */
export function workloadFacts(
  environment: string,
  props: {
    readonly name: string;
    readonly owner: Accountability & { readonly reviewBy: string };
    readonly dataClassification: DataClassification;
    readonly revoked?: Revocation;
    readonly tenants?: WorkloadTenants;
  },
  kind?: WorkloadKind,
): GovernanceFacts {
  return {
    environment,
    workload: props.name,
    accountability: normalizeAccountability(props.owner),
    dataClassification: props.dataClassification,
    reviewBy: props.owner.reviewBy,
    revocation: props.revoked ? { ...props.revoked, by: isEmail(props.revoked.by) ? normalizeEmail(props.revoked.by) : props.revoked.by } : undefined,
    ...(kind ? { kind } : {}),
    ...(props.tenants !== undefined ? { tenants: props.tenants } : {}),
  };
}

/** Workload name used on the environment's shared pieces. */
export const PLATFORM_WORKLOAD = 'platform';

/** AWS tag values allow letters, digits, spaces and `_ . : / = + - @`. */
function tagValue(value: string): string {
  return value.replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, '-').slice(0, 256);
}

export function governanceTags(facts: GovernanceFacts): Record<string, string> {
  const a = normalizeAccountability(facts.accountability);
  const tags: Record<string, string> = {
    [TAG_KEYS.owner]: a.team,
    [TAG_KEYS.accountable]: a.accountable,
    [TAG_KEYS.approver]: a.approver,
    [TAG_KEYS.revoker]: a.revoker,
    [TAG_KEYS.environment]: facts.environment,
    [TAG_KEYS.workload]: facts.workload,
    [TAG_KEYS.dataClassification]: facts.dataClassification,
    [TAG_KEYS.reviewBy]: facts.reviewBy,
  };
  if (facts.kind) tags[TAG_KEYS.kind] = facts.kind;
  if (facts.tenants !== undefined) tags[TAG_KEYS.tenants] = tenantsTagValue(facts.tenants);
  if (facts.revocation) {
    tags[TAG_KEYS.revokedBy] = tagValue(facts.revocation.by);
    tags[TAG_KEYS.revokedAt] = tagValue(facts.revocation.at);
    tags[TAG_KEYS.revokedReason] = tagValue(facts.revocation.reason);
  }
  return tags;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Facts that are never selectors: dates and revocation details stay annotations even when valid label values. */
const ANNOTATION_ONLY = new Set<string>([TAG_KEYS.reviewBy, TAG_KEYS.revokedAt, TAG_KEYS.revokedBy, TAG_KEYS.revokedReason]);

/**
 * Kubernetes carries the same facts: as labels where the value is a valid label value (63
 * characters, alphanumerics, `-_.`), as annotations otherwise (e-mails, tenant lists) and for
 * dates and reasons; plus one label per tenant, `tenant.governance.ai/<tenant>: "true"`.
 */
export function kubernetesMetadata(facts: GovernanceFacts): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(governanceTags(facts))) {
    const k8sKey = K8S_PREFIX + key.slice('governance:'.length);
    if (!ANNOTATION_ONLY.has(key) && value.length <= 63 && LABEL_VALUE.test(value)) labels[k8sKey] = value;
    else annotations[k8sKey] = value;
  }
  Object.assign(labels, tenantLabels(facts.tenants));
  return { labels, annotations };
}
