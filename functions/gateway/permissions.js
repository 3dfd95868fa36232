// @ts-check
'use strict';

/**
 * The IAM permissions of the gateway function's own role, written once next to the calls they
 * allow (the construct builds the role policy from `gatewayStatements`; the Lambda never loads
 * this file). The role holds no model or tool permission: every model or tool call is made with an
 * integration session (sessions.js), whose permissions the integration role and the session
 * policy decide. Statements use the shape of Terraform's aws_iam_policy_document.
 */

/** Each entry: the actions, and the SDK calls (command names without `Command`) they allow. */
const GATEWAY_PERMISSIONS = Object.freeze([
  { sid: 'ReadRouteEntries', actions: ['ssm:GetParameter'], calls: ['GetParameter'] },
  { sid: 'AssumeIntegrationRoles', actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'], calls: ['AssumeRole'] },
  { sid: 'DecideToolCalls', actions: ['verifiedpermissions:IsAuthorized'], calls: ['IsAuthorized'] },
  { sid: 'RecordUsedApprovals', actions: ['dynamodb:PutItem'], calls: ['PutItem'] },
  { sid: 'VerifyApprovals', actions: ['kms:Verify'], calls: ['Verify'] },
]);

/**
 * @typedef {{ test: string, variable: string, values: string[] }} StatementCondition
 * @typedef {{ sid: string, effect: 'Allow', actions: string[], resources: string[], conditions: StatementCondition[] }} GatewayStatement
 */

/**
 * @param {object} props the values of the function's configuration (see config.js)
 * @param {string} props.region
 * @param {string} props.accountId
 * @param {string} props.roleNamePrefix ROLE_NAME_PREFIX
 * @param {string} props.integrationRolePath INTEGRATION_ROLE_PATH
 * @param {string} props.routeParameterPrefix ROUTE_PARAMETER_PREFIX
 * @param {string} props.agentParameterPrefix AGENT_PARAMETER_PREFIX
 * @param {string} props.policyStoreId POLICY_STORE_ID
 * @param {string} props.approvalTableArn the ARN of APPROVAL_TABLE
 * @param {string[]} props.approverKeyArns the values of APPROVER_KEYS (no statement when empty)
 * @param {string} [props.partition] default `aws`
 * @returns {GatewayStatement[]}
 */
function gatewayStatements(props) {
  const p = props.partition ?? 'aws';
  /** @type {GatewayStatement[]} */
  const statements = [
    {
      sid: 'ReadRouteEntries',
      effect: 'Allow',
      actions: ['ssm:GetParameter'],
      // SSM parameter ARNs are `parameter` followed by the name, whose leading `/` the prefix has.
      resources: [props.routeParameterPrefix, props.agentParameterPrefix].map((prefix) => `arn:${p}:ssm:${props.region}:${props.accountId}:parameter${prefix}*`),
      conditions: [],
    },
    {
      sid: 'AssumeIntegrationRoles',
      effect: 'Allow',
      actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      resources: [`arn:${p}:iam::${props.accountId}:role${props.integrationRolePath}${props.roleNamePrefix}*-gw`],
      // Every session carries the caller as its source identity.
      conditions: [{ test: 'Null', variable: 'sts:SourceIdentity', values: ['false'] }],
    },
    {
      sid: 'DecideToolCalls',
      effect: 'Allow',
      actions: ['verifiedpermissions:IsAuthorized'],
      resources: [`arn:${p}:verifiedpermissions::${props.accountId}:policy-store/${props.policyStoreId}`],
      conditions: [],
    },
    { sid: 'RecordUsedApprovals', effect: 'Allow', actions: ['dynamodb:PutItem'], resources: [props.approvalTableArn], conditions: [] },
  ];
  if (props.approverKeyArns.length > 0) {
    statements.push({ sid: 'VerifyApprovals', effect: 'Allow', actions: ['kms:Verify'], resources: [...props.approverKeyArns], conditions: [] });
  }
  return statements;
}

module.exports = { GATEWAY_PERMISSIONS, gatewayStatements };
