import { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
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
import { EXECUTE_API_INVOKE } from '../governance/iam-actions';
import { policyJson } from '../governance/policy-document';
import { ACCESS_LOG_FORMAT } from '../primitives/gateway-stage';
import { ServiceRole } from '../primitives/service-role';

/** Stage-wide throttle of the platform stage; workload stages set their own from their quotas. */
export interface GatewayThrottle {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export interface GatewayProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly executeApiEndpointId: string;
  readonly rolePath: string;
  readonly platformRolePath: string;
  readonly accessLogGroupArn: string;
  readonly throttle: GatewayThrottle;
  /** Set the account's API Gateway CloudWatch role (one per account and region). */
  readonly manageAccountSettings: boolean;
  readonly tags: Record<string, string>;
}

/**
 * The environment's front door to models and tools: a private REST API reachable only through the
 * environment's execute-api endpoint, whose resource policy admits only governed roles of this
 * environment coming through that endpoint. Every method requires AWS_IAM (or a request
 * authorizer). Workloads add their routes under `/workloads` and `/agents` from their own stacks.
 */
export class Gateway extends Construct {
  public readonly api: ApiGatewayRestApi;
  public readonly workloadsResource: ApiGatewayResource;
  public readonly agentsResource: ApiGatewayResource;
  public readonly stage: ApiGatewayStage;

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    this.api = new ApiGatewayRestApi(this, 'api', {
      name: `governed-${props.envName}`,
      description: `Governed AI gateway of ${props.envName}: models and tools, IAM-authenticated, private`,
      endpointConfiguration: { types: ['PRIVATE'], vpcEndpointIds: [props.executeApiEndpointId] },
      apiKeySource: 'HEADER',
      tags: props.tags,
    });
    const restApiId = this.api.id;
    const acct = props.accountId;

    // A separate resource: a policy inline on the API cannot name the API's own ARN.
    new ApiGatewayRestApiPolicy(this, 'policy', {
      restApiId,
      policy: policyJson([
        {
          Sid: 'GovernedRolesThroughEnvironmentEndpoint',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${acct}:root` },
          Action: [...EXECUTE_API_INVOKE],
          Resource: `${this.api.executionArn}/*`,
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
          Resource: `${this.api.executionArn}/*`,
          Condition: { StringNotEquals: { 'aws:SourceVpce': props.executeApiEndpointId } },
        },
        {
          // Agent tool routes use a request authorizer (CUSTOM), so API Gateway sees no IAM
          // principal and the first statement cannot match them. They are let through the
          // environment endpoint only; the agent's authorizer then proves the caller's role
          // (presigned STS call) and asks Verified Permissions, denying by default.
          Sid: 'AgentToolRoutesThroughEnvironmentEndpoint',
          Effect: 'Allow',
          Principal: '*',
          Action: [...EXECUTE_API_INVOKE],
          Resource: `${this.api.executionArn}/*/*/agents/*/tools/*`,
          Condition: { StringEquals: { 'aws:SourceVpce': props.executeApiEndpointId } },
        },
      ]),
    });

    this.workloadsResource = new ApiGatewayResource(this, 'workloads', { restApiId, parentId: this.api.rootResourceId, pathPart: 'workloads' });
    this.agentsResource = new ApiGatewayResource(this, 'agents', { restApiId, parentId: this.api.rootResourceId, pathPart: 'agents' });

    // A deployment needs a method: /health answers from the gateway itself, still behind AWS_IAM.
    const health = new ApiGatewayResource(this, 'health', { restApiId, parentId: this.api.rootResourceId, pathPart: 'health' });
    const method = new ApiGatewayMethod(this, 'health-method', { restApiId, resourceId: health.id, httpMethod: 'GET', authorization: 'AWS_IAM' });
    const integration = new ApiGatewayIntegration(this, 'health-integration', {
      restApiId,
      resourceId: health.id,
      httpMethod: method.httpMethod,
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
    });
    const response = new ApiGatewayMethodResponse(this, 'health-response', { restApiId, resourceId: health.id, httpMethod: method.httpMethod, statusCode: '200' });
    new ApiGatewayIntegrationResponse(this, 'health-integration-response', {
      restApiId,
      resourceId: health.id,
      httpMethod: method.httpMethod,
      statusCode: response.statusCode,
      responseTemplates: { 'application/json': '{"status": "ok"}' },
      dependsOn: [integration],
    });

    let account: ApiGatewayAccount | undefined;
    if (props.manageAccountSettings) {
      const role = new ServiceRole(this, 'cloudwatch-role', {
        name: `${props.envName}-apigateway-cloudwatch`,
        path: props.platformRolePath,
        service: 'apigateway.amazonaws.com',
        accountId: acct,
        statements: [
          {
            Sid: 'WriteGatewayLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
            Resource: [`arn:aws:logs:${props.region}:${acct}:log-group:/governed/${props.envName}/*`, `arn:aws:logs:${props.region}:${acct}:log-group:API-Gateway-Execution-Logs_*`],
          },
        ],
        tags: props.tags,
      });
      account = new ApiGatewayAccount(this, 'account', { cloudwatchRoleArn: role.roleArn });
    }

    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId,
      description: 'Platform routes',
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [method, integration],
    });
    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId,
      deploymentId: deployment.id,
      stageName: 'platform',
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: props.accessLogGroupArn, format: ACCESS_LOG_FORMAT },
      tags: props.tags,
      dependsOn: account ? [account] : undefined,
    });
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
  }
}
