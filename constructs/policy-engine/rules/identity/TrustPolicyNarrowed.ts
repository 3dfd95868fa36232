import { CONTROLS } from '../../frameworks';
import { conditionKeys, lookupPolicy, Principals } from '../../iam';
import { cannotVerify } from '../../rule-engine';
import { defineRule, describeStatement, judgePolicies } from '../../rule-helpers';
import { isSet } from '../../terraform-json';

/** Condition keys that pin a service principal to this account or a named source resource. */
const SOURCE_KEYS = ['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid'];
/** EKS Pod Identity tags the session with the cluster, namespace and service account. */
const POD_IDENTITY_KEYS = ['aws:requesttag/eks-cluster-arn', 'aws:requesttag/kubernetes-namespace', 'aws:requesttag/kubernetes-service-account'];

function principalList(p: Principals): string {
  return p === '*' ? '"*"' : Object.entries(p).flatMap(([type, ids]) => ids.map((id) => `${type} ${id}`)).join(', ');
}

/** Trust policies name who may assume the role and narrow service principals to a source. */
export const TrustPolicyNarrowed = defineRule({
  id: 'TrustPolicyNarrowed',
  summary: 'Role trust policies have no "*" principal and no NotPrincipal in an Allow; service principals carry aws:SourceAccount or aws:SourceArn; OIDC principals a :sub condition.',
  explanation:
    'A service principal without a source condition lets the service assume the role on behalf of any account (the ' +
    'confused deputy); a "*" principal lets anyone try; an OIDC trust without :sub admits every workload of the issuer.',
  fix: 'Trust one runtime: EKS Pod Identity, or the service principal with aws:SourceAccount and aws:SourceArn conditions (WorkloadIdentity does this).',
  level: 'error',
  frameworks: [CONTROLS.asiIdentityPrivilege, CONTROLS.nhiOverprivileged, CONTROLS.csfLeastPrivilege, CONTROLS.maestroInfrastructure],
  types: ['aws_iam_role'],
  evaluate(resource, { stack }) {
    if (!isSet(resource.values.assume_role_policy)) return cannotVerify('assume_role_policy is not set');
    return judgePolicies([lookupPolicy(stack, resource, 'assume_role_policy')], (doc) =>
      doc.statements.flatMap((s, i) => {
        if (s.effect !== 'Allow') return [];
        const where = describeStatement(s.sid, i);
        if (s.notPrincipals !== undefined) return [`${where} allows NotPrincipal (trusts every principal except ${principalList(s.notPrincipals)})`];
        const p = s.principals;
        if (p === undefined) return [];
        if (p === '*') return [`${where} trusts Principal "*"`];
        const keys = conditionKeys(s);
        const problems: string[] = [];
        for (const [type, ids] of Object.entries(p)) {
          if (ids.includes('*')) problems.push(`${where} trusts ${type} "*"`);
          if (type === 'Service') {
            const podIdentity = ids.every((id) => id === 'pods.eks.amazonaws.com');
            const accepted = podIdentity ? [...SOURCE_KEYS, ...POD_IDENTITY_KEYS] : SOURCE_KEYS;
            if (!keys.some((k) => accepted.includes(k))) {
              problems.push(`${where} trusts service ${ids.join(', ')} without an aws:SourceAccount or aws:SourceArn condition`);
            }
          }
          if (type === 'Federated' && !keys.some((k) => k.endsWith(':sub'))) {
            problems.push(`${where} trusts federated ${ids.join(', ')} without a :sub condition`);
          }
        }
        return problems;
      }),
    );
  },
});
