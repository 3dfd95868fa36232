import { checkWorkloadAccountability, isSlug, type WorkloadAccountability } from '../governance/accountability';
import { DATA_CLASSIFICATIONS, type DataClassification } from '../governance/classification';
import { checkEmailList } from '../governance/emails';
import type { IGovernedEnvironment, IGrantee } from '../governance/environment';
import { Token } from 'cdktf';
import { isUnresolved, type ProblemCollector } from '../governance/errors';
import { PLATFORM_WORKLOAD, type Revocation } from '../governance/governance-tags';
import { checkImage } from '../governance/image-sources';
import { checkWorkloadTenants, type WorkloadTenants } from '../governance/tenants';
import { RESERVED_NAMESPACES } from '../governance/kubernetes-names';
import { checkRevocation } from '../governance/revocation';
import { reservedWorkloadName } from '../governance/names';
import { DEFAULT_QUOTA_TIER } from '../governance/quota-tiers';
import { isModelId } from '../platform/environment-props';
import { MAX_ALERT_EMAILS } from '../primitives/budget';
import type { ContainerResources } from '../primitives/kubernetes-workload';

/** A Bedrock foundation model: access only, through the gateway. */
export interface BedrockModel {
  /** Must be on the environment's allow-list. */
  readonly modelId: string;
}

/** A SageMaker real-time endpoint in the environment's VPC. */
export interface SageMakerModel {
  /**
   * Container image pinned by digest (`<account>.dkr.ecr.<region>.amazonaws.com/repo@sha256:...`),
   * in ECR in the environment's region, from one of the environment's `imageSources`.
   */
  readonly image: string;
  /** `ml.g5.xlarge` and the like. */
  readonly instanceType: string;
  /** @default 1 */
  readonly instanceCount?: number;
}

/** A model served from the environment's EKS cluster. */
export interface KubernetesModel {
  /** Container image pinned by digest (`registry/repo@sha256:<64 hex>`), from one of the environment's `imageSources`. */
  readonly image: string;
  /** @default 2 */
  readonly replicas?: number;
  readonly resources: ContainerResources;
  /** Port the server listens on; 1024 or above (the container runs as non-root). @default 8080 */
  readonly port?: number;
  /** @default - the workload name */
  readonly namespace?: string;
}

/** Exactly one model source. */
export interface InferenceModel {
  readonly bedrock?: BedrockModel;
  readonly sageMaker?: SageMakerModel;
  readonly kubernetes?: KubernetesModel;
}

export interface WorkloadBudget {
  /** Monthly limit in USD. */
  readonly monthlyUsd: number;
  /** Who is alerted at 80 % and 100 % of actual spend and at 100 % of forecast. */
  /** Lower-cased once; the same address twice (in any case) is refused. */
  readonly alertEmails: readonly string[];
}

export interface GovernedInferenceServiceProps {
  readonly environment: IGovernedEnvironment;
  /** Workload name, unique in the environment: a slug of at most 32 characters. */
  readonly name: string;
  readonly owner: WorkloadAccountability;
  readonly dataClassification: DataClassification;
  /**
   * Tenants whose data the service handles: some of the environment's tenants, or `'all'`.
   * Required when the environment names tenants; carried as the `governance:tenants` tag and
   * `tenant.governance.ai/<tenant>` labels.
   * @default - none (only in an environment without tenants)
   */
  readonly tenants?: WorkloadTenants;
  readonly model: InferenceModel;
  /**
   * Identities allowed to call the service through the gateway (more with `grantInvoke`).
   * @default - none
   */
  readonly callers?: readonly IGrantee[];
  /**
   * The quota tier of the service's own calls through the gateway (a Kubernetes service granted
   * other services' routes): one of the environment's `quotaTiers`. Quotas are per caller: what
   * reaches this service is bounded by the tiers of the callers it grants.
   * @default 'standard'
   */
  readonly quotaTier?: string;
  /**
   * A monthly cost budget with e-mail alerts.
   * @default - no budget
   */
  readonly budget?: WorkloadBudget;
  /**
   * Guardrail applied to every Bedrock call (published version).
   * @default - the environment's baseline guardrail
   */
  readonly guardrail?: { readonly arn: string; readonly id: string; readonly version: string };
  /**
   * Revoke the service: every permission of its identity is denied at once, its pods scale to zero.
   * @default - not revoked
   */
  readonly revoked?: Revocation;
}

export const MAX_WORKLOAD_NAME_LENGTH = 32;
export const DIGEST_PINNED = /^[^\s@]+@sha256:[a-f0-9]{64}$/;
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
/** A guardrail's ARN and its published (numbered) version: DRAFT changes whenever someone edits it. */
const GUARDRAIL_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail\/[a-z0-9]+$/;
const GUARDRAIL_VERSION = /^[1-9]\d{0,7}$/;

