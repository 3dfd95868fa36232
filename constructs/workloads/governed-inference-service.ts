import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { bedrockModelArn, eksClusterArn } from '../governance/arns';
import { today } from '../governance/clock';
import type { IGovernedEnvironment, IGrantee } from '../governance/environment';
import { ProblemCollector } from '../governance/errors';
import { governanceTags, kubernetesMetadata, workloadFacts, type GovernanceFacts } from '../governance/governance-tags';
import { EXECUTE_API_INVOKE, KMS_USE, LOGS_DESCRIBE, LOGS_WRITE, METRICS_PUT, SAGEMAKER_INVOKE } from '../governance/iam-actions';
import { imagePlanCheck, sageMakerImagePullStatements } from '../governance/image-sources';
import { addPlanChecks } from '../governance/plan-checks';
import { tenantPlanCheck } from '../governance/tenants';
import { sid, type PolicyStatement } from '../governance/policy-document';
import { claimWorkloadName } from '../governance/workload-registry';
import { Budget } from '../primitives/budget';
import { GatewayRoute, type RouteIntegration } from '../primitives/gateway-route';
import { GatewayStage } from '../primitives/gateway-stage';
import { KubernetesWorkload } from '../primitives/kubernetes-workload';
import { LogSink } from '../primitives/log-sink';
import { PrivateModelEndpoint } from '../primitives/private-model-endpoint';
import { RotatingSecret } from '../primitives/rotating-secret';
import { WorkloadIdentity } from '../primitives/workload-identity';
import { checkModel, checkReferences, checkWorkloadBasics, DEFAULT_QUOTAS, isEnvironment, type GovernedInferenceServiceProps } from './inference-service-props';
import { bedrockModelAccessStatements } from '../governance/bedrock-grants';

/**
 * A governed AI inference workload in one environment, from one construct: its own identity, its
 * secrets, its route and quota on the environment's gateway, its logs, optionally its budget, and
 * the model itself (a Bedrock model it may call, a private SageMaker endpoint, or a hardened
 * Kubernetes deployment). Other workloads call it only through the gateway, with `grantInvoke`.
 */
export class GovernedInferenceService extends Construct implements IGrantee {
  public readonly name: string;
  public readonly environment: IGovernedEnvironment;
  /** The workload's own IAM identity (the model runtime's, or for Bedrock the gateway integration's). */
  public readonly identity: WorkloadIdentity;
  public readonly roleArn: string;
  public readonly roleName: string;
  /** The gateway API key callers present (rotated by the environment's rotation function). */
  public readonly gatewayKey: RotatingSecret;
  /** The service's own generated token, readable by its runtime only (Kubernetes services). */
  public readonly serviceToken?: RotatingSecret;
  public readonly route: GatewayRoute;
  public readonly stage: GatewayStage;
  /** `https://<api>.execute-api.<region>.amazonaws.com/<stage>/workloads/<name>/...` */
  public readonly routeUrl: string;
  /** In-cluster DNS name (Kubernetes services only). */
  public readonly serviceDnsName?: string;
  public readonly logs: LogSink;
  public readonly endpoint?: PrivateModelEndpoint;
  public readonly kubernetesWorkload?: KubernetesWorkload;
  public readonly tags: Record<string, string>;
  public readonly facts: GovernanceFacts;

