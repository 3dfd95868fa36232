import { Fn, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { BedrockagentAgent } from '@cdktf/provider-aws/lib/bedrockagent-agent';
import { bedrockModelArn, eksClusterArn } from '../governance/arns';
import { bedrockModelAccessStatements } from '../governance/bedrock-grants';
import { agentPolicies, governedServiceModelId, type CedarPolicy, type ModelGrant } from '../agent-authorization/cedar-policies';
import { imagePlanCheck } from '../governance/image-sources';
import { addPlanChecks } from '../governance/plan-checks';
import { servedTenants, tenantPlanCheck } from '../governance/tenants';
import { checkToolGrants, type ResolvedToolGrant } from '../agent-authorization/tool-grants';
import { today } from '../governance/clock';
import type { IGatewayCaller, IGovernedEnvironment, IGrantee } from '../governance/environment';
import { ProblemCollector } from '../governance/errors';
import { agentParameterPrefix, executeApiArns, HTTP_GRANT_METHODS, modelPathId, routePaths } from '../governance/gateway-routes';
import { governanceTags, kubernetesMetadata, workloadFacts, type GovernanceFacts } from '../governance/governance-tags';
import { BEDROCK_APPLY_GUARDRAIL, BEDROCK_INVOKE, EXECUTE_API_INVOKE, KMS_USE, LAMBDA_INVOKE, LOGS_DESCRIBE, LOGS_WRITE } from '../governance/iam-actions';
import { BEDROCK_AGENT_SUFFIX, INTEGRATION_SUFFIX } from '../governance/names';
import type { PolicyStatement } from '../governance/policy-document';
import { DEFAULT_QUOTA_TIER } from '../governance/quota-tiers';
import { recordModelUse } from '../governance/model-use';
import { revokedNow } from '../governance/revocation';
import { claimWorkloadName } from '../governance/workload-registry';
import { addAgentPolicies } from '../primitives/agent-policies';
import { KubernetesWorkload } from '../primitives/kubernetes-workload';
import { LogSink } from '../primitives/log-sink';
import { RotatingSecret } from '../primitives/rotating-secret';
import { GatewayRouteEntry } from '../primitives/route-entry';
import { WorkloadIdentity } from '../primitives/workload-identity';
import { checkAgentModels, checkAgentRuntime, checkAgentTools, claimAgentIdentity, isGovernedService, type GovernedAgentProps } from './agent-props';
import { checkWorkloadBasics, isEnvironment } from './inference-service-props';
import { ensureGoverned } from '../policy-engine/ensure-governed';

/** IAM policy concerns: model access and tool access never share a document. */
export const AGENT_CONCERNS = { modelAccess: 'model-access', toolAccess: 'tool-access', gatewayKey: 'gateway-key', logs: 'logs' } as const;

/**
 * A governed AI agent in one environment, from one construct. Model access and tool access are
 * separate grants that never imply each other:
 * - models: the agent role may call its model routes (`POST /agents/<agent>/models/<model>/invoke`,
 *   IAM) and the governed services it was given; the gateway function calls Bedrock with the
 *   agent's integration identity, in a session narrowed to that one model, with the guardrail;
 * - tools: the agent role may call `/agents/<agent>/tools/*` (IAM, per method); every call is then
 *   decided by Cedar in the environment's Verified Permissions store (action, UTC window, tenant,
 *   approval), and the gateway function calls the tool in a session narrowed to that one tool,
 *   injecting the tool-side credential the agent can never read.
 *
 * Revocation is one prop: explicit deny of everything on the agent's roles (earlier sessions
 * included), its route entry marked revoked, its API key disabled, no Pod Identity association,
 * zero replicas, no Bedrock agent, a Cedar forbid, and who, when and why in the tags and the report.
 */
export class GovernedAgent extends Construct implements IGatewayCaller {
  public readonly name: string;
  public readonly environment: IGovernedEnvironment;
  /** The agent's runtime identity (its pods'): the only caller of its routes. */
  public readonly identity: WorkloadIdentity;
  /** What the gateway function acts with for the agent (its models and tools). */
  public readonly integrationIdentity?: WorkloadIdentity;
  public readonly roleArn: string;
  public readonly roleName: string;
  public readonly tags: Record<string, string>;
  public readonly facts: GovernanceFacts;
  public readonly tools: readonly ResolvedToolGrant[];
  /** Cedar policies generated from the grants (also in the policy store). */
  public readonly cedarPolicies: readonly CedarPolicy[];
  public readonly logs: LogSink;
  /** The agent's API key for its calls through the gateway, on its quota tier's usage plan. */
  public readonly gatewayKey: RotatingSecret;
  public readonly routeEntry: GatewayRouteEntry;
  public readonly kubernetesWorkload: KubernetesWorkload;
  public readonly bedrockAgent?: BedrockagentAgent;
  public readonly quotaTier: string;
  /** True when the revocation is in force (not scheduled for later). */
  public readonly isRevoked: boolean;

  constructor(scope: Construct, id: string, props: GovernedAgentProps) {
    super(scope, id);
    ensureGoverned(this);
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
    if (validEnv) checkAgentTools(problems, validEnv, tools);
    for (const m of Array.isArray(props.models) ? props.models : []) {
      if (m && isGovernedService(m) && m.isRevoked) {
        problems.add('models', m.name, 'services that are not revoked', `remove ${m.name} from the agent's models: it was revoked (${m.node.path})`);
      }
    }
    const namespace = props.runtime?.kubernetes?.namespace ?? props.name;
    if (validEnv && problems.count === 0) claimAgentIdentity(problems, this, props, namespace);
    if (validEnv && problems.count === 0) {
      // The agent's derived identities are `<prefix><name>-gw` and `<prefix><name>-bedrock`: claimed
      // too, so no other workload's role can collide with them at apply.
      const derived = [INTEGRATION_SUFFIX, ...(props.runtime.bedrockAgent ? [BEDROCK_AGENT_SUFFIX] : [])];
      for (const suffix of derived) {
        const earlier = claimWorkloadName(this, { environment: validEnv.name, workload: `${props.name}${suffix}`, team: props.owner.team, kind: 'a derived identity of GovernedAgent', path: this.node.path });
        if (earlier) problems.add('name', props.name, `a name whose derived identity "${props.name}${suffix}" is free in environment ${validEnv.name} (already used by ${earlier.kind} at '${earlier.path}', team ${earlier.team})`, 'rename one of the two workloads');
      }
    }
    problems.throwIfAny();
    const env = props.environment;

    this.name = props.name;
    this.environment = env;
    this.tools = tools;
    this.quotaTier = props.quotaTier ?? DEFAULT_QUOTA_TIER;
    this.isRevoked = revokedNow(props.revoked, today(this));
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
    this.identity.addToPolicy(AGENT_CONCERNS.logs, [{ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: [...LOGS_WRITE, ...LOGS_DESCRIBE], Resource: `${this.logs.arn}:log-stream:*` }]);

    // Route grants on the agent's own role: its model routes (POST) and its tools (per method).
    const execArn = env.gateway.executionArn;
    const viaEndpoint = { StringEquals: { 'aws:SourceVpce': env.vpcEndpoints.executeApi } };
    if (bedrockModels.length > 0) {
      this.identity.addToPolicy(AGENT_CONCERNS.modelAccess, [
        { Sid: 'InvokeGrantedModelRoutes', Effect: 'Allow', Action: [...EXECUTE_API_INVOKE], Resource: bedrockModels.flatMap((m) => executeApiArns(execArn, ['POST'], routePaths.agentModel(props.name, m))), Condition: viaEndpoint },
      ]);
    }
    if (tools.length > 0) {
      this.identity.addToPolicy(AGENT_CONCERNS.toolAccess, [
        // Which tool, action, time, tenant and approval is Cedar's decision, per call.
        { Sid: 'CallOwnToolRoutes', Effect: 'Allow', Action: [...EXECUTE_API_INVOKE], Resource: executeApiArns(execArn, HTTP_GRANT_METHODS, routePaths.agentTools(props.name)), Condition: viaEndpoint },
      ]);
    }

    // What the gateway function acts with: model and tool permissions in separate documents; each
    // call's session policy narrows to the one model or tool (functions/gateway).
    if (bedrockModels.length > 0 || tools.length > 0) {
      const integration = new WorkloadIdentity(this, 'integration-identity', {
        environment: env,
        name: `${props.name}${INTEGRATION_SUFFIX}`,
        tags,
        revocation: props.revoked,
        runtime: { kind: 'gateway-integration', functionRoleArn: env.gateway.functionRoleArn },
      });
      this.integrationIdentity = integration;
      if (bedrockModels.length > 0) {
        integration.addToPolicy(AGENT_CONCERNS.modelAccess, bedrockModelAccessStatements(env, 'InvokeGrantedModelsWithGuardrail', bedrockModels.map((m) => bedrockModelArn(env.region, m)), env.guardrail));
      }
      const toolStatements = toolAccessStatements(env, tools);
      if (toolStatements.length > 0) integration.addToPolicy(AGENT_CONCERNS.toolAccess, toolStatements);
    }

    this.gatewayKey = new RotatingSecret(this, 'gateway-key', {
      environment: env,
      workload: props.name,
      name: 'gateway-api-key',
      description: `Gateway API key of agent ${props.name} in ${env.name}: its own calls, metered by quota tier ${this.quotaTier}`,
      strategy: 'api-gateway-key',
      quotaTier: this.quotaTier,
      revoked: this.isRevoked ? props.revoked : undefined,
      tags,
    });
    this.gatewayKey.grantRead(this.concern(AGENT_CONCERNS.gatewayKey));

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

    this.routeEntry = new GatewayRouteEntry(this, 'route-entry', {
      prefix: agentParameterPrefix(env.name),
      name: props.name,
      entry: {
        agent: props.name,
        models: Object.fromEntries(bedrockModels.map((m) => [modelPathId(m), { modelId: m, modelArn: bedrockModelArn(env.region, m) }])),
        guardrail: env.guardrail,
        tools: Object.fromEntries(
          tools.map((t) => [
            t.name,
            {
              target: t.target.kind === 'http' ? { kind: 'http', url: t.target.url } : { kind: 'lambda', functionArn: (t.target as { functionArn: string }).functionArn },
              credential: t.credential ? { secretArn: t.credential.secretArn, header: t.credential.header, kmsKeyArn: t.credential.kmsKeyArn ?? env.kmsKeyArn } : null,
            },
          ]),
        ),
        tenants: servedTenants(props.tenants, env) ?? [],
        revoked: props.revoked ? { ...props.revoked, scheduled: props.revoked.scheduled ?? false } : null,
      },
      tags,
    });
    if (!env.allowedModelsKnown) {
      // The allow-list lives in another stack: Terraform checks it at plan, before anything changes.
      this.routeEntry.parameter.addOverride(
        'lifecycle.precondition',
        bedrockModels.map((modelId) => ({
          condition: Fn.contains(env.allowedModels as string[], modelId),
          error_message: `${this.node.path}: model ${modelId} is not on ${env.name}'s allowedModels; use an allowed model or ask the platform team to add it.`,
        })),
      );
    }

    for (const m of bedrockModels) recordModelUse(this, m);
    this.cedarPolicies = agentPolicies({ environment: env.name, agent: props.name, tools, models: modelGrants, revoked: props.revoked, tenants: servedTenants(props.tenants, env) });
    addAgentPolicies(this, env.agentPolicyStore.policyStoreId, this.cedarPolicies);

    this.kubernetesWorkload = new KubernetesWorkload(this, 'kubernetes', {
      name: props.name,
      namespace,
      runtime: rt,
      image: props.runtime.kubernetes.image,
      replicas: this.isRevoked ? 0 : (props.runtime.kubernetes.replicas ?? 1),
      resources: props.runtime.kubernetes.resources,
      port: 8080,
      endpointIps: env.network.endpointIps,
      roleArn: this.identity.roleArn,
      revoked: this.isRevoked,
      ...kubernetesMetadata(this.facts),
      tags,
      serve: false,
      env: {
        AWS_REGION: env.region,
        GOVERNED_ENVIRONMENT: env.name,
        GOVERNED_AGENT: props.name,
        GOVERNED_LOG_GROUP: `/governed/${env.name}/${props.name}`,
        GOVERNED_GATEWAY_URL: env.gateway.invokeUrl,
        GOVERNED_GATEWAY_KEY_SECRET_ARN: this.gatewayKey.secretArn,
      },
    });

    if (props.runtime.bedrockAgent && !this.isRevoked) this.bedrockAgent = this.bedrockAgentFor(props, tags);
    this.outputs();
  }

  /** The agent's own API key (always present); returns its secret's ARN. */
  ensureGatewayKey(): string {
    return this.gatewayKey.secretArn;
  }

  addToPolicy(concern: string, statements: readonly PolicyStatement[]): void {
    this.identity.addToPolicy(concern, statements);
  }

  /** The agent identity seen through one concern: every grant made through it lands in that policy document. */
  private concern(name: string): IGrantee {
    return { roleArn: this.identity.roleArn, roleName: this.identity.roleName, addToPolicy: (_c, statements) => this.identity.addToPolicy(name, statements) };
  }

  private outputs(): void {
    const out = (id: string, value: string, description: string) => new TerraformOutput(this, `${id}-output`, { value, description }).overrideLogicalId(`${this.name}-${id}`);
    // A URL read from the contract parameter, whose value the provider marks sensitive: it is no secret,
    // and Terraform refuses a root output of a sensitive value.
    out('gateway-url', Fn.nonsensitive(`${this.environment.gateway.invokeUrl}/agents/${this.name}`), `Base of ${this.name}'s model and tool routes`);
    out('role-arn', this.roleArn, `${this.name}'s own identity (its pods')`);
    if (this.integrationIdentity) out('integration-role-arn', this.integrationIdentity.roleArn, `What the gateway function acts with for ${this.name}`);
    out('gateway-key-secret-arn', this.gatewayKey.secretArn, `Secret holding ${this.name}'s gateway API key`);
  }

  /**
   * The Bedrock agent runtime: its own service identity (Bedrock assumes it for this account's
   * agents: an agent's id, and so its exact ARN, exists only after the agent is created with the
   * role), which may invoke the agent's granted foundation model with the environment guardrail,
   * and the environment's key for the agent's data.
   */
  private bedrockAgentFor(props: GovernedAgentProps, tags: Record<string, string>): BedrockagentAgent {
    const env = props.environment;
    const b = props.runtime.bedrockAgent!;
    const identity = new WorkloadIdentity(this, 'bedrock-agent-identity', {
      environment: env,
      name: `${props.name}${BEDROCK_AGENT_SUFFIX}`,
      tags,
      revocation: props.revoked,
      runtime: { kind: 'aws-service', service: 'bedrock.amazonaws.com', sourceArns: [`arn:aws:bedrock:${env.region}:${env.accountId}:agent/*`] },
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
      agentName: `${env.name}-${props.name}`,
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

/** What the integration identity needs for the agent's tools: read each credential, invoke each function. */
function toolAccessStatements(env: IGovernedEnvironment, tools: readonly ResolvedToolGrant[]): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const credentials = tools.filter((t) => t.credential);
  if (credentials.length > 0) {
    statements.push({ Sid: 'ReadToolCredentials', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [...new Set(credentials.map((t) => t.credential!.secretArn))] });
    statements.push({
      Sid: 'DecryptToolCredentials',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [...new Set(credentials.map((t) => t.credential!.kmsKeyArn ?? env.kmsKeyArn))],
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${env.region}.amazonaws.com` } },
    });
  }
  const functions = tools.filter((t) => t.target.kind === 'lambda').map((t) => (t.target as { functionArn: string }).functionArn);
  if (functions.length > 0) statements.push({ Sid: 'InvokeToolFunctions', Effect: 'Allow', Action: [...LAMBDA_INVOKE], Resource: [...new Set(functions)] });
  return statements;
}
