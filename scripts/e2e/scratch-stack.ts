/**
 * Prepares the scratch copy of one synthesized stack for Terraform against moto, without ever
 * touching the synthesized original:
 *  - Kubernetes objects (and whatever references them) are taken out of the configuration,
 *    because the offline mirror has no kubernetes provider; they are returned for validation as
 *    manifests instead;
 *  - an override file points the AWS provider at the emulator and keeps state local;
 *  - references to resources moto cannot serve are replaced by stand-in values where the
 *    referencing resource only names them (stand-ins.ts), so it can be applied;
 *  - resources moto cannot serve (and what still depends on them) are computed as "left out", so
 *    the apply targets everything else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emulatorGapFor } from './emulator-gaps';
import { substituteEchoGapReads, substituteStandIns, type StandIn } from './stand-ins';
import { blocksOf, dependencyClosure, outputsReferencing, referencesIn, type Block, type LeftOut, type TerraformJson } from './terraform-json';

export const OVERRIDE_FILE = 'zz_e2e_override.tf.json';
const KUBERNETES_REASON = 'no kubernetes provider plugin in the offline mirror: validated as a manifest instead';

export interface PreparedStack {
  dir: string;
  /** Kubernetes blocks as synthesized (before removal), for manifest conversion. */
  kubernetesBlocks: Block[];
  /** Blocks removed from the scratch configuration, with reasons (Kubernetes and their dependents). */
  removed: LeftOut[];
  removedOutputs: string[];
  /** Blocks kept in the configuration (validated and planned) but not applied, with reasons. */
  leftOut: LeftOut[];
  /** Left-out blocks that are emulator gaps themselves (not dependents of one). */
  gapSeeds: Set<string>;
  /** References to left-out blocks replaced by stand-in values in the scratch copy. */
  standIns: StandIn[];
  /** `-target` addresses: every managed resource not left out. */
  targets: string[];
  /** Managed resources the example protects from destroy (prevent_destroy, deletion protection), with why: destroy leaves them. */
  protectedFromDestroy: LeftOut[];
  /** The scratch configuration as Terraform sees it. */
  json: TerraformJson;
}

/** The override file: provider settings for moto and a local backend inside the scratch copy. */
export function overrideFor(json: TerraformJson): Record<string, unknown> {
  const awsProviders = json.provider?.aws ?? [{}];
  return {
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    provider: {
      aws: awsProviders.map((p) => ({
        ...(p.alias ? { alias: p.alias } : {}),
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        skip_requesting_account_id: false,
        s3_use_path_style: true,
        max_retries: 1,
      })),
    },
  };
}

/** Removes Kubernetes blocks and everything that references them from a stack's JSON (in place). */
export function removeKubernetes(json: TerraformJson): { kubernetesBlocks: Block[]; removed: LeftOut[]; removedOutputs: string[] } {
  const kubernetesBlocks = blocksOf(json).filter((b) => b.type.startsWith('kubernetes_'));
  const seeds = new Map(kubernetesBlocks.map((b) => [b.address, KUBERNETES_REASON]));
  const removed = dependencyClosure(json, seeds, 'removed');
  const removedSet = new Set(removed.map((r) => r.address));
  const removedOutputs = outputsReferencing(json, removedSet);
  for (const b of blocksOf(json)) {
    if (!removedSet.has(b.address)) continue;
    const group = b.mode === 'managed' ? json.resource : json.data;
    delete group![b.type][b.name];
    if (Object.keys(group![b.type]).length === 0) delete group![b.type];
  }
  for (const o of removedOutputs) delete json.output![o];
  // Data sources that only configure the kubernetes provider (an EKS cluster's endpoint and token)
  // go with it: nothing else reads them, and reading them needs a cluster.
  const providerRefs = referencesIn(json.provider?.kubernetes ?? [], new Set(blocksOf(json).map((b) => b.address)));
  if (json.provider) delete json.provider.kubernetes;
  if (json.terraform?.required_providers) delete json.terraform.required_providers.kubernetes;
  for (const address of providerRefs) {
    const rest = blocksOf(json).filter((b) => b.address !== address);
    const known = new Set([address]);
    const stillUsed = rest.some((b) => referencesIn(b.body, known).size > 0) || outputsReferencing(json, known).length > 0;
    const b = blocksOf(json).find((x) => x.address === address);
    if (stillUsed || !b) continue;
    const group = b.mode === 'managed' ? json.resource! : json.data!;
    delete group[b.type][b.name];
    if (Object.keys(group[b.type]).length === 0) delete group[b.type];
    removed.push({ address, reason: 'only configures the kubernetes provider, which is removed' });
  }
  return { kubernetesBlocks, removed, removedOutputs };
}

/** Providers the configuration needs that the offline mirror does not hold. */
export function providersMissingFromMirror(json: TerraformJson): string[] {
  return Object.keys(json.terraform?.required_providers ?? {}).filter((p) => p !== 'aws');
}

/** Emulator gaps of a stack: address -> reason. */
export function emulatorGaps(json: TerraformJson): Map<string, string> {
  const seeds = new Map<string, string>();
  for (const b of blocksOf(json)) {
    const reason = emulatorGapFor(b, json);
    if (reason) seeds.set(b.address, reason);
  }
  return seeds;
}

/** The emulator gaps and everything that still references one (after stand-ins, if substituted). */
export function emulatorLeftOut(json: TerraformJson): LeftOut[] {
  return dependencyClosure(json, emulatorGaps(json));
}

/** moto's default account: STS GetCallerIdentity answers with it, and stand-in ARNs carry it. */
export const MOTO_ACCOUNT = '123456789012';

export function prepareStack(sourceDir: string, scratchDir: string, account = MOTO_ACCOUNT): PreparedStack {
  fs.cpSync(sourceDir, scratchDir, { recursive: true });
  const file = path.join(scratchDir, 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as TerraformJson;
  const { kubernetesBlocks, removed, removedOutputs } = removeKubernetes(json);
  const missing = providersMissingFromMirror(json);
  if (missing.length > 0) {
    throw new Error(`${sourceDir}: provider(s) ${missing.join(', ')} are not in the offline mirror; only hashicorp/aws 5.100.0 can be installed here`);
  }
  const gaps = emulatorGaps(json);
  const gapSeeds = new Set(gaps.keys());
  const region = String(json.provider?.aws?.[0]?.region ?? 'us-east-1');
  const standIns = [...substituteStandIns(json, gapSeeds, region, account), ...substituteEchoGapReads(json)];
  const leftOut = dependencyClosure(json, gaps);
  const protectedFromDestroy = blocksOf(json)
    .filter((b) => b.mode === 'managed')
    .flatMap((b): LeftOut[] => {
      if ((b.body.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true) return [{ address: b.address, reason: 'lifecycle.prevent_destroy' }];
      // AWS itself refuses the delete (a DynamoDB table with deletion protection, as production sets it).
      if (b.body.deletion_protection_enabled === true) return [{ address: b.address, reason: 'deletion_protection_enabled' }];
      return [];
    });
  const leftOutSet = new Set(leftOut.map((l) => l.address));
  const targets = blocksOf(json)
    .filter((b) => b.mode === 'managed' && !leftOutSet.has(b.address))
    .map((b) => b.address);
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
  fs.writeFileSync(path.join(scratchDir, OVERRIDE_FILE), JSON.stringify(overrideFor(json), null, 2));
  return { dir: scratchDir, kubernetesBlocks, removed, removedOutputs, leftOut, gapSeeds, standIns, targets, protectedFromDestroy, json };
}
