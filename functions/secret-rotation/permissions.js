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

/** Every rotation, whatever the strategy: read the secret's metadata and versions, write the new one. */
const SECRETS_MANAGER_ACTIONS = Object.freeze([
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
]);

/** The secret is encrypted with the environment key: Decrypt to read a version, GenerateDataKey to write one. */
const KMS_ACTIONS = Object.freeze(['kms:Decrypt', 'kms:GenerateDataKey']);

/**
 * API Gateway authorizes by HTTP verb on a resource path. Each entry: the verbs, the paths
 * (relative to arn:<partition>:apigateway:<region>::) and the SDK calls they allow.
 */
const API_GATEWAY_PERMISSIONS = Object.freeze([
  { sid: 'IssueApiKeys', actions: ['apigateway:POST'], paths: ['/apikeys'], calls: ['CreateApiKey'], scopedByTag: false },
  { sid: 'ListApiKeys', actions: ['apigateway:GET'], paths: ['/apikeys'], calls: ['GetApiKeys'], scopedByTag: false },
  {
    sid: 'ReadAndRetireEnvironmentApiKeys',
    actions: ['apigateway:GET', 'apigateway:DELETE'],
    paths: ['/apikeys/*'],
    calls: ['GetApiKey', 'DeleteApiKey'],
    scopedByTag: true,
  },
  {
    sid: 'AttachApiKeysToEnvironmentUsagePlans',
    actions: ['apigateway:POST', 'apigateway:GET'],
    paths: ['/usageplans/*/keys', '/usageplans/*/keys/*'],
    calls: ['CreateUsagePlanKey', 'GetUsagePlanKey'],
    scopedByTag: true,
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
 * other repositories, so secrets and API keys are scoped by the environment tag rather than by name.
 *
 * @param {object} props
 * @param {string[]} props.strategies the strategies this function must serve (values of ROTATION_STRATEGIES)
 * @param {string} props.environment the environment name (value of the governance:environment tag)
 * @param {string} props.region
 * @param {string} props.accountId
 * @param {string} props.kmsKeyArn the environment key that encrypts the secrets
 * @param {string} [props.partition] default `aws`
 * @returns {RotationStatement[]}
 */
function rotationStatements({ strategies, environment, region, accountId, kmsKeyArn, partition = 'aws' }) {
  const allowed = /** @type {string[]} */ (Object.values(ROTATION_STRATEGIES));
  const unknown = strategies.filter((strategy) => !allowed.includes(strategy));
  if (unknown.length > 0 || strategies.length === 0) {
    throw new Error(`functions/secret-rotation/permissions.js: strategies ${JSON.stringify(strategies)} must be a `
      + `non-empty list of ${allowed.join(', ')}; pass the strategies of the secrets this function rotates.`);
  }
  /** @param {string} key */
  const environmentTag = (key) => ({ test: 'StringEquals', variable: `aws:ResourceTag/${key}`, values: [environment] });
  /** @type {RotationStatement[]} */
  const statements = [
    {
      sid: 'RotateEnvironmentSecrets',
      effect: 'Allow',
      actions: [...SECRETS_MANAGER_ACTIONS],
      resources: [`arn:${partition}:secretsmanager:${region}:${accountId}:secret:*`],
      conditions: [
        environmentTag(ENVIRONMENT_TAG_KEY),
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
      statements.push({
        sid: permission.sid,
        effect: 'Allow',
        actions: [...permission.actions],
        resources: permission.paths.map((path) => `arn:${partition}:apigateway:${region}::${path}`),
        conditions: permission.scopedByTag ? [environmentTag(ENVIRONMENT_TAG_KEY)] : [],
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
