import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { BedrockagentAgent } from '@cdktf/provider-aws/lib/bedrockagent-agent';
import { bedrockModelArn, eksClusterArn } from '../governance/arns';
import { agentPolicies, governedServiceModelId, type CedarPolicy, type ModelGrant } from '../agent-authorization/cedar-policies';
import { today } from '../governance/clock';
import type { IGovernedEnvironment, IGrantee } from '../governance/environment';
import { ProblemCollector } from '../governance/errors';
import { governanceTags, kubernetesMetadata, PLATFORM_WORKLOAD, workloadFacts, type GovernanceFacts } from '../governance/governance-tags';
import { BEDROCK_APPLY_GUARDRAIL, BEDROCK_INVOKE, EXECUTE_API_INVOKE, KMS_USE, LAMBDA_INVOKE, LOGS_DESCRIBE, LOGS_WRITE } from '../governance/iam-actions';
import type { PolicyStatement } from '../governance/policy-document';
import { imagePlanCheck } from '../governance/image-sources';
import { addPlanChecks } from '../governance/plan-checks';
import { platformRolePath } from '../governance/rotation';
import { servedTenants, tenantPlanCheck } from '../governance/tenants';
import { checkToolGrants, type ResolvedToolGrant } from '../agent-authorization/tool-grants';
import { AgentPolicyStore } from '../primitives/agent-policy-store';
import { GatewayRoute } from '../primitives/gateway-route';
import { GatewayStage } from '../primitives/gateway-stage';
import { KubernetesWorkload } from '../primitives/kubernetes-workload';
import { LogSink } from '../primitives/log-sink';
import { RotatingSecret } from '../primitives/rotating-secret';
import { ServiceRole } from '../primitives/service-role';
import { audienceOf, ToolAuthorizer } from '../primitives/tool-authorizer';
import { ToolRoute } from '../primitives/tool-route';
import { WorkloadIdentity } from '../primitives/workload-identity';
import { checkAgentModels, checkAgentRuntime, claimAgentIdentity, isGovernedService, type GovernedAgentProps } from './agent-props';
import { checkWorkloadBasics, DEFAULT_QUOTAS, isEnvironment } from './inference-service-props';
import { claimWorkloadName } from '../governance/workload-registry';
import { bedrockModelAccessStatements } from '../governance/bedrock-grants';

/** IAM policy concerns of an agent role: model access and tool access never share a document. */
export const AGENT_CONCERNS = { modelAccess: 'model-access', gatewayKey: 'gateway-key', logs: 'logs' } as const;

/**
 * A governed AI agent in one environment, from one construct. Model access and tool access are
 * separate grants that never imply each other:
 * - models: IAM, in the agent role's `model-access` policy (execute-api on the agent's model
 *   routes and on the governed services it may call); the gateway's integration identity holds
 *   the Bedrock permission, never the agent role;
 * - tools: one gateway route per tool, decided per request by the agent's authorizer against
 *   Cedar policies in the environment's Verified Permissions store (who, which action, when,
 *   with whose approval). The agent role holds no permission on any tool and cannot read any tool
 *   credential: the authorizer reads it after an Allow and the integration injects it.
 *
 * Revocation is one prop: explicit deny of everything on the agent's roles (earlier sessions
 * included), zero replicas, a Cedar forbid plus an authorizer that denies outright, and who,
 * when and why in the tags and the report.
 */
export class GovernedAgent extends Construct implements IGrantee {
  public readonly name: string;
  public readonly environment: IGovernedEnvironment;
  public readonly identity: WorkloadIdentity;
  public readonly roleArn: string;
  public readonly roleName: string;
  public readonly tags: Record<string, string>;
  public readonly facts: GovernanceFacts;
  public readonly tools: readonly ResolvedToolGrant[];
  /** Cedar policies generated from the grants (also in the policy store). */
  public readonly cedarPolicies: readonly CedarPolicy[];
  public readonly policyStore: AgentPolicyStore;
  public readonly logs: LogSink;
  /** Every tool decision: who, which tool and action, who approved, which policy decided. */
  public readonly decisionLog: LogSink;
  public readonly toolRoutes: readonly ToolRoute[] = [];
  public readonly modelRoutes: readonly GatewayRoute[] = [];
  public readonly authorizer?: ToolAuthorizer;
  /** Signing key of step-up approvals: approval tooling gets read with {@link grantApprovalSigning}. */
  public readonly approvalKey?: RotatingSecret;
  public readonly stage?: GatewayStage;
  public readonly gatewayKey?: RotatingSecret;
  public readonly kubernetesWorkload: KubernetesWorkload;
  public readonly bedrockAgent?: BedrockagentAgent;