/** True for something that looks like an environment (a GovernedEnvironment or a contract), not a stray object. */
export function isEnvironment(value: unknown): value is IGovernedEnvironment {
  const env = value as IGovernedEnvironment | undefined;
  return !!env && typeof env === 'object' && typeof env.name === 'string' && !!env.gateway && !!env.node;
}

/** True for something that can receive grants. */
function isGrantee(value: unknown): value is IGrantee {
  const g = value as IGrantee | undefined;
  return !!g && typeof g === 'object' && typeof g.addToPolicy === 'function' && g.roleArn !== undefined;
}

/** Checks name, owner, classification, tenants, quotas, budget and revocation: what every governed workload has. */
export function checkWorkloadBasics(problems: ProblemCollector, props: Pick<GovernedInferenceServiceProps, 'environment' | 'name' | 'owner' | 'dataClassification' | 'tenants' | 'quotaTier' | 'budget' | 'revoked'>, today: Date): void {
  if (!props || typeof props !== 'object') {
    problems.add('props', props, 'an object of props { environment, name, owner, dataClassification, ... }', 'pass the workload\'s props as the third argument');
    return;
  }
  if (!isEnvironment(props.environment)) problems.add('environment', props.environment, 'a GovernedEnvironment or GovernedEnvironment.fromContract(...)', 'pass the environment the workload runs in');
  problems.check(isSlug(props.name, MAX_WORKLOAD_NAME_LENGTH), 'name', props.name, `a lowercase slug of at most ${MAX_WORKLOAD_NAME_LENGTH} characters`, 'name the workload like "support-chat"');
  // The environment's shared pieces carry workload "platform": a workload of that name would share their tags and budget filter.
  problems.check(props.name !== PLATFORM_WORKLOAD, 'name', props.name, `any name but "${PLATFORM_WORKLOAD}" (reserved for the environment's shared pieces)`, 'name the workload after what it does, e.g. "support-chat"');
  const reserved = typeof props.name === 'string' && props.name !== PLATFORM_WORKLOAD ? reservedWorkloadName(props.name) : undefined;
  if (reserved) problems.add('name', props.name, `a name that collides with no derived or platform name (${reserved}; also "audit" and "gateway", the environment's own log groups)`, 'name the workload after what it does, e.g. "support-chat"');
  if (props.name === 'audit' || props.name === 'gateway') problems.add('name', props.name, 'a name other than "audit" and "gateway" (the environment\'s audit and decision log groups live under those names)', 'name the workload after what it does');
  checkWorkloadAccountability(problems, 'owner', props.owner, today);
  problems.check((DATA_CLASSIFICATIONS as readonly string[]).includes(props.dataClassification), 'dataClassification', props.dataClassification, DATA_CLASSIFICATIONS.join(', '), 'classify the data the workload processes');
  checkWorkloadTenants(problems, 'tenants', props.tenants, isEnvironment(props.environment) ? props.environment : undefined);
  const legacyQuotas = (props as { quotas?: unknown }).quotas;
  if (legacyQuotas !== undefined) {
    problems.add('quotas', legacyQuotas, 'nothing: quotas are per caller now, by tier (the environment\'s quotaTiers)', `remove quotas and set quotaTier to one of the environment's tiers (default "${DEFAULT_QUOTA_TIER}"); ask the platform team for a tier with these limits if none fits`);
  }
  {
    const env = isEnvironment(props.environment) ? props.environment : undefined;
    // A contract read at plan holds the tiers as a Terraform value: checked by a precondition then.
    const tiers = env && !Token.isUnresolved(env.quotaTiers) ? Object.keys(env.quotaTiers) : undefined;
    if (props.quotaTier === undefined) {
      // The default tier must exist too: a key on a tier without a usage plan fails its first rotation.
      if (tiers && !tiers.includes(DEFAULT_QUOTA_TIER)) problems.add('quotaTier', props.quotaTier, `one of ${env!.name}'s quota tiers ${JSON.stringify(tiers)} (it has no "${DEFAULT_QUOTA_TIER}" tier, the default)`, 'set quotaTier to one of them');
    } else if (typeof props.quotaTier !== 'string') problems.add('quotaTier', props.quotaTier, 'the name of one of the environment\'s quota tiers', 'set quotaTier to a tier name like "standard"');
    else if (tiers && !tiers.includes(props.quotaTier)) problems.add('quotaTier', props.quotaTier, `one of ${env!.name}'s quota tiers ${JSON.stringify(tiers)}`, `pick one of them, or ask the platform team (${env!.accountability.approver}) for a new tier`);
  }
  if (props.budget) {
    const b = props.budget;
    problems.check(typeof b.monthlyUsd === 'number' && Number.isFinite(b.monthlyUsd) && b.monthlyUsd > 0, 'budget.monthlyUsd', b.monthlyUsd, 'a finite positive amount in USD (a number)', 'set the monthly budget, e.g. 200');
    if (b.alertEmails !== undefined && b.alertEmails !== null && !Array.isArray(b.alertEmails)) {
      problems.add('budget.alertEmails', b.alertEmails, 'a list of e-mail addresses', 'wrap the address in a list, e.g. ["maria.chen@example.com"]');
    } else if (!b.alertEmails || b.alertEmails.length === 0) {
      problems.add('budget.alertEmails', b.alertEmails, 'at least one e-mail address', 'name who is alerted when spend nears the budget');
    } else if (b.alertEmails.length > MAX_ALERT_EMAILS) {
      // AWS Budgets accepts at most 10 e-mail subscribers per notification; more fails at apply.
      problems.add('budget.alertEmails', b.alertEmails, `at most ${MAX_ALERT_EMAILS} e-mail addresses (the AWS Budgets limit)`, 'alert a team mailing list instead of many people');
    } else {
      checkEmailList(problems, 'budget.alertEmails', b.alertEmails, 'fix the address');
    }
  }
  const env = isEnvironment(props.environment) ? props.environment : undefined;
  checkRevocation(problems, 'revoked', props.revoked, { revokers: [props.owner?.revoker, env?.accountability.revoker], today });
}

