import { Construct } from 'constructs';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import type { IGovernedEnvironment } from '../governance/environment';

/** Where a route sends the call. The gateway holds the credentials; the caller never does. */
export type RouteIntegration =
  | {
      /** An AWS service action signed with the route's integration role (Bedrock, SageMaker, Lambda). */
      readonly kind: 'aws';
      /** `arn:aws:apigateway:<region>:<service>:path/...` */
      readonly uri: string;
      readonly credentialsRoleArn: string;
      /** Static headers added to the upstream request (`'value'` literals). */
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      /** An HTTP service inside the VPC, reached through the environment's VPC link. */
      readonly kind: 'vpc-link';
      readonly vpcLinkId: string;
      readonly uri: string;
    };

export interface GatewayRouteProps {
  readonly environment: IGovernedEnvironment;
  readonly parentResourceId: string;
  /** Path of the parent resource below the root: `workloads`, `agents/triage/tools`. */
  readonly parentPath: string;
  /** Path segments below the parent: `['chat', 'invoke']`. */
  readonly pathParts: readonly string[];
  readonly httpMethod: 'POST' | 'GET' | 'ANY';
  readonly integration: RouteIntegration;
  /**
   * How callers authenticate: their own workload role (SigV4), or a request authorizer that also
   * decides per request.
   * @default - AWS_IAM
   */
  readonly authorizerId?: string;
}

/**
 * One route on the environment's private gateway: a resource path, a method that requires the
 * caller's IAM signature (or a request authorizer) and an API key (the workload's quota), and an
 * integration that carries the upstream credentials.
 */
export class GatewayRoute extends Construct {
  public readonly method: ApiGatewayMethod;
  public readonly integration: ApiGatewayIntegration;
  /** `workloads/chat/invoke`-style path below the stage. */
  public readonly resourcePath: string;
  public readonly httpMethod: string;

  constructor(scope: Construct, id: string, props: GatewayRouteProps) {
    super(scope, id);
    const restApiId = props.environment.gateway.restApiId;
    let parentId = props.parentResourceId;
    props.pathParts.forEach((part, i) => {
      const resource = new ApiGatewayResource(this, `path-${i}`, { restApiId, parentId, pathPart: part });
      parentId = resource.id;
    });
    this.resourcePath = [props.parentPath, ...props.pathParts].join('/');
    this.httpMethod = props.httpMethod;

    this.method = new ApiGatewayMethod(this, 'method', {
      restApiId,
      resourceId: parentId,
      httpMethod: props.httpMethod,
      authorization: props.authorizerId ? 'CUSTOM' : 'AWS_IAM',
      authorizerId: props.authorizerId,
      apiKeyRequired: true,
      requestParameters: props.pathParts.some((p) => p.startsWith('{proxy')) ? { 'method.request.path.proxy': true } : undefined,
    });

    const integration = props.integration;
    this.integration = new ApiGatewayIntegration(this, 'integration', {
      restApiId,
      resourceId: parentId,
      httpMethod: this.method.httpMethod,
      ...(integration.kind === 'aws'
        ? {
            type: 'AWS',
            integrationHttpMethod: 'POST',
            uri: integration.uri,
            credentials: integration.credentialsRoleArn,
            passthroughBehavior: 'WHEN_NO_MATCH',
            requestParameters: integration.headers
              ? Object.fromEntries(Object.entries(integration.headers).map(([k, v]) => [`integration.request.header.${k}`, `'${v}'`]))
              : undefined,
          }
        : {
            type: 'HTTP_PROXY',
            integrationHttpMethod: 'ANY',
            connectionType: 'VPC_LINK',
            connectionId: integration.vpcLinkId,
            uri: integration.uri,
            requestParameters: props.pathParts.some((p) => p.startsWith('{proxy'))
              ? { 'integration.request.path.proxy': 'method.request.path.proxy' }
              : undefined,
          }),
      timeoutMilliseconds: 29000,
    });
  }
}
