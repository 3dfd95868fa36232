import type { Rule, RuleOutcome } from '../../constructs/policy-engine/rule-engine';
import { REQUIRED_TAG_KEYS, TAG_KEYS } from '../../constructs/governance/tags';
import { fromPlanJson, fromSynthJson, StackModel } from '../../constructs/policy-engine/terraform-json';

/**
 * Fixture JSON built in the tests: the shape cdktf writes to cdk.tf.json (`resource.<type>.<name>`
 * with `//` metadata), and a minimal `terraform show -json` plan for the same resources.
 */

export const NOW = new Date('2026-11-22T12:00:00Z');

export const GOVERNANCE_TAGS: Record<string, string> = Object.fromEntries(
  REQUIRED_TAG_KEYS.map((k) => [k, k === TAG_KEYS.reviewBy ? '2027-02-01' : `value-of-${k.split(':')[1]}`]),
);

type Resources = Record<string, Record<string, Record<string, unknown>>>;

export interface SynthFixture {
  resource?: Resources;
  data?: Resources;
  defaultTags?: Record<string, string>;
  exceptions?: unknown[];
  stackName?: string;
}

/** cdk.tf.json for the given resources; each gets `//` metadata with path `<stack>/<name>`. */
export function synthJson(f: SynthFixture): Record<string, unknown> {
  const stackName = f.stackName ?? 'test-stack';
  const withMeta = (section: Resources | undefined): Resources | undefined =>
    section &&
    Object.fromEntries(
      Object.entries(section).map(([type, byName]) => [
        type,
        Object.fromEntries(
          Object.entries(byName).map(([name, config]) => [name, { ...config, '//': { metadata: { path: `${stackName}/${name}`, uniqueId: name } } }]),
        ),
      ]),
    );
  return {
    '//': { metadata: { stackName, version: '0.21.0', backend: 'local' }, ...(f.exceptions ? { governance: { exceptions: f.exceptions } } : {}) },
    provider: { aws: [{ region: 'eu-west-1', default_tags: [{ tags: f.defaultTags ?? GOVERNANCE_TAGS }] }] },
    ...(f.resource ? { resource: withMeta(f.resource) } : {}),
    ...(f.data ? { data: withMeta(f.data) } : {}),
  };
}

export function synthStack(f: SynthFixture): StackModel {
  return fromSynthJson(synthJson(f));
}

/** Evaluates one rule on one resource (by address) of a fixture stack. */
export function evaluate(rule: Rule, stack: StackModel, address: string, app: StackModel[] = [stack]): RuleOutcome {
  const resource = stack.byAddress(address);
  if (!resource) throw new Error(`fixture has no ${address}`);
  if (!rule.appliesTo(resource.type)) throw new Error(`${rule.id} does not apply to ${resource.type}`);
  return rule.evaluate(resource, { stack, app, now: NOW });
}

export function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export interface PlanResource {
  address: string;
  values: Record<string, unknown>;
  unknown?: Record<string, unknown>;
  before?: Record<string, unknown> | null;
  references?: Record<string, string[]>;
  mode?: 'managed' | 'data';
}

/** A minimal `terraform show -json` document: planned values, resource changes, configuration references. */
export function planJson(resources: PlanResource[], defaultTags: Record<string, string> = GOVERNANCE_TAGS): Record<string, unknown> {
  const parts = (r: PlanResource) => {
    const segments = r.address.split('.');
    const data = segments[0] === 'data';
    return { type: data ? segments[1] : segments[0], name: (data ? segments[2] : segments[1]).replace(/\[.*\]$/, '') };
  };
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: {
      root_module: {
        resources: resources.map((r) => ({
          address: r.address,
          mode: r.mode ?? 'managed',
          ...parts(r),
          provider_name: 'registry.terraform.io/hashicorp/aws',
          values: r.values,
        })),
      },
    },
    resource_changes: resources.map((r) => ({
      address: r.address,
      mode: r.mode ?? 'managed',
      ...parts(r),
      change: {
        actions: r.before ? ['update'] : ['create'],
        before: r.before ?? null,
        after: r.values,
        after_unknown: r.unknown ?? {},
      },
    })),
    configuration: {
      provider_config: { aws: { name: 'aws', expressions: { default_tags: [{ tags: { constant_value: defaultTags } }] } } },
      root_module: {
        resources: resources.map((r) => ({
          address: r.address.replace(/\[.*\]$/, ''),
          expressions: Object.fromEntries(Object.entries(r.references ?? {}).map(([k, refs]) => [k, { references: refs }])),
        })),
      },
    },
  };
}

export function planStack(resources: PlanResource[], defaultTags?: Record<string, string>): StackModel {
  return fromPlanJson(planJson(resources, defaultTags));
}
