/**
 * The environment gateway's routes: a fixed set, owned by the platform (SECURITY.md, "The gateway
 * design"). Workloads never add API Gateway resources; they are granted paths under these
 * templates. This module is the one place that spells the paths and turns a grant into
 * execute-api ARNs.
 *
 * execute-api ARNs are `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`
 * and IAM's `*` matches any characters, `/` included
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).
 * A `*` in the method position or before a fixed segment can therefore swallow a whole other
 * path (`*​/agents/a/tools/*` matches `POST/workloads/x/v1/agents/a/tools/b`). Grants are written
 * per method, on the one stage, with a `*` only as the whole last segment.
 */

/** The one stage every route is served on. */
export const GATEWAY_STAGE = 'v1';

/** Path templates of the gateway's routes (API Gateway resource paths). */
export const GATEWAY_ROUTES = {
  /** POST: a Bedrock- or SageMaker-backed inference service, through the gateway function. */
  workloadInvoke: '/workloads/{workload}/invoke',
  /** Any method: a Kubernetes-hosted service, through the VPC link to the in-cluster gateway. */
  workloadHttp: '/workloads/{workload}/http/{proxy+}',
  /** POST: one of an agent's Bedrock models, through the gateway function. */
  agentModel: '/agents/{agent}/models/{model}/invoke',
  /** Any method: one of an agent's tools, decided by Cedar in the gateway function. */
  agentTool: '/agents/{agent}/tools/{tool}/{proxy+}',
  /** GET: the gateway answers itself (MOCK). */
  health: '/health',
} as const;

/** Methods an HTTP route grant covers, one ARN each (OPTIONS, TRACE and CONNECT are never granted). */
export const HTTP_GRANT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type GrantMethod = (typeof HTTP_GRANT_METHODS)[number];

/** The path a route entry or a grant uses for a model id: anything but letters, digits, `.`, `_`, `-` becomes `-`. */
export function modelPathId(modelId: string): string {
  return modelId.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** Concrete paths of one workload's or agent's routes (no leading slash). */
export const routePaths = {
  workloadInvoke: (workload: string) => `workloads/${workload}/invoke`,
  workloadHttp: (workload: string) => `workloads/${workload}/http/*`,
  agentModel: (agent: string, modelId: string) => `agents/${agent}/models/${modelPathId(modelId)}/invoke`,
  agentTools: (agent: string) => `agents/${agent}/tools/*`,
};

/**
 * execute-api ARNs that grant `methods` on `path` of the gateway's stage: one ARN per method.
 * @throws Error when a method is not one of {@link HTTP_GRANT_METHODS} or the path has a wildcard
 *   anywhere but as its whole last segment (the shapes that widen a grant across routes)
 */
export function executeApiArns(executionArn: string, methods: readonly GrantMethod[], path: string): string[] {
  const segments = path.split('/');
  const badSegment = segments.findIndex((s, i) => s === '' || (s.includes('*') && !(i === segments.length - 1 && s === '*')) || s.includes('?'));
  if (badSegment >= 0) throw new Error(`executeApiArns: path "${path}" has a wildcard or an empty segment before its end; grant a concrete path with at most a trailing "/*"`);
  for (const m of methods) {
    if (!(HTTP_GRANT_METHODS as readonly string[]).includes(m)) throw new Error(`executeApiArns: method "${m}" is not one of ${HTTP_GRANT_METHODS.join(', ')}; never grant "*" or ANY`);
  }
  return methods.map((m) => `${executionArn}/${GATEWAY_STAGE}/${m}/${path}`);
}

/** SSM path under which services publish their route entries (read by the gateway function). */
export function routeParameterPrefix(environment: string): string {
  return `/governance/${environment}/routes/`;
}

/** SSM path under which agents publish their route entries. */
export function agentParameterPrefix(environment: string): string {
  return `/governance/${environment}/agents/`;
}
