import { blocksOf, type TerraformJson } from '../../scripts/e2e/terraform-json';
import { expressionsIn, expressionsToEvaluate, resolverFor, toManifest, type Manifest } from '../../scripts/e2e/kubernetes/to-manifest';
import { validateManifests } from '../../scripts/e2e/kubernetes/validate-manifests';

// A small Deployment as cdktf synthesizes it for the kubernetes provider: snake_case, repeated
// blocks under singular names, numbers as strings, a reference to a service account.
const fixture: TerraformJson = {
  resource: {
    kubernetes_service_account_v1: { sa: { metadata: { name: 'chat', namespace: 'team-a' }, automount_service_account_token: false } },
    kubernetes_deployment_v1: {
      web: {
        '//': { metadata: { path: 'x' } },
        wait_for_rollout: false,
        metadata: [{ name: 'chat', namespace: '${kubernetes_service_account_v1.sa.metadata[0].namespace}', labels: { 'governance.ai/owner': 'team-a' } }],
        spec: {
          replicas: '2',
          selector: { match_labels: { 'app.kubernetes.io/name': 'chat' } },
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'chat' } },
            spec: {
              service_account_name: '${kubernetes_service_account_v1.sa.metadata[0].name}',
              security_context: { run_as_user: '10001', run_as_non_root: true },
              container: [
                {
                  name: 'chat',
                  image: 'repo@sha256:abc',
                  port: [{ container_port: 8080, name: 'http' }],
                  volume_mount: [{ name: 'tmp', mount_path: '/tmp' }],
                  readiness_probe: [{ http_get: [{ path: '/healthz', port: '8080' }] }],
                },
              ],
              volume: [{ name: 'tmp', empty_dir: { medium: 'Memory', size_limit: '64Mi' } }, { name: 'cfg', config_map: { name: 'c', default_mode: '0644' } }],
            },
          },
        },
      },
    },
    kubernetes_service_v1: {
      svc: { metadata: { name: 'chat', namespace: 'team-a' }, spec: { type: 'ClusterIP', selector: { app: 'chat' }, port: [{ port: 80, target_port: '8080' }] } },
    },
  },
};

function manifestOf(address: string): Manifest {
  const blocks = blocksOf(fixture);
  return toManifest(blocks.find((b) => b.address === address)!, resolverFor(blocks));
}

const deployment = () => manifestOf('kubernetes_deployment_v1.web').manifest as any;

