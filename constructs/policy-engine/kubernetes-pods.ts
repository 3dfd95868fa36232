import { blocks, TfResource } from './terraform-json';

/**
 * Where the pod spec lives in each Kubernetes workload resource of the kubernetes provider
 * (blocks are lists in Terraform JSON; cdktf may write single objects, which blocks() accepts).
 */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  kubernetes_pod: ['spec'],
  kubernetes_pod_v1: ['spec'],
  kubernetes_deployment: ['spec', 'template', 'spec'],
  kubernetes_deployment_v1: ['spec', 'template', 'spec'],
  kubernetes_stateful_set: ['spec', 'template', 'spec'],
  kubernetes_stateful_set_v1: ['spec', 'template', 'spec'],
  kubernetes_daemonset: ['spec', 'template', 'spec'],
  kubernetes_daemon_set_v1: ['spec', 'template', 'spec'],
  kubernetes_replication_controller: ['spec', 'template', 'spec'],
  kubernetes_replication_controller_v1: ['spec', 'template', 'spec'],
  kubernetes_job: ['spec', 'template', 'spec'],
  kubernetes_job_v1: ['spec', 'template', 'spec'],
  kubernetes_cron_job: ['spec', 'job_template', 'spec', 'template', 'spec'],
  kubernetes_cron_job_v1: ['spec', 'job_template', 'spec', 'template', 'spec'],
};

export const KUBERNETES_WORKLOAD_TYPES: readonly string[] = Object.keys(POD_SPEC_PATHS);

export const NETWORK_POLICY_TYPES: readonly string[] = ['kubernetes_network_policy', 'kubernetes_network_policy_v1'];

export function podSpec(resource: TfResource): Record<string, unknown> | undefined {
  const path = POD_SPEC_PATHS[resource.type];
  if (!path) return undefined;
  let node: Record<string, unknown> | undefined = resource.values;
  for (const key of path) {
    node = node ? blocks(node[key])[0] : undefined;
  }
  return node;
}

/** The namespace a Kubernetes object lives in (metadata.namespace, "default" when unset). */
export function namespaceOf(resource: TfResource): string {
  const meta = blocks(resource.values.metadata)[0];
  const ns = meta?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

export function containersOf(spec: Record<string, unknown>): Record<string, unknown>[] {
  return [...blocks(spec.container), ...blocks(spec.init_container)];
}
