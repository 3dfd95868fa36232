import type { IConstruct } from 'constructs';

/** One claimed workload name in one environment. */
export interface WorkloadClaim {
  readonly environment: string;
  readonly workload: string;
  readonly team: string;
  readonly kind: string;
  readonly path: string;
}

// One registry per app (the construct tree's root), so two stacks of one app share it.
const registries = new WeakMap<IConstruct, Map<string, WorkloadClaim>>();

/**
 * Claims a workload name in an environment for the whole app. One identity per workload per
 * environment: a second claim of the same name returns the first claim so the caller can fail
 * with both construct paths.
 */
export function claimWorkloadName(scope: IConstruct, claim: WorkloadClaim): WorkloadClaim | undefined {
  const root = scope.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = new Map();
    registries.set(root, registry);
  }
  const key = `${claim.environment}/${claim.workload}`;
  const existing = registry.get(key);
  if (existing) return existing;
  registry.set(key, claim);
  return undefined;
}

/** Every claim made in this app, for the report and the cross-environment checks. */
export function workloadClaims(scope: IConstruct): readonly WorkloadClaim[] {
  return [...(registries.get(scope.node.root)?.values() ?? [])];
}
