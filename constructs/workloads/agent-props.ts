import type { IConstruct } from 'constructs';
import { isSlug, type WorkloadAccountability } from '../governance/accountability';
import type { DataClassification } from '../governance/classification';
import type { IGovernedEnvironment } from '../governance/environment';
import { isUnresolved, type ProblemCollector } from '../governance/errors';
import type { Revocation } from '../governance/governance-tags';
import { isLambdaFunctionArn, isSecretArn, type ResolvedToolGrant, type ToolGrant } from '../agent-authorization/tool-grants';
import { arnMatches } from '../agent-authorization/tool-target-urls';
import { Token } from 'cdktf';
import { checkImage } from '../governance/image-sources';
import type { WorkloadTenants } from '../governance/tenants';
import { claimWorkloadName, workloadClaims } from '../governance/workload-registry';
import type { ContainerResources } from '../primitives/kubernetes-workload';
import type { GovernedInferenceService } from './governed-inference-service';
import { isModelId } from '../platform/environment-props';
import { checkOwnNamespace, isPositiveQuantity } from './inference-service-props';

/** The agent's container on the environment's EKS cluster (hardened like an inference service). */
export interface AgentKubernetesRuntime {
  /** Image pinned by digest (`registry/repo@sha256:<64 hex>`), from one of the environment's `imageSources`. */
  readonly image: string;
  /** @default 1 */
  readonly replicas?: number;
  readonly resources: ContainerResources;
  /** @default - the agent name */
  readonly namespace?: string;
}

/**
 * A Bedrock agent (`aws_bedrockagent_agent`) run for this agent, with the environment's guardrail
 * and customer managed key. Its foundation model must be one of the agent's Bedrock models.
 */
export interface AgentBedrockRuntime {
  readonly foundationModel: string;
  /** What the agent does, 40 to 4000 characters (Bedrock's limits). */
  readonly instruction: string;
  /** @default 600 */
  readonly idleSessionTtlSeconds?: number;
}

export interface AgentRuntime {
  readonly kubernetes: AgentKubernetesRuntime;
  /** @default - no Bedrock agent */
  readonly bedrockAgent?: AgentBedrockRuntime;
}

/** A model the agent may use: a governed inference service of the same environment, or an allowed Bedrock model. */
export type AgentModel = GovernedInferenceService | { readonly bedrockModelId: string };

export interface GovernedAgentProps {
  readonly environment: IGovernedEnvironment;
  /** Agent name, unique in the environment: a slug of at most 32 characters. */
  readonly name: string;
  readonly owner: WorkloadAccountability;
  readonly dataClassification: DataClassification;
  /**
   * Tenants whose data the agent handles: some of the environment's tenants, or `'all'`. Required
   * when the environment names tenants. A tool call that names another tenant (header
   * `x-governance-tenant`) is denied by a Cedar `forbid`.
   * @default - none (only in an environment without tenants): a tool call that names any tenant is denied
   */
  readonly tenants?: WorkloadTenants;
  readonly runtime: AgentRuntime;
  /** Model access: what the agent may call for inference. Never implies any tool. */
  readonly models: readonly AgentModel[];
  /** Tool access: each tool, its actions, risk, window, approval and tool-side credential. Never implies any model. */
  readonly tools: readonly ToolGrant[];
  /**
   * The quota tier of the agent's calls through the gateway (model and tool routes together): one
   * of the environment's `quotaTiers`, applied to the agent's own API key.
   * @default 'standard'
   */
  readonly quotaTier?: string;
  /**
   * Revoke the agent in one apply: explicit deny of everything on its roles (earlier sessions
   * too), zero replicas, a Cedar forbid on every tool call, and who/when/why in its tags.
   * @default - not revoked
   */
  readonly revoked?: Revocation;
}

export const MAX_AGENT_REPLICAS = 20;

export function isGovernedService(model: AgentModel): model is GovernedInferenceService {
  return typeof (model as GovernedInferenceService).grantInvoke === 'function';
}

