import { Fn, Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import type { DeploymentV1, DeploymentV1SpecTemplateSpecContainerEnv } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { NetworkPolicyV1SpecEgressTo } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
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
  /** Private IPv4 addresses of the environment's interface endpoints: egress on 443 goes to these only. */
  readonly endpointIps: readonly string[];
  readonly roleArn: string;
  /**
   * The workload is revoked: no Pod Identity association (no credentials for its pods at all).
   * @default false
   */
  readonly revoked?: boolean;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** AWS tags for the Pod Identity association. */
  readonly tags: Record<string, string>;
  /**
   * Environment variables of the container; a function is read at synth, after every grant
   * (a gateway key created by a later grant lands here too).
   */
  readonly env?: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
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

/** The EKS Pod Identity agent's link-local addresses (IPv4 and IPv6), port 80. */
export const POD_IDENTITY_AGENT = ['169.254.170.23/32', 'fd00:ec2::23/128'] as const;

/**
 * Most endpoint addresses a policy names when the list is only known at plan (7 endpoints in up to
 * 6 subnets); a longer list fails plan through the Deployment's precondition.
 */
export const MAX_ENDPOINT_IPS = 42;

/**
 * One ipBlock per endpoint address. A literal list becomes literal blocks. A list Terraform
 * resolves at plan (an unpinned contract) becomes {@link MAX_ENDPOINT_IPS} blocks of
 * `element(list, i)`: element() wraps around, so a shorter list repeats addresses (harmless in a
 * NetworkPolicy) and never adds one that is not an endpoint's. (cdktf cannot render a dynamic
 * block nested this deep.)
 */
function endpointPeers(ips: readonly string[]): NetworkPolicyV1SpecEgressTo[] {
  if (!Token.isUnresolved(ips as string[])) return ips.map((ip) => ({ ipBlock: { cidr: `${ip}/32` } }));
  return Array.from({ length: MAX_ENDPOINT_IPS }, (_, i) => ({ ipBlock: { cidr: Fn.format('%s/32', [Fn.element(ips as string[], i)]) } }));
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
  public readonly podIdentity?: EksPodIdentityAssociation;
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

    // Revoked: the association goes, so no pod of this service account gets credentials again.
    this.podIdentity = props.revoked
      ? undefined
      : new EksPodIdentityAssociation(this, 'pod-identity', {
          clusterName: rt.clusterName,
          namespace: props.namespace,
          serviceAccount: props.name,
          roleArn: props.roleArn,
          tags: props.tags,
        });

    this.deployment = new DeploymentV1(this, 'deployment', {
      metadata: nsMeta(props.name),
      // Apply succeeds only when the pods run; they start after their association exists, so
      // they never come up without credentials.
      waitForRollout: props.replicas > 0,
      dependsOn: this.podIdentity ? [this.podIdentity] : undefined,
      lifecycle: Token.isUnresolved(props.endpointIps as string[])
        ? {
            precondition: [
              {
                condition: `\${length(${Token.asString(props.endpointIps)}) <= ${MAX_ENDPOINT_IPS}}`,
                errorMessage: `The environment publishes more than ${MAX_ENDPOINT_IPS} endpoint addresses; this workload's egress policy names only ${MAX_ENDPOINT_IPS}: pin the environment contract (its addresses become literal).`,
              },
            ],
          }
        : undefined,
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
                env: Lazy.anyValue({
                  produce: () => Object.entries((typeof props.env === 'function' ? props.env() : props.env) ?? {}).map(([name, value]) => ({ name, value })),
                }) as unknown as DeploymentV1SpecTemplateSpecContainerEnv[],
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
    // Egress: the interface endpoints (the gateway is reached through execute-api), DNS, and the
    // node's Pod Identity agent. Never the in-cluster gateway pods: a workload reaches another
    // workload's model only through API Gateway (SECURITY.md, decision 5).
    new NetworkPolicyV1(this, 'allow-egress', {
      metadata: nsMeta('allow-egress-endpoints-dns-pod-identity'),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Egress'],
        egress: [
          { to: endpointPeers(props.endpointIps), ports: [{ port: '443', protocol: 'TCP' }] },
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
          },
          // https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html
          { to: POD_IDENTITY_AGENT.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: '80', protocol: 'TCP' }] },
        ],
      },
    });
  }
}
