import { TAG_KEYS, REQUIRED_TAG_KEYS } from '../../constructs/governance/tags';
import { CONTENT_FILTERS } from '../../constructs/primitives/guardrail';
import { ENDPOINT_SERVICES } from '../../constructs/platform/interface-endpoints';
import { PlatformStack } from '../../stacks/platform-stack';
import { asArray, environment, envProps, MODELS, only, resources, statements, synth, testApp, testStack, type TfJson } from '../support';

let dev: TfJson;
let prod: TfJson;

beforeAll(() => {
  const devStack = testStack();
  environment(devStack);
  dev = synth(devStack);
  const prodStack = testStack(testApp(), 'prod');
  environment(prodStack, { name: 'prod', tier: 'production', kubernetes: undefined });
  prod = synth(prodStack);
});

describe('customer managed key', () => {
  test('rotates yearly', () => {
    expect(only(dev, 'aws_kms_key').enable_key_rotation).toBe(true);
  });
  test('key policy names every principal: no wildcard principal', () => {
    for (const s of statements(only(dev, 'aws_kms_key').policy)) {
      expect(s.Principal).not.toBe('*');
      for (const p of Object.values(s.Principal)) for (const v of asArray(p as string)) expect(v).not.toBe('*');
    }
  });
  test('key policy grants no wildcard action', () => {
    for (const s of statements(only(dev, 'aws_kms_key').policy)) for (const a of asArray(s.Action)) expect(a).not.toMatch(/\*/);
  });
  test('governed roles use the key only through AWS services', () => {
    const s = statements(only(dev, 'aws_kms_key').policy).find((x) => x.Sid === 'GovernedRolesUseKeyThroughServices');
    expect(s.Condition.StringEquals['kms:ViaService']).toContain('secretsmanager.eu-west-1.amazonaws.com');
    expect(s.Condition.ArnLike['aws:PrincipalArn'][0]).toMatch(/:role\/governed\/dev\/\*$/);
  });
  test('deletion window is 30 days and destroy is prevented in prod', () => {
    const key = only(prod, 'aws_kms_key');
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.lifecycle.prevent_destroy).toBe(true);
  });
  test('deletion window outside prod is short but never zero', () => {
    expect(only(dev, 'aws_kms_key').deletion_window_in_days).toBe(7);
  });
});

describe('audit sink', () => {
  test('log groups are encrypted with the environment key', () => {
    for (const [name, lg] of resources(dev, 'aws_cloudwatch_log_group')) expect([name, lg.kms_key_id]).toEqual([name, expect.stringMatching(/aws_kms_key\..*\.arn/)]);
  });
  test('log retention defaults to 90 days outside prod', () => {
    expect(only(dev, 'aws_cloudwatch_log_group', 'invocation-logs').retention_in_days).toBe(90);
  });
  test('log retention defaults to 365 days in prod', () => {
    expect(only(prod, 'aws_cloudwatch_log_group', 'invocation-logs').retention_in_days).toBe(365);
  });
  test('archive bucket is versioned', () => {
    expect(only(dev, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
  });
  test('archive bucket has object lock (GOVERNANCE outside prod, COMPLIANCE in prod)', () => {
    expect(only(dev, 'aws_s3_bucket').object_lock_enabled).toBe(true);
    expect(only(dev, 'aws_s3_bucket_object_lock_configuration').rule.default_retention.mode).toBe('GOVERNANCE');
    expect(only(prod, 'aws_s3_bucket_object_lock_configuration').rule.default_retention.mode).toBe('COMPLIANCE');
  });
  test('archive bucket is encrypted with SSE-KMS and the environment key', () => {
    const rule = only(dev, 'aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default;
    expect(rule.sse_algorithm).toBe('aws:kms');
    expect(rule.kms_master_key_id).toMatch(/aws_kms_key\..*\.arn/);
  });
  test('archive bucket blocks every kind of public access', () => {
    const pab = only(dev, 'aws_s3_bucket_public_access_block');
    expect([pab.block_public_acls, pab.block_public_policy, pab.ignore_public_acls, pab.restrict_public_buckets]).toEqual([true, true, true, true]);
  });
  test('archive bucket policy denies requests without TLS', () => {
    const deny = statements(only(dev, 'aws_s3_bucket_policy').policy).find((s) => s.Sid === 'DenyInsecureTransport');
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } });
  });
  test('archive cannot be force-destroyed, and prod prevents destroy', () => {
    expect(only(dev, 'aws_s3_bucket').force_destroy).toBe(false);
    expect(only(prod, 'aws_s3_bucket').lifecycle.prevent_destroy).toBe(true);
  });
});