  constructor(scope: Construct, id: string, props: GovernedAgentProps) {
    super(scope, id);
    const problems = new ProblemCollector(this.node.path);
    checkWorkloadBasics(problems, props, today(this));
    if (!props || typeof props !== 'object') problems.throwIfAny();
    // A stray object is reported once (by checkWorkloadBasics), not again by every check that reads it.
    const validEnv = isEnvironment(props.environment) ? props.environment : undefined;
    checkAgentModels(problems, validEnv, props.models);
    const bedrockModels = (Array.isArray(props.models) ? props.models : []).filter((m) => m && !isGovernedService(m)).map((m) => (m as { bedrockModelId: string }).bedrockModelId);
    checkAgentRuntime(problems, validEnv, props.runtime, bedrockModels, props.name);
    const tools = checkToolGrants(problems, 'tools', props.tools);
    if (props.tools === undefined) problems.add('tools', props.tools, 'a list of tool grants', 'list the tools the agent may call; [] for none');
    for (const t of tools) {
      if (t.target.kind === 'governed-service' && validEnv && !validEnv.kubernetes) {
        problems.add(`tools (${t.name}).target`, t.target, 'a governed-service tool only in an environment with a Kubernetes runtime', 'call the service over http, or deploy to an environment with Kubernetes');
      }
    }
    const namespace = props.runtime?.kubernetes?.namespace ?? props.name;
    if (validEnv && problems.count === 0) claimAgentIdentity(problems, this, props, namespace);
    if (validEnv && problems.count === 0) {
      // The agent's helper roles are `<env>-<name>-models-gw` and `<env>-<name>-bedrock`: claimed
      // too, so no other workload's role can collide with them at apply.
      const derived = [...(bedrockModels.length > 0 ? ['models-gw'] : []), ...(props.runtime.bedrockAgent ? ['bedrock'] : [])];
      for (const suffix of derived) {
        const earlier = claimWorkloadName(this, { environment: validEnv.name, workload: `${props.name}-${suffix}`, team: props.owner.team, kind: 'a helper identity of GovernedAgent', path: this.node.path });
        if (earlier) problems.add('name', props.name, `a name whose helper identity "${props.name}-${suffix}" is free in environment ${validEnv.name} (already used by ${earlier.kind} at '${earlier.path}', team ${earlier.team})`, 'rename one of the two workloads');
      }
    }
    problems.throwIfAny();
    const env = props.environment;

    this.name = props.name;
    this.environment = env;
    this.tools = tools;
    this.facts = workloadFacts(env.name, props, 'agent');
    const tags = governanceTags(this.facts);
    this.tags = tags;
    const rt = env.kubernetes!;

    this.identity = new WorkloadIdentity(this, 'identity', {
      environment: env,
      name: props.name,
      tags,
      revocation: props.revoked,
      runtime: { kind: 'eks-pod-identity', clusterArn: eksClusterArn(env.region, env.accountId, rt.clusterName), namespace, serviceAccount: props.name },
    });
    this.roleArn = this.identity.roleArn;
    this.roleName = this.identity.roleName;
    // Tenants and image sources a contract publishes as Terraform values: checked at plan (tenants.ts, image-sources.ts).
    addPlanChecks(this.identity.role, [
      tenantPlanCheck(this.node.path, env, props.tenants),
      imagePlanCheck(this.node.path, 'runtime.kubernetes.image', props.runtime.kubernetes.image, env),
    ]);

    this.logs = new LogSink(this, 'logs', { name: `/governed/${env.name}/${props.name}`, kmsKeyArn: env.kmsKeyArn, retentionDays: env.logRetentionDays, tags });
    this.decisionLog = new LogSink(this, 'decision-log', { name: `/governed/${env.name}/${props.name}/tool-decisions`, kmsKeyArn: env.kmsKeyArn, retentionDays: env.logRetentionDays, tags });
    this.identity.addToPolicy(AGENT_CONCERNS.logs, [{ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: [...LOGS_WRITE, ...LOGS_DESCRIBE], Resource: `${this.logs.arn}:log-stream:*` }]);

    // /agents/<agent> with /tools and /models below it: the agent's corner of the gateway.
    const restApiId = env.gateway.restApiId;
    const agentResource = new ApiGatewayResource(this, 'gateway-agent', { restApiId, parentId: env.gateway.agentsResourceId, pathPart: props.name });

    this.modelRoutes = this.modelRoutesFor(props, agentResource.id);

    // The store is environment-wide: it carries the platform's accountability, not this agent's.
    this.policyStore = AgentPolicyStore.of(
      this,
      env.name,
      governanceTags({ environment: env.name, workload: PLATFORM_WORKLOAD, accountability: env.accountability, dataClassification: 'internal', reviewBy: props.owner.reviewBy }),
    );
    const toolRoutes: ToolRoute[] = [];
    if (tools.length > 0) {
      const toolsResource = new ApiGatewayResource(this, 'gateway-tools', { restApiId, parentId: agentResource.id, pathPart: 'tools' });
      this.approvalKey = new RotatingSecret(this, 'approval-key', {
        environment: env,
        workload: props.name,
        name: 'approval-signing-key',
        description: `Signs step-up approvals of ${props.name}'s tool calls in ${env.name}; never readable by the agent`,
        strategy: 'generated-token',
        tags,
      });
      this.authorizer = new ToolAuthorizer(this, 'tool-authorizer', {
        environment: env,
        agent: props.name,
        agentRoleArn: this.identity.roleArn,
        policyStore: this.policyStore,
        tools,
        approvalKey: this.approvalKey,
        decisionLog: this.decisionLog,
        revokedAt: props.revoked?.at,
        tags,
      });
      const lambdaTools = tools.filter((t) => t.target.kind === 'lambda');
      let lambdaRoleArn: string | undefined;
      if (lambdaTools.length > 0) {
        lambdaRoleArn = new ServiceRole(this, 'tool-lambda-integration', {
          name: `${env.name}-${props.name}-tool-lambda`,
          path: platformRolePath(env.name),
          service: 'apigateway.amazonaws.com',
          accountId: env.accountId,
          sourceArn: `${env.gateway.executionArn}/*`,
          statements: [
            {
              Sid: 'InvokeToolFunctions',
              Effect: 'Allow',
              Action: [...LAMBDA_INVOKE],
              Resource: lambdaTools.map((t) => (t.target as { functionArn: string }).functionArn),
            },
          ],
          tags,
        }).roleArn;
      }
      for (const tool of tools) {
        toolRoutes.push(
          new ToolRoute(this, `tool-${tool.name}`, {
            environment: env,
            toolsResourceId: toolsResource.id,
            toolsPath: `agents/${props.name}/tools`,
            tool,
            authorizerId: this.authorizer.authorizerId,
            lambdaIntegrationRoleArn: lambdaRoleArn,
          }),
        );
      }
    }
    this.toolRoutes = toolRoutes;

    const routes = [...this.modelRoutes, ...toolRoutes];
    if (routes.length > 0) {
      // GatewayStage only reads the routes' method, integration and path.
      this.stage = new GatewayStage(this, 'stage', { environment: env, workload: props.name, routes: routes as GatewayRoute[], quotas: props.quotas ?? DEFAULT_QUOTAS, tags });
      this.gatewayKey = new RotatingSecret(this, 'gateway-key', {
        environment: env,
        workload: props.name,
        name: 'gateway-api-key',
        description: `Gateway API key of agent ${props.name} in ${env.name}: metered by its usage plan`,
        strategy: 'api-gateway-key',
        usagePlanId: this.stage.usagePlan.id,
        tags,
      });
      this.gatewayKey.grantRead(this.concern(AGENT_CONCERNS.gatewayKey));
      const stage = this.stage;
      const modelRouteArns = this.modelRoutes.map((r) => stage.routeArn(r));
      if (modelRouteArns.length > 0) {
        this.identity.addToPolicy(AGENT_CONCERNS.modelAccess, [
          {
            Sid: 'InvokeGrantedModelRoutes',
            Effect: 'Allow',
            Action: [...EXECUTE_API_INVOKE],
            Resource: modelRouteArns,
            Condition: { StringEquals: { 'aws:SourceVpce': env.vpcEndpoints.executeApi } },
          },
        ]);
      }
    }

    // Governed services grant themselves; their statements land in the model-access document.
    const modelGrants: ModelGrant[] = [];
    for (const m of props.models) {
      if (isGovernedService(m)) {
        m.grantInvoke(this.concern(AGENT_CONCERNS.modelAccess));
        modelGrants.push({ model: governedServiceModelId(env.name, m.name) });
      } else {
        modelGrants.push({ model: m.bedrockModelId });
      }
    }

    this.cedarPolicies = agentPolicies({ environment: env.name, agent: props.name, tools, models: modelGrants, revoked: props.revoked, tenants: servedTenants(props.tenants, env) });
    this.policyStore.addPolicies(this, this.cedarPolicies);

    this.kubernetesWorkload = new KubernetesWorkload(this, 'kubernetes', {
      name: props.name,
      namespace,
      runtime: rt,
      image: props.runtime.kubernetes.image,
      replicas: props.revoked ? 0 : (props.runtime.kubernetes.replicas ?? 1),
      resources: props.runtime.kubernetes.resources,
      port: 8080,
      endpointCidr: env.network.vpcCidr,
      roleArn: this.identity.roleArn,
      ...kubernetesMetadata(this.facts),
      tags,
      serve: false,
      env: {
        AWS_REGION: env.region,
        GOVERNED_LOG_GROUP: `/governed/${env.name}/${props.name}`,
        ...(this.stage ? { GOVERNED_GATEWAY_URL: this.stage.invokeUrl } : {}),
        ...(this.gatewayKey ? { GOVERNED_GATEWAY_KEY_SECRET_ARN: this.gatewayKey.secretArn } : {}),
        GOVERNED_IDENTITY_AUDIENCE: audienceOf(env.name),
      },
    });

    if (props.runtime.bedrockAgent) this.bedrockAgent = this.bedrockAgentFor(props, tags);
  }

