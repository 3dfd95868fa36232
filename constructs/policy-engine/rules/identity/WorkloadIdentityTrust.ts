import { CONTROLS } from '../../frameworks';
import { lookupPolicy, type Statement } from '../../iam';
import { cannotVerify, notApplicable } from '../../rule-engine';
import { defineRule, describeStatement, judgePolicies } from '../../rule-helpers';
import { isSet, isUnresolvedValue } from '../../terraform-json';
import { isWorkloadRuntimeService, WORKLOAD_RUNTIME_SERVICES, workloadIdentityEnvironment, type WorkloadRuntimeService } from '../../workload-runtimes';

const { kubernetes, sageMaker, bedrockAgent } = WORKLOAD_RUNTIME_SERVICES;
const RUNTIMES = `${kubernetes} (EKS Pod Identity), ${sageMaker} (a SageMaker endpoint) or ${bedrockAgent} (a Bedrock agent)`;

/**
 * What each runtime assumes the role with and the conditions that pin it to this workload, as
 * constructs/primitives/workload-identity.ts writes them. Pod Identity tags the session (so it needs
 * sts:TagSession) with the pod's namespace and service account
 * (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html); SageMaker and Bedrock send
 * aws:SourceAccount and aws:SourceArn (confused deputy prevention,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
 */
const RUNTIME_TRUST: Record<WorkloadRuntimeService, { actions: readonly string[]; conditionKeys: readonly string[]; sourceArn: RegExp; sourceArnShape: string }> = {
  [kubernetes]: {
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    conditionKeys: ['aws:SourceAccount', 'aws:SourceArn', 'aws:RequestTag/kubernetes-namespace', 'aws:RequestTag/kubernetes-service-account'],
    sourceArn: /^arn:aws[a-z-]*:eks:[^:*?]+:[^:*?]+:cluster\/[^*?/]+$/,
    sourceArnShape: 'the cluster ARN arn:aws:eks:<region>:<account>:cluster/<name>',
  },
  [sageMaker]: {
    actions: ['sts:AssumeRole'],
    conditionKeys: ['aws:SourceAccount', 'aws:SourceArn'],
    sourceArn: /^arn:aws[a-z-]*:sagemaker:[^:*?]+:[^:*?]+:[a-z-]+\/[^*?/]+/,
    sourceArnShape: 'the endpoint or model ARN arn:aws:sagemaker:<region>:<account>:endpoint/<name>',
  },
  [bedrockAgent]: {
    actions: ['sts:AssumeRole'],
    conditionKeys: ['aws:SourceAccount', 'aws:SourceArn'],
    sourceArn: /^arn:aws[a-z-]*:bedrock:[^:*?]+:[^:*?]+:agent\//,
    sourceArnShape: 'an agent ARN arn:aws:bedrock:<region>:<account>:agent/<id>',
  },
};

/** Operators that pin a key to the listed values whenever the request is made (no IfExists, no set operators). */
const PINNING_OPERATORS = /^(StringEquals|StringLike|ArnEquals|ArnLike)$/;

function pinnedValues(s: Statement, key: string): readonly string[] | undefined {
  const c = s.conditions.find((x) => x.key.toLowerCase() === key.toLowerCase() && PINNING_OPERATORS.test(x.operator));
  return c && c.values.length > 0 && !c.values.includes('*') ? c.values : undefined;
}

