import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ApiGatewayClientCertificate } from '@cdktf/provider-aws/lib/api-gateway-client-certificate';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayRestApiPolicy } from '@cdktf/provider-aws/lib/api-gateway-rest-api-policy';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { ITerraformDependable } from 'cdktf';
import type { KubernetesRuntime } from '../governance/environment';
import { GATEWAY_STAGE } from '../governance/gateway-routes';
import { EXECUTE_API_INVOKE } from '../governance/iam-actions';
import { policyJson } from '../governance/policy-document';
import type { Quotas } from '../governance/quota-tiers';

/** Stage-wide throttle: the ceiling of all callers together. */
export interface GatewayThrottle {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export interface GatewayProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly executeApiEndpointId: string;
  /** Workload identities' path: the only callers the resource policy admits. */
  readonly rolePath: string;
  /** Integration identities' path: denied as callers. */
  readonly integrationRolePath: string;
  readonly accessLogGroupArn: string;
  readonly throttle: GatewayThrottle;
  readonly quotaTiers: Readonly<Record<string, Quotas>>;
  /** The gateway function: the integration of every route that calls a model or a tool. */
  readonly functionName: string;
  readonly functionInvokeArn: string;
  /** The in-cluster hop, when the environment runs Kubernetes workloads. */
  readonly kubernetes?: KubernetesRuntime;
  /** What must exist before the stage writes access logs (the account's API Gateway logging role). */
  readonly stageDependsOn?: ITerraformDependable[];
  readonly tags: Record<string, string>;
}

/** Access log fields: who called (the verified caller and its key), what, and the outcome. No bodies. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  caller: '$context.identity.userArn',
  sourceVpce: '$context.identity.vpceId',
  apiKeyId: '$context.identity.apiKeyId',
  method: '$context.httpMethod',
  route: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  integrationStatus: '$context.integration.status',
  latencyMs: '$context.responseLatency',
  time: '$context.requestTime',
});

/**
 * Headers API Gateway sets on the hop to the in-cluster gateway. The mapped values replace whatever
 * the caller sent under those names, so the backend learns the verified caller and the route's
 * workload from API Gateway, and never receives a credential of the caller.
 */
export const IN_CLUSTER_HEADERS = {
  'x-governance-workload': 'method.request.path.workload',
  'x-governance-caller': 'context.identity.userArn',
  'x-governance-request-id': 'context.requestId',
  'x-api-key': "'removed-by-gateway'",
  authorization: "'removed-by-gateway'",
  'x-amz-security-token': "'removed-by-gateway'",
} as const;

/**
 * The environment's front door to models and tools: a private REST API reachable only through the
 * environment's execute-api endpoint, with one stage and a fixed set of routes (SECURITY.md, "The
 * gateway design"). Every method is AWS_IAM and needs an API key; the resource policy admits only
 * the environment's workload identities through the endpoint, never a wildcard principal, and
 * denies every other principal, integration identities included. Product stacks add no resource
 * here: the number of API Gateway resources is the same for 1 or 1,000 workloads.
 */
export class Gateway extends Construct {
  public readonly api: ApiGatewayRestApi;
  public readonly stage: ApiGatewayStage;
  public readonly deployment: ApiGatewayDeployment;
  public readonly usagePlans: Record<string, ApiGatewayUsagePlan> = {};
  public readonly clientCertificate?: ApiGatewayClientCertificate;
  public readonly policy: ApiGatewayRestApiPolicy;
  public readonly invokeUrl: string;
  private readonly methods: ApiGatewayMethod[] = [];
  private readonly integrations: ApiGatewayIntegration[] = [];

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    this.api = new ApiGatewayRestApi(this, 'api', {
      name: `governed-${props.envName}`,
      description: `Governed AI gateway of ${props.envName}: models and tools, IAM-authenticated, private`,
      endpointConfiguration: { types: ['PRIVATE'], vpcEndpointIds: [props.executeApiEndpointId] },
      apiKeySource: 'HEADER',
      // Bodies reach the gateway function base64-encoded whatever their type (models take binary
      // payloads, tools any content type); proxy integrations pass them through unchanged.
      binaryMediaTypes: ['*/*'],
      tags: props.tags,
    });
    const restApiId = this.api.id;
    const exec = this.api.executionArn;
    const acct = props.accountId;

