import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { isUnresolvedValue } from '../../terraform-json';

/** Every gateway method authenticates its caller. */
export const ApiMethodAuthorized = defineRule({
  id: 'ApiMethodAuthorized',
  summary: 'Every API Gateway method and route requires authorization (not NONE).',
  explanation:
    'The gateway is where a workload identity is checked before a model or tool is reached; an unauthenticated method ' +
    'is a way around it, and its calls cannot be traced to a workload.',
  fix: 'Set authorization = "AWS_IAM" (GatewayRoute does this) or a Cognito/custom authorizer.',
  level: 'error',
  frameworks: [CONTROLS.agenticToolUse, CONTROLS.maestroTrust, CONTROLS.nhiOwnership],
  types: ['aws_api_gateway_method', 'aws_apigatewayv2_route'],
  evaluate(resource) {
    const attr = resource.type === 'aws_api_gateway_method' ? 'authorization' : 'authorization_type';
    const v = resource.values[attr];
    if (isUnresolvedValue(v)) return cannotVerify(`${attr} is an expression`);
    if (v === undefined || v === null || String(v).toUpperCase() === 'NONE') return nonCompliant(`${attr} is ${v === undefined || v === null ? 'not set (NONE)' : 'NONE'}`);
    return compliant;
  },
});
