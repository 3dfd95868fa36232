import { ROTATION_STRATEGY_TAG } from '../../../constructs/governance/rotation';
import { quotaById } from '../../../constructs/policy-engine/quotas/quota-table';
import { quotaUsage } from '../../../constructs/policy-engine/quotas/quota-usage';
import { evaluateApp, type Finding, type Rule } from '../../../constructs/policy-engine/rule-engine';
import { ServiceQuotaHeadroom, serviceQuotaHeadroom } from '../../../constructs/policy-engine/rules/capacity/ServiceQuotaHeadroom';
import { fromPlanJson, fromSynthJson, type StackModel } from '../../../constructs/policy-engine/terraform-json';
import { NOW, planJson, policy, synthJson } from '../fixtures';

/**
 * ServiceQuotaHeadroom on fixture stacks: one compliant and one non-compliant case per way of
 * counting, how consumption is grouped across stacks, and where the limit comes from.
 */

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const CONTRACT = '/governance/dev/contract';
const API_READ = '${jsondecode(data.aws_ssm_parameter.c.value).gateway.restApiId}';

interface StackOptions {
  readonly resource?: Resources;
  readonly data?: Resources;
  readonly provider?: Record<string, unknown>;
}

function stack(name: string, { resource, data, provider }: StackOptions): StackModel {
  const json = synthJson({ stackName: name, resource, data });
  if (provider) (json.provider as { aws: Record<string, unknown>[] }).aws[0] = { ...(json.provider as { aws: Record<string, unknown>[] }).aws[0], ...provider };
  return fromSynthJson(json);
}

function many(n: number, make: (i: number) => Record<string, unknown>, prefix = 'r'): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, make(i)]));
}

/** The platform: its API, its own stage, and the contract that names the API (and raised quotas). */
function platform(serviceQuotas = ''): StackModel {
  const quotas = serviceQuotas ? `, "serviceQuotas" = {${serviceQuotas}}` : '';
  return stack('platform-dev', {
    resource: {
      aws_api_gateway_rest_api: { api: { name: 'governed-dev', endpoint_configuration: { types: ['PRIVATE'] } } },
      aws_api_gateway_stage: { v1: { rest_api_id: '${aws_api_gateway_rest_api.api.id}', stage_name: 'v1' } },
      aws_ssm_parameter: {
        contract: { name: CONTRACT, type: 'String', value: `\${jsonencode({"gateway" = {"restApiId" = aws_api_gateway_rest_api.api.id}, "logRetentionDays" = 90${quotas}})}` },
      },
    },
  });
}

/** A product stack with `n` stages on the API its contract names. */
function product(n: number): StackModel {
  return stack('product-dev', {
    data: { aws_ssm_parameter: { c: { name: CONTRACT } } },
    resource: { aws_api_gateway_stage: many(n, (i) => ({ rest_api_id: API_READ, stage_name: `svc-${i}` }), 'stage') },
  });
}

function findings(stacks: StackModel[], rule: Rule = ServiceQuotaHeadroom): Finding[] {
  return evaluateApp(stacks, [rule], { now: NOW }).flatMap((e) => e.findings);
}

function quotaFindings(stacks: StackModel[], id: string, rule?: Rule): Finding[] {
  return findings(stacks, rule).filter((f) => f.message.includes(`(${id})`));
}

