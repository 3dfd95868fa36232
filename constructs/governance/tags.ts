/**
 * The governance tag keys of DESIGN.md. Every AWS resource the library creates carries them;
 * Kubernetes objects carry the same facts as labels (valid label values) or annotations.
 * Rules, the report and the plan review read these exact keys, so they live in one place.
 */
export const TAG_KEYS = {
  owner: 'governance:owner',
  accountable: 'governance:accountable',
  approver: 'governance:approver',
  revoker: 'governance:revoker',
  environment: 'governance:environment',
  workload: 'governance:workload',
  dataClassification: 'governance:data-classification',
  reviewBy: 'governance:review-by',
  /**
   * Workload kind: `inference-service` or `agent` (the environment's shared pieces carry workload
   * `platform` and no kind). Lets the inventory tell agents from services in any input.
   */
  kind: 'governance:kind',
  /** Tenants whose data the workload handles: tenant ids sorted, separated by spaces, or `all` (tenants.ts). */
  tenants: 'governance:tenants',
  /** Set only on revoked workloads: who revoked, when and why. */
  revokedBy: 'governance:revoked-by',
  revokedAt: 'governance:revoked-at',
  revokedReason: 'governance:revoked-reason',
} as const;

export type TagKey = (typeof TAG_KEYS)[keyof typeof TAG_KEYS];

/** Tags every governed AWS resource must carry (kind, tenants and the revocation tags are conditional). */
export const REQUIRED_TAG_KEYS: readonly TagKey[] = [
  TAG_KEYS.owner,
  TAG_KEYS.accountable,
  TAG_KEYS.approver,
  TAG_KEYS.revoker,
  TAG_KEYS.environment,
  TAG_KEYS.workload,
  TAG_KEYS.dataClassification,
  TAG_KEYS.reviewBy,
];

/** Kubernetes label prefix: `governance.ai/<fact>` carries the same facts as the AWS tags. */
export const K8S_PREFIX = 'governance.ai/';
