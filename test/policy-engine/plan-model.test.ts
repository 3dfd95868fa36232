/**
 * Plan JSON as Terraform writes it: addresses in child modules resolve references within their
 * module, count and for_each instance keys are kept when matching a resource to what refers to it,
 * and an unknown value the configuration never set is a provider-computed default, not configured.
 */
import { S3BucketPublicAccessBlocked, DeletionRecoverable, RoleSessionAtMostOneHour } from '../../constructs/policy-engine/rules';
import { fromPlanJson, parsePlanAddress } from '../../constructs/policy-engine/terraform-json';
import { GOVERNANCE_TAGS, NOW } from '../governance/fixtures';
import type { Rule } from '../../constructs/policy-engine/rule-engine';

type Json = Record<string, unknown>;
const PAB = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };
const PAB_EXPRESSIONS = Object.fromEntries(Object.keys(PAB).map((k) => [k, { constant_value: true }]));

interface R {
  address: string;
  values: Json;
  unknown?: Json;
}

/** A plan with planned values, changes and the configuration given per module path. */
function plan(resources: R[], configuration: Json): Json {
  const split = (address: string) => {
    const p = parsePlanAddress(address);
    const [type, name] = p.local.split('.');
    return { type, name, module: p.moduleInstance };
  };
  const byModule = new Map<string, Json[]>();
  for (const r of resources) {
    const { type, name, module } = split(r.address);
    byModule.set(module, [...(byModule.get(module) ?? []), { address: r.address, mode: 'managed', type, name, provider_name: 'registry.terraform.io/hashicorp/aws', values: { ...r.values, tags_all: GOVERNANCE_TAGS } }]);
  }
  return {
    format_version: '1.2',
    planned_values: {
      root_module: {
        resources: byModule.get('') ?? [],
        child_modules: [...byModule.entries()].filter(([m]) => m !== '').map(([m, rs]) => ({ address: m, resources: rs })),
      },
    },
    resource_changes: resources.map((r) => ({ address: r.address, ...split(r.address), mode: 'managed', change: { actions: ['create'], before: null, after: r.values, after_unknown: r.unknown ?? {} } })),
    configuration: { root_module: configuration },
  };
}

function status(rule: Rule, json: Json, address: string): string {
  const model = fromPlanJson(json);
  const resource = model.byAddress(address);
  if (!resource) throw new Error(`no ${address}`);
  return rule.evaluate(resource, { stack: model, app: [model], now: NOW }).status;
}

describe('instance keys', () => {
  test('fails for the for_each bucket no block refers to (each.key picks the same key)', () => {
    const json = plan(
      [
        { address: 'aws_s3_bucket.b["a"]', values: { bucket: 'a' } },
        { address: 'aws_s3_bucket.b["b"]', values: { bucket: 'b' } },
        { address: 'aws_s3_bucket_public_access_block.p["a"]', values: PAB, unknown: { bucket: true } },
      ],
      {
        resources: [
          { address: 'aws_s3_bucket.b', expressions: { bucket: { references: ['each.key'] } } },
          { address: 'aws_s3_bucket_public_access_block.p', expressions: { ...PAB_EXPRESSIONS, bucket: { references: ['aws_s3_bucket.b', 'each.key'] } } },
        ],
      },
    );
    expect([status(S3BucketPublicAccessBlocked, json, 'aws_s3_bucket.b["a"]'), status(S3BucketPublicAccessBlocked, json, 'aws_s3_bucket.b["b"]')]).toEqual(['compliant', 'non-compliant']);
  });
  test('each.value of for_each = a resource refers to the instance with the same key', () => {
    const json = plan(
      [
        { address: 'aws_s3_bucket.b["a"]', values: { bucket: 'a' } },
        { address: 'aws_s3_bucket.b["b"]', values: { bucket: 'b' } },
        { address: 'aws_s3_bucket_public_access_block.p["a"]', values: PAB, unknown: { bucket: true } },
      ],
      {
        resources: [
          { address: 'aws_s3_bucket.b', expressions: { bucket: { references: ['each.key'] } } },
          { address: 'aws_s3_bucket_public_access_block.p', for_each_expression: { references: ['aws_s3_bucket.b'] }, expressions: { ...PAB_EXPRESSIONS, bucket: { references: ['each.value.id', 'each.value'] } } },
        ],
      },
    );
    expect([status(S3BucketPublicAccessBlocked, json, 'aws_s3_bucket.b["a"]'), status(S3BucketPublicAccessBlocked, json, 'aws_s3_bucket.b["b"]')]).toEqual(['compliant', 'non-compliant']);
  });
  test('a reference to the whole counted resource (a splat) matches every instance', () => {
    const json = plan(
      [
        { address: 'aws_s3_bucket.b[0]', values: { bucket: 'a' } },
        { address: 'aws_s3_bucket.b[1]', values: { bucket: 'b' } },
        { address: 'aws_s3_bucket_public_access_block.p', values: PAB, unknown: { bucket: true } },
      ],
      { resources: [{ address: 'aws_s3_bucket.b' }, { address: 'aws_s3_bucket_public_access_block.p', expressions: { ...PAB_EXPRESSIONS, bucket: { references: ['aws_s3_bucket.b'] } } }] },
    );
    expect(status(S3BucketPublicAccessBlocked, json, 'aws_s3_bucket.b[1]')).toBe('compliant');
  });
});

