// @ts-check
'use strict';

/**
 * The IAM permissions of the rotation function, written once: the construct that deploys the
 * function builds its role policy from `rotationStatements`, and README.md lists the same actions.
 * The Lambda never loads this file; it is here so the list sits next to the calls it allows.
 *
 * Statements use the shape of Terraform's aws_iam_policy_document (sid, actions, resources,
 * conditions with test/variable/values).
 */

const { ROTATION_STRATEGIES, ROTATION_TAG_KEYS } = require('./strategy');

/**
 * The environment tag key. It equals TAG_KEYS.environment in constructs/governance/tags.ts (a test
 * holds them equal); it is repeated because this directory is shipped on its own as the Lambda asset.
 */
const ENVIRONMENT_TAG_KEY = 'governance:environment';

/**
 * Every rotation, whatever the strategy: read the secret's metadata and versions, write the new one.
 * ListSecretVersionIds serves the revocation entry point (every version's key id, deprecated ones too).
 */
const SECRETS_MANAGER_ACTIONS = Object.freeze([
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:ListSecretVersionIds',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
]);

/** The secret is encrypted with the environment key: Decrypt to read a version, GenerateDataKey to write one. */
const KMS_ACTIONS = Object.freeze(['kms:Decrypt', 'kms:GenerateDataKey']);

/**
 * API Gateway authorizes by HTTP verb on a resource path
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/security_iam_service-with-iam.html).
 * Each entry: the verbs, the paths (relative to arn:<partition>:apigateway:<region>::; `{usagePlan}`
 * stands for each usage plan of the environment), the SDK calls they allow, and how the
 * statement is scoped: `requestTag` (the new key must carry the environment tag),
 * `resourceTag` (the key must carry it) or `usagePlans` (the resources name the plans).
 *
 * Not listed, on purpose: GetApiKeys (`GET /apikeys`), which cannot be scoped and reads every key
 * value of the Region with includeValues. Keys are read one at a time by id.
 */
const API_GATEWAY_PERMISSIONS = Object.freeze([
  { sid: 'IssueEnvironmentApiKeys', actions: ['apigateway:POST'], paths: ['/apikeys'], calls: ['CreateApiKey'], scope: 'requestTag' },
  {
    sid: 'ManageEnvironmentApiKeys',
    actions: ['apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'],
    paths: ['/apikeys/*'],
    calls: ['GetApiKey', 'UpdateApiKey', 'DeleteApiKey'],
    scope: 'resourceTag',
  },
  { sid: 'AttachApiKeysToEnvironmentUsagePlans', actions: ['apigateway:POST'], paths: ['/usageplans/{usagePlan}/keys'], calls: ['CreateUsagePlanKey'], scope: 'usagePlans' },
  {
    sid: 'ReadAndDetachEnvironmentUsagePlanKeys',
    actions: ['apigateway:GET', 'apigateway:DELETE'],
    paths: ['/usageplans/{usagePlan}/keys/*'],
    calls: ['GetUsagePlanKey', 'DeleteUsagePlanKey'],
    scope: 'usagePlans',
  },
]);

/** Actions per strategy, for a reader or a rule that wants the flat list. */
const ACTIONS_BY_STRATEGY = Object.freeze({
  [ROTATION_STRATEGIES.generatedToken]: Object.freeze([...SECRETS_MANAGER_ACTIONS, ...KMS_ACTIONS]),
  [ROTATION_STRATEGIES.apiGatewayKey]: Object.freeze([
    ...SECRETS_MANAGER_ACTIONS,
    ...KMS_ACTIONS,
    ...new Set(API_GATEWAY_PERMISSIONS.flatMap((permission) => permission.actions)),
  ]),
});

/**
 * @typedef {{ test: string, variable: string, values: string[] }} StatementCondition
 * @typedef {{ sid: string, effect: 'Allow', actions: string[], resources: string[], conditions: StatementCondition[] }} RotationStatement
 */