  /** Lets approval tooling sign step-up approvals for this agent's tools (read of the signing key). */
  grantApprovalSigning(grantee: IGrantee): void {
    if (!this.approvalKey) throw new Error(`${this.node.path}: agent ${this.name} has no tools, so nothing to approve`);
    this.approvalKey.grantRead(grantee);
  }

  addToPolicy(concern: string, statements: readonly PolicyStatement[]): void {
    this.identity.addToPolicy(concern, statements);
  }

  /** The agent identity seen through one concern: every grant made through it lands in that policy document. */
  private concern(name: string): IGrantee {
    return { roleArn: this.identity.roleArn, roleName: this.identity.roleName, addToPolicy: (_c, statements) => this.identity.addToPolicy(name, statements) };
  }

  /**
   * One POST route per Bedrock model under /agents/<agent>/models, called with the agent's own
   * signature. The gateway calls Bedrock with a separate integration identity that may invoke the
   * named models only, with the environment guardrail attached.
   */
  private modelRoutesFor(props: GovernedAgentProps, agentResourceId: string): GatewayRoute[] {
    const env = props.environment;
    const modelIds = props.models.filter((m) => !isGovernedService(m)).map((m) => (m as { bedrockModelId: string }).bedrockModelId);
    if (modelIds.length === 0) return [];
    const gatewayIdentity = new WorkloadIdentity(this, 'model-gateway-identity', {
      environment: env,
      name: `${props.name}-models-gw`,
      tags: this.tags,
      revocation: props.revoked,
      runtime: { kind: 'aws-service', service: 'apigateway.amazonaws.com', sourceArn: `${env.gateway.executionArn}/*` },
    });
    const guardrail = env.guardrail;
    gatewayIdentity.addToPolicy(AGENT_CONCERNS.modelAccess, bedrockModelAccessStatements(env, 'InvokeGrantedModelsWithGuardrail', modelIds.map((id) => bedrockModelArn(env.region, id)), guardrail));
    const modelsResource = new ApiGatewayResource(this, 'gateway-models', { restApiId: env.gateway.restApiId, parentId: agentResourceId, pathPart: 'models' });
    return modelIds.map((modelId) => {
      const pathPart = modelId.replace(/[^A-Za-z0-9._-]/g, '-');
      const route = new GatewayRoute(this, `model-${pathPart}`, {
        environment: env,
        parentResourceId: modelsResource.id,
        parentPath: `agents/${props.name}/models`,
        pathParts: [pathPart, 'invoke'],
        httpMethod: 'POST',
        integration: {
          kind: 'aws',
          uri: `arn:aws:apigateway:${env.region}:bedrock-runtime:path/model/${modelId}/invoke`,
          credentialsRoleArn: gatewayIdentity.roleArn,
          headers: { 'X-Amzn-Bedrock-GuardrailIdentifier': guardrail.id, 'X-Amzn-Bedrock-GuardrailVersion': guardrail.version },
        },
      });
      if (!env.allowedModelsKnown) {
        // The allow-list lives in another stack: Terraform checks it at plan, before anything changes.
        route.integration.addOverride('lifecycle.precondition', [
          {
            condition: Fn.contains(env.allowedModels as string[], modelId),
            error_message: `${this.node.path}: model ${modelId} is not on ${env.name}'s allowedModels; use an allowed model or ask the platform team to add it.`,
          },
        ]);
      }
      return route;
    });
  }

