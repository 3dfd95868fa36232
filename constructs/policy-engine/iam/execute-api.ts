import { GATEWAY_STAGE } from '../../governance/gateway-routes';

/**
 * execute-api resources as IAM matches them. An execute-api ARN is
 * `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`, and IAM's `*` matches
 * any characters, `/` included, so a `*` in the stage or method position, or anywhere before the
 * last path segment, swallows other routes: `.../v1/*` is every route of every workload and agent,
 * `.../v1/GET/workloads/*` + `/http/*` every workload's HTTP route.
 * Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
 * (and constructs/governance/gateway-routes.ts, which writes the library's grants).
 */

/** Methods a grant may name (API Gateway's HTTP methods; `*` is ANY). */
const EXPLICIT_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Splits an execute-api resource into what follows the API id: `[stage, method, ...path]`, or
 * undefined when it is not one. Accepts a literal ARN and a Terraform reference to an API's
 * execution ARN (`${aws_api_gateway_rest_api.x.execution_arn}/v1/...`, or the environment
 * contract's `gateway.executionArn`) followed by the path.
 */
export function executeApiPath(resource: string): string[] | undefined {
  const literal = /^arn:aws[a-z-]*:execute-api:[^:]*:[^:]*:([^/]*)\/(.*)$/.exec(resource);
  if (literal) return literal[2].split('/');
  if (!resource.startsWith('${')) return undefined;
  // A Terraform reference to an API's execution ARN, then the path: find the reference's end.
  let depth = 0;
  let end = -1;
  for (let i = 0; i < resource.length; i++) {
    if (resource.startsWith('${', i)) {
      depth++;
      i++;
    } else if (resource[i] === '}' && --depth === 0) {
      end = i;
      break;
    }
  }
  const reference = resource.slice(0, end + 1);
  if (end < 0 || !/execution_arn|executionArn/.test(reference) || resource[end + 1] !== '/') return undefined;
  return resource.slice(end + 2).split('/');
}

const hasWildcard = (s: string) => s.includes('*') || s.includes('?');

/**
 * What makes an execute-api grant reach more than the routes it names, or undefined when it names
 * exact routes: the gateway's stage (`v1`), an explicit HTTP method, no wildcard before the last
 * path segment, and a last segment that is either wildcard-free or a whole `*` after at least two
 * concrete segments (`workloads/<name>/...`, `agents/<name>/...`: one workload's or agent's routes).
 * @param path what {@link executeApiPath} returns
 */
export function executeApiGrantProblem(path: readonly string[]): string | undefined {
  if (path.length < 2) return 'no method';
  const [stage, method, ...route] = path;
  if (hasWildcard(stage)) return 'a wildcard stage';
  if (hasWildcard(method)) return 'a wildcard method';
  if (route.slice(0, -1).some(hasWildcard)) return 'a wildcard before the last path segment';
  if (stage !== GATEWAY_STAGE) return `stage "${stage}", not the gateway's stage "${GATEWAY_STAGE}"`;
  if (!EXPLICIT_METHODS.has(method)) return `method "${method}", not an HTTP method (${[...EXPLICIT_METHODS].join(', ')})`;
  const last = route[route.length - 1];
  if (last === undefined || last === '') return 'no route path';
  if (hasWildcard(last) && last !== '*') return 'a partial wildcard in the last path segment';
  if (last === '*' && route.length < 3) return 'a wildcard after fewer than two path segments (every workload or agent)';
  return undefined;
}
