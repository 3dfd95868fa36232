import { Construct } from 'constructs';
import { ApiGatewayIntegration, type ApiGatewayIntegrationConfig } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import type { IGovernedEnvironment } from '../governance/environment';
import type { ResolvedToolGrant } from '../agent-authorization/tool-grants';

/** Headers the caller sends for the authorizer only; the tool never receives them. */
export const AUTHORIZER_ONLY_HEADERS = ['x-governance-identity', 'x-governance-approval'] as const;

/** The authorizer context key that carries the tool credential to the integration. */
export const TOOL_CREDENTIAL_CONTEXT_KEY = 'toolCredential';

export interface ToolRouteProps {
  readonly environment: IGovernedEnvironment;
  /** The agent's `/agents/<agent>/tools` resource. */
  readonly toolsResourceId: string;
  /** Full path of that resource below the stage, without slashes at the ends: `agents/<agent>/tools`. */
  readonly toolsPath: string;
  readonly tool: ResolvedToolGrant;
  /** The agent's request authorizer: every call to the tool is decided by it. */
  readonly authorizerId: string;
  /** Role API Gateway assumes to invoke a Lambda tool (lambda targets only). */
  readonly lambdaIntegrationRoleArn?: string;
}

/**
 * One tool of one agent on the environment's gateway: `/agents/<agent>/tools/<tool>/{proxy+}`,
 * any method, decided per request by the agent's authorizer, metered by the agent's API key.
 * The integration holds the tool credential: for HTTP and governed-service tools the authorizer
 * reads the tool-side secret after an Allow and the integration sets it as the tool's auth
 * header; the identity and approval headers are overwritten so the tool cannot replay them.
 * Lambda tools are invoked with an integration role; IAM is their credential.
 */
export class ToolRoute extends Construct {
  public readonly method: ApiGatewayMethod;
  public readonly integration: ApiGatewayIntegration;
  /** `agents/<agent>/tools/<tool>/{proxy+}` */
  public readonly resourcePath: string;
  public readonly httpMethod = 'ANY';

  constructor(scope: Construct, id: string, props: ToolRouteProps) {
    super(scope, id);
    const env = props.environment;
    const restApiId = env.gateway.restApiId;
    const tool = props.tool;
    const toolResource = new ApiGatewayResource(this, 'tool', { restApiId, parentId: props.toolsResourceId, pathPart: tool.name });
    const proxy = new ApiGatewayResource(this, 'proxy', { restApiId, parentId: toolResource.id, pathPart: '{proxy+}' });
    this.resourcePath = `${props.toolsPath}/${tool.name}/{proxy+}`;

    this.method = new ApiGatewayMethod(this, 'method', {
      restApiId,
      resourceId: proxy.id,
      httpMethod: 'ANY',
      authorization: 'CUSTOM',
      authorizerId: props.authorizerId,
      apiKeyRequired: true,
      requestParameters: { 'method.request.path.proxy': true },
    });

    this.integration = new ApiGatewayIntegration(this, 'integration', {
      restApiId,
      resourceId: proxy.id,
      httpMethod: this.method.httpMethod,
      timeoutMilliseconds: 29000,
      ...integrationFor(env, tool, props.lambdaIntegrationRoleArn),
    });
  }
}

type IntegrationShape = Pick<ApiGatewayIntegrationConfig, 'type' | 'integrationHttpMethod' | 'uri' | 'connectionType' | 'connectionId' | 'credentials' | 'requestParameters'>;

function integrationFor(env: IGovernedEnvironment, tool: ResolvedToolGrant, lambdaRoleArn: string | undefined): IntegrationShape {
  const target = tool.target;
  if (target.kind === 'lambda') {
    if (!lambdaRoleArn) throw new Error(`ToolRoute ${tool.name}: a lambda tool needs lambdaIntegrationRoleArn`);
    return {
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: `arn:aws:apigateway:${env.region}:lambda:path/2015-03-31/functions/${target.functionArn}/invocations`,
      credentials: lambdaRoleArn,
    };
  }
  const requestParameters: Record<string, string> = { 'integration.request.path.proxy': 'method.request.path.proxy' };
  for (const header of AUTHORIZER_ONLY_HEADERS) requestParameters[`integration.request.header.${header}`] = "'removed-by-gateway'";
  if (tool.credential) {
    requestParameters[`integration.request.header.${tool.credential.header}`] = `context.authorizer.${TOOL_CREDENTIAL_CONTEXT_KEY}`;
  }
  if (target.kind === 'http') {
    return { type: 'HTTP_PROXY', integrationHttpMethod: 'ANY', uri: `${target.url.replace(/\/+$/, '')}/{proxy}`, connectionType: 'INTERNET', requestParameters };
  }
  const k8s = env.kubernetes;
  if (!k8s) throw new Error(`ToolRoute ${tool.name}: a governed-service tool needs an environment with a Kubernetes runtime`);
  // The in-cluster gateway routes /<workload>/... to the service, as it does for inference services.
  return {
    type: 'HTTP_PROXY',
    integrationHttpMethod: 'ANY',
    uri: `http://${k8s.gatewayNlbDnsName}/${target.service.name}/{proxy}`,
    connectionType: 'VPC_LINK',
    connectionId: k8s.gatewayVpcLinkId,
    requestParameters,
  };
}