  constructor(scope: Construct, id: string, props: GovernedInferenceServiceProps) {
    super(scope, id);
    const problems = new ProblemCollector(this.node.path);
    checkWorkloadBasics(problems, props, today(this));
    if (props && typeof props === 'object') {
      checkModel(problems, isEnvironment(props.environment) ? props.environment : undefined, props.model, props.name);
      checkReferences(problems, props);
    }
    if (problems.count === 0) {
      const claim = (workload: string, kind: string) =>
        claimWorkloadName(this, { environment: props.environment.name, workload, team: props.owner.team, kind, path: this.node.path });
      const earlier = claim(props.name, 'GovernedInferenceService');
      // A SageMaker service's gateway identity is the role `<env>-<name>-gw`: claimed too, so a
      // workload named `<name>-gw` cannot collide with it at apply.
      const earlierGateway = !earlier && props.model.sageMaker ? claim(`${props.name}-gw`, 'the gateway identity of GovernedInferenceService') : undefined;
      if (earlier) {
        problems.add('name', props.name, `a name not yet used in environment ${props.environment.name} (already used by ${earlier.kind} at '${earlier.path}', team ${earlier.team})`, 'give each workload its own name: one identity per workload per environment');
      } else if (earlierGateway) {
        problems.add('name', props.name, `a name whose gateway identity "${props.name}-gw" is free in environment ${props.environment.name} (already used by ${earlierGateway.kind} at '${earlierGateway.path}', team ${earlierGateway.team})`, 'rename one of the two workloads');
      }
    }
    problems.throwIfAny();

    const env = props.environment;
    this.name = props.name;
    this.environment = env;
    this.facts = workloadFacts(env.name, props, 'inference-service');
    const tags = governanceTags(this.facts);
    this.tags = tags;
    const model = props.model;
    const gatewaySourceArn = `${env.gateway.executionArn}/*`;
    const namespace = model.kubernetes?.namespace ?? props.name;

    this.identity = new WorkloadIdentity(this, 'identity', {
      environment: env,
      name: props.name,
      tags,
      revocation: props.revoked,
      runtime: model.kubernetes
        ? { kind: 'eks-pod-identity', clusterArn: eksClusterArn(env.region, env.accountId, env.kubernetes!.clusterName), namespace, serviceAccount: props.name }
        : model.sageMaker
          ? { kind: 'aws-service', service: 'sagemaker.amazonaws.com', sourceArn: `arn:aws:sagemaker:${env.region}:${env.accountId}:*` }
          : { kind: 'aws-service', service: 'apigateway.amazonaws.com', sourceArn: gatewaySourceArn },
    });
    this.roleArn = this.identity.roleArn;
    this.roleName = this.identity.roleName;
    // Tenants and image sources a contract publishes as Terraform values: checked at plan (tenants.ts, image-sources.ts).
    const image = model.sageMaker?.image ?? model.kubernetes?.image;
    addPlanChecks(this.identity.role, [
      tenantPlanCheck(this.node.path, env, props.tenants),
      image !== undefined ? imagePlanCheck(this.node.path, model.sageMaker ? 'model.sageMaker.image' : 'model.kubernetes.image', image, env) : undefined,
    ]);

    this.logs = new LogSink(this, 'logs', { name: `/governed/${env.name}/${props.name}`, kmsKeyArn: env.kmsKeyArn, retentionDays: env.logRetentionDays, tags });

    let integration: RouteIntegration;
    let pathParts: string[];
    let httpMethod: 'POST' | 'ANY';
    if (model.bedrock) {
      const guardrail = props.guardrail ?? env.guardrail;
      const modelArn = bedrockModelArn(env.region, model.bedrock.modelId);
      // The gateway calls Bedrock with this identity.
      this.identity.addToPolicy('model-access', bedrockModelAccessStatements(env, 'InvokeNamedModelWithGuardrail', modelArn, guardrail));
      integration = {
        kind: 'aws',
        uri: `arn:aws:apigateway:${env.region}:bedrock-runtime:path/model/${model.bedrock.modelId}/invoke`,
        credentialsRoleArn: this.identity.roleArn,
        headers: { 'X-Amzn-Bedrock-GuardrailIdentifier': guardrail.id, 'X-Amzn-Bedrock-GuardrailVersion': guardrail.version },
      };
      pathParts = [props.name, 'invoke'];
      httpMethod = 'POST';
    } else if (model.sageMaker) {
      const endpointName = `${env.name}-${props.name}`;
      this.identity.addToPolicy('runtime', sageMakerRuntimeStatements(env, endpointName, model.sageMaker.image));
      this.endpoint = new PrivateModelEndpoint(this, 'endpoint', {
        environment: env,
        name: endpointName,
        image: model.sageMaker.image,
        instanceType: model.sageMaker.instanceType,
        instanceCount: model.sageMaker.instanceCount ?? 1,
        executionRoleArn: this.identity.roleArn,
        tags,
      });
      // The gateway's own identity for this route: it may invoke this endpoint and nothing else.
      const gatewayIdentity = new WorkloadIdentity(this, 'gateway-identity', {
        environment: env,
        name: `${props.name}-gw`,
        tags,
        revocation: props.revoked,
        runtime: { kind: 'aws-service', service: 'apigateway.amazonaws.com', sourceArn: gatewaySourceArn },
      });
      gatewayIdentity.addToPolicy('model-access', [{ Sid: 'InvokeNamedEndpoint', Effect: 'Allow', Action: [...SAGEMAKER_INVOKE], Resource: this.endpoint.endpointArn }]);
      integration = {
        kind: 'aws',
        uri: `arn:aws:apigateway:${env.region}:runtime.sagemaker:path/endpoints/${endpointName}/invocations`,
        credentialsRoleArn: gatewayIdentity.roleArn,
      };
      pathParts = [props.name, 'invoke'];
      httpMethod = 'POST';
    } else {
      const k = model.kubernetes!;
      const rt = env.kubernetes!;
      const port = k.port ?? 8080;
      this.identity.addToPolicy('logs', [{ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: [...LOGS_WRITE, ...LOGS_DESCRIBE], Resource: `${this.logs.arn}:log-stream:*` }]);
      this.kubernetesWorkload = new KubernetesWorkload(this, 'kubernetes', {
        name: props.name,
        namespace,
        runtime: rt,
        image: k.image,
        replicas: props.revoked ? 0 : (k.replicas ?? 2),
        resources: k.resources,
        port,
        endpointCidr: env.network.vpcCidr,
        roleArn: this.identity.roleArn,
        ...kubernetesMetadata(this.facts),
        tags,
        serve: true,
        env: { AWS_REGION: env.region, GOVERNED_LOG_GROUP: `/governed/${env.name}/${props.name}` },
      });
      this.serviceDnsName = this.kubernetesWorkload.serviceDnsName;
      // The in-cluster gateway routes /<workload>/... to this service.
      integration = { kind: 'vpc-link', vpcLinkId: rt.gatewayVpcLinkId, uri: `http://${rt.gatewayNlbDnsName}/${props.name}/{proxy}` };
      pathParts = [props.name, '{proxy+}'];
      httpMethod = 'ANY';
    }

    this.route = new GatewayRoute(this, 'route', {
      environment: env,
      parentResourceId: env.gateway.workloadsResourceId,
      parentPath: 'workloads',
      pathParts,
      httpMethod,
      integration,
    });
    if (model.bedrock && !env.allowedModelsKnown) {
      // The allow-list lives in another stack: Terraform checks it at plan, before anything changes.
      this.route.integration.addOverride('lifecycle.precondition', [
        {
          condition: Fn.contains(env.allowedModels as string[], model.bedrock.modelId),
          error_message: `${this.node.path}: model ${model.bedrock.modelId} is not on ${env.name}'s allowedModels; use an allowed model or ask the platform team to add it.`,
        },
      ]);
    }
    this.stage = new GatewayStage(this, 'stage', { environment: env, workload: props.name, routes: [this.route], quotas: props.quotas ?? DEFAULT_QUOTAS, tags });
    this.routeUrl = `${this.stage.invokeUrl}/${this.route.resourcePath.replace('/{proxy+}', '')}`;

    this.gatewayKey = new RotatingSecret(this, 'gateway-key', {
      environment: env,
      workload: props.name,
      name: 'gateway-api-key',
      description: `Gateway API key of ${props.name} in ${env.name}: metered by its usage plan`,
      strategy: 'api-gateway-key',
      usagePlanId: this.stage.usagePlan.id,
      tags,
    });
    if (model.kubernetes) {
      this.serviceToken = new RotatingSecret(this, 'service-token', {
        environment: env,
        workload: props.name,
        name: 'service-token',
        description: `Service token of ${props.name} in ${env.name}`,
        strategy: 'generated-token',
        tags,
      });
      this.serviceToken.grantRead(this.identity);
    }

    if (props.budget) {
      new Budget(this, 'budget', { name: `${env.name}-${props.name}`, workload: props.name, monthlyUsd: props.budget.monthlyUsd, alertEmails: props.budget.alertEmails, tags });
    }
    for (const caller of props.callers ?? []) this.grantInvoke(caller);
  }