    // A separate resource: a policy inline on the API cannot name the API's own ARN.
    this.policy = new ApiGatewayRestApiPolicy(this, 'policy', {
      restApiId,
      policy: policyJson([
        {
          // The account principal delegates to IAM: a workload identity still needs its own
          // grant of the exact route (GovernedInferenceService.grantInvoke, GovernedAgent).
          Sid: 'WorkloadIdentitiesThroughEnvironmentEndpoint',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${acct}:root` },
          Action: [...EXECUTE_API_INVOKE],
          Resource: `${exec}/${GATEWAY_STAGE}/*`,
          Condition: {
            ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${acct}:role${props.rolePath}*` },
            StringEquals: { 'aws:SourceVpce': props.executeApiEndpointId },
          },
        },
        {
          Sid: 'DenyOutsideEnvironmentEndpoint',
          Effect: 'Deny',
          Principal: '*',
          Action: [...EXECUTE_API_INVOKE],
          Resource: `${exec}/*`,
          Condition: { StringNotEquals: { 'aws:SourceVpce': props.executeApiEndpointId } },
        },
        {
          // In one account, API Gateway allows a call when the caller's own IAM policy allows it and
          // the resource policy does not deny: an administrator or a neighbour with a broad
          // execute-api grant would pass the Allow above without being named by it.
          Sid: 'DenyAllButWorkloadIdentities',
          Effect: 'Deny',
          Principal: '*',
          Action: [...EXECUTE_API_INVOKE],
          Resource: `${exec}/*`,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${acct}:role${props.rolePath}*` } },
        },
        {
          // What the gateway acts with for a workload never calls the gateway itself.
          Sid: 'DenyIntegrationIdentities',
          Effect: 'Deny',
          Principal: '*',
          Action: [...EXECUTE_API_INVOKE],
          Resource: `${exec}/*`,
          Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${acct}:role${props.integrationRolePath}*` } },
        },
      ]),
    });

    const resource = (rid: string, parentId: string, pathPart: string) => new ApiGatewayResource(this, rid, { restApiId, parentId, pathPart });
    const root = this.api.rootResourceId;

    // GET /health answers from the gateway itself: a deployment needs a method, and monitoring one.
    const health = resource('health', root, 'health');
    const healthMethod = this.method('health', health.id, 'GET', false);
    const healthIntegration = this.integration('health', health.id, healthMethod, { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } });
    const healthResponse = new ApiGatewayMethodResponse(this, 'health-response', { restApiId, resourceId: health.id, httpMethod: healthMethod.httpMethod, statusCode: '200' });
    const healthIntegrationResponse = new ApiGatewayIntegrationResponse(this, 'health-integration-response', {
      restApiId,
      resourceId: health.id,
      httpMethod: healthMethod.httpMethod,
      statusCode: healthResponse.statusCode,
      responseTemplates: { 'application/json': '{"status": "ok"}' },
      dependsOn: [healthIntegration],
    });

    const fn = { type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: props.functionInvokeArn };

    // /workloads/{workload}/invoke: Bedrock and SageMaker services.
    const workloads = resource('workloads', root, 'workloads');
    const workload = resource('workload', workloads.id, '{workload}');
    const invoke = resource('workload-invoke', workload.id, 'invoke');
    const invokeMethod = this.method('workload-invoke', invoke.id, 'POST', true, { 'method.request.path.workload': true });
    this.integration('workload-invoke', invoke.id, invokeMethod, fn);

    // /agents/{agent}/models/{model}/invoke and /agents/{agent}/tools/{tool}/{proxy+}.
    const agents = resource('agents', root, 'agents');
    const agent = resource('agent', agents.id, '{agent}');
    const models = resource('agent-models', agent.id, 'models');
    const model = resource('agent-model', models.id, '{model}');
    const modelInvoke = resource('agent-model-invoke', model.id, 'invoke');
    const modelMethod = this.method('agent-model', modelInvoke.id, 'POST', true, { 'method.request.path.agent': true, 'method.request.path.model': true });
    this.integration('agent-model', modelInvoke.id, modelMethod, fn);
    const tools = resource('agent-tools', agent.id, 'tools');
    const tool = resource('agent-tool', tools.id, '{tool}');
    const toolProxy = resource('agent-tool-proxy', tool.id, '{proxy+}');
    const toolMethod = this.method('agent-tool', toolProxy.id, 'ANY', true, { 'method.request.path.agent': true, 'method.request.path.tool': true, 'method.request.path.proxy': true });
    this.integration('agent-tool', toolProxy.id, toolMethod, fn);

    // /workloads/{workload}/http/{proxy+}: the in-cluster hop, over TLS with the stage's client
    // certificate, which the in-cluster gateway must require (SECURITY.md, decision 5).
    if (props.kubernetes) {
      const k8s = props.kubernetes;
      this.clientCertificate = new ApiGatewayClientCertificate(this, 'client-certificate', {
        description: `Proves to ${props.envName}'s in-cluster gateway that a request comes from API Gateway`,
        tags: props.tags,
      });
      const http = resource('workload-http', workload.id, 'http');
      const httpProxy = resource('workload-http-proxy', http.id, '{proxy+}');
      const httpMethod = this.method('workload-http', httpProxy.id, 'ANY', true, { 'method.request.path.workload': true, 'method.request.path.proxy': true });
      this.integration('workload-http', httpProxy.id, httpMethod, {
        type: 'HTTP_PROXY',
        integrationHttpMethod: 'ANY',
        connectionType: 'VPC_LINK',
        connectionId: k8s.gatewayVpcLinkId,
        uri: `https://${k8s.gatewayNlbDnsName}/{proxy}`,
        tlsConfig: { insecureSkipVerification: false },
        requestParameters: {
          'integration.request.path.proxy': 'method.request.path.proxy',
          ...Object.fromEntries(Object.entries(IN_CLUSTER_HEADERS).map(([h, v]) => [`integration.request.header.${h}`, v])),
        },
      });
    }

    // API Gateway invokes the function only for these routes of this API's stage.
    const permission = (pid: string, sourceArn: string) =>
      new LambdaPermission(this, pid, { action: 'lambda:InvokeFunction', functionName: props.functionName, principal: 'apigateway.amazonaws.com', sourceArn, sourceAccount: acct });
    permission('invoke-permission-workloads', `${exec}/${GATEWAY_STAGE}/POST/workloads/*/invoke`);
    permission('invoke-permission-agent-models', `${exec}/${GATEWAY_STAGE}/POST/agents/*/models/*/invoke`);
    permission('invoke-permission-agent-tools', `${exec}/${GATEWAY_STAGE}/*/agents/*/tools/*`);

    // Redeploy when anything a request meets changes: every method, integration and the policy
    // (by content, not by id), and only after the policy is attached: a private API cannot be
    // deployed without one.
    this.deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId,
      description: 'Governed routes',
      triggers: {
        redeployment: Fn.sha1(
          Fn.jsonencode([
            this.policy.policy,
            ...this.methods.map((m) => [m.id, m.httpMethod, m.authorization, m.apiKeyRequired]),
            // merge() reads an absent map the same before and after a refresh: the provider stores
            // it as null right after create and as {} once refreshed, which would redeploy.
            ...this.integrations.map((i) => [i.id, i.type, i.uri, i.connectionId, Fn.merge([i.requestParameters]), Fn.merge([i.requestTemplates])]),
            healthIntegrationResponse.id,
          ]),
        ),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [this.policy, ...this.methods, ...this.integrations, healthIntegrationResponse],
    });
    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId,
      deploymentId: this.deployment.id,
      stageName: GATEWAY_STAGE,
      xrayTracingEnabled: true,
      clientCertificateId: this.clientCertificate?.id,
      accessLogSettings: { destinationArn: props.accessLogGroupArn, format: ACCESS_LOG_FORMAT },
      tags: props.tags,
      dependsOn: props.stageDependsOn,
    });
    this.invokeUrl = this.stage.invokeUrl;
    new ApiGatewayMethodSettings(this, 'stage-settings', {
      restApiId,
      stageName: this.stage.stageName,
      methodPath: '*/*',
      settings: {
        throttlingRateLimit: props.throttle.ratePerSecond,
        throttlingBurstLimit: props.throttle.burst,
        metricsEnabled: true,
        loggingLevel: 'ERROR',
        dataTraceEnabled: false,
      },
    });

    // One usage plan per quota tier; its limits apply to each caller's key separately.
    for (const [tier, q] of Object.entries(props.quotaTiers)) {
      this.usagePlans[tier] = new ApiGatewayUsagePlan(this, `usage-plan-${tier}`, {
        name: `governed-${props.envName}-${tier}`,
        description: `Quota tier ${tier} of ${props.envName}: applied to each caller's own API key`,
        apiStages: [{ apiId: restApiId, stage: this.stage.stageName }],
        throttleSettings: { rateLimit: q.ratePerSecond, burstLimit: q.burst },
        quotaSettings: { limit: q.monthlyRequests, period: 'MONTH' },
        tags: props.tags,
      });
    }
  }

  private method(mid: string, resourceId: string, httpMethod: string, apiKeyRequired: boolean, requestParameters?: Record<string, boolean>): ApiGatewayMethod {
    const m = new ApiGatewayMethod(this, `${mid}-method`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod,
      authorization: 'AWS_IAM',
      apiKeyRequired,
      requestParameters,
    });
    this.methods.push(m);
    return m;
  }

  private integration(
    iid: string,
    resourceId: string,
    method: ApiGatewayMethod,
    shape: Omit<ConstructorParameters<typeof ApiGatewayIntegration>[2], 'restApiId' | 'resourceId' | 'httpMethod'>,
  ): ApiGatewayIntegration {
    const i = new ApiGatewayIntegration(this, `${iid}-integration`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod: method.httpMethod,
      timeoutMilliseconds: 29000,
      ...shape,
    });
    this.integrations.push(i);
    return i;
  }

  /** The usage plan ids by tier, for the contract and the rotation function. */
  get usagePlanIds(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.usagePlans).map(([tier, plan]) => [tier, plan.id]));
  }

  /** The public certificate the in-cluster gateway must require (PEM), when Kubernetes is configured. */
  get clientCertificatePem(): string | undefined {
    return this.clientCertificate?.pemEncodedCertificate;
  }
}