describe('ServiceQuotaHeadroom: grouping across stacks', () => {
  test("counts a product stack's stages against the platform's API through the contract read", () => {
    const f = findings([platform(), product(10)]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'ServiceQuotaHeadroom', level: 'error', status: 'non-compliant', stackName: 'platform-dev', address: 'aws_api_gateway_rest_api.api' });
    expect(f[0].message).toMatch(/"Stages per API" \(apigateway\.stages-per-api\): 11 of 10 \(110 %\) on REST API governed-dev \(platform-dev: aws_api_gateway_rest_api\.api\)/);
    expect(f[0].message).toMatch(/counted: platform-dev 1, product-dev 10/);
  });

  test('a product stack checked alone counts against the API its contract names, reported on its first stage', () => {
    const f = findings([product(11)]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ level: 'error', stackName: 'product-dev', address: 'aws_api_gateway_stage.stage0' });
    expect(f[0].message).toMatch(/11 of 10 \(110 %\) on the REST API the contract \/governance\/dev\/contract names at gateway\.restApiId/);
  });

  test('stages on different APIs are counted apart', () => {
    const two = stack('apis', {
      resource: {
        aws_api_gateway_rest_api: { a: { name: 'a' }, b: { name: 'b' } },
        aws_api_gateway_stage: { ...many(6, () => ({ rest_api_id: '${aws_api_gateway_rest_api.a.id}' }), 'a'), ...many(6, () => ({ rest_api_id: '${aws_api_gateway_rest_api.b.id}' }), 'b') },
      },
    });
    expect(findings([two])).toEqual([]);
  });

  test('reports one finding per quota instance, several on one resource when it is the instance of several', () => {
    const api = stack('api', {
      resource: {
        aws_api_gateway_rest_api: { api: { name: 'gw' } },
        aws_api_gateway_stage: many(11, () => ({ rest_api_id: '${aws_api_gateway_rest_api.api.id}' }), 's'),
        aws_api_gateway_authorizer: many(11, () => ({ rest_api_id: '${aws_api_gateway_rest_api.api.id}' }), 'z'),
      },
    });
    const f = findings([api]);
    expect(f.map((x) => [x.address, x.message.match(/\((apigateway\.[a-z-]+)\)/)![1]])).toEqual([
      ['aws_api_gateway_rest_api.api', 'apigateway.stages-per-api'],
      ['aws_api_gateway_rest_api.api', 'apigateway.authorizers-per-api'],
    ]);
  });

  test('counts from a plan as from synth, following configuration references', () => {
    const plan = fromPlanJson(
      planJson([
        { address: 'aws_api_gateway_rest_api.api', values: { name: 'governed-dev' }, unknown: { id: true } },
        ...Array.from({ length: 11 }, (_, i) => ({ address: `aws_api_gateway_stage.s${i}`, values: { stage_name: `s${i}` }, unknown: { rest_api_id: true }, references: { rest_api_id: ['aws_api_gateway_rest_api.api.id', 'aws_api_gateway_rest_api.api'] } })),
      ]),
    );
    const f = findings([plan]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ level: 'error', address: 'aws_api_gateway_rest_api.api' });
    expect(f[0].message).toMatch(/11 of 10/);
  });

  test('a plan of an existing API counts stages named by its literal id against it', () => {
    const plan = fromPlanJson(
      planJson([
        { address: 'aws_api_gateway_rest_api.api', values: { id: 'a1b2c3', name: 'governed-dev' } },
        ...Array.from({ length: 11 }, (_, i) => ({ address: `aws_api_gateway_stage.s${i}`, values: { rest_api_id: 'a1b2c3', stage_name: `s${i}` } })),
      ]),
    );
    expect(findings([plan]).map((f) => f.address)).toEqual(['aws_api_gateway_rest_api.api']);
  });
});