function runtimeProblems(where: string, service: WorkloadRuntimeService, s: Statement): string[] {
  const trust = RUNTIME_TRUST[service];
  const problems: string[] = [];
  if (s.notActions) problems.push(`${where} uses NotAction (allows ${service} every other STS action)`);
  const extra = (s.actions ?? []).filter((a) => !trust.actions.some((t) => t.toLowerCase() === a.toLowerCase()));
  if (extra.length) problems.push(`${where} allows ${service} ${extra.join(', ')} (the runtime assumes the role with ${trust.actions.join(' and ')} only)`);
  for (const key of trust.conditionKeys) {
    const values = pinnedValues(s, key);
    if (!values) {
      problems.push(`${where} trusts ${service} without a ${key} condition (any ${service === kubernetes ? 'pod of any cluster, namespace or service account' : 'resource of the service'} could act as this workload)`);
    } else if (key === 'aws:SourceArn') {
      const bad = values.filter((v) => !(v.startsWith('${') && isUnresolvedValue(v)) && !trust.sourceArn.test(v));
      if (bad.length) problems.push(`${where} pins aws:SourceArn to ${bad.join(', ')}, not ${trust.sourceArnShape}`);
    }
  }
  return problems;
}

/**
 * A workload identity (a role under `/governed/<env>/`) is assumed by its runtime and nobody else:
 * the environment's gateway, endpoints and key admit every role under that path, so a role a
 * person or a CI pipeline can assume there is a human-driven "workload" with the workload's
 * standing: it calls other workloads and tools through the gateway as the workload.
 */
export const WorkloadIdentityTrust = defineRule({
  id: 'WorkloadIdentityTrust',
  summary: `Workload identities (path /governed/<env>/, not the integration path) are trusted only by their runtime: ${kubernetes} with sts:AssumeRole and sts:TagSession, ${sageMaker} or ${bedrockAgent}, each pinned by aws:SourceAccount and aws:SourceArn.`,
  explanation:
    "The environment's gateway resource policy, VPC endpoint policies and key policy admit every role under /governed/<env>/. " +
    'A role there that a person, a CI role or another account can assume acts with a workload\'s standing without being one: ' +
    'its calls carry no pod, endpoint or agent behind them.',
  fix: `Trust only the workload's runtime, as WorkloadIdentity writes it: ${kubernetes} with sts:AssumeRole and sts:TagSession, aws:SourceAccount, aws:SourceArn (the cluster) and the kubernetes-namespace and kubernetes-service-account request tags; or ${sageMaker} / ${bedrockAgent} with aws:SourceAccount and aws:SourceArn. Give a CI or human role its own path outside /governed/.`,
  level: 'error',
  frameworks: [CONTROLS.nhiOverprivileged, CONTROLS.asiIdentityPrivilege, CONTROLS.csfIdentities, CONTROLS.csfLeastPrivilege, CONTROLS.maestroSecurity],
  types: ['aws_iam_role'],
  evaluate(resource, { stack }) {
    const env = workloadIdentityEnvironment(resource.values.path);
    if (env === 'unresolved') return cannotVerify('path is an expression; cannot tell whether this is a workload identity');
    if (!env) return notApplicable;
    if (!isSet(resource.values.assume_role_policy)) return cannotVerify('assume_role_policy is not set');
    return judgePolicies([lookupPolicy(stack, resource, 'assume_role_policy')], (doc) => {
      const runtimes = new Set<string>();
      const problems = doc.statements.flatMap((s, i) => {
        if (s.effect !== 'Allow') return [];
        const where = describeStatement(s.sid, i);
        if (s.notPrincipals !== undefined) return [`${where} uses NotPrincipal (trusts everyone else)`];
        const p = s.principals;
        if (p === undefined) return [`${where} names no principal`];
        if (p === '*') return [`${where} trusts Principal "*"`];
        const out: string[] = [];
        for (const [type, ids] of Object.entries(p)) {
          for (const id of ids) {
            if (type === 'Service' && isWorkloadRuntimeService(id)) {
              runtimes.add(id);
              out.push(...runtimeProblems(where, id, s));
            } else {
              out.push(`${where} trusts ${type} ${id}, which is not a workload runtime (${RUNTIMES}): a role under /governed/${env}/ acts with a workload's standing at the gateway`);
            }
          }
        }
        return out;
      });
      if (runtimes.size > 1) problems.push(`trusts more than one runtime (${[...runtimes].join(', ')}): a workload identity has one`);
      return problems;
    });
  },
});