/** Checks the runtime: the Kubernetes container, and the Bedrock agent when there is one. */
export function checkAgentRuntime(problems: ProblemCollector, env: IGovernedEnvironment | undefined, runtime: AgentRuntime | undefined, bedrockModels: readonly string[], agentName?: string): void {
  const k = runtime?.kubernetes;
  if (!k) {
    problems.add('runtime.kubernetes', k, '{ image, resources, replicas? } of the agent container', 'describe the agent container: runtime: { kubernetes: { image: "<repo>@sha256:...", resources: { cpu, memory } } }');
  } else {
    if (env && !env.kubernetes) problems.add('runtime.kubernetes', `environment ${env.name}`, 'an environment with a Kubernetes runtime', `set kubernetes on the GovernedEnvironment ${env.name}, or deploy the agent to one that has it`);
    checkImage(problems, 'runtime.kubernetes.image', k.image, env);
    if (k.replicas !== undefined) {
      problems.check(Number.isInteger(k.replicas) && k.replicas >= 1 && k.replicas <= MAX_AGENT_REPLICAS, 'runtime.kubernetes.replicas', k.replicas, `a whole number from 1 to ${MAX_AGENT_REPLICAS}`, 'set replicas; to stop the agent, revoke it');
    }
    if (!k.resources) problems.add('runtime.kubernetes.resources', k.resources, '{ cpu, memory } as Kubernetes quantities', 'set resources, e.g. { cpu: "500m", memory: "1Gi" }');
    else {
      // Limits equal requests: a zero would give the container nothing to run with.
      problems.check(isPositiveQuantity(k.resources.cpu), 'runtime.kubernetes.resources.cpu', k.resources.cpu, 'a positive Kubernetes CPU quantity like "500m"', 'fix the CPU quantity');
      problems.check(isPositiveQuantity(k.resources.memory), 'runtime.kubernetes.resources.memory', k.resources.memory, 'a positive Kubernetes memory quantity like "1Gi"', 'fix the memory quantity');
    }
    if (k.namespace !== undefined) problems.check(isSlug(k.namespace), 'runtime.kubernetes.namespace', k.namespace, 'a Kubernetes namespace name', 'fix the namespace');
    checkOwnNamespace(problems, env, k.namespace ?? agentName, 'runtime.kubernetes.namespace', k.namespace === undefined);
  }
  const b = runtime?.bedrockAgent;
  if (b) {
    problems.check(
      bedrockModels.includes(b.foundationModel),
      'runtime.bedrockAgent.foundationModel',
      b.foundationModel,
      `one of the agent's Bedrock models ${JSON.stringify(bedrockModels)}`,
      'add the model to models ({ bedrockModelId }) first: the Bedrock agent gets no model the agent was not granted',
    );
    problems.check(
      typeof b.instruction === 'string' && b.instruction.length >= 40 && b.instruction.length <= 4000,
      'runtime.bedrockAgent.instruction',
      b.instruction,
      'an instruction of 40 to 4000 characters',
      'say what the agent does and must not do',
    );
    if (b.idleSessionTtlSeconds !== undefined) {
      problems.check(Number.isInteger(b.idleSessionTtlSeconds) && b.idleSessionTtlSeconds >= 60 && b.idleSessionTtlSeconds <= 3600, 'runtime.bedrockAgent.idleSessionTtlSeconds', b.idleSessionTtlSeconds, 'a whole number of seconds from 60 to 3600', 'keep sessions short; at most one hour like every credential here');
    }
  }
}

/** Checks the model grants: each a governed service of this environment or an allowed Bedrock model. */
export function checkAgentModels(problems: ProblemCollector, env: IGovernedEnvironment | undefined, models: readonly AgentModel[] | undefined): void {
  if (!Array.isArray(models)) {
    problems.add('models', models, 'a list of GovernedInferenceService references or { bedrockModelId }', 'list the models the agent may use; [] for none');
    return;
  }
  const seen = new Set<string>();
  models.forEach((m, i) => {
    const at = `models[${i}]`;
    if (m && isGovernedService(m)) {
      if (env) problems.check(m.environment.name === env.name, at, `${m.name} in ${m.environment.name}`, `a governed service of environment ${env.name}`, `use the ${env.name} instance of the service: an agent never crosses environments`);
      problems.check(!seen.has(`service:${m.name}`), at, m.name, 'each model once', 'remove the duplicate');
      seen.add(`service:${m.name}`);
      return;
    }
    const id = (m as { bedrockModelId?: unknown } | undefined)?.bedrockModelId;
    if (typeof id !== 'string' || id === '') {
      problems.add(at, m, 'a GovernedInferenceService or { bedrockModelId: "<allowed model id>" }', 'name the model');
      return;
    }
    if (env?.allowedModelsKnown) {
      problems.check(env.allowedModels.includes(id), `${at}.bedrockModelId`, id, `one of the environment's allowed models ${JSON.stringify(env.allowedModels)}`, `use an allowed model, or ask the platform team (${env.accountability.approver}) to add it to ${env.name}'s allowedModels`);
    } else if (env) {
      // The allow-list is checked at plan, but a malformed id is known now.
      problems.check(isModelId(id), `${at}.bedrockModelId`, id, 'a Bedrock model id like "anthropic.claude-3-haiku-20240307-v1:0"', `use the model id from the Bedrock console; it must also be on ${env.name}'s allowedModels`);
    }
    problems.check(!seen.has(`bedrock:${id}`), `${at}.bedrockModelId`, id, 'each model once', 'remove the duplicate');
    seen.add(`bedrock:${id}`);
  });
}

/**
 * One identity per agent per environment per use case. Fails when the name is taken in the
 * environment, when another team uses the same agent name in any environment (two owners of one
 * agent), or when the agent's pod identity (cluster, namespace, service account) is already bound
 * to this agent's role in another environment sharing the cluster: one identity reused across
 * environments.
 */
