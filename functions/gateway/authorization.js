// @ts-check
'use strict';

/**
 * The tool decision: Amazon Verified Permissions IsAuthorized against the Cedar policies generated
 * from the agent's tool grants (constructs/agent-authorization/cedar-policies.ts). The names here
 * (entity types, ids, context attributes) are the ones that module generates policies for.
 *
 * Allowed only when the answer is ALLOW **and** carries no errors: an ALLOW beside an evaluation
 * error means a policy that should have been considered (a forbid, perhaps) was skipped.
 * https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_IsAuthorized.html
 */

const WEEKDAYS = Object.freeze(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']);

/**
 * The time facts Cedar's window conditions read, from API Gateway's request time (UTC).
 * @param {number} epochMillis
 * @returns {{ dayOfWeek: string, hourUtc: number, minuteOfDay: number }}
 */
function timeContext(epochMillis) {
  const d = new Date(epochMillis);
  return { dayOfWeek: WEEKDAYS[d.getUTCDay()], hourUtc: d.getUTCHours(), minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes() };
}

/**
 * @param {{ policyStoreId: string, environment: string, agent: string, tool: string, action: string, epochMillis: number,
 *   approval?: { approvedBy: string, approvalId: string }, tenant?: string }} request
 */
function isAuthorizedInput(request) {
  const time = timeContext(request.epochMillis);
  /** @type {Record<string, { string: string } | { long: number }>} */
  const contextMap = {
    dayOfWeek: { string: time.dayOfWeek },
    hourUtc: { long: time.hourUtc },
    minuteOfDay: { long: time.minuteOfDay },
  };
  if (request.approval) {
    contextMap.approvedBy = { string: request.approval.approvedBy };
    contextMap.approvalId = { string: request.approval.approvalId };
  }
  if (request.tenant !== undefined) contextMap.tenant = { string: request.tenant };
  return {
    policyStoreId: request.policyStoreId,
    principal: { entityType: 'Governance::Agent', entityId: `${request.environment}/${request.agent}` },
    action: { actionType: 'Governance::Action', actionId: request.action },
    resource: { entityType: 'Governance::Tool', entityId: `${request.environment}/${request.agent}/${request.tool}` },
    context: { contextMap },
  };
}

/**
 * @param {any} answer IsAuthorized's output
 * @returns {{ allow: boolean, reason: string, determiningPolicies: string[] }}
 */
function readDecision(answer) {
  const determiningPolicies = (Array.isArray(answer?.determiningPolicies) ? answer.determiningPolicies : [])
    .map((/** @type {any} */ p) => String(p?.policyId ?? ''));
  const errors = (Array.isArray(answer?.errors) ? answer.errors : []).map((/** @type {any} */ e) => String(e?.errorDescription ?? 'unknown error').slice(0, 300));
  if (errors.length > 0) {
    return { allow: false, reason: `policy evaluation errors (${answer?.decision ?? 'no decision'} ignored): ${errors.join('; ')}`, determiningPolicies };
  }
  if (answer?.decision === 'ALLOW') return { allow: true, reason: 'a policy permits this call', determiningPolicies };
  if (determiningPolicies.length > 0) return { allow: false, reason: 'a policy forbids this call', determiningPolicies };
  return { allow: false, reason: 'no policy permits this call', determiningPolicies };
}

module.exports = { WEEKDAYS, timeContext, isAuthorizedInput, readDecision };