  /**
   * The Bedrock agent runtime: its own service identity (Bedrock assumes it, for this account's
   * agents only), which may invoke the agent's granted foundation model with the environment
   * guardrail, and the environment's key for the agent's data.
   */
  private bedrockAgentFor(props: GovernedAgentProps, tags: Record<string, string>): BedrockagentAgent {
    const env = props.environment;
    const b = props.runtime.bedrockAgent!;
    const agentName = `${env.name}-${props.name}`;
    const identity = new WorkloadIdentity(this, 'bedrock-agent-identity', {
      environment: env,
      name: `${props.name}-bedrock`,
      tags,
      revocation: props.revoked,
      runtime: { kind: 'aws-service', service: 'bedrock.amazonaws.com', sourceArn: `arn:aws:bedrock:${env.region}:${env.accountId}:agent/*` },
    });
    identity.addToPolicy(AGENT_CONCERNS.modelAccess, [
      { Sid: 'InvokeAgentFoundationModel', Effect: 'Allow', Action: [...BEDROCK_INVOKE], Resource: bedrockModelArn(env.region, b.foundationModel) },
      { Sid: 'ApplyGuardrail', Effect: 'Allow', Action: [...BEDROCK_APPLY_GUARDRAIL], Resource: env.guardrail.arn },
      {
        Sid: 'UseEnvironmentKeyThroughBedrock',
        Effect: 'Allow',
        Action: [...KMS_USE],
        Resource: env.kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `bedrock.${env.region}.amazonaws.com` } },
      },
    ]);
    return new BedrockagentAgent(this, 'bedrock-agent', {
      agentName,
      agentResourceRoleArn: identity.roleArn,
      foundationModel: b.foundationModel,
      instruction: b.instruction,
      idleSessionTtlInSeconds: b.idleSessionTtlSeconds ?? 600,
      customerEncryptionKeyArn: env.kmsKeyArn,
      guardrailConfiguration: [{ guardrailIdentifier: env.guardrail.id, guardrailVersion: env.guardrail.version }],
      prepareAgent: true,
      tags,
    });
  }
}
