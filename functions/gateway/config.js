// @ts-check
'use strict';

/**
 * The gateway function's configuration: environment variables the platform construct sets. Read
 * and checked on every request; a missing or malformed variable refuses the request with 500 and a
 * log line naming it (fail closed: a half-configured gateway must not half-decide).
 *
 * | variable | example | meaning |
 * |---|---|---|
 * | ENVIRONMENT | `dev` | the environment name (Cedar ids, approval scope, sanitized tool events) |
 * | ACCOUNT_ID | `123456789012` | the only account whose roles may call |
 * | PARTITION | `aws` (default) | the only partition whose roles may call; ARNs are built in it |
 * | AWS_REGION | `eu-west-1` | set by the Lambda runtime |
 * | ROLE_NAME_PREFIX | `dev-euw1-` | workload `x` runs as role `${ROLE_NAME_PREFIX}x` |
 * | INTEGRATION_ROLE_PATH | `/governed/dev/integration/` | path of the integration roles |
 * | ROUTE_PARAMETER_PREFIX | `/governance/dev/routes/` | SSM prefix of service route entries |
 * | AGENT_PARAMETER_PREFIX | `/governance/dev/agents/` | SSM prefix of agent route entries |
 * | POLICY_STORE_ID | `ps-...` | Verified Permissions policy store of the environment |
 * | APPROVAL_TABLE | `dev-approvals` | DynamoDB table of used approvals (key `jti`, TTL `expiresAt`) |
 * | APPROVER_KEYS | `{"lead@example.com":"arn:aws:kms:..."}` | approver e-mail (lower case) → KMS key ARN (ECC_NIST_P256, SIGN_VERIFY) |
 */

const REQUIRED = Object.freeze([
  'ENVIRONMENT', 'ACCOUNT_ID', 'AWS_REGION', 'ROLE_NAME_PREFIX', 'INTEGRATION_ROLE_PATH',
  'ROUTE_PARAMETER_PREFIX', 'AGENT_PARAMETER_PREFIX', 'POLICY_STORE_ID', 'APPROVAL_TABLE', 'APPROVER_KEYS',
]);

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const LOWER_EMAIL = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/;

/** Shape checks per variable: a pattern and what it means, for the log line. */
const FORMATS = Object.freeze({
  ENVIRONMENT: { pattern: SLUG, allowed: 'a lower-case slug' },
  ACCOUNT_ID: { pattern: /^\d{12}$/, allowed: '12 digits' },
  PARTITION: { pattern: /^aws(?:-[a-z]+)*$/, allowed: 'aws, aws-cn, aws-us-gov, ...' },
  AWS_REGION: { pattern: /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/, allowed: 'a Region code' },
  ROLE_NAME_PREFIX: { pattern: /^[A-Za-z0-9+=,.@_-]{1,48}$/, allowed: 'IAM role name characters, at most 48' },
  INTEGRATION_ROLE_PATH: { pattern: /^\/(?:[A-Za-z0-9+=,.@_-]+\/)+$/, allowed: 'an IAM path such as /governed/dev/integration/' },
  ROUTE_PARAMETER_PREFIX: { pattern: /^\/(?:[A-Za-z0-9_.-]+\/)+$/, allowed: 'an SSM path ending in /' },
  AGENT_PARAMETER_PREFIX: { pattern: /^\/(?:[A-Za-z0-9_.-]+\/)+$/, allowed: 'an SSM path ending in /' },
  POLICY_STORE_ID: { pattern: /^[A-Za-z0-9-]{1,200}$/, allowed: 'a Verified Permissions policy store id' },
  APPROVAL_TABLE: { pattern: /^[A-Za-z0-9_.-]{3,255}$/, allowed: 'a DynamoDB table name' },
});

/**
 * @typedef {object} GatewayConfig
 * @property {string} environment
 * @property {string} accountId
 * @property {string} partition
 * @property {string} region
 * @property {string} roleNamePrefix
 * @property {string} integrationRolePath
 * @property {string} routeParameterPrefix
 * @property {string} agentParameterPrefix
 * @property {string} policyStoreId
 * @property {string} approvalTable
 * @property {Readonly<Record<string, string>>} approverKeys approver e-mail → KMS key ARN
 */

/**
 * @param {Record<string, string | undefined>} env
 * @returns {{ ok: true, config: GatewayConfig } | { ok: false, reason: string }}
 */
function readConfig(env) {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) return { ok: false, reason: `gateway misconfigured: ${missing.join(', ')} unset` };
  /** @type {Record<string, string>} */
  const values = /** @type {Record<string, string>} */ ({ ...env, PARTITION: env.PARTITION || 'aws' });
  for (const [name, format] of Object.entries(FORMATS)) {
    const value = values[name];
    if (!format.pattern.test(value)) {
      return { ok: false, reason: `gateway misconfigured: ${name} ${JSON.stringify(value.slice(0, 80))} is not ${format.allowed}` };
    }
  }
  const partition = values.PARTITION;
  const approverKeys = readApproverKeys(values.APPROVER_KEYS, partition);
  if (typeof approverKeys === 'string') return { ok: false, reason: `gateway misconfigured: APPROVER_KEYS ${approverKeys}` };
  return {
    ok: true,
    config: Object.freeze({
      environment: values.ENVIRONMENT,
      accountId: values.ACCOUNT_ID,
      partition,
      region: values.AWS_REGION,
      roleNamePrefix: values.ROLE_NAME_PREFIX,
      integrationRolePath: values.INTEGRATION_ROLE_PATH,
      routeParameterPrefix: values.ROUTE_PARAMETER_PREFIX,
      agentParameterPrefix: values.AGENT_PARAMETER_PREFIX,
      policyStoreId: values.POLICY_STORE_ID,
      approvalTable: values.APPROVAL_TABLE,
      approverKeys,
    }),
  };
}

/**
 * @param {string} text
 * @param {string} partition
 * @returns {Readonly<Record<string, string>> | string} the map, or what is wrong with it
 */
function readApproverKeys(text, partition) {
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'is not a JSON object of e-mail → KMS key ARN';
  const keyArn = new RegExp(`^arn:${partition}:kms:[a-z]{2}(?:-[a-z]+)+-\\d{1,2}:\\d{12}:key/(?:mrk-)?[A-Za-z0-9-]{1,64}$`);
  /** @type {Record<string, string>} */
  const keys = Object.create(null);
  for (const [approver, arn] of Object.entries(parsed)) {
    if (!LOWER_EMAIL.test(approver)) return `names ${JSON.stringify(approver)}, not a lower-case e-mail`;
    if (typeof arn !== 'string' || !keyArn.test(arn)) return `maps ${approver} to ${JSON.stringify(arn)}, not a KMS key ARN in partition ${partition}`;
    keys[approver] = arn;
  }
  return Object.freeze(keys);
}

/**
 * The runtime role name of workload or agent `name` (what its callers' sessions carry).
 * @param {GatewayConfig} config
 * @param {string} name
 */
function runtimeRoleName(config, name) {
  return `${config.roleNamePrefix}${name}`;
}

/**
 * The integration role the function acts with for workload or agent `name`.
 * @param {GatewayConfig} config
 * @param {string} name
 */
function integrationRoleArn(config, name) {
  return `arn:${config.partition}:iam::${config.accountId}:role${config.integrationRolePath}${config.roleNamePrefix}${name}-gw`;
}

module.exports = { REQUIRED, SLUG, LOWER_EMAIL, readConfig, runtimeRoleName, integrationRoleArn };
