import { Construct } from 'constructs';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import type { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { KubernetesRuntime } from '../governance/environment';

/** Container resources; limits equal requests so a workload cannot starve its neighbours. */
export interface ContainerResources {
  /** CPU, Kubernetes quantity (`500m`, `2`). */
  readonly cpu: string;
  /** Memory, Kubernetes quantity (`1Gi`). */
  readonly memory: string;
}

export interface KubernetesWorkloadProps {
  readonly name: string;
  readonly namespace: string;
  readonly runtime: KubernetesRuntime;
  /** Image pinned by digest (`repo@sha256:...`). */
  readonly image: string;
  readonly replicas: number;
  readonly resources: ContainerResources;
  readonly port: number;
  /** CIDR that holds the environment's interface VPC endpoints (egress on 443 only). */
  readonly endpointCidr: string;
  readonly roleArn: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** AWS tags for the Pod Identity association. */
  readonly tags: Record<string, string>;
  readonly env?: Readonly<Record<string, string>>;
  /** Serve a port (inference service) or only call out (agent). */
  readonly serve: boolean;
}

/**
 * The Kubernetes provider classes, loaded on first use rather than at import: they are about 6 MB
 * of JavaScript (the Deployment structs alone 4.8 MB) that stacks without Kubernetes workloads
 * never need, and loading them dominated the library's import time (BENCHMARKS.md).
 */
function kubernetesClasses() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    DeploymentV1: (require('@cdktf/provider-kubernetes/lib/deployment-v1') as typeof import('@cdktf/provider-kubernetes/lib/deployment-v1')).DeploymentV1,
    NamespaceV1: (require('@cdktf/provider-kubernetes/lib/namespace-v1') as typeof import('@cdktf/provider-kubernetes/lib/namespace-v1')).NamespaceV1,
    NetworkPolicyV1: (require('@cdktf/provider-kubernetes/lib/network-policy-v1') as typeof import('@cdktf/provider-kubernetes/lib/network-policy-v1')).NetworkPolicyV1,
    ServiceAccountV1: (require('@cdktf/provider-kubernetes/lib/service-account-v1') as typeof import('@cdktf/provider-kubernetes/lib/service-account-v1')).ServiceAccountV1,
    ServiceV1: (require('@cdktf/provider-kubernetes/lib/service-v1') as typeof import('@cdktf/provider-kubernetes/lib/service-v1')).ServiceV1,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** UID the container runs as: any non-zero id, fixed so file ownership is predictable. */
export const RUN_AS_USER = '10001';

/**
 * A workload on the environment's EKS cluster, hardened by default: its own namespace (Pod
 * Security "restricted"), its own service account bound to its IAM role by EKS Pod Identity (no
 * Kubernetes API token mounted), a Deployment that runs non-root on a read-only root filesystem with
 * no privilege escalation, no capabilities and the RuntimeDefault seccomp profile, an image pinned
 * by digest, a ClusterIP Service, and network policies that deny everything except ingress from
 * the in-cluster gateway and egress to the gateway, the VPC endpoints and DNS.
 */
export class KubernetesWorkload extends Construct {
  public readonly namespace: NamespaceV1;
  public readonly serviceAccount: ServiceAccountV1;
  public readonly deployment: DeploymentV1;
  public readonly service?: ServiceV1;
  /** `<service>.<namespace>.svc.cluster.local` */
  public readonly serviceDnsName?: string;

  constructor(scope: Construct, id: string, props: KubernetesWorkloadProps) {
    super(scope, id);
    const { DeploymentV1, NamespaceV1, NetworkPolicyV1, ServiceAccountV1, ServiceV1 } = kubernetesClasses();
    const rt = props.runtime;
    const meta = (name: string) => ({ name, namespace: props.namespace, labels: props.labels, annotations: props.annotations });
    const selector = { 'app.kubernetes.io/name': props.name };

    this.namespace = new NamespaceV1(this, 'namespace', {
      metadata: {
        name: props.namespace,
        labels: {
          ...props.labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
        annotations: props.annotations,
      },
    });
    const ns = this.namespace.metadata.name;
    const nsMeta = (name: string) => ({ ...meta(name), namespace: ns });

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      metadata: nsMeta(props.name),
      automountServiceAccountToken: false,
    });

    new EksPodIdentityAssociation(this, 'pod-identity', {
      clusterName: rt.clusterName,
      namespace: props.namespace,
      serviceAccount: props.name,
      roleArn: props.roleArn,
      tags: props.tags,
    });

    this.deployment = new DeploymentV1(this, 'deployment', {
      metadata: nsMeta(props.name),
      waitForRollout: false,
      spec: {
        replicas: String(props.replicas),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...props.labels, ...selector }, annotations: props.annotations },
          spec: {
            serviceAccountName: this.serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUN_AS_USER,
              runAsGroup: RUN_AS_USER,
              fsGroup: RUN_AS_USER,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            container: [
              {
                name: props.name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                port: props.serve ? [{ containerPort: props.port, name: 'http' }] : undefined,
                env: Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
                resources: {
                  requests: { cpu: props.resources.cpu, memory: props.resources.memory },
                  limits: { cpu: props.resources.cpu, memory: props.resources.memory },
                },
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: RUN_AS_USER,
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            // A read-only root filesystem still needs somewhere to write scratch files.
            volume: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
          },
        },
      },
    });

    if (props.serve) {
      this.service = new ServiceV1(this, 'service', {
        metadata: nsMeta(props.name),
        spec: { type: 'ClusterIP', selector, port: [{ name: 'http', port: props.port, targetPort: String(props.port) }] },
      });
      this.serviceDnsName = `${props.name}.${props.namespace}.svc.cluster.local`;
    }

    const gatewayPeer = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': rt.gatewayNamespace } },
      podSelector: { matchLabels: rt.gatewayPodLabels as Record<string, string> },
    };

    new NetworkPolicyV1(this, 'default-deny', {
      metadata: nsMeta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    if (props.serve) {
      new NetworkPolicyV1(this, 'allow-gateway-ingress', {
        metadata: nsMeta('allow-gateway-ingress'),
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress'],
          ingress: [{ from: [gatewayPeer], ports: [{ port: String(props.port), protocol: 'TCP' }] }],
        },
      });
    }
    new NetworkPolicyV1(this, 'allow-egress', {
      metadata: nsMeta('allow-egress-gateway-endpoints-dns'),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Egress'],
        egress: [
          { to: [gatewayPeer] },
          { to: [{ ipBlock: { cidr: props.endpointCidr } }], ports: [{ port: '443', protocol: 'TCP' }] },
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
          },
        ],
      },
    });
  }
}
