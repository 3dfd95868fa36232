/**
 * The update phase of the e2e tier (issue 16 item 5): a change to a SageMaker service must roll its
 * endpoint, not replace a configuration under the same name while the endpoint keeps serving the
 * old one. SageMaker endpoint configurations are immutable; the library names models and
 * configurations from their content and creates the new one before destroying the old, so a new
 * instance type means a new configuration name and an in-place endpoint update onto it.
 *
 *  1. synthesize a product stack with one SageMaker service (ml.m5.large) on the pinned contract and
 *     apply its endpoint (with the model, configuration and execution role it needs) to moto;
 *  2. synthesize it again with ml.m5.xlarge into the same Terraform directory and plan: the
 *     configuration is replaced create-before-destroy under a new name, the endpoint is updated in
 *     place onto that name, and nothing else is destroyed;
 *  3. the change is not applied: moto serves no SageMaker UpdateEndpoint (HTTP 500), so the tier
 *     says so and the plan is the proof.
 *
 * The configurations are applied here directly, not through scratch-stack.ts, whose emulator gap
 * leaves them out of the examples' apply (moto echoes vpc_config and data_capture_config back
 * empty, so a second plan of an unchanged stack wants to replace them): this phase compares names
 * and actions, which that echo does not change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { overrideFor } from './scratch-stack';
import type { Tally } from './tally';
import type { TerraformJson } from './terraform-json';
import { runCommand, type RunResult } from './terraform-cli';

const REPO = path.resolve(__dirname, '..', '..');
const STACK = 'scorer-dev';
export const INSTANCE_TYPES = { applied: 'ml.m5.large', changedTo: 'ml.m5.xlarge' } as const;

export interface UpdatePhaseContext {
  readonly tally: Tally;
  /** The terraform environment (offline mirror, moto endpoint). */
  readonly env: NodeJS.ProcessEnv;
  readonly scratch: string;
  /** The pinned contract file the pinned-contract phase wrote. */
  readonly pinnedContract: string;
}

interface PlannedChange {
  address: string;
  type: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null; after_unknown?: Record<string, unknown> };
}