describe('model invocation logging', () => {
  test('logs every invocation to the sink log group and the archive', () => {
    const cfg = only(dev, 'aws_bedrock_model_invocation_logging_configuration').logging_config;
    expect(cfg.cloudwatch_config.log_group_name).toMatch(/model-invocations.*\.name|aws_cloudwatch_log_group/);
    expect(cfg.s3_config.bucket_name).toMatch(/aws_s3_bucket\./);
    expect(cfg.text_data_delivery_enabled).toBe(true);
  });
});

describe('interface endpoints', () => {
  const endpoints = () => resources(dev, 'aws_vpc_endpoint').map(([, e]) => e);
  test('one endpoint per required service, plus eks-auth for Kubernetes', () => {
    const services = endpoints().map((e) => e.service_name.replace('com.amazonaws.eu-west-1.', ''));
    expect(services.sort()).toEqual([...ENDPOINT_SERVICES, 'eks-auth'].sort());
  });
  test('every endpoint is an interface endpoint with private DNS', () => {
    for (const e of endpoints()) expect([e.vpc_endpoint_type, e.private_dns_enabled]).toEqual(['Interface', true]);
  });
  test('every endpoint has a policy', () => {
    const inline = endpoints().filter((e) => e.policy).length;
    expect(inline + resources(dev, 'aws_vpc_endpoint_policy').length).toBe(endpoints().length);
  });
  test('endpoint policies admit only governed roles of the environment', () => {
    for (const e of endpoints().filter((x) => !x.service_name.endsWith('eks-auth') && x.policy)) {
      for (const s of statements(e.policy)) expect(s.Condition.ArnLike['aws:PrincipalArn']).toMatch(/:role\/governed\/dev\/\*$/);
    }
  });
  test('the Bedrock endpoint policy allows only the allowed models', () => {
    const bedrock = endpoints().find((e) => e.service_name.endsWith('bedrock-runtime'));
    const invoke = statements(bedrock.policy).find((s) => s.Sid === 'InvokeAllowedModels');
    expect(invoke.Resource).toEqual(MODELS.map((m) => `arn:aws:bedrock:eu-west-1::foundation-model/${m}`));
  });
  test('the endpoint security group admits HTTPS from inside the VPC only', () => {
    const sg = only(dev, 'aws_security_group', 'endpoints');
    expect(sg.ingress).toHaveLength(1);
    expect(sg.ingress[0]).toMatchObject({ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: [expect.stringMatching(/data\.aws_vpc\..*cidr_block/)] });
  });
});

describe('permission boundary', () => {
  const boundary = () => statements(only(dev, 'aws_iam_policy', 'boundary').policy);
  test('caps model calls at the allowed models', () => {
    expect(boundary().find((s) => s.Sid === 'InvokeAllowedModels').Resource).toHaveLength(MODELS.length);
  });
  test('denies every region but the allowed ones', () => {
    expect(boundary().find((s) => s.Sid === 'DenyOutsideAllowedRegions').Condition.StringNotEquals['aws:RequestedRegion']).toEqual(['eu-west-1']);
  });
  test('denies creating users and access keys', () => {
    const deny = boundary().find((s) => s.Effect === 'Deny' && asArray(s.Action).includes('iam:CreateAccessKey'));
    expect(asArray(deny.Action)).toContain('iam:CreateUser');
  });
});

