import { CONTROLS } from '../../frameworks';
import {
  awsManagedPolicy,
  BEDROCK_INVOKE_ACTIONS,
  documents,
  grantedActions,
  identityPolicies,
  isAwsManagedPolicyArn,
  lookupPolicy,
  MODEL_ACTIONS,
  unresolvedReasons,
  type PolicyLookup,
} from '../../iam';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { isSet, isUnresolvedValue, type StackModel, type TfResource } from '../../terraform-json';
import { defineRule, describeStatement } from '../../rule-helpers';
import { trustedServices, WORKLOAD_RUNTIME_SERVICES, workloadIdentityEnvironment } from '../../workload-runtimes';

/**
 * The model actions a workload's own runtime may not hold: Bedrock model invocation (InvokeModel*,
 * and Converse*, which AWS authorizes as InvokeModel but a policy may name) and SageMaker endpoint
 * invocation, from the action classes derived from the service authorization reference.
 */
export const DIRECT_MODEL_ACTIONS: readonly string[] = [...new Set([...MODEL_ACTIONS, ...BEDROCK_INVOKE_ACTIONS, 'bedrock:Converse', 'bedrock:ConverseStream'])];

/** The runtimes whose code runs as the workload identity and must reach models through the gateway. */
const CODE_RUNTIMES: Readonly<Record<string, string>> = {
  [WORKLOAD_RUNTIME_SERVICES.kubernetes]: 'Kubernetes',
  [WORKLOAD_RUNTIME_SERVICES.sageMaker]: 'SageMaker',
};

interface LabelledLookup {
  readonly where: string;
  readonly lookup: PolicyLookup;
}

/**
 * Every identity policy that reaches the role: inline_policy blocks and managed_policy_arns on
 * the role, aws_iam_role_policy on it, and aws_iam_policy attached to it (by
 * aws_iam_role_policy_attachment, aws_iam_policy_attachment or managed_policy_arns).
 */
function rolePolicies(stack: StackModel, role: TfResource): LabelledLookup[] {
  const out: LabelledLookup[] = identityPolicies(stack, role).map((lookup) => ({ where: `${role.address} ${lookup.attribute}`, lookup }));
  for (const p of stack.referencing('aws_iam_role_policy', 'role', role)) out.push({ where: p.address, lookup: lookupPolicy(stack, p, 'policy') });
  const attached = new Map<string, TfResource>();
  const attachPolicy = (holder: TfResource, attr: string) => {
    for (const address of holder.references.get(attr) ?? []) {
      const policy = stack.byAddress(address);
      if (policy?.type === 'aws_iam_policy') attached.set(policy.address, policy);
    }
    const arns = holder.values[attr];
    for (const arn of Array.isArray(arns) ? arns : [arns]) {
      if (typeof arn !== 'string' || isUnresolvedValue(arn)) continue;
      const policy = stack.ofType('aws_iam_policy').find((p) => p.values.arn === arn);
      if (policy) attached.set(policy.address, policy);
      else if (holder !== role && isAwsManagedPolicyArn(arn)) {
        const document = awsManagedPolicy(arn);
        out.push({ where: `${holder.address} (${arn})`, lookup: document ? { kind: 'document', document, attribute: attr } : { kind: 'unresolved', attribute: attr, reason: `${arn} is an AWS managed policy the engine does not hold a document for` } });
      } else if (holder !== role) {
        out.push({ where: holder.address, lookup: { kind: 'unresolved', attribute: attr, reason: `${holder.address} attaches ${arn}, a policy outside this stack` } });
      }
    }
  };
  attachPolicy(role, 'managed_policy_arns');
  for (const a of stack.referencing('aws_iam_role_policy_attachment', 'role', role)) attachPolicy(a, 'policy_arn');
  for (const a of stack.referencing('aws_iam_policy_attachment', 'roles', role)) attachPolicy(a, 'policy_arn');
  for (const policy of attached.values()) out.push({ where: policy.address, lookup: lookupPolicy(stack, policy, 'policy') });
  return out;
}

/**
 * A workload whose code runs as its own identity (pods through EKS Pod Identity, a SageMaker
 * endpoint's container) reaches models only through the gateway: quota, decision log, callee
 * consent and revocation all live there. Only the integration identity (which the gateway
 * function assumes) and a Bedrock agent's service role invoke models.
 */
export const DirectModelAccess = defineRule({
  id: 'DirectModelAccess',
  summary: 'Workload identities whose runtime is Kubernetes (pods.eks.amazonaws.com) or SageMaker are not granted bedrock:InvokeModel*, bedrock:Converse* or sagemaker:InvokeEndpoint* in any identity policy: models are reached through the gateway.',
  explanation:
    'A pod or an endpoint container that can invoke a model itself bypasses the gateway: no quota, no decision log, no consent ' +
    'of the model\'s owner, and revoking the route does not stop it. The guardrail condition does not help: it governs the ' +
    'content, not who calls or how often.',
  fix: "Remove the model invocation from the workload identity and call the model's gateway route instead (GovernedInferenceService.grantInvoke, or the agent's models). Only the integration identity invokes models.",
  level: 'error',
  frameworks: [CONTROLS.nhiOverprivileged, CONTROLS.asiIdentityPrivilege, CONTROLS.asiToolMisuse, CONTROLS.csfLeastPrivilege, CONTROLS.maestroModels, CONTROLS.maestroSecurity],
  types: ['aws_iam_role'],
  evaluate(role, { stack }) {
    const env = workloadIdentityEnvironment(role.values.path);
    if (env === 'unresolved') return cannotVerify('path is an expression; cannot tell whether this is a workload identity');
    if (!env) return notApplicable;
    if (!isSet(role.values.assume_role_policy)) return cannotVerify('assume_role_policy is not set; cannot tell the runtime');
    const trust = lookupPolicy(stack, role, 'assume_role_policy');
    if (trust.kind !== 'document') return cannotVerify(trust.kind === 'unresolved' ? `${trust.reason}; cannot tell the runtime` : 'no trust policy; cannot tell the runtime');
    const runtimes = trustedServices(trust.document).filter((s) => CODE_RUNTIMES[s]);
    if (runtimes.length === 0) return notApplicable;
    const runtime = runtimes.map((s) => CODE_RUNTIMES[s]).join(' and ');
    const lookups = rolePolicies(stack, role);
    const problems: string[] = [];
    for (const { where, lookup } of lookups) {
      for (const doc of documents([lookup])) {
        doc.statements.forEach((s, i) => {
          const granted = grantedActions(s, DIRECT_MODEL_ACTIONS);
          if (granted.length) problems.push(`${where} ${describeStatement(s.sid, i)} allows ${granted.join(', ')} to a ${runtime} workload identity (models are reached through the gateway: quota, decision log, callee consent, revocation)`);
        });
      }
    }
    if (problems.length) return nonCompliant(problems.join('; '));
    const unknown = unresolvedReasons(lookups.map((l) => l.lookup));
    if (unknown.length) return cannotVerify(unknown.join('; '));
    return compliant;
  },
});
