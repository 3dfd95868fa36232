// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { runtimeRoleName } = require('./config');

/**
 * The verified caller. Every gateway route is AWS_IAM: API Gateway has checked the SigV4
 * signature and IAM the caller's right to call this path before the function runs, and puts the
 * caller's ARN in `requestContext.identity.userArn`. The function accepts only an assumed-role
 * session of its own partition and account (workload identities are roles; an IAM user, a root
 * session or another account's role is refused even if a resource policy were widened by mistake).
 * On agent routes the role must be the agent's own runtime role: IAM grants only that role, and
 * this repeats it (defence in depth).
 */
const ASSUMED_ROLE = /^arn:([a-z0-9-]+):sts::(\d{12}):assumed-role\/([A-Za-z0-9+=,.@_-]{1,64})\/([A-Za-z0-9+=,.@_-]{1,64})$/;

/**
 * @typedef {{ arn: string, roleName: string, sessionName: string }} Caller
 */

/**
 * @param {{ requestContext?: { identity?: { userArn?: unknown } | null } | null }} event
 * @param {import('./config').GatewayConfig} config
 * @param {import('./routes').Route} route
 * @returns {Caller}
 * @throws {Refusal} 403 for anything but an assumed role of this partition and account (and, on an agent route, the agent's role)
 */
function verifiedCaller(event, config, route) {
  const arn = event.requestContext?.identity?.userArn;
  if (typeof arn !== 'string' || arn === '') {
    throw new Refusal(403, 'no verified caller: requestContext.identity.userArn is empty (the route must use AWS_IAM)');
  }
  const match = ASSUMED_ROLE.exec(arn);
  if (!match) throw new Refusal(403, `caller ${arn.slice(0, 200)} is not an assumed-role session`);
  const [, partition, account, roleName, sessionName] = match;
  if (partition !== config.partition) throw new Refusal(403, `caller ${arn} is in partition ${partition}, not ${config.partition}`);
  if (account !== config.accountId) throw new Refusal(403, `caller ${arn} is in account ${account}, not ${config.accountId}`);
  if (route.kind !== 'workload-invoke') {
    const expected = runtimeRoleName(config, route.agent);
    if (roleName !== expected) throw new Refusal(403, `caller role ${roleName} is not ${expected}, the role of agent ${route.agent}`);
  }
  return { arn, roleName, sessionName };
}

module.exports = { verifiedCaller };