describe('gateway', () => {
  test('is a private REST API reachable through the execute-api endpoint', () => {
    const api = only(dev, 'aws_api_gateway_rest_api');
    expect(api.endpoint_configuration.types).toEqual(['PRIVATE']);
    expect(api.endpoint_configuration.vpc_endpoint_ids[0]).toMatch(/aws_vpc_endpoint\..*execute-api.*\.id/);
  });
  test('resource policy admits governed roles through the environment endpoint and denies any other endpoint', () => {
    const [allow, deny] = statements(only(dev, 'aws_api_gateway_rest_api_policy').policy);
    expect(allow.Condition.StringEquals['aws:SourceVpce']).toMatch(/execute-api/);
    expect(allow.Condition.ArnLike['aws:PrincipalArn']).toMatch(/role\/governed\/dev\/\*$/);
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:SourceVpce': expect.stringMatching(/execute-api/) } } });
  });
  test('every method requires AWS_IAM', () => {
    for (const [, m] of resources(dev, 'aws_api_gateway_method')) expect(m.authorization).toBe('AWS_IAM');
  });
  test('the stage writes access logs to the sink', () => {
    expect(only(dev, 'aws_api_gateway_stage').access_log_settings.destination_arn).toMatch(/gateway-access.*\.arn/);
  });
  test('the stage is throttled', () => {
    expect(only(dev, 'aws_api_gateway_method_settings').settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 100, data_trace_enabled: false });
  });
});

describe('baseline guardrail', () => {
  test('filters harmful content on input and output', () => {
    const filters = only(dev, 'aws_bedrock_guardrail').content_policy_config[0].filters_config;
    expect(filters.map((f: any) => f.type)).toEqual(CONTENT_FILTERS.map((f) => f.type));
  });
  test('anonymizes personal data and blocks credentials', () => {
    const pii = only(dev, 'aws_bedrock_guardrail').sensitive_information_policy_config[0].pii_entities_config;
    expect(pii).toContainEqual({ type: 'EMAIL', action: 'ANONYMIZE' });
    expect(pii).toContainEqual({ type: 'AWS_SECRET_KEY', action: 'BLOCK' });
  });
  test('has a published version', () => {
    expect(only(dev, 'aws_bedrock_guardrail_version').guardrail_arn).toMatch(/aws_bedrock_guardrail\./);
  });
});

describe('rotation function', () => {
  test('is a Lambda from the repo asset, allowed to be invoked by Secrets Manager of this account', () => {
    const fn = only(dev, 'aws_lambda_function');
    expect([fn.runtime, fn.handler]).toEqual(['nodejs22.x', 'index.handler']);
    expect(fn.filename).toMatch(/assets\//);
    expect(only(dev, 'aws_lambda_permission')).toMatchObject({ principal: 'secretsmanager.amazonaws.com', source_account: expect.stringContaining('data.aws_caller_identity') });
  });
});

describe('contract', () => {
  test('is published as one SSM parameter per environment', () => {
    const p = only(dev, 'aws_ssm_parameter');
    expect(p.name).toBe('/governance/dev/contract');
    expect(p.value).toMatch(/^\$\{jsonencode\(/);
  });
});

describe('tags', () => {
  test('every taggable resource carries every governance tag', () => {
    for (const [type, byName] of Object.entries(dev.resource)) {
      for (const [name, r] of Object.entries(byName as Record<string, any>)) {
        if (!('tags' in r)) continue;
        for (const key of REQUIRED_TAG_KEYS) expect([type, name, key, typeof r.tags[key]]).toEqual([type, name, key, 'string']);
      }
    }
  });
  test('the platform stack sets the governance tags as provider default tags', () => {
    const stack = new PlatformStack(testApp(), 'platform', envProps());
    const json = synth(stack) as any;
    expect(json.provider.aws[0].default_tags[0].tags[TAG_KEYS.owner]).toBe('ai-platform');
  });
});