/** Checks callers and guardrail: the props that refer to other things. */
export function checkReferences(problems: ProblemCollector, props: Pick<GovernedInferenceServiceProps, 'callers' | 'guardrail' | 'model'>): void {
  if (props.callers !== undefined) {
    if (!Array.isArray(props.callers)) problems.add('callers', props.callers, 'a list of workloads (GovernedInferenceService, GovernedAgent or a WorkloadIdentity)', 'wrap the caller in a list, or use grantInvoke');
    else props.callers.forEach((c, i) => problems.check(isGrantee(c), `callers[${i}]`, c, 'a workload that can receive grants (GovernedInferenceService, GovernedAgent or a WorkloadIdentity)', 'pass the calling workload\'s construct, not its name or ARN'));
  }
  const g = props.guardrail;
  if (g !== undefined) {
    const sources = props.model ? (['sageMaker', 'kubernetes'] as const).filter((k) => props.model[k] != null) : [];
    if (sources.length > 0) {
      // A guardrail is attached to Bedrock calls only: accepting it here would promise a control that is never applied.
      problems.add('guardrail', g, 'a guardrail only with model.bedrock', `remove guardrail, or apply content controls inside the ${sources[0]} model server`);
    } else if (!g || typeof g !== 'object') {
      problems.add('guardrail', g, '{ arn, id, version } of a published Bedrock guardrail', 'pass another environment\'s guardrail or a Guardrail construct\'s arn, id and version');
    } else {
      problems.check(typeof g.arn === 'string' && GUARDRAIL_ARN.test(g.arn), 'guardrail.arn', g.arn, 'a guardrail ARN like "arn:aws:bedrock:eu-west-1:123456789012:guardrail/abc123"', 'use the ARN of the guardrail, not its name');
      problems.check(typeof g.id === 'string' && /^[a-z0-9]+$/.test(g.id), 'guardrail.id', g.id, 'the guardrail id (lowercase letters and digits)', 'use the id from the guardrail ARN');
      problems.check(typeof g.version === 'string' && GUARDRAIL_VERSION.test(g.version), 'guardrail.version', g.version, 'a published version number like "1" (never DRAFT, which changes whenever someone edits it)', 'publish a guardrail version and pin it');
    }
  }
}

