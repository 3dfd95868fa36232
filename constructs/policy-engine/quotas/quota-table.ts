import { ROTATION_STRATEGY_TAG } from '../../governance/rotation';
import { TAG_KEYS } from '../../governance/tags';
import { blocks, isConfigured, isUnresolvedValue, type StackModel, type TfResource } from '../terraform-json';
import { argumentPolicySize, combined, countOf, policySize, type Amount, type Share } from './measures';
import type { Contribution, Measure, MeasureContext, QuotaDefinition, ScopeInstance } from './quota-definition';
import { accountScope, referenceScope, regionScope, selfScope } from './scopes';

/**
 * The AWS service quotas this library's resources consume, one row per quota: the number, where
 * it comes from, whether AWS raises it, and how `check` counts it from Terraform JSON (synthesized
 * cdk.tf.json and `terraform show -json` plans alike). README "Quotas" is generated from this
 * table (test/governance/quotas/quota-readme.test.ts keeps them equal).
 *
 * Every number is from the AWS documentation page in `source`, read 2026-12. Left out, with the
 * reason in README "Quotas": Secrets Manager's secrets per Region (no stored source gives the
 * number), Verified Permissions policy size per resource (needs the Cedar scope of every policy)
 * and schema size (its documentation revisions disagree: 100,000 and 200,000 bytes).
 */

const APIGATEWAY_REST = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html';
const IAM_QUOTAS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';
const VPC_QUOTAS = 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html';
const SSM_TIERS = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html';
const LAMBDA_QUOTAS = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const LAMBDA_RESERVED = 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html';
const KMS_QUOTAS = 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html';
const AVP_QUOTAS = 'https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/quotas.html';

const SERVICE_QUOTAS_CONSOLE = 'Service Quotas console (https://console.aws.amazon.com/servicequotas/)';

// ---------------------------------------------------------------------------------------------
// Scopes used by several rows

type ScopeOf = (context: MeasureContext, stack: StackModel, resource: TfResource) => ScopeInstance | undefined;

const perRegion: ScopeOf = (_c, stack, r) => regionScope(stack, r);
const perAccount: ScopeOf = (_c, stack, r) => accountScope(stack, r);
const restApi = (attribute: string): ScopeOf => (c, stack, r) => referenceScope(c.app, stack, r, attribute, 'aws_api_gateway_rest_api', 'REST API');
const role = (attribute: string): ScopeOf => (c, stack, r) => referenceScope(c.app, stack, r, attribute, 'aws_iam_role', 'role');
const itself = (kind: string): ScopeOf => (_c, stack, r) => selfScope(stack, r, kind);

/**
 * API keys a rotated key secret holds at once: the rotation function creates the pending key while
 * the current one serves and deletes the old key when the new one becomes current (one valid key
 * after every rotation; functions/secret-rotation/README.md). A revoked secret's keys are disabled
 * and detached but stay until deleted, so they count too.
 */
const ROTATED_KEYS_AT_PEAK = 2;

function isRotatedApiKey(r: TfResource): boolean {
  return r.type === 'aws_secretsmanager_secret' && r.effectiveTags[ROTATION_STRATEGY_TAG] === 'api-gateway-key';
}

function stringList(value: unknown): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : undefined;
}

