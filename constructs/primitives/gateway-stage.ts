import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import type { IGovernedEnvironment } from '../governance/environment';
import type { GatewayRoute } from './gateway-route';

/** Per-workload call limits on the gateway. */
export interface Quotas {
  /** Steady-state requests per second. */
  readonly ratePerSecond: number;
  /** Burst of requests above the rate. */
  readonly burst: number;
  /** Requests per calendar month. */
  readonly monthlyRequests: number;
}

export interface GatewayStageProps {
  readonly environment: IGovernedEnvironment;
  readonly workload: string;
  readonly routes: readonly GatewayRoute[];
  readonly quotas: Quotas;
  readonly tags: Record<string, string>;
}

/** Access log fields: who called (the workload role), what, and the outcome. No request bodies. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  caller: '$context.identity.userArn',
  sourceVpce: '$context.identity.vpceId',
  apiKeyId: '$context.identity.apiKeyId',
  authorizerPrincipal: '$context.authorizer.principalId',
  method: '$context.httpMethod',
  path: '$context.resourcePath',
  status: '$context.status',
  integrationStatus: '$context.integration.status',
  latencyMs: '$context.responseLatency',
  time: '$context.requestTime',
});

/**
 * A workload's own stage on the environment's gateway. The platform owns the API; each workload
 * stack owns its deployment, stage and usage plan, so a product team ships its route without
 * touching the platform stack, and its quota meters only its own key. Access logs go to the
 * environment's sink; request bodies are never logged (data trace off).
 */
export class GatewayStage extends Construct {
  public readonly stage: ApiGatewayStage;
  public readonly usagePlan: ApiGatewayUsagePlan;
  public readonly stageName: string;
  public readonly invokeUrl: string;
  private readonly executionArn: string;

  constructor(scope: Construct, id: string, props: GatewayStageProps) {
    super(scope, id);
    const env = props.environment;
    const restApiId = env.gateway.restApiId;
    this.executionArn = env.gateway.executionArn;
    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId,
      description: `${props.workload} routes`,
      // Redeploy when this workload's routes change; the new deployment replaces the old one first.
      triggers: {
        redeployment: Fn.sha1(Fn.jsonencode(props.routes.map((r) => [r.method.id, r.integration.id, r.integration.uri]))),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: props.routes.flatMap((r) => [r.method, r.integration]),
    });

    this.stageName = props.workload;
    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId,
      deploymentId: deployment.id,
      stageName: this.stageName,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: env.gateway.accessLogGroupArn, format: ACCESS_LOG_FORMAT },
      tags: props.tags,
    });
    this.invokeUrl = this.stage.invokeUrl;

    new ApiGatewayMethodSettings(this, 'settings', {
      restApiId,
      stageName: this.stage.stageName,
      methodPath: '*/*',
      settings: {
        throttlingRateLimit: props.quotas.ratePerSecond,
        throttlingBurstLimit: props.quotas.burst,
        metricsEnabled: true,
        loggingLevel: 'ERROR',
        dataTraceEnabled: false,
      },
    });

    this.usagePlan = new ApiGatewayUsagePlan(this, 'usage-plan', {
      name: `${env.name}-${props.workload}`,
      description: `Quota of ${props.workload} in ${env.name}; its API key is a rotated secret`,
      apiStages: [{ apiId: restApiId, stage: this.stage.stageName }],
      throttleSettings: { rateLimit: props.quotas.ratePerSecond, burstLimit: props.quotas.burst },
      quotaSettings: { limit: props.quotas.monthlyRequests, period: 'MONTH' },
      tags: props.tags,
    });
  }

  /** The execute-api ARN of one route on this stage, for grants: `<api>/<stage>/<METHOD>/<path>`. */
  routeArn(route: GatewayRoute): string {
    const method = route.httpMethod === 'ANY' ? '*' : route.httpMethod;
    const path = route.resourcePath.replace(/\{proxy\+\}/g, '*');
    return `${this.executionArn}/${this.stageName}/${method}/${path}`;
  }
}