/** Checks the model prop: exactly one source, each well formed and allowed by the environment. */
export function checkModel(problems: ProblemCollector, env: IGovernedEnvironment | undefined, model: InferenceModel | undefined, workloadName?: string): void {
  // null counts as absent: `{ bedrock: null }` is no model source, not a Bedrock one.
  const sources = model ? (['bedrock', 'sageMaker', 'kubernetes'] as const).filter((k) => model[k] != null) : [];
  if (sources.length !== 1) {
    problems.add('model', sources.length ? sources : model, 'exactly one of model.bedrock, model.sageMaker or model.kubernetes', sources.length > 1 ? `keep one model source and move ${sources.slice(1).join(', ')} to its own workload` : 'say where the model comes from');
    return;
  }
  const m = model!;
  if (m.bedrock) {
    const id = m.bedrock.modelId;
    if (env?.allowedModelsKnown) {
      problems.check(env.allowedModels.includes(id), 'model.bedrock.modelId', id, `one of the environment's allowed models ${JSON.stringify(env.allowedModels)}`, `use an allowed model, or ask the platform team (${env.accountability.approver}) to add it to ${env.name}'s allowedModels`);
    } else if (env) {
      // The allow-list is checked at plan (a precondition), but a malformed id is known now.
      problems.check(isModelId(id), 'model.bedrock.modelId', id, 'a Bedrock model id like "anthropic.claude-3-haiku-20240307-v1:0"', `use the model id from the Bedrock console; it must also be on ${env.name}'s allowedModels`);
    }
  }
  if (m.sageMaker) {
    const s = m.sageMaker;
    checkImage(problems, 'model.sageMaker.image', s.image, env, { sageMaker: true });
    problems.check(INSTANCE_TYPE.test(s.instanceType), 'model.sageMaker.instanceType', s.instanceType, 'a SageMaker instance type like "ml.g5.xlarge"', 'pick an ml.* instance type');
    if (s.instanceCount !== undefined) problems.check(Number.isInteger(s.instanceCount) && s.instanceCount >= 1 && s.instanceCount <= 20, 'model.sageMaker.instanceCount', s.instanceCount, 'a whole number from 1 to 20', 'set the number of instances');
  }
  if (m.kubernetes) {
    const k = m.kubernetes;
    if (env && !env.kubernetes) problems.add('model.kubernetes', 'environment without kubernetes', `an environment with a Kubernetes runtime (${env.name} has none)`, 'set kubernetes on the GovernedEnvironment, or use model.bedrock or model.sageMaker');
    checkImage(problems, 'model.kubernetes.image', k.image, env);
    if (k.replicas !== undefined) problems.check(Number.isInteger(k.replicas) && k.replicas >= 1 && k.replicas <= 100, 'model.kubernetes.replicas', k.replicas, 'a whole number from 1 to 100', 'set the number of replicas');
    if (!k.resources) problems.add('model.kubernetes.resources', k.resources, '{ cpu, memory } as Kubernetes quantities', 'set resources, e.g. { cpu: "2", memory: "8Gi" }');
    else {
      // Limits equal requests: a zero would give the container nothing to run with.
      problems.check(isPositiveQuantity(k.resources.cpu), 'model.kubernetes.resources.cpu', k.resources.cpu, 'a positive Kubernetes CPU quantity like "500m" or "2"', 'fix the CPU quantity');
      problems.check(isPositiveQuantity(k.resources.memory), 'model.kubernetes.resources.memory', k.resources.memory, 'a positive Kubernetes memory quantity like "512Mi" or "8Gi"', 'fix the memory quantity');
    }
    if (k.port !== undefined) problems.check(Number.isInteger(k.port) && k.port >= 1024 && k.port <= 65535, 'model.kubernetes.port', k.port, 'a port from 1024 to 65535 (the container runs as non-root)', 'listen on an unprivileged port such as 8080');
    if (k.namespace !== undefined) problems.check(isSlug(k.namespace), 'model.kubernetes.namespace', k.namespace, 'a Kubernetes namespace name', 'fix the namespace');
    checkOwnNamespace(problems, env, k.namespace ?? workloadName, 'model.kubernetes.namespace', k.namespace === undefined);
  }
}

/**
 * The namespace a Kubernetes workload (service or agent) takes must be its own: it is labelled Pod
 * Security "restricted" and denies all traffic by default, which would break a shared or system
 * namespace or the gateway's. `prop` names where the namespace came from.
 */
export function checkOwnNamespace(problems: ProblemCollector, env: IGovernedEnvironment | undefined, namespace: unknown, prop: string, defaulted: boolean): void {
  const gatewayNamespace = env?.kubernetes?.gatewayNamespace;
  const taken = [...RESERVED_NAMESPACES, ...(gatewayNamespace && !isUnresolved(gatewayNamespace) ? [gatewayNamespace] : [])];
  if (typeof namespace !== 'string' || !taken.includes(namespace)) return;
  problems.add(
    defaulted ? 'name' : prop,
    namespace,
    `a namespace of the workload's own, not ${taken.map((n) => `"${n}"`).join(', ')}${defaulted ? ' (the namespace defaults to the workload name)' : ''}`,
    defaulted ? `rename the workload, or set ${prop} to a namespace of its own` : `set ${prop} to a namespace of its own, e.g. the workload name`,
  );
}

export function isPositiveQuantity(value: unknown): boolean {
  return typeof value === 'string' && QUANTITY.test(value) && parseFloat(value) > 0;
}
