import { Fn, TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { bedrockModelArn, eksClusterArn } from '../governance/arns';
import { bedrockModelAccessStatements } from '../governance/bedrock-grants';
import { today } from '../governance/clock';
import type { IGatewayCaller, IGovernedEnvironment, IGrantee } from '../governance/environment';
import { isGatewayCaller } from '../governance/environment';
import { GovernanceValidationError, ProblemCollector } from '../governance/errors';
import { executeApiArns, HTTP_GRANT_METHODS, routeParameterPrefix, routePaths, type GrantMethod } from '../governance/gateway-routes';
import { governanceTags, kubernetesMetadata, workloadFacts, type GovernanceFacts } from '../governance/governance-tags';
import { EXECUTE_API_INVOKE, KMS_USE, LOGS_DESCRIBE, LOGS_WRITE, METRICS_PUT, SAGEMAKER_INVOKE } from '../governance/iam-actions';
import { imagePlanCheck, sageMakerImagePullStatements } from '../governance/image-sources';
import { INTEGRATION_SUFFIX } from '../governance/names';
import { addPlanChecks } from '../governance/plan-checks';
import { servedTenants, tenantPlanCheck } from '../governance/tenants';
import { sid, type PolicyStatement } from '../governance/policy-document';
import { DEFAULT_QUOTA_TIER } from '../governance/quota-tiers';
import { recordModelUse } from '../governance/model-use';
import { revokedNow } from '../governance/revocation';
import { claimWorkloadName } from '../governance/workload-registry';
import { Budget } from '../primitives/budget';
import { KubernetesWorkload } from '../primitives/kubernetes-workload';
import { LogSink } from '../primitives/log-sink';
import { PrivateModelEndpoint } from '../primitives/private-model-endpoint';
import { RotatingSecret } from '../primitives/rotating-secret';
import { GatewayRouteEntry } from '../primitives/route-entry';
import { WorkloadIdentity } from '../primitives/workload-identity';
import { checkModel, checkReferences, checkWorkloadBasics, isEnvironment, type GovernedInferenceServiceProps } from './inference-service-props';

/** How callers reach a service: its route on the gateway and the methods a grant covers. */
interface ServiceRoute {
  readonly path: string;
  readonly methods: readonly GrantMethod[];
  /** The URL callers use, below the stage: `.../workloads/<name>/invoke` or `.../workloads/<name>/http`. */
  readonly urlPath: string;
}
import { ensureGoverned } from '../policy-engine/ensure-governed';

/**
 * A governed AI inference workload in one environment, from one construct: its identities, its
 * secrets, its route entry on the environment's gateway, its logs, optionally its budget, and the
 * model itself (a Bedrock model, a private SageMaker endpoint, or a hardened Kubernetes deployment).
 * Other workloads call it only through the gateway, with `grantInvoke`; the gateway's routes are
 * the platform's, so the service adds no API Gateway resource.
 *
 * Identities: a Bedrock-backed service runs no code, so its one identity is its integration
 * identity (what the gateway function acts with to call the model with the guardrail). A
 * SageMaker-backed service has the endpoint's execution identity and an integration identity that
 * may invoke that endpoint only. A Kubernetes-hosted service has its pods' identity (EKS Pod
 * Identity); the gateway reaches it through the in-cluster gateway, and it may call other services
 * when granted (with its own API key).
 */
export class GovernedInferenceService extends Construct implements IGatewayCaller {
  public readonly name: string;
  public readonly environment: IGovernedEnvironment;
  /** The workload's own identity (its runtime's; for Bedrock, the integration identity). */
  public readonly identity: WorkloadIdentity;
  /** What the gateway function acts with for this service (Bedrock and SageMaker services). */
  public readonly integrationIdentity?: WorkloadIdentity;
  public readonly roleArn: string;
  public readonly roleName: string;
  /** The service's own generated token, readable by its runtime only (Kubernetes services). */
  public readonly serviceToken?: RotatingSecret;
  /** What the gateway function reads to act for the service. */
  public readonly routeEntry: GatewayRouteEntry;
  /** `https://<api>.execute-api.<region>.amazonaws.com/v1/workloads/<name>/invoke` (or `/http`). */
  public readonly routeUrl: string;
  /** In-cluster DNS name (Kubernetes services only). */
  public readonly serviceDnsName?: string;
  public readonly logs: LogSink;
  public readonly endpoint?: PrivateModelEndpoint;
  public readonly kubernetesWorkload?: KubernetesWorkload;
  public readonly tags: Record<string, string>;
  public readonly facts: GovernanceFacts;
  /** True when the revocation is in force (not scheduled for later). */
  public readonly isRevoked: boolean;
  /** The quota tier of the service's own gateway key. */
  public readonly quotaTier: string;
  private readonly route: ServiceRoute;
  private readonly kind: 'bedrock' | 'sageMaker' | 'kubernetes';
  private gatewayKeySecret?: RotatingSecret;
  private readonly callerRoleNames: string[] = [];
  private readonly props: GovernedInferenceServiceProps;

  constructor(scope: Construct, id: string, props: GovernedInferenceServiceProps) {
    super(scope, id);
    ensureGoverned(this);
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
      const earlierGateway = !earlier && !props.model.kubernetes ? claim(`${props.name}${INTEGRATION_SUFFIX}`, 'the integration identity of GovernedInferenceService') : undefined;
      if (earlier) {
        problems.add('name', props.name, `a name not yet used in environment ${props.environment.name} (already used by ${earlier.kind} at '${earlier.path}', team ${earlier.team})`, 'give each workload its own name: one identity per workload per environment');
      } else if (earlierGateway) {
        problems.add('name', props.name, `a name whose integration identity "${props.name}${INTEGRATION_SUFFIX}" is free in environment ${props.environment.name} (already used by ${earlierGateway.kind} at '${earlierGateway.path}', team ${earlierGateway.team})`, 'rename one of the two workloads');
      }
    }
    problems.throwIfAny();

    const env = props.environment;
    this.props = props;
    this.name = props.name;
    this.environment = env;
    this.quotaTier = props.quotaTier ?? DEFAULT_QUOTA_TIER;
    this.facts = workloadFacts(env.name, props, 'inference-service');
    const tags = governanceTags(this.facts);
    this.tags = tags;
    const model = props.model;
    this.kind = model.bedrock ? 'bedrock' : model.sageMaker ? 'sageMaker' : 'kubernetes';
    this.isRevoked = revokedNow(props.revoked, today(this));
    const namespace = model.kubernetes?.namespace ?? props.name;
    const integration = (name: string) =>
      new WorkloadIdentity(this, 'integration-identity', {
        environment: env,
        name,
        tags,
        revocation: props.revoked,
        runtime: { kind: 'gateway-integration', functionRoleArn: env.gateway.functionRoleArn },
      });

    this.logs = new LogSink(this, 'logs', { name: `/governed/${env.name}/${props.name}`, kmsKeyArn: env.kmsKeyArn, retentionDays: env.logRetentionDays, tags });

    let entry: Record<string, unknown>;
    if (model.bedrock) {
      const guardrail = props.guardrail ?? env.guardrail;
      const modelArn = bedrockModelArn(env.region, model.bedrock.modelId);
      // Runs no code: its one identity is what the gateway function acts with.
      this.identity = new WorkloadIdentity(this, 'identity', {
        environment: env,
        name: `${props.name}${INTEGRATION_SUFFIX}`,
        tags,
        revocation: props.revoked,
        runtime: { kind: 'gateway-integration', functionRoleArn: env.gateway.functionRoleArn },
      });
      this.identity.addToPolicy('model-access', bedrockModelAccessStatements(env, 'InvokeNamedModelWithGuardrail', modelArn, guardrail));
      entry = { kind: 'bedrock', modelId: model.bedrock.modelId, modelArn, guardrail };
      recordModelUse(this, model.bedrock.modelId);
      this.route = { path: routePaths.workloadInvoke(props.name), methods: ['POST'], urlPath: routePaths.workloadInvoke(props.name) };
    } else if (model.sageMaker) {
      const endpointName = `${env.name}-${props.name}`;
      const endpointArn = `arn:aws:sagemaker:${env.region}:${env.accountId}:endpoint/${endpointName}`;
      this.identity = new WorkloadIdentity(this, 'identity', {
        environment: env,
        name: props.name,
        tags,
        revocation: props.revoked,
        // SageMaker acts for this endpoint and its models (named `<endpoint>-<content hash>`).
        runtime: { kind: 'aws-service', service: 'sagemaker.amazonaws.com', sourceArns: [endpointArn, `arn:aws:sagemaker:${env.region}:${env.accountId}:model/${endpointName}-*`] },
      });
      this.identity.addToPolicy('runtime', sageMakerRuntimeStatements(env, endpointName, model.sageMaker.image));
      if (!this.isRevoked) {
        this.endpoint = new PrivateModelEndpoint(this, 'endpoint', {
          environment: env,
          name: endpointName,
          image: model.sageMaker.image,
          instanceType: model.sageMaker.instanceType,
          instanceCount: model.sageMaker.instanceCount ?? 1,
          executionRoleArn: this.identity.roleArn,
          tags,
        });
      }
      this.integrationIdentity = integration(`${props.name}${INTEGRATION_SUFFIX}`);
      this.integrationIdentity.addToPolicy('model-access', [{ Sid: 'InvokeNamedEndpoint', Effect: 'Allow', Action: [...SAGEMAKER_INVOKE], Resource: endpointArn }]);
      entry = { kind: 'sagemaker', endpointName, endpointArn };
      this.route = { path: routePaths.workloadInvoke(props.name), methods: ['POST'], urlPath: routePaths.workloadInvoke(props.name) };
    } else {
      const k = model.kubernetes!;
      const rt = env.kubernetes!;
      this.identity = new WorkloadIdentity(this, 'identity', {
        environment: env,
        name: props.name,
        tags,
        revocation: props.revoked,
        runtime: { kind: 'eks-pod-identity', clusterArn: eksClusterArn(env.region, env.accountId, rt.clusterName), namespace, serviceAccount: props.name },
      });
      this.identity.addToPolicy('logs', [{ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: [...LOGS_WRITE, ...LOGS_DESCRIBE], Resource: `${this.logs.arn}:log-stream:*` }]);
      this.kubernetesWorkload = new KubernetesWorkload(this, 'kubernetes', {
        name: props.name,
        namespace,
        runtime: rt,
        image: k.image,
        replicas: this.isRevoked ? 0 : (k.replicas ?? 2),
        resources: k.resources,
        port: k.port ?? 8080,
        endpointIps: env.network.endpointIps,
        roleArn: this.identity.roleArn,
        revoked: this.isRevoked,
        ...kubernetesMetadata(this.facts),
        tags,
        serve: true,
        env: () => ({
          AWS_REGION: env.region,
          GOVERNED_LOG_GROUP: `/governed/${env.name}/${props.name}`,
          GOVERNED_GATEWAY_URL: env.gateway.invokeUrl,
          ...(this.gatewayKeySecret ? { GOVERNED_GATEWAY_KEY_SECRET_ARN: this.gatewayKeySecret.secretArn } : {}),
        }),
      });
      this.serviceDnsName = this.kubernetesWorkload.serviceDnsName;
      entry = { kind: 'kubernetes' };
      this.route = { path: routePaths.workloadHttp(props.name), methods: HTTP_GRANT_METHODS, urlPath: `workloads/${props.name}/http` };
    }
    this.roleArn = this.identity.roleArn;
    this.roleName = this.identity.roleName;
    // Tenants and image sources a contract publishes as Terraform values: checked at plan (tenants.ts, image-sources.ts).
    const image = model.sageMaker?.image ?? model.kubernetes?.image;
    addPlanChecks(this.identity.role, [
      tenantPlanCheck(this.node.path, env, props.tenants),
      image !== undefined ? imagePlanCheck(this.node.path, model.sageMaker ? 'model.sageMaker.image' : 'model.kubernetes.image', image, env) : undefined,
    ]);

    this.routeEntry = new GatewayRouteEntry(this, 'route-entry', {
      prefix: routeParameterPrefix(env.name),
      name: props.name,
      // callers: the service's side of every grant; the gateway function refuses any other caller.
      entry: () => ({ workload: props.name, ...entry, tenants: servedTenants(props.tenants, env) ?? [], callers: [...this.callerRoleNames], revoked: props.revoked ? { ...props.revoked, scheduled: props.revoked.scheduled ?? false } : null }),
      tags,
    });
    if (model.bedrock && !env.allowedModelsKnown) {
      // The allow-list lives in another stack: Terraform checks it at plan, before anything changes.
      this.routeEntry.parameter.addOverride('lifecycle.precondition', [
        {
          condition: Fn.contains(env.allowedModels as string[], model.bedrock.modelId),
          error_message: `${this.node.path}: model ${model.bedrock.modelId} is not on ${env.name}'s allowedModels; use an allowed model or ask the platform team to add it.`,
        },
      ]);
    }
    this.routeUrl = `${env.gateway.invokeUrl}/${this.route.urlPath}`;

    if (model.kubernetes) {
      this.serviceToken = new RotatingSecret(this, 'service-token', {
        environment: env,
        workload: props.name,
        name: 'service-token',
        description: `Service token of ${props.name} in ${env.name}`,
        strategy: 'generated-token',
        revoked: this.isRevoked ? props.revoked : undefined,
        tags,
      });
      this.serviceToken.grantRead(this.identity);
    }

    if (props.budget) {
      new Budget(this, 'budget', { name: `${env.name}-${props.name}`, workload: props.name, monthlyUsd: props.budget.monthlyUsd, alertEmails: props.budget.alertEmails, tags });
    }
    for (const caller of props.callers ?? []) this.grantInvoke(caller);
    this.outputs();
  }

  /** The IAM role resource, for tests and extensions. */
  get role(): IamRole {
    return this.identity.role;
  }

  /** The service's own gateway key, once it was granted a route (Kubernetes services only). */
  get gatewayKey(): RotatingSecret | undefined {
    return this.gatewayKeySecret;
  }

  /**
   * Lets another workload call this service: `execute-api:Invoke` on this service's route only,
   * one ARN per method, from the environment's execute-api endpoint only; the caller presents its
   * own API key (created on its first grant). The grant has two sides: the caller's identity
   * policy names the route, and the service's route entry names the caller (the gateway function
   * refuses callers the service did not grant, whatever their own policy says). A revoked service
   * grants nothing: the grant becomes an explicit deny, so a caller granted before is refused at once.
   * @throws GovernanceValidationError when the grantee runs no code of its own (a Bedrock- or
   *   SageMaker-backed service cannot call anything)
   */
  grantInvoke(grantee: IGrantee): void {
    if (grantee instanceof GovernedInferenceService && grantee.kind !== 'kubernetes') {
      throw new GovernanceValidationError(this.node.path, [
        {
          prop: 'grantInvoke(grantee)',
          value: grantee.node.path,
          allowed: 'a workload that runs code and calls the gateway: a Kubernetes-hosted GovernedInferenceService, a GovernedAgent, or a workload identity',
          fix: `grant the workload that calls ${this.name}, not ${grantee.name} (a ${grantee.kind}-backed service has no code that could call it)`,
        },
      ]);
    }
    const env = this.environment;
    grantee.addToPolicy('service-access', [
      {
        Sid: sid(this.isRevoked ? 'Revoked' : 'Invoke', this.name),
        Effect: this.isRevoked ? 'Deny' : 'Allow',
        Action: [...EXECUTE_API_INVOKE],
        Resource: executeApiArns(env.gateway.executionArn, this.route.methods, this.route.path),
        ...(this.isRevoked ? {} : { Condition: { StringEquals: { 'aws:SourceVpce': env.vpcEndpoints.executeApi } } }),
      },
    ]);
    if (this.isRevoked) return;
    this.callerRoleNames.push(grantee.roleName);
    if (isGatewayCaller(grantee)) grantee.ensureGatewayKey();
  }

  /**
   * The service's own API key for its calls through the gateway (a rotated secret on its quota
   * tier's usage plan), created on first use; returns its secret's ARN.
   * @throws GovernanceValidationError for a Bedrock- or SageMaker-backed service (it calls nothing)
   */
  ensureGatewayKey(): string {
    if (this.kind !== 'kubernetes') {
      throw new GovernanceValidationError(this.node.path, [
        { prop: 'gateway key', value: this.kind, allowed: 'a Kubernetes-hosted service (the only kind that runs code calling the gateway)', fix: 'grant the workload that calls, not this service' },
      ]);
    }
    if (!this.gatewayKeySecret) {
      const env = this.environment;
      this.gatewayKeySecret = new RotatingSecret(this, 'gateway-key', {
        environment: env,
        workload: this.name,
        name: 'gateway-api-key',
        description: `Gateway API key of ${this.name} in ${env.name}: its own calls, metered by quota tier ${this.quotaTier}`,
        strategy: 'api-gateway-key',
        quotaTier: this.quotaTier,
        revoked: this.isRevoked ? this.props.revoked : undefined,
        tags: this.tags,
      });
      this.gatewayKeySecret.grantRead(this.identity);
      new TerraformOutput(this, 'gateway-key-output', { value: this.gatewayKeySecret.secretArn, description: `Secret holding ${this.name}'s own gateway API key` }).overrideLogicalId(`${this.name}-gateway-key-secret-arn`);
    }
    return this.gatewayKeySecret.secretArn;
  }

  addToPolicy(concern: string, statements: readonly PolicyStatement[]): void {
    this.identity.addToPolicy(concern, statements);
  }

  /** The handles a product team needs after apply, as Terraform outputs named after the service. */
  private outputs(): void {
    const out = (id: string, value: string, description: string) => new TerraformOutput(this, `${id}-output`, { value, description }).overrideLogicalId(`${this.name}-${id}`);
    // A URL read from the contract parameter, whose value the provider marks sensitive: it is no secret,
    // and Terraform refuses a root output of a sensitive value.
    out('route-url', Fn.nonsensitive(this.routeUrl), `Where callers reach ${this.name} (SigV4 with their own role, x-api-key with their own key)`);
    out('role-arn', this.roleArn, `${this.name}'s own identity`);
    if (this.integrationIdentity) out('integration-role-arn', this.integrationIdentity.roleArn, `What the gateway function acts with for ${this.name}`);
    if (this.serviceToken) out('service-token-secret-arn', this.serviceToken.secretArn, `${this.name}'s own generated token`);
    if (this.serviceDnsName && !Token.isUnresolved(this.serviceDnsName)) out('service-dns-name', this.serviceDnsName, `${this.name}'s in-cluster DNS name`);
  }
}

/** What a SageMaker execution role needs to pull its image and write its logs, metrics and capture. */
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
      Resource: `arn:aws:logs:${env.region}:${env.accountId}:log-group:/aws/sagemaker/Endpoints/${endpointName}:*`,
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
