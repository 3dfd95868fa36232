import type { TerraformResource } from 'cdktf';

/**
 * Checks that only Terraform can make: a product stack reads its environment from the published
 * contract, so the environment's allow-lists (tenants, image sources) are Terraform values at
 * synth. These become `lifecycle.precondition` blocks, evaluated at plan before anything changes
 * (https://developer.hashicorp.com/terraform/language/expressions/custom-conditions#preconditions-and-postconditions).
 */

/** A Terraform precondition: the condition expression and the message shown when it is false. */
export interface PlanCheck {
  readonly condition: unknown;
  readonly errorMessage: string;
}

const ADDED = new WeakMap<TerraformResource, { condition: unknown; error_message: string }[]>();

/**
 * Adds preconditions to a resource. cdktf has no API for preconditions, so they are written as
 * the `lifecycle.precondition` override; the checks added here are kept together per resource,
 * so several callers add to the list instead of replacing each other's.
 */
export function addPlanChecks(resource: TerraformResource, checks: readonly (PlanCheck | undefined)[]): void {
  const present = checks.filter((c): c is PlanCheck => c !== undefined);
  if (present.length === 0) return;
  const list = ADDED.get(resource) ?? [];
  list.push(...present.map((c) => ({ condition: c.condition, error_message: c.errorMessage })));
  ADDED.set(resource, list);
  resource.addOverride('lifecycle.precondition', list);
}
