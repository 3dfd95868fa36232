import { isoDateToMs } from '../../exceptions';
import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { K8S_PREFIX, REQUIRED_TAG_KEYS, TAG_KEYS } from '../../../governance/tags';
import { blocks, isObject, isSet, isUnresolvedValue } from '../../terraform-json';

/** Kubernetes provider resources that patch other objects and have no metadata of their own. */
const WITHOUT_OWN_METADATA = new Set(['kubernetes_manifest', 'kubernetes_labels', 'kubernetes_annotations', 'kubernetes_config_map_v1_data', 'kubernetes_env', 'kubernetes_node_taint']);

function k8sKey(tagKey: string): string {
  return K8S_PREFIX + tagKey.slice('governance:'.length);
}

/** Kubernetes objects carry the governance facts as labels (or annotations where a label value cannot hold them). */
export const KubernetesGovernanceLabels = defineRule({
  id: 'KubernetesGovernanceLabels',
  summary: `Kubernetes objects carry the governance facts as ${K8S_PREFIX}* labels or annotations, with a review-by date that has not passed.`,
  explanation: 'The same owner, approver, revoker and review-by facts as the AWS tags, so a reviewer of the cluster finds who answers for a workload.',
  fix: 'Set metadata labels/annotations from kubernetesMetadata() (KubernetesWorkload does this).',
  level: 'error',
  frameworks: [CONTROLS.nhiOffboarding, CONTROLS.rmfInventory, CONTROLS.rmfRoles, CONTROLS.csfRolesAuthorities, CONTROLS.maestroSecurity],
  types: (type) => type.startsWith('kubernetes_') && !WITHOUT_OWN_METADATA.has(type),
  evaluate(resource, { now }) {
    const meta = blocks(resource.values.metadata)[0];
    if (!meta) return notApplicable;
    if (isUnresolvedValue(meta.labels) || isUnresolvedValue(meta.annotations)) return cannotVerify('labels or annotations are an expression');
    const facts = { ...(isObject(meta.annotations) ? meta.annotations : {}), ...(isObject(meta.labels) ? meta.labels : {}) };
    const missing = REQUIRED_TAG_KEYS.map(k8sKey).filter((k) => !isSet(facts[k]));
    if (missing.length) return nonCompliant(`missing labels or annotations ${missing.join(', ')}`);
    const reviewBy = facts[k8sKey(TAG_KEYS.reviewBy)];
    if (isUnresolvedValue(reviewBy)) return cannotVerify('review-by is an expression');
    const date = isoDateToMs(reviewBy);
    if (date === undefined) return nonCompliant(`${k8sKey(TAG_KEYS.reviewBy)} ${JSON.stringify(reviewBy)} is not an ISO date YYYY-MM-DD`);
    if (date < Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) return nonCompliant(`${k8sKey(TAG_KEYS.reviewBy)} ${String(reviewBy)} has passed`);
    return compliant;
  },
});