describe('ServiceQuotaHeadroom: thresholds', () => {
  test('is silent below 80 % (7 of 10)', () => {
    expect(findings([platform(), product(6)])).toEqual([]);
  });
  test('warns at 80 % (8 of 10)', () => {
    const f = findings([platform(), product(7)]);
    expect(f.map((x) => [x.level, x.message.slice(0, 30)])).toEqual([['warning', '80 % or more of the quota: API']]);
    expect(f[0].message).toMatch(/8 of 10 \(80 %\)/);
  });
  test('warns, not fails, at exactly the limit (10 of 10)', () => {
    expect(findings([platform(), product(9)]).map((x) => x.level)).toEqual(['warning']);
  });
  test('just over the limit reads 100.5 %, never a 100 % that is over', () => {
    const [f] = quotaFindings([stack('s', { resource: { aws_iam_role: many(1005, () => ({})) } })], 'iam.roles-per-account');
    expect(f.message).toMatch(/1,005 of 1,000 \(100\.5 %\)/);
  });
  test('fails above the limit with the quota name, where AWS raises it and the design change', () => {
    const [f] = findings([platform(), product(10)]);
    expect(f.fix).toBe(
      'Request "Stages per API" of at least 14 (Service Quotas console (https://console.aws.amazon.com/servicequotas/), Amazon API Gateway; per-API quotas are raised for the named API only) ' +
        'and declare it on the environment (serviceQuotas: { "apigateway.stages-per-api": 14 }) or pass check --quota apigateway.stages-per-api=14; ' +
        'or change the design: One stage per environment, owned by the platform stack; a stage per workload stops an environment at 9 workloads.',
    );
  });
  test('a quota AWS does not raise names the design change only', () => {
    const apis = stack('apis', { resource: { aws_api_gateway_rest_api: many(601, () => ({ endpoint_configuration: { types: ['PRIVATE'] } })) } });
    const [f] = quotaFindings([apis], 'apigateway.private-apis-per-account-region');
    expect(f.fix).toBe('AWS does not raise it. One private API per environment; more than 600 APIs in a Region need more accounts.');
  });
});

describe('ServiceQuotaHeadroom: raised quotas', () => {
  test('counts against a raised quota the platform declares in its contract', () => {
    expect(findings([platform('"apigateway.stages-per-api" = 20'), product(10)])).toEqual([]);
    const [f] = findings([platform('"apigateway.stages-per-api" = 20'), product(15)]);
    expect(f.level).toBe('warning');
    expect(f.message).toMatch(/16 of 20 \(80 %\) .*limit raised, declared by platform-dev \(\/governance\/dev\/contract\): 20/);
  });
  test('a declaration in another account does not apply', () => {
    const declaring = stack('platform-other', {
      provider: { allowed_account_ids: ['222222222222'] },
      resource: { aws_ssm_parameter: { c: { name: '/governance/other/contract', value: '${jsonencode({"serviceQuotas" = {"iam.roles-per-account" = 2000}})}' } } },
    });
    const roles = stack('roles', { provider: { allowed_account_ids: ['111111111111'] }, resource: { aws_iam_role: many(1001, () => ({})) } });
    expect(quotaFindings([declaring, roles], 'iam.roles-per-account').map((f) => f.level)).toEqual(['error']);
  });
  test('a product stack cannot lift the limit by publishing a contract of its own (it reads one: the declaration is refused)', () => {
    // The attack: a team that wants its 10 stages to pass check publishes a contract-named parameter with a raised quota.
    const hostile = stack('product-dev', {
      data: { aws_ssm_parameter: { c: { name: CONTRACT } } },
      resource: {
        aws_api_gateway_stage: many(10, (i) => ({ rest_api_id: API_READ, stage_name: `svc-${i}` }), 'stage'),
        aws_ssm_parameter: { fake: { name: '/governance/shadow/contract', type: 'String', value: '${jsonencode({"serviceQuotas" = {"apigateway.stages-per-api" = 50}})}' } },
      },
    });
    const f = findings([platform(), hostile]);
    expect(f.map((x) => [x.level, x.address])).toEqual([
      ['error', 'aws_api_gateway_rest_api.api'],
      ['error', 'aws_ssm_parameter.fake'],
    ]);
    expect(f[0].message).toMatch(/11 of 10 .*limit the AWS default/);
    expect(f[1].message).toMatch(/allowed: raised quotas declared by the platform stack that publishes the environment contract/);
  });
  test('a parameter not named as a contract declares nothing', () => {
    const other = stack('other', { resource: { aws_ssm_parameter: { p: { name: '/team/settings', type: 'String', value: '${jsonencode({"serviceQuotas" = {"apigateway.stages-per-api" = 50}})}' } } } });
    expect(findings([platform(), product(10), other]).map((x) => x.message.match(/\d+ of \d+/)?.[0])).toEqual(['11 of 10']);
  });
  test('check --quota raises the limit everywhere', () => {
    const rule = serviceQuotaHeadroom({ raised: { 'apigateway.stages-per-api': 12 } });
    const [f] = findings([platform(), product(10)], rule);
    expect(f.level).toBe('warning');
    expect(f.message).toMatch(/11 of 12 \(92 %\).*limit raised, given to check --quota/);
  });
  test('fails when the contract declares a quota the table does not know (a hand-edited contract)', () => {
    const f = findings([platform('"apigateway.stage-per-api" = 20')]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ level: 'error', address: 'aws_ssm_parameter.contract' });
    expect(f[0].message).toMatch(/\/governance\/dev\/contract serviceQuotas\["apigateway\.stage-per-api"\]: got "apigateway\.stage-per-api"; allowed: a quota id of the table/);
  });
  test('fails when the contract declares a value AWS does not raise to', () => {
    const f = findings([platform('"iam.roles-per-account" = 9000')]);
    expect(f[0].message).toMatch(/got 9000; allowed: a whole number above the default 1000 and at most 5000/);
  });
});

