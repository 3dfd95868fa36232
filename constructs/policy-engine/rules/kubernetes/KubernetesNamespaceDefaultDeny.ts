import { CONTROLS } from '../../frameworks';
import { KUBERNETES_WORKLOAD_TYPES, namespaceOf, NETWORK_POLICY_TYPES } from '../../kubernetes-pods';
import { compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { blocks, isSet, TfResource } from '../../terraform-json';

function isDefaultDeny(policy: TfResource): boolean {
  const spec = blocks(policy.values.spec)[0];
  if (!spec) return false;
  const selector = blocks(spec.pod_selector)[0] ?? {};
  const selectsAll = !isSet(selector.match_labels) && !isSet(selector.match_expressions);
  const types = Array.isArray(spec.policy_types) ? spec.policy_types.map(String) : [];
  return selectsAll && types.includes('Ingress') && types.includes('Egress') && !isSet(spec.ingress) && !isSet(spec.egress);
}

function hasEgressRules(policy: TfResource): boolean {
  return blocks(policy.values.spec).some((s) => blocks(s.egress).length > 0);
}

/** Each namespace with workloads denies all traffic by default and allows egress explicitly. */
export const KubernetesNamespaceDefaultDeny = defineRule({
  id: 'KubernetesNamespaceDefaultDeny',
  summary: 'Every namespace with workloads has a default-deny NetworkPolicy (ingress and egress) and explicit egress rules.',
  explanation:
    'Without default deny a compromised pod can reach models, tools and the internet directly, around the gateway ' +
    'that checks identity and applies quotas.',
  fix: 'Add a NetworkPolicy with an empty pod_selector and policy_types ["Ingress", "Egress"], and policies allowing egress to the gateway, the VPC endpoints and DNS (KubernetesWorkload does this).',
  level: 'error',
  frameworks: [CONTROLS.csfNetwork, CONTROLS.nhiEnvironmentIsolation, CONTROLS.maestroInfrastructure],
  types: KUBERNETES_WORKLOAD_TYPES,
  evaluate(resource, { stack }) {
    const namespace = namespaceOf(resource);
    const policies = NETWORK_POLICY_TYPES.flatMap((t) => stack.ofType(t)).filter((p) => namespaceOf(p) === namespace);
    const problems: string[] = [];
    if (!policies.some(isDefaultDeny)) problems.push(`namespace ${namespace} has no default-deny NetworkPolicy for ingress and egress`);
    if (!policies.some(hasEgressRules)) problems.push(`namespace ${namespace} has no NetworkPolicy with egress rules`);
    return problems.length ? nonCompliant(problems.join('; ')) : compliant;
  },
});