export function claimAgentIdentity(problems: ProblemCollector, scope: IConstruct, props: GovernedAgentProps, namespace: string): void {
  const env = props.environment;
  const earlier = claimWorkloadName(scope, { environment: env.name, workload: props.name, team: props.owner.team, kind: 'GovernedAgent', path: scope.node.path });
  if (earlier) {
    problems.add('name', props.name, `a name not yet used in environment ${env.name} (already used by ${earlier.kind} at '${earlier.path}', team ${earlier.team})`, 'give each agent its own name: one identity per agent per environment');
  }
  const otherOwner = workloadClaims(scope).find((c) => c.kind === 'GovernedAgent' && c.workload === props.name && c.team !== props.owner.team);
  if (otherOwner) {
    problems.add('owner.team', props.owner.team, `team ${otherOwner.team}, which owns agent ${props.name} at '${otherOwner.path}' (${otherOwner.environment})`, 'one agent has one owner: rename this agent, or hand it over to that team');
  }
  const cluster = env.kubernetes?.clusterName;
  if (cluster && !isUnresolved(cluster)) {
    // The registry keys claims by (environment, workload); a cluster's pod identities get their own key space.
    const podIdentity = claimWorkloadName(scope, { environment: `eks-cluster:${cluster}`, workload: `${namespace}/${props.name}`, team: props.owner.team, kind: `GovernedAgent in ${env.name}`, path: scope.node.path });
    if (podIdentity && podIdentity.path !== scope.node.path) {
      problems.add('runtime.kubernetes.namespace', namespace, `a namespace not already bound to agent ${props.name} on cluster ${cluster} (bound by ${podIdentity.kind} at '${podIdentity.path}')`, 'give each environment its own namespace (e.g. "<agent>-<env>"): one pod identity must map to one role');
    }
  }
}

/**
 * Checks each tool against what the platform allows (issue 11, item 8): HTTP targets by URL shape;
 * Lambda functions in an allowed Region and on the environment's allowed tool functions; credential
 * secrets (and their keys) on the allowed tool credentials; approvers registered with the
 * environment (each has a signing key only they can use). Lists the environment holds as Terraform
 * values (an unpinned contract) are checked by the integration boundary at run time instead.
 */
export function checkAgentTools(problems: ProblemCollector, env: IGovernedEnvironment, tools: readonly ResolvedToolGrant[]): void {
  const literal = <T>(value: T): value is T => !Token.isUnresolved(value as unknown as string);
  const targets = env.allowedToolTargets;
  const regions = literal(env.allowedRegions) ? env.allowedRegions : undefined;
  for (const t of tools) {
    const at = `tools (${t.name})`;
    const target = t.target;
    if (target.kind === 'governed-service') {
      problems.add(`${at}.target`, target, 'an http or lambda tool', `call the service as a model instead (models: [${target.service?.name ?? 'service'}]): the gateway decides tool calls outside the VPC, where governed services are not reachable`);
    }
    // A malformed ARN was already reported by the grant's own check: one problem per fault.
    if (target.kind === 'lambda' && isLambdaFunctionArn(target.functionArn)) {
      const region = target.functionArn.split(':')[3];
      if (regions && !regions.includes(region)) problems.add(`${at}.target.functionArn`, target.functionArn, `a function in one of ${env.name}'s allowed regions ${JSON.stringify(regions)}`, 'use the tool function of an allowed region');
      if (literal(targets.functions) && !targets.functions.some((p) => arnMatches(p, target.functionArn))) {
        problems.add(`${at}.target.functionArn`, target.functionArn, `a function on ${env.name}'s allowedToolTargets.functions ${JSON.stringify(targets.functions)}`, `ask the platform team (${env.accountability.approver}) to allow the function, or use an allowed one`);
      }
    }
    const credential = t.credential;
    if (credential && isSecretArn(credential.secretArn) && literal(targets.credentialSecrets) && !targets.credentialSecrets.some((p) => arnMatches(p, credential.secretArn))) {
      problems.add(`${at}.credential.secretArn`, credential.secretArn, `a secret on ${env.name}'s allowedToolTargets.credentialSecrets ${JSON.stringify(targets.credentialSecrets)}`, `ask the platform team (${env.accountability.approver}) to allow the tool's credential, or use an allowed one`);
    }
    if (credential?.kmsKeyArn && !isUnresolved(credential.kmsKeyArn) && literal(targets.credentialKeys) && !targets.credentialKeys.some((p) => arnMatches(p, credential.kmsKeyArn!))) {
      problems.add(`${at}.credential.kmsKeyArn`, credential.kmsKeyArn, `a key on ${env.name}'s allowedToolTargets.credentialKeys ${JSON.stringify(targets.credentialKeys)}`, 'ask the platform team to allow the key, or leave kmsKeyArn out for the environment key');
    }
    if (t.approval && literal(env.approvers) && !Token.isUnresolved(env.approvers)) {
      const registered = Object.keys(env.approvers);
      t.approval.approvers.forEach((a, i) => {
        if (!registered.includes(a.toLowerCase())) {
          problems.add(`${at}.approval.approvers[${i}]`, a, `an approver registered with ${env.name} (${registered.length ? registered.join(', ') : 'none yet'})`, `ask the platform team (${env.accountability.approver}) to register the approver with the principal only they can act as`);
        }
      });
    }
  }
}