describe('ServiceQuotaHeadroom: accounts and Regions', () => {
  const roles = (name: string, n: number, provider?: Record<string, unknown>) => stack(name, { provider, resource: { aws_iam_role: many(n, () => ({})) } });
  test('stacks that name no account are one account: 600 + 600 roles are over 1,000', () => {
    const f = quotaFindings([roles('a', 600), roles('b', 600)], 'iam.roles-per-account');
    expect(f.map((x) => x.level)).toEqual(['error']);
    expect(f[0].message).toMatch(/1,200 of 1,000 \(120 %\) on the account the stacks are applied with/);
  });
  test('accounts named by allowed_account_ids are counted apart', () => {
    expect(quotaFindings([roles('a', 600, { allowed_account_ids: ['111111111111'] }), roles('b', 600, { allowed_account_ids: ['222222222222'] })], 'iam.roles-per-account')).toEqual([]);
  });
  test('an assume_role ARN names the account', () => {
    const a = roles('a', 600, { assume_role: [{ role_arn: 'arn:aws:iam::111111111111:role/deploy' }] });
    const b = roles('b', 600, { assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/deploy' }] });
    expect(quotaFindings([a, b], 'iam.roles-per-account')).toEqual([]);
  });
  test('a plan names the Region of each resource through its provider configuration (aliases too)', () => {
    const json = planJson([
      ...Array.from({ length: 200 }, (_, i) => ({ address: `aws_api_gateway_usage_plan.eu${i}`, values: {} })),
      ...Array.from({ length: 200 }, (_, i) => ({ address: `aws_api_gateway_usage_plan.us${i}`, values: {} })),
    ]) as { configuration: { provider_config: Record<string, unknown>; root_module: { resources: { address: string; provider_config_key?: string }[] } } };
    json.configuration.provider_config = {
      aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } },
      'aws.us': { name: 'aws', alias: 'us', expressions: { region: { constant_value: 'us-east-1' } } },
    };
    for (const r of json.configuration.root_module.resources) r.provider_config_key = r.address.includes('.us') ? 'aws.us' : 'aws';
    const usages = quotaUsage([fromPlanJson(json)]).usages.filter((u) => u.quota.id === 'apigateway.usage-plans-per-account-region');
    expect(usages.map((u) => [u.scope.region, u.used])).toEqual([['eu-west-1', 200], ['us-east-1', 200]]);
  });
  test('usage plans are counted per Region', () => {
    const plans = (name: string, region: string) => stack(name, { provider: { region }, resource: { aws_api_gateway_usage_plan: many(200, () => ({})) } });
    expect(quotaFindings([plans('eu', 'eu-west-1'), plans('us', 'us-east-1')], 'apigateway.usage-plans-per-account-region')).toEqual([]);
    expect(quotaFindings([plans('eu', 'eu-west-1'), plans('eu2', 'eu-west-1')], 'apigateway.usage-plans-per-account-region').map((f) => f.level)).toEqual(['error']);
  });
});

