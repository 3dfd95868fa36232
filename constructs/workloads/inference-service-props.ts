import { checkWorkloadAccountability, isEmail, isSlug, type WorkloadAccountability } from '../governance/accountability';
import { DATA_CLASSIFICATIONS, type DataClassification } from '../governance/classification';
import type { IGovernedEnvironment, IGrantee } from '../governance/environment';
import { isUnresolved, type ProblemCollector } from '../governance/errors';
import type { Revocation } from '../governance/governance-tags';
import { checkRevocation } from '../governance/revocation';
import type { ContainerResources } from '../primitives/kubernetes-workload';
import type { Quotas } from '../primitives/gateway-stage';

/** A Bedrock foundation model: access only, through the gateway. */
export interface BedrockModel {
  /** Must be on the environment's allow-list. */
  readonly modelId: string;
}

/** A SageMaker real-time endpoint in the environment's VPC. */
export interface SageMakerModel {
  /** Container image pinned by digest (`<account>.dkr.ecr.<region>.amazonaws.com/repo@sha256:...`). */
  readonly image: string;
  /** `ml.g5.xlarge` and the like. */
  readonly instanceType: string;
  /** @default 1 */
  readonly instanceCount?: number;
}

/** A model served from the environment's EKS cluster. */
export interface KubernetesModel {
  /** Container image pinned by digest (`repo@sha256:<64 hex>`). */
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
  readonly alertEmails: readonly string[];
}

