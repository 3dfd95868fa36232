import { CONTROLS } from '../../frameworks';
import { KUBERNETES_WORKLOAD_TYPES, podSpec } from '../../kubernetes-pods';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';

/** Each workload runs as its own service account, the identity its AWS role trusts. */
export const KubernetesNoDefaultServiceAccount = defineRule({
  id: 'KubernetesNoDefaultServiceAccount',
  summary: 'Kubernetes pods run under their own service account, not "default".',
  explanation:
    'The default service account is shared by everything in the namespace, so whatever it is granted every pod gets; a ' +
    'workload identity must be one workload\'s.',
  fix: 'Set service_account_name to the workload\'s service account (KubernetesWorkload creates one).',
  level: 'error',
  frameworks: [CONTROLS.nhiOverprivileged, CONTROLS.asiIdentityPrivilege, CONTROLS.csfIdentities, CONTROLS.maestroInfrastructure],
  types: KUBERNETES_WORKLOAD_TYPES,
  evaluate(resource) {
    const spec = podSpec(resource);
    if (!spec) return cannotVerify('no pod spec found');
    const sa = spec.service_account_name ?? spec.service_account;
    if (sa === undefined || sa === null || sa === '' || sa === 'default') return nonCompliant('the pod runs as the "default" service account');
    return compliant;
  },
});