/**
 * Quotas counted one per resource in an account and Region. The count is checked against the real
 * default; the threshold with the default lowered to 6 (100,000 fixture resources would only slow
 * the suite: the thresholds are the same code for every quota).
 */
describe.each([
  ['apigateway.private-apis-per-account-region', 'aws_api_gateway_rest_api', 600, { endpoint_configuration: { types: ['PRIVATE'] } }],
  ['apigateway.usage-plans-per-account-region', 'aws_api_gateway_usage_plan', 300, {}],
  ['apigateway.client-certificates-per-account-region', 'aws_api_gateway_client_certificate', 60, {}],
  ['apigateway.vpc-links-per-account-region', 'aws_api_gateway_vpc_link', 20, {}],
  ['iam.roles-per-account', 'aws_iam_role', 1000, {}],
  ['iam.customer-managed-policies-per-account', 'aws_iam_policy', 1500, {}],
  ['ssm.standard-parameters-per-account-region', 'aws_ssm_parameter', 10000, { tier: 'Standard' }],
  ['ssm.advanced-parameters-per-account-region', 'aws_ssm_parameter', 100000, { tier: 'Advanced' }],
  ['kms.keys-per-account-region', 'aws_kms_key', 100000, {}],
  ['verifiedpermissions.policy-stores-per-account-region', 'aws_verifiedpermissions_policy_store', 30000, {}],
] as const)('ServiceQuotaHeadroom: %s counts %s', (id, type, limit, values) => {
  const seven = () => stack('s', { resource: { [type]: many(7, () => ({ ...values })) } });
  test(`counts each against the default ${limit}`, () => {
    expect(quotaUsage([seven()]).usages.filter((u) => u.quota.id === id).map((u) => [u.used, u.limit])).toEqual([[7, limit]]);
  });
  test('an error above the limit (7 of 6)', () => {
    const lowered = serviceQuotaHeadroom({ quotas: [{ ...quotaById(id)!, default: 6 }] });
    expect(findings([seven()], lowered).map((f) => [f.level, f.message.match(/\d+ of \d+/)![0]])).toEqual([['error', '7 of 6']]);
  });
});