describe('Terraform kubernetes resource -> manifest', () => {
  test('sets apiVersion and kind from the resource type', () => {
    expect([deployment().apiVersion, deployment().kind]).toEqual(['apps/v1', 'Deployment']);
  });

  test('renames repeated blocks to the plural Kubernetes field', () => {
    expect(deployment().spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, name: 'http' }]);
  });

  test('camel-cases keys', () => {
    expect(deployment().spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('unwraps single blocks given as one-element lists', () => {
    expect(deployment().spec.template.spec.containers[0].readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 8080 } });
  });

  test('keeps label keys as they are', () => {
    expect(deployment().metadata.labels).toEqual({ 'governance.ai/owner': 'team-a' });
  });

  test('turns the provider string replicas into a number', () => {
    expect(deployment().spec.replicas).toBe(2);
  });

  test('turns run_as_user into a number', () => {
    expect(deployment().spec.template.spec.securityContext.runAsUser).toBe(10001);
  });

  test('reads an octal file mode', () => {
    expect(deployment().spec.template.spec.volumes[1].configMap.defaultMode).toBe(0o644);
  });

  test('drops Terraform-only arguments', () => {
    expect(deployment()).not.toHaveProperty('waitForRollout');
  });

  test('resolves references to other Kubernetes objects of the stack', () => {
    expect(deployment().spec.template.spec.serviceAccountName).toBe('chat');
  });

  test('keeps a Service selector as a label map', () => {
    expect((manifestOf('kubernetes_service_v1.svc').manifest as any).spec.selector).toEqual({ app: 'chat' });
  });

  test('notes a reference it cannot resolve', () => {
    const json: TerraformJson = { resource: { kubernetes_config_map_v1: { c: { metadata: { name: 'c' }, data: { role: '${aws_iam_role.r.arn}' } } } } };
    const blocks = blocksOf(json);
    expect(toManifest(blocks[0], resolverFor(blocks)).notes[0].note).toMatch(/cannot be resolved/);
  });

  test('takes a whole-reference value as evaluated by Terraform (a label map from the contract)', () => {
    const expr = 'jsondecode(data.aws_ssm_parameter.c.value).kubernetes.gatewayPodLabels';
    const json: TerraformJson = {
      resource: { kubernetes_network_policy_v1: { np: { metadata: { name: 'np' }, spec: { pod_selector: { match_labels: `\${${expr}}` } } } } },
    };
    const blocks = blocksOf(json);
    const m = toManifest(blocks[0], resolverFor(blocks, new Map([[expr, { app: 'gateway' }]]))).manifest as any;
    expect(m.spec.podSelector.matchLabels).toEqual({ app: 'gateway' });
  });

  test('lists only the expressions Terraform must evaluate', () => {
    const blocks = blocksOf(fixture);
    expect(expressionsToEvaluate(blocks)).toEqual([]);
  });

  test('finds expressions with braces inside', () => {
    expect(expressionsIn('a-${jsonencode({"k" = 1})}-${x.y}')).toEqual(['jsonencode({"k" = 1})', 'x.y']);
  });

  test('fails when a resource type has no mapping', () => {
    const json: TerraformJson = { resource: { kubernetes_csi_driver_v1: { d: { metadata: { name: 'd' } } } } };
    const blocks = blocksOf(json);
    expect(() => toManifest(blocks[0], resolverFor(blocks))).toThrow(/no manifest mapping for Terraform type kubernetes_csi_driver_v1/);
  });
});

describe('manifest validation', () => {
  const all = () => ['kubernetes_deployment_v1.web', 'kubernetes_service_v1.svc', 'kubernetes_service_account_v1.sa'].map((a) => manifestOf(a).manifest);

  test('accepts the mapped fixture', () => {
    expect(validateManifests(all(), process.cwd())).toEqual([]);
  }, 20000);

  test('reports a missing required field from the OpenAPI schema', () => {
    const m = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } };
    expect(validateManifests([m], process.cwd()).map((p) => p.message).join('\n')).toMatch(/schema: data\/spec must have required property selector/);
  }, 20000);

  test('reports a field Kubernetes does not have', () => {
    const m = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x' }, automountToken: false };
    expect(validateManifests([m], process.cwd()).map((p) => p.message).join('\n')).toMatch(/'automountToken' does not exist/);
  }, 20000);

  test('reports a snake_case field the mapping left behind', () => {
    const m = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { cluster_ip: 'None' } };
    expect(validateManifests([m], process.cwd()).map((p) => p.message).join('\n')).toMatch(/'cluster_ip' does not exist/);
  }, 20000);

  test('reports a label value Kubernetes rejects', () => {
    const m = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', labels: { 'governance.ai/owner': 'team a@example.com' } } };
    expect(validateManifests([m], process.cwd()).map((p) => p.message).join('\n')).toMatch(/labels\["governance.ai\/owner"\] value/);
  }, 20000);

  test('reports an invalid object name', () => {
    const m = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'Chat_Service' } };
    expect(validateManifests([m], process.cwd()).map((p) => p.message).join('\n')).toMatch(/metadata.name "Chat_Service" is not a valid/);
  }, 20000);

  test('reports a kind kubernetes-models has no schema for', () => {
    const m = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } };
    expect(validateManifests([m], process.cwd()).map((p) => p.message).join('\n')).toMatch(/no OpenAPI schema for example.com\/v1 Widget/);
  }, 20000);
});
