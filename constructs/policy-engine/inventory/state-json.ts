import { fromPlanJson, isObject, isPlanJson, TerraformJsonError, type StackModel } from '../terraform-json';

/**
 * Terraform state as `terraform show -json` prints it (no plan file argument): the same
 * `values.root_module` shape as a plan's `planned_values`, with every value known
 * (https://developer.hashicorp.com/terraform/internals/json-format#state-representation).
 * An empty state prints only `format_version`.
 */
export function isStateJson(json: unknown): boolean {
  if (!isObject(json) || typeof json.format_version !== 'string' || isPlanJson(json)) return false;
  if ('planned_values' in json || 'resource_changes' in json) return false;
  return json.values === undefined || isObject(json.values);
}

/** True for a raw `terraform.tfstate` file (what `terraform show -json` reads, not what it prints). */
export function isRawStateFile(json: unknown): boolean {
  return isObject(json) && typeof json.version === 'number' && typeof json.terraform_version === 'string' && Array.isArray(json.resources);
}

/** Models the resources of a state like the planned values of a plan with nothing left unknown. */
export function fromStateJson(json: unknown, stackName: string): StackModel {
  if (!isStateJson(json)) {
    throw new TerraformJsonError('not Terraform state JSON: expected the output of `terraform show -json` (without a plan file), with "format_version" and "values".');
  }
  const state = json as Record<string, unknown>;
  const values = isObject(state.values) ? state.values : { root_module: {} };
  if (values.root_module !== undefined && !isObject(values.root_module)) throw new TerraformJsonError('not well-formed Terraform state JSON: values.root_module must be an object.');
  return fromPlanJson({ format_version: state.format_version, planned_values: values }, stackName);
}