describe('ServiceQuotaHeadroom: how each quota counts', () => {
  test('API keys: one per aws_api_gateway_api_key and two per rotated API-key secret (current and pending)', () => {
    const s = stack('s', {
      resource: {
        aws_api_gateway_api_key: many(10, () => ({})),
        aws_secretsmanager_secret: { ...many(4400, () => ({ tags: { [ROTATION_STRATEGY_TAG]: 'api-gateway-key' } }), 'k'), ...many(5, () => ({ tags: { [ROTATION_STRATEGY_TAG]: 'generated-token' } }), 't') },
      },
    });
    const [f] = quotaFindings([s], 'apigateway.api-keys-per-account-region');
    expect(f.level).toBe('warning');
    expect(f.message).toMatch(/8,810 of 10,000 \(88 %\)/);
  });

  test('fails when the callers\' rotated keys exceed API keys per account and Region: 5,001 secrets are 10,002 keys', () => {
    const s = stack('s', { resource: { aws_secretsmanager_secret: many(5001, () => ({ tags: { [ROTATION_STRATEGY_TAG]: 'api-gateway-key' } }), 'k') } });
    const [f] = quotaFindings([s], 'apigateway.api-keys-per-account-region');
    expect(f.level).toBe('error');
    expect(f.message).toMatch(/"API keys per account per Region" \(apigateway\.api-keys-per-account-region\): 10,002 of 10,000/);
    expect(f.fix).toMatch(/AWS does not raise it.*separate accounts/);
  });

  test('usage plans per API key: a rotated key is on its quota tier\'s usage plan only, and a revoked one on none', () => {
    const s = stack('s', {
      resource: {
        aws_secretsmanager_secret: {
          live: { tags: { [ROTATION_STRATEGY_TAG]: 'api-gateway-key' } },
          revoked: { tags: { [ROTATION_STRATEGY_TAG]: 'api-gateway-key', 'governance:revoked-at': '2026-11-01' } },
          token: { tags: { [ROTATION_STRATEGY_TAG]: 'generated-token' } },
        },
      },
    });
    const usages = quotaUsage([s]).usages.filter((u) => u.quota.id === 'apigateway.usage-plans-per-api-key');
    expect(usages.map((u) => [u.anchor?.resource.address, u.used])).toEqual([['aws_secretsmanager_secret.live', 1]]);
    // The revoked secret's keys still exist (disabled): they count against the Region's keys.
    expect(quotaUsage([s]).usages.find((u) => u.quota.id === 'apigateway.api-keys-per-account-region')!.used).toBe(4);
  });

  test('resources per API: each aws_api_gateway_resource', () => {
    const s = (n: number) => stack('s', { resource: { aws_api_gateway_rest_api: { api: {} }, aws_api_gateway_resource: many(n, () => ({ rest_api_id: '${aws_api_gateway_rest_api.api.id}' })) } });
    expect(quotaFindings([s(200)], 'apigateway.resources-per-api')).toEqual([]);
    expect(quotaFindings([s(301)], 'apigateway.resources-per-api').map((f) => f.level)).toEqual(['error']);
  });

  test('usage plans per API key: usage plan keys per key_id', () => {
    const s = (n: number) => stack('s', { resource: { aws_api_gateway_api_key: { k: {} }, aws_api_gateway_usage_plan_key: many(n, () => ({ key_id: '${aws_api_gateway_api_key.k.id}', key_type: 'API_KEY' })) } });
    expect(quotaFindings([s(5)], 'apigateway.usage-plans-per-api-key')).toEqual([]);
    expect(quotaFindings([s(11)], 'apigateway.usage-plans-per-api-key').map((f) => [f.level, f.address])).toEqual([['error', 'aws_api_gateway_api_key.k']]);
  });

  test('resource policy length: the minified policy of the API', () => {
    const long = policy({ Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: Array.from({ length: 200 }, (_, i) => `arn:aws:execute-api:eu-west-1:123456789012:api/v1/POST/w${i}`) });
    const short = policy({ Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:api/*' });
    expect(quotaFindings([stack('s', { resource: { aws_api_gateway_rest_api: { api: { policy: short } } } })], 'apigateway.resource-policy-length')).toEqual([]);
    const [f] = quotaFindings([stack('s', { resource: { aws_api_gateway_rest_api: { api: {} }, aws_api_gateway_rest_api_policy: { p: { rest_api_id: '${aws_api_gateway_rest_api.api.id}', policy: long } } } })], 'apigateway.resource-policy-length');
    expect(f).toMatchObject({ level: 'error', address: 'aws_api_gateway_rest_api.api' });
    expect(f.message).toMatch(/of 8,192 characters/);
  });

  test('managed policies per role: attachments per role', () => {
    const s = (n: number) =>
      stack('s', { resource: { aws_iam_role: { r: { name: 'r' } }, aws_iam_role_policy_attachment: many(n, (i) => ({ role: '${aws_iam_role.r.name}', policy_arn: `arn:aws:iam::aws:policy/P${i}` })) } });
    expect(quotaFindings([s(7)], 'iam.managed-policies-per-role')).toEqual([]);
    expect(quotaFindings([s(11)], 'iam.managed-policies-per-role').map((f) => [f.level, f.address])).toEqual([['error', 'aws_iam_role.r']]);
  });

  test('role trust policy length: characters without white space, as IAM counts', () => {
    const trust = (n: number, pad: string) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: Array.from({ length: n }, (_, i) => `arn:aws:iam::123456789012:role/caller-${String(i).padStart(4, '0')}`) }, Action: 'sts:AssumeRole' }] }, null, pad);
    // 30 ARNs are about 1,430 characters of content (70 %) whatever the indentation, which IAM does not count; 48 are over.
    expect(quotaUsage([stack('s', { resource: { aws_iam_role: { r: { assume_role_policy: trust(30, '        ') } } } })]).usages.find((u) => u.quota.id === 'iam.role-trust-policy-length')!.used).toBe(trust(30, '').length);
    expect(quotaFindings([stack('s', { resource: { aws_iam_role: { r: { assume_role_policy: trust(30, '        ') } } } })], 'iam.role-trust-policy-length')).toEqual([]);
    const [f] = quotaFindings([stack('s', { resource: { aws_iam_role: { r: { assume_role_policy: trust(48, '') } } } })], 'iam.role-trust-policy-length');
    expect(f.level).toBe('error');
    expect(f.message).toMatch(/of 2,048 characters/);
    expect(f.message).not.toMatch(/estimated/);
  });

  test('a policy with references is measured with the references at their expression length, and says so', () => {
    const trust = policy({ Effect: 'Allow', Principal: { AWS: Array.from({ length: 40 }, (_, i) => `\${aws_iam_role.caller_with_a_long_construct_name_${i}.arn}`) }, Action: 'sts:AssumeRole' });
    const [f] = quotaFindings([stack('s', { resource: { aws_iam_role: { r: { assume_role_policy: trust } } } })], 'iam.role-trust-policy-length');
    expect(f.message).toMatch(/estimated: references \(\$\{\.\.\.\}\) counted at the length of their expression/);
  });

  test('a trust policy that is an expression cannot be verified (a warning, an error with --strict)', () => {
    const s = stack('s', { resource: { aws_iam_role: { r: { assume_role_policy: '${var.trust}' } } } });
    const [f] = quotaFindings([s], 'iam.role-trust-policy-length');
    expect(f).toMatchObject({ status: 'cannot-verify', level: 'warning' });
    expect(f.message).toMatch(/not measured: aws_iam_role\.r \(the policy is the expression \$\{var\.trust\}, known only at apply\)/);
    expect(evaluateApp([s], [ServiceQuotaHeadroom], { now: NOW, strict: true }).flatMap((e) => e.errors)).toHaveLength(1);
  });

  test('in a plan, a value the provider computes (unknown, no configuration behind it) is not a policy to measure', () => {
    const plan = fromPlanJson(planJson([{ address: 'aws_iam_role.r', values: { assume_role_policy: policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) }, unknown: { managed_policy_arns: true, inline_policy: true } }, { address: 'aws_kms_key.k', values: {}, unknown: { policy: true } }]));
    expect(findings([plan])).toEqual([]);
  });
  test('a trust policy from a policy document data source is rendered and measured', () => {
    const s = stack('s', {
      data: { aws_iam_policy_document: { t: { statement: [{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] }] } } },
      resource: { aws_iam_role: { r: { assume_role_policy: '${data.aws_iam_policy_document.t.json}' } } },
    });
    const u = quotaUsage([s]).usages.find((x) => x.quota.id === 'iam.role-trust-policy-length')!;
    expect(u.used).toBe(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Principal: { Service: ['lambda.amazonaws.com'] } }] }).length);
    expect(u.estimates).toEqual(['rendered from data.aws_iam_policy_document.t']);
  });

  test('inline policies of a role: the aggregate of all of them', () => {
    const big = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/prefix/*`) });
    const s = (n: number) => stack('s', { resource: { aws_iam_role: { r: { name: 'r' } }, aws_iam_role_policy: many(n, () => ({ role: '${aws_iam_role.r.id}', policy: big })) } });
    expect(quotaFindings([s(2)], 'iam.role-inline-policies-size')).toEqual([]);
    const [f] = quotaFindings([s(5)], 'iam.role-inline-policies-size');
    expect(f).toMatchObject({ level: 'error', address: 'aws_iam_role.r' });
  });

  test('interface endpoints per VPC: gateway endpoints do not count', () => {
    const s = (interfaces: number) =>
      stack('s', {
        resource: {
          aws_vpc: { v: {} },
          aws_vpc_endpoint: { ...many(interfaces, () => ({ vpc_id: '${aws_vpc.v.id}', vpc_endpoint_type: 'Interface' }), 'i'), ...many(20, () => ({ vpc_id: '${aws_vpc.v.id}' }), 'g') },
        },
      });
    expect(quotaFindings([s(30)], 'vpc.interface-endpoints-per-vpc')).toEqual([]);
    expect(quotaFindings([s(51)], 'vpc.interface-endpoints-per-vpc').map((f) => [f.level, f.address])).toEqual([['error', 'aws_vpc.v']]);
  });

  test('rules per security group: each CIDR, per direction and IP version', () => {
    const cidrs = (n: number) => Array.from({ length: n }, (_, i) => `10.${i}.0.0/16`);
    const s = stack('s', {
      resource: {
        aws_security_group: { sg: { name: 'sg', ingress: [{ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: cidrs(40), ipv6_cidr_blocks: [] }], egress: [{ from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: cidrs(50) }] } },
        aws_vpc_security_group_ingress_rule: many(21, (i) => ({ security_group_id: '${aws_security_group.sg.id}', cidr_ipv4: `192.168.${i}.0/24` })),
      },
    });
    const f = quotaFindings([s], 'vpc.rules-per-security-group');
    expect(f.map((x) => [x.level, x.message.match(/\d+ of 60/)![0], x.message.includes('inbound IPv4')])).toEqual([
      ['error', '61 of 60', true],
      ['warning', '50 of 60', false],
    ]);
  });

  test('Lambda concurrency: reserved concurrency plus the 100 Lambda keeps unreserved', () => {
    const s = (reserved: number) => stack('s', { resource: { aws_lambda_function: { a: { reserved_concurrent_executions: reserved }, b: { reserved_concurrent_executions: -1 } } } });
    expect(quotaFindings([s(600)], 'lambda.concurrent-executions-per-account-region')).toEqual([]);
    const [f] = quotaFindings([s(850)], 'lambda.concurrent-executions-per-account-region');
    expect(f.level).toBe('warning');
    expect(f.message).toMatch(/950 of 1,000 concurrent executions/);
  });

  test('KMS key policy size: bytes of the key policy', () => {
    const kp = (n: number) => policy(...Array.from({ length: n }, (_, i) => ({ Sid: `Use${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::123456789012:role/workload-${i}` }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' })));
    expect(quotaFindings([stack('s', { resource: { aws_kms_key: { k: { policy: kp(50) } } } })], 'kms.key-policy-size')).toEqual([]);
    expect(quotaFindings([stack('s', { resource: { aws_kms_key: { k: {} }, aws_kms_key_policy: { p: { key_id: '${aws_kms_key.k.id}', policy: kp(250) } } } })], 'kms.key-policy-size').map((f) => [f.level, f.address])).toEqual([
      ['error', 'aws_kms_key.k'],
    ]);
  });

  test('Verified Permissions policy size: bytes of the Cedar statement', () => {
    const cedar = (n: number) => `permit (principal, action, resource) when { ${Array.from({ length: n }, (_, i) => `context.tool == "tool-${i}"`).join(' || ')} };`;
    const s = (n: number) => stack('s', { resource: { aws_verifiedpermissions_policy: { p: { policy_store_id: 'ps', definition: [{ static: [{ statement: cedar(n) }] }] } } } });
    expect(quotaFindings([s(100)], 'verifiedpermissions.policy-size')).toEqual([]);
    expect(quotaFindings([s(400)], 'verifiedpermissions.policy-size').map((f) => f.level)).toEqual(['error']);
  });
});
