import { TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * The Bedrock models each stack's workloads use, recorded by the workloads themselves (a service's
 * model, an agent's models and its Bedrock agent's foundation model). A stack reading its
 * environment's live contract turns them into plan-time postconditions: every model used must be
 * on the live allow-list.
 */
const used = new WeakMap<TerraformStack, Set<string>>();

/** Records that a workload in `scope`'s stack uses `modelId`. */
export function recordModelUse(scope: IConstruct, modelId: string): void {
  const stack = TerraformStack.of(scope);
  let models = used.get(stack);
  if (!models) used.set(stack, (models = new Set()));
  models.add(modelId);
}

/** The models the workloads of `stack` use, sorted. */
export function modelsUsedIn(stack: TerraformStack): string[] {
  return [...(used.get(stack) ?? [])].sort();
}