export interface GovernedInferenceServiceProps {
  readonly environment: IGovernedEnvironment;
  /** Workload name, unique in the environment: a slug of at most 32 characters. */
  readonly name: string;
  readonly owner: WorkloadAccountability;
  readonly dataClassification: DataClassification;
  readonly model: InferenceModel;
  /**
   * Identities allowed to call the service through the gateway (more with `grantInvoke`).
   * @default - none
   */
  readonly callers?: readonly IGrantee[];
  /**
   * The service's gateway quotas.
   * @default - 10 requests per second, burst 20, 1,000,000 requests a month
   */
  readonly quotas?: Quotas;
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

export const DEFAULT_QUOTAS: Quotas = { ratePerSecond: 10, burst: 20, monthlyRequests: 1_000_000 };
export const MAX_WORKLOAD_NAME_LENGTH = 32;
export const DIGEST_PINNED = /^[^\s@]+@sha256:[a-f0-9]{64}$/;
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;

/** Checks name, owner, classification, quotas, budget and revocation: what every governed workload has. */
export function checkWorkloadBasics(problems: ProblemCollector, props: Pick<GovernedInferenceServiceProps, 'environment' | 'name' | 'owner' | 'dataClassification' | 'quotas' | 'budget' | 'revoked'>, today: Date): void {
  if (!props.environment) problems.add('environment', props.environment, 'a GovernedEnvironment or GovernedEnvironment.fromContract(...)', 'pass the environment the workload runs in');
  problems.check(isSlug(props.name, MAX_WORKLOAD_NAME_LENGTH), 'name', props.name, `a lowercase slug of at most ${MAX_WORKLOAD_NAME_LENGTH} characters`, 'name the workload like "support-chat"');
  checkWorkloadAccountability(problems, 'owner', props.owner, today);
  problems.check((DATA_CLASSIFICATIONS as readonly string[]).includes(props.dataClassification), 'dataClassification', props.dataClassification, DATA_CLASSIFICATIONS.join(', '), 'classify the data the workload processes');
  if (props.quotas) {
    const q = props.quotas;
    problems.check(q.ratePerSecond > 0, 'quotas.ratePerSecond', q.ratePerSecond, 'a positive number', 'set the steady request rate the workload needs');
    problems.check(Number.isInteger(q.burst) && q.burst >= 1, 'quotas.burst', q.burst, 'a whole number of at least 1', 'set the burst the workload needs');
    problems.check(Number.isInteger(q.monthlyRequests) && q.monthlyRequests >= 1, 'quotas.monthlyRequests', q.monthlyRequests, 'a whole number of at least 1', 'set the monthly request quota');
  }
  if (props.budget) {
    const b = props.budget;
    problems.check(b.monthlyUsd > 0, 'budget.monthlyUsd', b.monthlyUsd, 'a positive amount in USD', 'set the monthly budget, e.g. 200');
    if (!b.alertEmails || b.alertEmails.length === 0) problems.add('budget.alertEmails', b.alertEmails, 'at least one e-mail address', 'name who is alerted when spend nears the budget');
    (b.alertEmails ?? []).forEach((e, i) => problems.check(isEmail(e), `budget.alertEmails[${i}]`, e, 'an e-mail address', 'fix the address'));
  }
  checkRevocation(problems, 'revoked', props.revoked);
}

/** Checks the model prop: exactly one source, each well formed and allowed by the environment. */
export function checkModel(problems: ProblemCollector, env: IGovernedEnvironment | undefined, model: InferenceModel | undefined): void {
  const sources = model ? (['bedrock', 'sageMaker', 'kubernetes'] as const).filter((k) => model[k] !== undefined) : [];
  if (sources.length !== 1) {
    problems.add('model', sources.length ? sources : model, 'exactly one of model.bedrock, model.sageMaker or model.kubernetes', sources.length > 1 ? `keep one model source and move ${sources.slice(1).join(', ')} to its own workload` : 'say where the model comes from');
    return;
  }
  const m = model!;
  if (m.bedrock) {
    const id = m.bedrock.modelId;
    if (env?.allowedModelsKnown) {
      problems.check(env.allowedModels.includes(id), 'model.bedrock.modelId', id, `one of the environment's allowed models ${JSON.stringify(env.allowedModels)}`, `use an allowed model, or ask the platform team (${env.accountability.approver}) to add it to ${env.name}'s allowedModels`);
    }
  }
  if (m.sageMaker) {
    const s = m.sageMaker;
    problems.check(DIGEST_PINNED.test(s.image), 'model.sageMaker.image', s.image, 'an image pinned by digest: <repository>@sha256:<64 hex>', 'use the image digest, not a tag');
    problems.check(INSTANCE_TYPE.test(s.instanceType), 'model.sageMaker.instanceType', s.instanceType, 'a SageMaker instance type like "ml.g5.xlarge"', 'pick an ml.* instance type');
    if (s.instanceCount !== undefined) problems.check(Number.isInteger(s.instanceCount) && s.instanceCount >= 1 && s.instanceCount <= 20, 'model.sageMaker.instanceCount', s.instanceCount, 'a whole number from 1 to 20', 'set the number of instances');
  }
  if (m.kubernetes) {
    const k = m.kubernetes;
    if (env && !env.kubernetes) problems.add('model.kubernetes', 'environment without kubernetes', `an environment with a Kubernetes runtime (${env.name} has none)`, 'set kubernetes on the GovernedEnvironment, or use model.bedrock or model.sageMaker');
    problems.check(!isUnresolved(k.image) && DIGEST_PINNED.test(k.image), 'model.kubernetes.image', k.image, 'an image pinned by digest: <repository>@sha256:<64 hex>', 'use the image digest, not a tag (e.g. `crane digest <image>`)');
    if (k.replicas !== undefined) problems.check(Number.isInteger(k.replicas) && k.replicas >= 1 && k.replicas <= 100, 'model.kubernetes.replicas', k.replicas, 'a whole number from 1 to 100', 'set the number of replicas');
    if (!k.resources) problems.add('model.kubernetes.resources', k.resources, '{ cpu, memory } as Kubernetes quantities', 'set resources, e.g. { cpu: "2", memory: "8Gi" }');
    else {
      problems.check(QUANTITY.test(k.resources.cpu), 'model.kubernetes.resources.cpu', k.resources.cpu, 'a Kubernetes CPU quantity like "500m" or "2"', 'fix the CPU quantity');
      problems.check(QUANTITY.test(k.resources.memory), 'model.kubernetes.resources.memory', k.resources.memory, 'a Kubernetes memory quantity like "512Mi" or "8Gi"', 'fix the memory quantity');
    }
    if (k.port !== undefined) problems.check(Number.isInteger(k.port) && k.port >= 1024 && k.port <= 65535, 'model.kubernetes.port', k.port, 'a port from 1024 to 65535 (the container runs as non-root)', 'listen on an unprivileged port such as 8080');
    if (k.namespace !== undefined) problems.check(isSlug(k.namespace), 'model.kubernetes.namespace', k.namespace, 'a Kubernetes namespace name', 'fix the namespace');
  }
}
