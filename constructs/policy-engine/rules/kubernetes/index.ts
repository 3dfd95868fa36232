/** Rules that protect kubernetes: one file each; this file only re-exports. */
export { KubernetesGovernanceLabels } from './KubernetesGovernanceLabels';
export { KubernetesNamespaceDefaultDeny } from './KubernetesNamespaceDefaultDeny';
export { KubernetesNoDefaultServiceAccount } from './KubernetesNoDefaultServiceAccount';
export { KubernetesPodHardened } from './KubernetesPodHardened';
