import type { ParsedPolicy } from './iam';
import { isUnresolvedValue } from './terraform-json';

/**
 * Workload identities and their runtimes, as constructs/primitives/workload-identity.ts writes
 * them. Workload identities live under `/governed/<env>/` (the path the environment's gateway,
 * endpoints and key admit: `role/governed/<env>/*`); integration identities, which the gateway
 * function assumes, under `/governed/<env>/integration/` (IntegrationIdentityTrust).
 */

/** The service principals a workload identity's runtime assumes it with. */
export const WORKLOAD_RUNTIME_SERVICES = {
  /** EKS Pod Identity: one service account in one namespace of the environment's cluster. */
  kubernetes: 'pods.eks.amazonaws.com',
  /** A SageMaker endpoint's execution role. */
  sageMaker: 'sagemaker.amazonaws.com',
  /** A Bedrock agent's service role. */
  bedrockAgent: 'bedrock.amazonaws.com',
} as const;

export type WorkloadRuntimeService = (typeof WORKLOAD_RUNTIME_SERVICES)[keyof typeof WORKLOAD_RUNTIME_SERVICES];

const RUNTIME_SERVICES: ReadonlySet<string> = new Set(Object.values(WORKLOAD_RUNTIME_SERVICES));

export function isWorkloadRuntimeService(service: string): service is WorkloadRuntimeService {
  return RUNTIME_SERVICES.has(service);
}

const GOVERNED_PATH = /^\/governed\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\/(.*)$/;

/**
 * The environment of a workload identity's role path: `dev` for `/governed/dev/` (and any path
 * under it but the integration path itself, since the gateway admits `role/governed/dev/*`);
 * undefined for other paths; 'unresolved' when the path is an expression.
 */
export function workloadIdentityEnvironment(path: unknown): string | 'unresolved' | undefined {
  if (isUnresolvedValue(path)) return 'unresolved';
  if (typeof path !== 'string') return undefined;
  const m = GOVERNED_PATH.exec(path);
  if (!m || m[2] === 'integration/') return undefined;
  return m[1];
}

/** The service principals an Allow statement of a trust policy names. */
export function trustedServices(doc: ParsedPolicy): string[] {
  const out = new Set<string>();
  for (const s of doc.statements) {
    if (s.effect !== 'Allow' || s.principals === undefined || s.principals === '*') continue;
    for (const id of s.principals.Service ?? []) out.add(id);
  }
  return [...out];
}