const tail = (r: RunResult) => `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n');

/** The one managed resource of a type in a stack's JSON, as `type.name`. */
function addressOf(json: TerraformJson, type: string): string | undefined {
  const names = Object.keys((json.resource as Record<string, Record<string, unknown>> | undefined)?.[type] ?? {});
  return names.length === 1 ? `${type}.${names[0]}` : undefined;
}

/** What a plan says about a change, as the check's detail. */
const describe = (c: PlannedChange | undefined) => (c ? `${c.address}: ${c.change.actions.join('+')} (name ${String(c.change.before?.name)} -> ${String(c.change.after?.name ?? 'known after apply')})` : 'absent from the plan');

export async function sagemakerUpdatePhase(ctx: UpdatePhaseContext): Promise<void> {
  const t = ctx.tally;
  const dir = path.join(ctx.scratch, 'sagemaker-update');
  const tfDir = path.join(dir, STACK);
  fs.mkdirSync(tfDir, { recursive: true });
  const tsNode = path.join(REPO, 'node_modules', '.bin', 'ts-node');

  /** Synthesizes the stack with an instance type and writes its configuration into the Terraform directory. */
  const synthesize = async (instanceType: string): Promise<TerraformJson | undefined> => {
    const outdir = path.join(dir, `cdktf.out-${instanceType}`);
    const r = await runCommand(tsNode, ['--transpile-only', '--project', path.join(REPO, 'tsconfig.json'), path.join(__dirname, 'sagemaker-update-app.ts')], dir, {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      PINNED_CONTRACT: ctx.pinnedContract,
      SCORER_INSTANCE_TYPE: instanceType,
    });
    if (!t.check(`sagemaker update: synthesize the service with ${instanceType}`, r.code === 0, tail(r))) return undefined;
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', STACK, 'cdk.tf.json'), 'utf8')) as TerraformJson;
    fs.writeFileSync(path.join(tfDir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
    fs.writeFileSync(path.join(tfDir, 'zz_e2e_override.tf.json'), JSON.stringify(overrideFor(json), null, 2));
    return json;
  };
  const tf = (args: string[]) => runCommand('terraform', [...args, '-no-color'], tfDir, ctx.env, path.join(tfDir, 'e2e.log'));

  // 1. Apply with the first instance type.
  const first = await synthesize(INSTANCE_TYPES.applied);
  if (!first) return;
  const endpoint = addressOf(first, 'aws_sagemaker_endpoint');
  const config = addressOf(first, 'aws_sagemaker_endpoint_configuration');
  if (endpoint === undefined || config === undefined) {
    t.fail('sagemaker update: the stack has one endpoint and one endpoint configuration', `endpoint ${endpoint}, configuration ${config}`);
    return;
  }
  const init = await tf(['init', '-input=false']);
  if (!t.check('sagemaker update: terraform init', init.code === 0, tail(init))) return;
  const target = [`-target=${endpoint}`];
  const applied = await tf(['apply', '-input=false', '-auto-approve', '-parallelism=10', ...target]);
  if (!t.check(`sagemaker update: apply the endpoint with ${INSTANCE_TYPES.applied}`, applied.code === 0, tail(applied), /Apply complete!.*/.exec(applied.stdout)?.[0])) return;

  try {
    const stateOf = async (address: string): Promise<Record<string, unknown> | undefined> => {
      const r = await tf(['show', '-json']);
      const state = JSON.parse(r.stdout) as { values?: { root_module?: { resources?: { address: string; values: Record<string, unknown> }[] } } };
      return state.values?.root_module?.resources?.find((x) => x.address === address)?.values;
    };
    const oldName = String((await stateOf(config))?.name);

    // 2. The change, planned.
    if (!(await synthesize(INSTANCE_TYPES.changedTo))) return;
    const planned = await tf(['plan', '-input=false', '-out=change.tfplan', '-parallelism=10', ...target]);
    if (!t.check(`sagemaker update: plan the change to ${INSTANCE_TYPES.changedTo}`, planned.code === 0, tail(planned), /Plan: .*/.exec(planned.stdout)?.[0])) return;
    const shown = await tf(['show', '-json', 'change.tfplan']);
    const changes = (JSON.parse(shown.stdout) as { resource_changes?: PlannedChange[] }).resource_changes ?? [];
    const configChange = changes.find((c) => c.address === config);
    const endpointChange = changes.find((c) => c.address === endpoint);
    const newName = configChange?.change.after?.name;
    t.check(
      'sagemaker update: the endpoint configuration is replaced create-before-destroy, under a new name',
      JSON.stringify(configChange?.change.actions) === JSON.stringify(['create', 'delete']) && typeof newName === 'string' && newName !== oldName && newName.length <= 63,
      describe(configChange),
      `${oldName} -> ${String(newName)}`,
    );
    t.check(
      'sagemaker update: the endpoint is updated in place onto the new configuration (not replaced, not a no-op)',
      JSON.stringify(endpointChange?.change.actions) === JSON.stringify(['update']) &&
        endpointChange?.change.before?.endpoint_config_name === oldName &&
        (endpointChange?.change.after?.endpoint_config_name === newName || endpointChange?.change.after_unknown?.endpoint_config_name === true),
      `${describe(endpointChange)}; endpoint_config_name ${String(endpointChange?.change.before?.endpoint_config_name)} -> ${String(endpointChange?.change.after?.endpoint_config_name ?? 'known after apply')}`,
    );
    const destroyedOnly = changes.filter((c) => c.change.actions.includes('delete') && !c.change.actions.includes('create'));
    t.check('sagemaker update: the change destroys nothing outright', destroyedOnly.length === 0, destroyedOnly.map((c) => c.address).join(', '));

    // 3. Not applied: moto (5.x) has no UpdateEndpoint (it answers HTTP 500), so the roll itself
    // cannot run here; the plan above is what Terraform would do on AWS, and is the check.
    console.log('  left out: applying the change (moto serves no SageMaker UpdateEndpoint); proven at plan');
  } finally {
    const destroyed = await tf(['destroy', '-input=false', '-auto-approve', '-parallelism=10', ...target]);
    t.check('sagemaker update: destroy', destroyed.code === 0, tail(destroyed));
  }
}
