import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, RuleOutcome } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { blocks, isSet, isUnresolvedValue, StackModel, TfResource } from '../../terraform-json';

const PREFLIGHT = 'OPTIONS';

/** Do two resources' arguments name the same thing: equal literals, or references to the same resource? */
function sameTarget(a: TfResource, attrA: string, b: TfResource, attrB: string): boolean {
  const va = a.values[attrA];
  const vb = b.values[attrB];
  if (typeof va === 'string' && typeof vb === 'string' && !isUnresolvedValue(va) && !isUnresolvedValue(vb)) return va === vb;
  const ra = a.references.get(attrA);
  const rb = b.references.get(attrB);
  return !!ra && !!rb && [...ra].some((r) => rb.has(r));
}

/** The integrations of a REST API method: by reference to the method, or on the same API, resource and HTTP method. */
function integrationsOf(method: TfResource, stack: StackModel): TfResource[] {
  const verb = String(method.values.http_method).toUpperCase();
  return stack.ofType('aws_api_gateway_integration').filter(
    (i) =>
      i.references.get('http_method')?.has(method.baseAddress) ||
      (sameTarget(i, 'rest_api_id', method, 'rest_api_id') &&
        sameTarget(i, 'resource_id', method, 'resource_id') &&
        typeof i.values.http_method === 'string' &&
        i.values.http_method.toUpperCase() === verb),
  );
}

/**
 * A browser's CORS preflight carries no credentials, so it cannot be authorized; it is safe
 * unauthenticated only when it reaches no backend: a REST API OPTIONS method whose integration is
 * MOCK, or an HTTP API OPTIONS route with no target or on an API with cors_configuration (API
 * Gateway then answers preflights itself and never invokes the route).
 * Sources: https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 */
function preflight(resource: TfResource, stack: StackModel): RuleOutcome {
  if (resource.type === 'aws_api_gateway_method') {
    const integrations = integrationsOf(resource, stack);
    if (integrations.length === 0) return cannotVerify('OPTIONS method without authorization and no aws_api_gateway_integration for it in this stack; cannot tell whether the preflight reaches a backend');
    const types = integrations.map((i) => i.values.type);
    if (types.some(isUnresolvedValue)) return cannotVerify('the OPTIONS integration type is an expression');
    const backends = types.filter((t) => String(t).toUpperCase() !== 'MOCK');
    return backends.length === 0
      ? compliant
      : nonCompliant(`OPTIONS method without authorization has a ${backends.join(', ')} integration: the preflight reaches a backend unauthenticated`);
  }
  if (!isSet(resource.values.target)) return compliant;
  const apis = [...(resource.references.get('api_id') ?? [])].map((a) => stack.byAddress(a)).filter((a): a is TfResource => a?.type === 'aws_apigatewayv2_api');
  if (apis.some((api) => blocks(api.values.cors_configuration).length > 0)) return compliant;
  if (apis.length === 0) return cannotVerify('OPTIONS route without authorization has a target and its API is not in this stack; cannot tell whether the API answers preflights (cors_configuration)');
  return nonCompliant('OPTIONS route without authorization has a target and the API has no cors_configuration: preflight requests reach the backend unauthenticated');
}

/** Every gateway method authenticates its caller; a CORS preflight that reaches no backend is the one exception. */
export const ApiMethodAuthorized = defineRule({
  id: 'ApiMethodAuthorized',
  summary: 'Every API Gateway method and route requires authorization (not NONE), except a CORS preflight (OPTIONS) that reaches no backend.',
  explanation:
    'The gateway is where a workload identity is checked before a model or tool is reached; an unauthenticated method ' +
    'is a way around it, and its calls cannot be traced to a workload. A browser preflight (OPTIONS) carries no credentials: ' +
    'it may be unauthenticated when it is answered by a MOCK integration or by the HTTP API\'s CORS configuration.',
  fix: 'Set authorization = "AWS_IAM" (GatewayRoute does this) or a Cognito/custom authorizer; for a CORS preflight use an OPTIONS method with a MOCK integration (REST) or cors_configuration on the HTTP API.',
  level: 'error',
  frameworks: [CONTROLS.csfAuthentication, CONTROLS.asiToolMisuse, CONTROLS.asiIdentityPrivilege, CONTROLS.maestroEcosystem],
  types: ['aws_api_gateway_method', 'aws_apigatewayv2_route'],
  evaluate(resource, { stack }) {
    const method = resource.type === 'aws_api_gateway_method';
    const attr = method ? 'authorization' : 'authorization_type';
    const v = resource.values[attr];
    if (isUnresolvedValue(v)) return cannotVerify(`${attr} is an expression`);
    if (v !== undefined && v !== null && String(v).toUpperCase() !== 'NONE') return compliant;
    const verbAttr = method ? 'http_method' : 'route_key';
    const verb = resource.values[verbAttr];
    if (isUnresolvedValue(verb)) return cannotVerify(`${attr} is NONE and ${verbAttr} is an expression`);
    const isPreflight = method ? String(verb).toUpperCase() === PREFLIGHT : String(verb).toUpperCase().startsWith(`${PREFLIGHT} `);
    if (isPreflight) return preflight(resource, stack);
    return nonCompliant(`${attr} is ${v === undefined || v === null ? 'not set (NONE)' : 'NONE'}`);
  },
});
