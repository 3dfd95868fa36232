import * as fs from 'fs';
import * as path from 'path';
import { fromSynthJson, StackModel, TerraformJsonError } from '../constructs/policy-engine/terraform-json';
import { assertPlanShape, assertSynthShape } from '../constructs/policy-engine/terraform-json-shape';

/** Input the CLI cannot use: exit code 2 with a message that names the file and the fix. */
export class UnusableInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnusableInput';
  }
}

export function readJson(file: string): unknown {
  if (!fs.existsSync(file)) throw new UnusableInput(`${file} does not exist (relative paths are read from ${process.cwd()}). Check the path; write a plan with \`terraform show -json plan.out > plan.json\`, cdktf.out with \`cdktf synth\`.`);
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UnusableInput(`${file} is not valid JSON (${(e as Error).message}). Pass the file Terraform or cdktf wrote, unmodified.`);
  }
}

export interface SynthStackFile {
  readonly file: string;
  readonly directory: string;
  readonly model: StackModel;
}

function stackFromFile(file: string, fallbackName: string): SynthStackFile {
  const json = readJson(file);
  try {
    assertSynthShape(json);
    return { file, directory: path.dirname(file), model: fromSynthJson(json, fallbackName) };
  } catch (e) {
    if (e instanceof TerraformJsonError) throw new UnusableInput(`${file}: ${e.message} Pass the cdk.tf.json cdktf wrote, unmodified (re-run \`cdktf synth\`); review a plan with \`cdktf-ai-governance review <plan.json>\`.`);
    throw e;
  }
}

/**
 * The stacks of a cdktf output directory: from manifest.json when present (the stacks cdktf
 * synthesized), else every stacks/<name>/cdk.tf.json. A cdk.tf.json file or a stack directory
 * is accepted too.
 */
export function loadSynthOutput(target: string): SynthStackFile[] {
  if (!fs.existsSync(target)) {
    throw new UnusableInput(`${target} does not exist. Run \`cdktf synth\` (or \`npm run synth\`) first and pass its output directory (cdktf.out).`);
  }
  if (fs.statSync(target).isFile()) return [stackFromFile(target, path.basename(path.dirname(target)))];
  const direct = path.join(target, 'cdk.tf.json');
  if (fs.existsSync(direct)) return [stackFromFile(direct, path.basename(target))];

  const manifestFile = path.join(target, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const manifest = readJson(manifestFile) as { stacks?: Record<string, { synthesizedStackPath?: string }> };
    const stacks = Object.entries(manifest.stacks ?? {});
    if (stacks.length === 0) throw new UnusableInput(`${manifestFile} lists no stacks. Re-run \`cdktf synth\` to rewrite cdktf.out.`);
    return stacks.map(([name, s]) => {
      if (!s || typeof s.synthesizedStackPath !== 'string') throw new UnusableInput(`${manifestFile}: stack ${name} has no synthesizedStackPath. Re-run \`cdktf synth\` to rewrite cdktf.out.`);
      return stackFromFile(path.join(target, s.synthesizedStackPath), name);
    });
  }
  const stacksDir = path.join(target, 'stacks');
  const found = fs.existsSync(stacksDir)
    ? fs.readdirSync(stacksDir).map((d) => path.join(stacksDir, d, 'cdk.tf.json')).filter((f) => fs.existsSync(f))
    : [];
  if (found.length === 0) {
    throw new UnusableInput(`${target} holds no synthesized stack (no manifest.json, no stacks/*/cdk.tf.json). Pass the cdktf output directory.`);
  }
  return found.map((f) => stackFromFile(f, path.basename(path.dirname(f))));
}

/** A plan's shape, checked before any rule reads it: a misshapen plan is unusable input, not "passed". */
export function checkPlanShape(file: string, plan: unknown): void {
  try {
    assertPlanShape(plan);
  } catch (e) {
    if (e instanceof TerraformJsonError) throw new UnusableInput(`${file}: ${e.message} Pass the unmodified output of \`terraform show -json <planfile>\`.`);
    throw e;
  }
}