/** The length of a list argument; an expression for the whole list cannot be counted. */
function listShare(value: unknown, what: string): Share {
  const list = stringList(value);
  if (!list) return { unmeasured: `${what} is the expression ${String(value)}, known only at apply` };
  return list.length ? { amount: list.length } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Security group rules: AWS counts each CIDR, security group and prefix list of a rule, inbound
// and outbound apart, IPv4 and IPv6 apart (VPC quotas page, "Security group size").

function ruleShares(sg: ScopeInstance, direction: 'inbound' | 'outbound', rule: Record<string, unknown>): Amount[] {
  const at = (version: string): ScopeInstance => ({ ...sg, key: `${sg.key} ${direction} ${version}`, label: `${sg.label}, ${direction} ${version} rules` });
  const shares: Amount[] = [];
  let v4 = 0;
  let v6 = 0;
  let estimated: string | undefined;
  for (const [attr, version] of [['cidr_blocks', 4], ['security_groups', 4], ['prefix_list_ids', 4], ['ipv6_cidr_blocks', 6]] as const) {
    const v = rule[attr];
    const list = stringList(v);
    const n = list ? list.length : 1;
    if (!list) estimated = `${attr} is an expression, counted as one entry`;
    if (version === 6) v6 += n;
    else v4 += n;
  }
  if (rule.self === true) v4 += 1;
  // The rule-per-resource types name one peer each.
  for (const attr of ['cidr_ipv4', 'referenced_security_group_id', 'prefix_list_id', 'source_security_group_id']) if (rule[attr] !== undefined && rule[attr] !== null) v4 += 1;
  if (rule.cidr_ipv6 !== undefined && rule.cidr_ipv6 !== null) v6 += 1;
  if (v4) shares.push({ amount: v4, estimated, scope: at('IPv4'), note: 'each CIDR, security group and prefix list counts (a prefix list counts its maximum entries, known only at apply)' });
  if (v6) shares.push({ amount: v6, estimated, scope: at('IPv6') });
  return shares;
}

const securityGroupRules: Measure = combined(
  '`aws_security_group` ingress and egress blocks, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule` and `_egress_rule`, per security group, direction and IP version; each CIDR, group and prefix list is a rule',
  countOf({
    types: ['aws_security_group'],
    description: '',
    scope: itself('security group'),
    share: (stack, r) => {
      const sg = selfScope(stack, r, 'security group');
      return [
        ...blocks(r.values.ingress).flatMap((rule) => ruleShares(sg, 'inbound', rule)),
        ...blocks(r.values.egress).flatMap((rule) => ruleShares(sg, 'outbound', rule)),
      ];
    },
  }),
);

/** Rules of the per-rule resource types, which need the app to find their group. */
const separateRules: Measure = {
  types: ['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'],
  description: '',
  measure(context) {
    const contributions: Contribution[] = [];
    for (const stack of context.app) {
      for (const type of this.types) {
        for (const r of stack.ofType(type)) {
          if (r.mode !== 'managed') continue;
          const sg = referenceScope(context.app, stack, r, 'security_group_id', 'aws_security_group', 'security group');
          const direction = type === 'aws_security_group_rule' ? (r.values.type === 'egress' ? 'outbound' : 'inbound') : type.endsWith('egress_rule') ? 'outbound' : 'inbound';
          for (const share of ruleShares(sg, direction, r.values)) contributions.push({ stack, resource: r, scope: share.scope!, amount: share.amount, estimated: share.estimated, note: share.note });
        }
      }
    }
    return { contributions, unmeasured: [] };
  },
};

// ---------------------------------------------------------------------------------------------
// Lambda: reserved concurrency is what a configuration consumes of the account's concurrent
// executions, and Lambda keeps 100 of them unreserved (LAMBDA_RESERVED: "You can reserve up to the
// Unreserved account concurrency value that is shown, minus 100"). Unreserved functions consume
// concurrency only at run time, which no configuration shows.

const lambdaConcurrency: Measure = {
  types: ['aws_lambda_function'],
  description: '`reserved_concurrent_executions` of `aws_lambda_function` per account and Region, plus the 100 Lambda keeps unreserved',
  measure(context) {
    const contributions: Contribution[] = [];
    const unmeasured = [];
    const seen = new Set<string>();
    for (const stack of context.app) {
      for (const r of stack.ofType('aws_lambda_function')) {
        if (r.mode !== 'managed') continue;
        const scope = regionScope(stack, r);
        if (!seen.has(scope.key)) {
          seen.add(scope.key);
          contributions.push({ stack, resource: r, scope, amount: 100, note: 'the 100 Lambda keeps unreserved in every account and Region' });
        }
        const reserved = r.values.reserved_concurrent_executions;
        if (typeof reserved === 'number' && reserved > 0) contributions.push({ stack, resource: r, scope, amount: reserved, note: 'reserved concurrency' });
        else if (isUnresolvedValue(reserved)) unmeasured.push({ stack, resource: r, scope, reason: `reserved_concurrent_executions is the expression ${String(reserved)}` });
      }
    }
    return { contributions, unmeasured };
  },
};

// ---------------------------------------------------------------------------------------------
// The table

function quota(def: QuotaDefinition): QuotaDefinition {
  return def;
}

export const SERVICE_QUOTAS = [
  // API Gateway (REST APIs)
  quota({
    id: 'apigateway.resources-per-api',
    service: 'API Gateway',
    name: 'Resources per API',
    scope: 'api',
    unit: 'count',
    default: 300,
    adjustable: true,
    source: APIGATEWAY_REST,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon API Gateway; per-API quotas are raised for the named API only`,
    designChange: 'Route with path parameters (`/workloads/{workload}/invoke`) on a fixed set of resources instead of resources per workload.',
    measure: countOf({ types: ['aws_api_gateway_resource'], description: '`aws_api_gateway_resource` per `rest_api_id`', scope: restApi('rest_api_id') }),
  }),
  quota({
    id: 'apigateway.stages-per-api',
    service: 'API Gateway',
    name: 'Stages per API',
    scope: 'api',
    unit: 'count',
    default: 10,
    adjustable: true,
    source: APIGATEWAY_REST,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon API Gateway; per-API quotas are raised for the named API only`,
    designChange: 'One stage per environment, owned by the platform stack; a stage per workload stops an environment at 9 workloads.',
    measure: countOf({ types: ['aws_api_gateway_stage'], description: '`aws_api_gateway_stage` per `rest_api_id`', scope: restApi('rest_api_id') }),
  }),
  quota({
    id: 'apigateway.authorizers-per-api',
    service: 'API Gateway',
    name: 'Authorizers per API (AWS Lambda and Amazon Cognito)',
    scope: 'api',
    unit: 'count',
    default: 10,
    adjustable: true,
    source: APIGATEWAY_REST,
    increase: 'AWS Support Center (the quota page asks to contact support); raised for the named API only',
    designChange: 'Decide tool calls after SigV4 in one gateway function instead of one request authorizer per agent.',
    measure: countOf({ types: ['aws_api_gateway_authorizer'], description: '`aws_api_gateway_authorizer` per `rest_api_id`', scope: restApi('rest_api_id') }),
  }),
  quota({
    id: 'apigateway.resource-policy-length',
    service: 'API Gateway',
    name: 'Length, in characters, of API Gateway resource policy',
    scope: 'api',
    unit: 'characters',
    default: 8192,
    adjustable: true,
    source: APIGATEWAY_REST,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon API Gateway; raised for the named API only`,
    designChange: "Grant callers execute-api:Invoke in their own identity policies; keep the API's resource policy to the VPC endpoint and its deny statements.",
    measure: combined(
      '`policy` of `aws_api_gateway_rest_api` and of `aws_api_gateway_rest_api_policy` (per `rest_api_id`), minified',
      countOf({ types: ['aws_api_gateway_rest_api'], description: '', scope: itself('REST API'), share: (stack, r) => argumentPolicySize(stack, r, 'policy', 'characters') }),
      countOf({ types: ['aws_api_gateway_rest_api_policy'], description: '', scope: restApi('rest_api_id'), share: (stack, r) => argumentPolicySize(stack, r, 'policy', 'characters') }),
    ),
  }),
  quota({
    id: 'apigateway.private-apis-per-account-region',
    service: 'API Gateway',
    name: 'Private APIs per account per Region',
    scope: 'account-region',
    unit: 'count',
    default: 600,
    adjustable: false,
    source: APIGATEWAY_REST,
    increase: 'AWS does not raise it.',
    designChange: 'One private API per environment; more than 600 APIs in a Region need more accounts.',
    measure: countOf({
      types: ['aws_api_gateway_rest_api'],
      description: '`aws_api_gateway_rest_api` whose `endpoint_configuration.types` is PRIVATE (or an expression), per account and Region',
      scope: perRegion,
      share: (_s, r) => {
        const types = blocks(r.values.endpoint_configuration).flatMap((b) => stringList(b.types) ?? [String(b.types)]);
        if (types.includes('PRIVATE')) return { amount: 1 };
        if (types.some((t) => isUnresolvedValue(t))) return { amount: 1, estimated: 'the endpoint type is an expression; counted as private' };
        return undefined;
      },
    }),
  }),
  quota({
    id: 'apigateway.api-keys-per-account-region',
    service: 'API Gateway',
    name: 'API keys per account per Region',
    scope: 'account-region',
    unit: 'count',
    default: 10000,
    adjustable: false,
    source: APIGATEWAY_REST,
    increase: 'AWS does not raise it.',
    designChange: 'One key per calling workload (2 at the peak of a rotation): past about 5,000 callers in a Region, put environments in separate accounts.',
    measure: countOf({
      types: ['aws_api_gateway_api_key', 'aws_secretsmanager_secret'],
      description:
        '`aws_api_gateway_api_key`, plus 2 per Secrets Manager secret tagged `governance:rotation-strategy = api-gateway-key` (the rotation function issues a pending key beside the current one and deletes the old key when the new one becomes current), per account and Region',
      scope: perRegion,
      share: (_s, r) => {
        if (r.type === 'aws_api_gateway_api_key') return { amount: 1 };
        return isRotatedApiKey(r) ? { amount: ROTATED_KEYS_AT_PEAK, note: 'the current key and the pending one during a rotation (functions/secret-rotation/README.md, "One valid key")' } : undefined;
      },
    }),
  }),
  quota({
    id: 'apigateway.usage-plans-per-account-region',
    service: 'API Gateway',
    name: 'Usage plans per account per Region',
    scope: 'account-region',
    unit: 'count',
    default: 300,
    adjustable: true,
    source: APIGATEWAY_REST,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon API Gateway`,
    designChange: 'Usage plans per quota tier (a few per environment) with one API key per caller on them, not one usage plan per workload.',
    measure: countOf({ types: ['aws_api_gateway_usage_plan'], description: '`aws_api_gateway_usage_plan` per account and Region', scope: perRegion }),
  }),
  quota({
    id: 'apigateway.usage-plans-per-api-key',
    service: 'API Gateway',
    name: 'Usage plans per API key',
    scope: 'api-key',
    unit: 'count',
    default: 10,
    adjustable: true,
    source: APIGATEWAY_REST,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon API Gateway`,
    designChange: "Attach each caller's key to the one usage plan of its quota tier.",
    measure: combined(
      '`aws_api_gateway_usage_plan_key` per `key_id`, plus 1 per key of a secret tagged `governance:rotation-strategy = api-gateway-key` (the rotation function attaches each key it issues to the usage plan of the secret\'s quota tier only)',
      countOf({ types: ['aws_api_gateway_usage_plan_key'], description: '', scope: (c, stack, r) => referenceScope(c.app, stack, r, 'key_id', 'aws_api_gateway_api_key', 'API key') }),
      countOf({
        types: ['aws_secretsmanager_secret'],
        description: '',
        scope: itself('API keys of secret'),
        // A revoked secret's keys are taken off their usage plan (the rotation function's revoke action).
        share: (_s, r) => (isRotatedApiKey(r) && r.effectiveTags[TAG_KEYS.revokedAt] === undefined ? { amount: 1, note: "the usage plan of the secret's governance:quota-tier" } : undefined),
      }),
    ),
  }),
  quota({
    id: 'apigateway.client-certificates-per-account-region',
    service: 'API Gateway',
    name: 'Client certificates per account per Region',
    scope: 'account-region',
    unit: 'count',
    default: 60,
    adjustable: true,
    source: APIGATEWAY_REST,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon API Gateway`,
    designChange: 'One client certificate per environment.',
    measure: countOf({ types: ['aws_api_gateway_client_certificate'], description: '`aws_api_gateway_client_certificate` per account and Region', scope: perRegion }),
  }),
  quota({
    id: 'apigateway.vpc-links-per-account-region',
    service: 'API Gateway',
    name: 'VPC links per account per Region',
    scope: 'account-region',
    unit: 'count',
    default: 20,
    adjustable: true,
    source: APIGATEWAY_REST,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon API Gateway`,
    designChange: "One VPC link per environment, to the in-cluster gateway's load balancer; never one per workload.",
    measure: countOf({ types: ['aws_api_gateway_vpc_link'], description: '`aws_api_gateway_vpc_link` per account and Region', scope: perRegion }),
  }),

  // IAM (global: per account)
  quota({
    id: 'iam.roles-per-account',
    service: 'IAM',
    name: 'Roles in an AWS account',
    scope: 'account',
    unit: 'count',
    default: 1000,
    adjustable: true,
    maximum: 5000,
    source: IAM_QUOTAS,
    increase: `${SERVICE_QUOTAS_CONSOLE}, AWS Identity and Access Management (IAM), in US East (N. Virginia); up to 5,000`,
    designChange: 'Every design needs a role per workload: past 5,000 roles, one account per environment under AWS Organizations (README "Quotas").',
    measure: countOf({ types: ['aws_iam_role', 'aws_iam_service_linked_role'], description: '`aws_iam_role` and `aws_iam_service_linked_role` per account', scope: perAccount }),
  }),
  quota({
    id: 'iam.customer-managed-policies-per-account',
    service: 'IAM',
    name: 'Customer managed policies in an AWS account',
    scope: 'account',
    unit: 'count',
    default: 1500,
    adjustable: true,
    maximum: 5000,
    source: IAM_QUOTAS,
    increase: `${SERVICE_QUOTAS_CONSOLE}, AWS Identity and Access Management (IAM), in US East (N. Virginia); up to 5,000`,
    designChange: 'Inline role policies for per-workload grants; managed policies only for what many roles share (the permission boundary).',
    measure: countOf({ types: ['aws_iam_policy'], description: '`aws_iam_policy` per account', scope: perAccount }),
  }),
  quota({
    id: 'iam.managed-policies-per-role',
    service: 'IAM',
    name: 'Managed policies attached to an IAM role',
    scope: 'role',
    unit: 'count',
    default: 10,
    adjustable: true,
    maximum: 20,
    source: IAM_QUOTAS,
    increase: `${SERVICE_QUOTAS_CONSOLE}, AWS Identity and Access Management (IAM); up to 20`,
    designChange: 'Merge grants into inline policies of the role.',
    measure: combined(
      '`aws_iam_role_policy_attachment` per `role`, `managed_policy_arns` of `aws_iam_role`, `policy_arns` of `aws_iam_role_policy_attachments_exclusive` per `role_name` (the permission boundary is not an attachment)',
      countOf({ types: ['aws_iam_role_policy_attachment'], description: '', scope: role('role') }),
      countOf({ types: ['aws_iam_role'], description: '', scope: itself('role'), share: (stack, r) => (isConfigured(stack, r, 'managed_policy_arns') ? listShare(r.values.managed_policy_arns, 'managed_policy_arns') : undefined) }),
      countOf({ types: ['aws_iam_role_policy_attachments_exclusive'], description: '', scope: role('role_name'), share: (stack, r) => (isConfigured(stack, r, 'policy_arns') ? listShare(r.values.policy_arns, 'policy_arns') : undefined) }),
    ),
  }),
  quota({
    id: 'iam.role-trust-policy-length',
    service: 'IAM',
    name: 'Role trust policy length',
    scope: 'role',
    unit: 'characters',
    default: 2048,
    adjustable: true,
    maximum: 4096,
    source: IAM_QUOTAS,
    increase: `${SERVICE_QUOTAS_CONSOLE}, AWS Identity and Access Management (IAM); up to 4,096 characters`,
    designChange: 'Trust one principal per role and narrow it with aws:SourceArn patterns rather than lists of ARNs.',
    measure: countOf({
      types: ['aws_iam_role'],
      description: '`assume_role_policy` of `aws_iam_role`, characters without white space (as IAM counts)',
      scope: itself('role'),
      share: (stack, r) => argumentPolicySize(stack, r, 'assume_role_policy', 'characters without white space'),
    }),
  }),
  quota({
    id: 'iam.role-inline-policies-size',
    service: 'IAM',
    name: 'Role policy size (the aggregate of all inline policies of a role)',
    scope: 'role',
    unit: 'characters',
    default: 10240,
    adjustable: false,
    source: IAM_QUOTAS,
    increase: 'AWS does not raise it.',
    designChange: "Fewer, broader statements per concern, or move a shared grant to a managed policy; the library's per-workload grants stay far below it.",
    measure: combined(
      '`policy` of every `aws_iam_role_policy` per `role` plus `inline_policy` blocks of `aws_iam_role`, characters without white space',
      countOf({ types: ['aws_iam_role_policy'], description: '', scope: role('role'), share: (stack, r) => argumentPolicySize(stack, r, 'policy', 'characters without white space') }),
      countOf({
        types: ['aws_iam_role'],
        description: '',
        scope: itself('role'),
        share: (stack, r) => blocks(r.values.inline_policy).map((p) => policySize(stack, p.policy, 'characters without white space')),
      }),
    ),
  }),

  // Amazon VPC
  quota({
    id: 'vpc.interface-endpoints-per-vpc',
    service: 'Amazon VPC',
    name: 'Interface and Gateway Load Balancer endpoints per VPC',
    scope: 'vpc',
    unit: 'count',
    default: 50,
    adjustable: true,
    source: VPC_QUOTAS,
    increase: 'AWS Support (the VPC quotas page asks to contact support)',
    designChange: "Share the environment's interface endpoints; never create endpoints per workload.",
    measure: countOf({
      types: ['aws_vpc_endpoint'],
      description: '`aws_vpc_endpoint` of type Interface or GatewayLoadBalancer per `vpc_id`',
      scope: (c, stack, r) => referenceScope(c.app, stack, r, 'vpc_id', 'aws_vpc', 'VPC'),
      share: (_s, r) => {
        const type = r.values.vpc_endpoint_type;
        if (type === 'Interface' || type === 'GatewayLoadBalancer') return { amount: 1 };
        if (isUnresolvedValue(type)) return { amount: 1, estimated: 'the endpoint type is an expression; counted as an interface endpoint' };
        return undefined; // Gateway endpoints (the default type) have their own quota.
      },
    }),
  }),
  quota({
    id: 'vpc.rules-per-security-group',
    service: 'Amazon VPC',
    name: 'Inbound or outbound rules per security group',
    scope: 'security-group',
    unit: 'count',
    default: 60,
    adjustable: true,
    source: VPC_QUOTAS,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon Virtual Private Cloud (Amazon VPC); this quota times security groups per network interface cannot exceed 1,000`,
    designChange: 'Reference security groups or one prefix list instead of listing CIDRs.',
    measure: combined(securityGroupRules.description, securityGroupRules, separateRules),
  }),

  // Systems Manager Parameter Store
  quota({
    id: 'ssm.standard-parameters-per-account-region',
    service: 'Systems Manager',
    name: 'Total number of parameters allowed (per AWS account and AWS Region), standard tier',
    scope: 'account-region',
    unit: 'count',
    default: 10000,
    adjustable: false,
    source: SSM_TIERS,
    increase: 'AWS does not raise it; the advanced tier allows 100,000 parameters (charged).',
    designChange: 'Keep per-workload entries few (one parameter per workload at most), move them to the advanced tier, or split environments across accounts.',
    measure: countOf({
      types: ['aws_ssm_parameter'],
      description: '`aws_ssm_parameter` whose `tier` is Standard, Intelligent-Tiering or unset, per account and Region',
      scope: perRegion,
      share: (_s, r) => (r.values.tier === 'Advanced' ? undefined : { amount: 1 }),
    }),
  }),
  quota({
    id: 'ssm.advanced-parameters-per-account-region',
    service: 'Systems Manager',
    name: 'Total number of parameters allowed (per AWS account and AWS Region), advanced tier',
    scope: 'account-region',
    unit: 'count',
    default: 100000,
    adjustable: false,
    source: SSM_TIERS,
    increase: 'AWS does not raise it.',
    designChange: 'Split environments across accounts.',
    measure: countOf({
      types: ['aws_ssm_parameter'],
      description: '`aws_ssm_parameter` whose `tier` is Advanced, per account and Region',
      scope: perRegion,
      share: (_s, r) => (r.values.tier === 'Advanced' ? { amount: 1 } : undefined),
    }),
  }),

  // Lambda
  quota({
    id: 'lambda.concurrent-executions-per-account-region',
    service: 'Lambda',
    name: 'Concurrent executions',
    scope: 'account-region',
    unit: 'concurrent executions',
    default: 1000,
    adjustable: true,
    source: `${LAMBDA_QUOTAS} and ${LAMBDA_RESERVED}`,
    increase: `${SERVICE_QUOTAS_CONSOLE}, AWS Lambda`,
    designChange: 'Reserve concurrency only where a function must be guaranteed it (the gateway function); Lambda keeps 100 unreserved.',
    measure: lambdaConcurrency,
  }),

  // KMS
  quota({
    id: 'kms.keys-per-account-region',
    service: 'KMS',
    name: 'AWS KMS keys (customer managed keys)',
    scope: 'account-region',
    unit: 'count',
    default: 100000,
    adjustable: true,
    source: KMS_QUOTAS,
    increase: `${SERVICE_QUOTAS_CONSOLE}, AWS Key Management Service (AWS KMS)`,
    designChange: 'One environment key, and one signing key per registered approver.',
    measure: countOf({
      types: ['aws_kms_key', 'aws_kms_replica_key', 'aws_kms_external_key', 'aws_kms_replica_external_key'],
      description: '`aws_kms_key`, `aws_kms_replica_key`, `aws_kms_external_key`, `aws_kms_replica_external_key` per account and Region',
      scope: perRegion,
    }),
  }),
  quota({
    id: 'kms.key-policy-size',
    service: 'KMS',
    name: 'Key policy document size',
    scope: 'kms-key',
    unit: 'bytes',
    default: 32768,
    adjustable: false,
    source: KMS_QUOTAS,
    increase: 'AWS does not raise it.',
    designChange: 'Grant key use in identity policies with kms:ViaService conditions instead of a statement per principal in the key policy.',
    measure: combined(
      '`policy` of `aws_kms_key` and of `aws_kms_key_policy` (per `key_id`), bytes',
      countOf({ types: ['aws_kms_key'], description: '', scope: itself('KMS key'), share: (stack, r) => argumentPolicySize(stack, r, 'policy', 'bytes') }),
      countOf({
        types: ['aws_kms_key_policy'],
        description: '',
        scope: (c, stack, r) => referenceScope(c.app, stack, r, 'key_id', 'aws_kms_key', 'KMS key'),
        share: (stack, r) => argumentPolicySize(stack, r, 'policy', 'bytes'),
      }),
    ),
  }),

  // Verified Permissions
  quota({
    id: 'verifiedpermissions.policy-stores-per-account-region',
    service: 'Verified Permissions',
    name: 'Policy stores per Region per account',
    scope: 'account-region',
    unit: 'count',
    default: 30000,
    adjustable: true,
    source: AVP_QUOTAS,
    increase: `${SERVICE_QUOTAS_CONSOLE}, Amazon Verified Permissions`,
    designChange: 'One policy store per environment.',
    measure: countOf({ types: ['aws_verifiedpermissions_policy_store'], description: '`aws_verifiedpermissions_policy_store` per account and Region', scope: perRegion }),
  }),
  quota({
    id: 'verifiedpermissions.policy-size',
    service: 'Verified Permissions',
    name: 'Policy size',
    scope: 'policy',
    unit: 'bytes',
    default: 10000,
    adjustable: false,
    source: AVP_QUOTAS,
    increase: 'AWS does not raise it.',
    designChange: 'Split the policy (one per tool and action).',
    measure: countOf({
      types: ['aws_verifiedpermissions_policy'],
      description: 'the Cedar `statement` of each static `aws_verifiedpermissions_policy`, bytes',
      scope: itself('Cedar policy'),
      share: (stack, r) => {
        const statements = blocks(r.values.definition).flatMap((d) => blocks(d.static)).map((s) => s.statement);
        return statements.map((s) => policySize(stack, s, 'bytes'));
      },
    }),
  }),
] as const satisfies readonly QuotaDefinition[];

/** The id of a quota in the table. */
export type QuotaId = (typeof SERVICE_QUOTAS)[number]['id'];

const BY_ID = new Map<string, QuotaDefinition>(SERVICE_QUOTAS.map((q) => [q.id, q]));

/** The table row of an id, or undefined for an id the table does not have. */
export function quotaById(id: string): QuotaDefinition | undefined {
  return BY_ID.get(id);
}

/** Every resource type some quota reads. */
export const QUOTA_RESOURCE_TYPES: ReadonlySet<string> = new Set(SERVICE_QUOTAS.flatMap((q) => q.measure.types));

