import { isObject, isPlanJson, TerraformJsonError } from './terraform-json';

/**
 * Shape checks for the files the CLI is handed. The models in terraform-json.ts skip what they
 * cannot read, which is right for a partial plan but turns a wrong-shaped file into "0 resources,
 * passed". A governance check that passes because it read nothing is a silent pass: these checks
 * name the first misshapen place (a JSON path) and what was expected, and the CLI exits 2.
 */

const MAX_REPORTED = 3;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

function fail(kind: string, problems: string[]): never {
  const shown = problems.slice(0, MAX_REPORTED);
  const more = problems.length > MAX_REPORTED ? ` (and ${problems.length - MAX_REPORTED} more)` : '';
  throw new TerraformJsonError(`not a well-formed ${kind}: ${shown.join('; ')}${more}.`);
}

/** Checks `terraform show -json` output: lists where lists belong, resources with address and type. */
export function assertPlanShape(json: unknown): void {
  if (!isPlanJson(json)) return; // the caller reports "not a plan" with its own fix
  const plan = json as Record<string, unknown>;
  const problems: string[] = [];
  const resourceList = (at: string, list: unknown): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) return void problems.push(`${at} must be a list, got ${describe(list)}`);
    list.forEach((r, i) => {
      if (!isObject(r)) problems.push(`${at}[${i}] must be an object, got ${describe(r)}`);
      else if (typeof r.address !== 'string' || typeof r.type !== 'string') problems.push(`${at}[${i}] has no "address" and "type"`);
      else if (r.values !== undefined && !isObject(r.values)) problems.push(`${at}[${i}] (${r.address}).values must be an object, got ${describe(r.values)}`);
    });
  };
  const module = (at: string, m: unknown): void => {
    if (!isObject(m)) return void problems.push(`${at} must be an object, got ${describe(m)}`);
    resourceList(`${at}.resources`, m.resources);
    if (m.child_modules === undefined) return;
    if (!Array.isArray(m.child_modules)) return void problems.push(`${at}.child_modules must be a list, got ${describe(m.child_modules)}`);
    m.child_modules.forEach((c, i) => module(`${at}.child_modules[${i}]`, c));
  };
  if (plan.planned_values !== undefined) {
    if (!isObject(plan.planned_values)) problems.push(`planned_values must be an object, got ${describe(plan.planned_values)}`);
    // A plan with nothing to create still has a root module.
    else module('planned_values.root_module', plan.planned_values.root_module);
  }
  if (plan.resource_changes !== undefined) {
    if (!Array.isArray(plan.resource_changes)) problems.push(`resource_changes must be a list, got ${describe(plan.resource_changes)}`);
    else
      plan.resource_changes.forEach((rc, i) => {
        if (!isObject(rc)) problems.push(`resource_changes[${i}] must be an object, got ${describe(rc)}`);
        else if (typeof rc.address !== 'string' || typeof rc.type !== 'string') problems.push(`resource_changes[${i}] has no "address" and "type"`);
        else if (!isObject(rc.change)) problems.push(`resource_changes[${i}] (${rc.address}).change must be an object, got ${describe(rc.change)}`);
      });
  }
  if (problems.length > 0) fail('Terraform plan', problems);
}

/** Checks a cdk.tf.json: not a plan, and every type and resource an object. */
export function assertSynthShape(json: unknown): void {
  if (!isObject(json)) return; // fromSynthJson reports the top level
  if (isPlanJson(json)) {
    throw new TerraformJsonError('this is a Terraform plan, not a synthesized cdk.tf.json.');
  }
  const problems: string[] = [];
  for (const mode of ['resource', 'data'] as const) {
    const section = json[mode];
    if (!isObject(section)) continue; // fromSynthJson reports a misshapen section
    for (const [type, byName] of Object.entries(section)) {
      if (!isObject(byName)) {
        problems.push(`${mode}.${type} must be an object of named ${mode === 'data' ? 'data sources' : 'resources'}, got ${describe(byName)}`);
        continue;
      }
      for (const [name, config] of Object.entries(byName)) if (!isObject(config)) problems.push(`${mode}.${type}.${name} must be an object, got ${describe(config)}`);
    }
  }
  if (json.resource === undefined && json.data === undefined && json.terraform === undefined) {
    problems.push('it has none of "terraform", "resource" or "data"');
  }
  if (problems.length > 0) fail('cdk.tf.json', problems);
}