describe('child modules', () => {
  test('references resolve within the module instance: the block in module.a[0] covers its bucket only, not module.a[1]\'s nor the root one', () => {
    const json = plan(
      [
        { address: 'module.a[0].aws_s3_bucket.b', values: { bucket: 'x' } },
        { address: 'module.a[1].aws_s3_bucket.b', values: { bucket: 'y' } },
        { address: 'module.a[0].aws_s3_bucket_public_access_block.p', values: PAB, unknown: { bucket: true } },
        { address: 'aws_s3_bucket.b', values: { bucket: 'root' } },
      ],
      {
        resources: [{ address: 'aws_s3_bucket.b' }],
        module_calls: {
          a: { module: { resources: [{ address: 'aws_s3_bucket.b' }, { address: 'aws_s3_bucket_public_access_block.p', expressions: { ...PAB_EXPRESSIONS, bucket: { references: ['aws_s3_bucket.b.id', 'aws_s3_bucket.b'] } } }] } },
        },
      },
    );
    expect(['module.a[0].aws_s3_bucket.b', 'module.a[1].aws_s3_bucket.b', 'aws_s3_bucket.b'].map((a) => status(S3BucketPublicAccessBlocked, json, a))).toEqual(['compliant', 'non-compliant', 'non-compliant']);
  });
  test('parses module instance keys that hold dots', () => {
    expect(parsePlanAddress('module.m["a.b"].module.n.aws_x.y["k.1"]')).toEqual({ moduleInstance: 'module.m["a.b"].module.n', modulePath: 'module.m.module.n', local: 'aws_x.y', key: '["k.1"]' });
  });
});

describe('unknown values', () => {
  test('an unknown the configuration never set is provider-computed: not configured (object_lock_enabled)', () => {
    const json = plan([{ address: 'aws_s3_bucket.b', values: { bucket: 'b' }, unknown: { object_lock_enabled: true } }], { resources: [{ address: 'aws_s3_bucket.b', expressions: { bucket: { constant_value: 'b' } } }] });
    expect(status(DeletionRecoverable, json, 'aws_s3_bucket.b')).toBe('not-applicable');
  });
  test('an unknown the configuration sets is cannot-verify, never a pass', () => {
    const json = plan([{ address: 'aws_s3_bucket.b', values: { bucket: 'b' }, unknown: { object_lock_enabled: true } }], {
      resources: [{ address: 'aws_s3_bucket.b', expressions: { object_lock_enabled: { references: ['var.lock'] } } }],
    });
    expect(status(DeletionRecoverable, json, 'aws_s3_bucket.b')).toBe('cannot-verify');
  });
  test('without a configuration for the resource, an unknown stays unknown (cannot-verify)', () => {
    const json = plan([{ address: 'aws_iam_role.r', values: { name: 'r' }, unknown: { max_session_duration: true } }], { resources: [] });
    expect(status(RoleSessionAtMostOneHour, json, 'aws_iam_role.r')).toBe('cannot-verify');
  });
});