/**
 * The statements of the rotation function's role for one environment. The function rotates every
 * rotating secret of the environment, including secrets of workload stacks deployed later from
 * other repositories, so secrets and API keys are scoped by the environment tag rather than by
 * name, and usage plan keys by the environment's usage plans.
 *
 * @param {object} props
 * @param {string[]} props.strategies the strategies this function must serve (values of ROTATION_STRATEGIES)
 * @param {string} props.environment the environment name (value of the governance:environment tag)
 * @param {string} props.region
 * @param {string} props.accountId
 * @param {string} props.kmsKeyArn the environment key that encrypts the secrets
 * @param {string[]} [props.usagePlanIds] the environment's usage plan ids (the values of the
 *   function's USAGE_PLANS); the usage plan statements name exactly these plans. Default, until
 *   the platform construct passes them: usage plan keys of any plan tagged with the environment
 *   (`/usageplans/*` with `aws:ResourceTag`), the scope before plans were named.
 * @param {string} [props.partition] default `aws`
 * @returns {RotationStatement[]}
 * @throws {Error} when a strategy is unknown or a usage plan id is empty or has a wildcard
 */
function rotationStatements({ strategies, environment, region, accountId, kmsKeyArn, usagePlanIds, partition = 'aws' }) {
  const allowed = /** @type {string[]} */ (Object.values(ROTATION_STRATEGIES));
  const unknown = strategies.filter((strategy) => !allowed.includes(strategy));
  if (unknown.length > 0 || strategies.length === 0) {
    throw new Error(`functions/secret-rotation/permissions.js: strategies ${JSON.stringify(strategies)} must be a `
      + `non-empty list of ${allowed.join(', ')}; pass the strategies of the secrets this function rotates.`);
  }
  if (usagePlanIds !== undefined && (usagePlanIds.length === 0 || usagePlanIds.some((id) => typeof id !== 'string' || id === '' || /[*?/]/.test(id)))) {
    throw new Error(`functions/secret-rotation/permissions.js: usagePlanIds ${JSON.stringify(usagePlanIds)} must be a `
      + 'non-empty list of usage plan ids without wildcards; pass the values of the function\'s USAGE_PLANS.');
  }
  /** @param {string} key */
  const resourceTag = (key) => ({ test: 'StringEquals', variable: `aws:ResourceTag/${key}`, values: [environment] });
  /** @type {RotationStatement[]} */
  const statements = [
    {
      sid: 'RotateEnvironmentSecrets',
      effect: 'Allow',
      actions: [...SECRETS_MANAGER_ACTIONS],
      // Governed secrets are named governed/<environment>/<workload>/... (rotating-secret.ts); the tags narrow further.
      resources: [`arn:${partition}:secretsmanager:${region}:${accountId}:secret:governed/${environment}/*`],
      conditions: [
        resourceTag(ENVIRONMENT_TAG_KEY),
        { test: 'StringEquals', variable: `aws:ResourceTag/${ROTATION_TAG_KEYS.strategy}`, values: [...strategies] },
      ],
    },
    {
      sid: 'UseEnvironmentKeyThroughSecretsManager',
      effect: 'Allow',
      actions: [...KMS_ACTIONS],
      resources: [kmsKeyArn],
      conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${region}.amazonaws.com`] }],
    },
  ];
  if (strategies.includes(ROTATION_STRATEGIES.apiGatewayKey)) {
    for (const permission of API_GATEWAY_PERMISSIONS) {
      const plans = permission.scope === 'usagePlans' ? (usagePlanIds ?? ['*']) : [''];
      /** @type {StatementCondition[]} */
      let conditions = [];
      if (permission.scope === 'requestTag') conditions = [{ test: 'StringEquals', variable: `aws:RequestTag/${ENVIRONMENT_TAG_KEY}`, values: [environment] }];
      if (permission.scope === 'resourceTag' || (permission.scope === 'usagePlans' && usagePlanIds === undefined)) conditions = [resourceTag(ENVIRONMENT_TAG_KEY)];
      statements.push({
        sid: permission.sid,
        effect: 'Allow',
        actions: [...permission.actions],
        resources: permission.paths.flatMap((path) => plans.map((plan) => `arn:${partition}:apigateway:${region}::${path.replace('{usagePlan}', plan)}`)),
        conditions,
      });
    }
  }
  return statements;
}

module.exports = {
  SECRETS_MANAGER_ACTIONS,
  KMS_ACTIONS,
  API_GATEWAY_PERMISSIONS,
  ACTIONS_BY_STRATEGY,
  ENVIRONMENT_TAG_KEY,
  rotationStatements,
};