  /** The IAM role resource, for tests and extensions. */
  get role(): IamRole {
    return this.identity.role;
  }

  /**
   * Lets another workload call this service: execute-api:Invoke on this route's stage only, from
   * the environment's execute-api endpoint only, plus read of the gateway API key it must present.
   */
  grantInvoke(grantee: IGrantee): void {
    grantee.addToPolicy('service-access', [
      {
        Sid: sid('Invoke', this.name),
        Effect: 'Allow',
        Action: [...EXECUTE_API_INVOKE],
        Resource: this.stage.routeArn(this.route),
        Condition: { StringEquals: { 'aws:SourceVpce': this.environment.vpcEndpoints.executeApi } },
      },
    ]);
    this.gatewayKey.grantRead(grantee);
  }

  addToPolicy(concern: string, statements: readonly PolicyStatement[]): void {
    this.identity.addToPolicy(concern, statements);
  }
}

/** What a SageMaker execution role needs to pull its image and write its logs and metrics. */
function sageMakerRuntimeStatements(env: IGovernedEnvironment, endpointName: string, image: string): PolicyStatement[] {
  return [
    // The image's own repository only, from an allowed source (image-sources.ts).
    ...sageMakerImagePullStatements(image, env.imageSourcePatterns),
    // PutMetricData supports no resource; the metric namespace is pinned.
    { Sid: 'PublishEndpointMetrics', Effect: 'Allow', Action: [...METRICS_PUT], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } } },
    {
      Sid: 'WriteEndpointLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', ...LOGS_WRITE, ...LOGS_DESCRIBE],
      Resource: `arn:aws:logs:${env.region}:${env.accountId}:log-group:/aws/sagemaker/Endpoints/${endpointName}*`,
    },
    {
      Sid: 'CaptureInvocationsToAuditArchive',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: `arn:aws:s3:::${env.auditArchiveBucket}/sagemaker/${endpointName}/*`,
    },
    {
      Sid: 'UseEnvironmentKeyThroughSageMaker',
      Effect: 'Allow',
      Action: [...KMS_USE],
      Resource: env.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': `sagemaker.${env.region}.amazonaws.com` } },
    },
  ];
}
