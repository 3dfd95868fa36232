import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { packageVersion } from '../constructs/package-files';
import { resolveContractValues } from '../constructs/policy-engine/contract-values';
import { planDiff } from '../constructs/policy-engine/plan-diff';
import { buildReport, GovernanceReport, REPORT_JSON, REPORT_MARKDOWN, reportMarkdown } from '../constructs/policy-engine/report';
import { evaluateApp, Finding } from '../constructs/policy-engine/rule-engine';
import { GOVERNANCE_RULES } from '../constructs/policy-engine/rules';
import { isPlanJson } from '../constructs/policy-engine/terraform-json';
import { registerContractCommands } from './contract';
import { checkPlanShape, loadSynthOutput, readJson, UnusableInput } from './inputs';
import { Baseline, newSince, readBaseline } from './baseline';
import { registerInventory } from './inventory';
import { checkMarkdown, reviewMarkdown } from './markdown';
import { toSarif } from './sarif';

/** Exit codes: 0 passed, 1 error findings (inventory --due: reviews due), 2 unusable input (missing, malformed, not a plan). */
export const EXIT = { passed: 0, failed: 1, unusableInput: 2 } as const;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** "Today" (tests pin it). */
  readonly now?: Date;
  /** Standard input for commands that read a pipe (tests pass text). @default - the process's */
  readonly stdin?: () => string;
}

type Format = 'markdown' | 'json' | 'sarif';

const VERSION: string = packageVersion();
const TOOL = 'cdktf-ai-governance';

function emit(io: CliIo, text: string, output: string | undefined): void {
  if (output) fs.writeFileSync(output, text.endsWith('\n') ? text : `${text}\n`);
  else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
}

function baselineOption(): Option {
  return new Option('--baseline <report>', 'an earlier SARIF or JSON report of this tool: report and fail only on findings not in it');
}

function formatOption(): Option {
  return new Option('-f, --format <format>', 'output format').choices(['markdown', 'json', 'sarif']).default('markdown');
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.passed;
  const now = io.now ?? new Date();
  const program = new Command()
    .name(TOOL)
    .description('Governance rules for cdktf synthesized output and Terraform plans.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  program
    .command('check')
    .description('run the governance rules on a cdktf output directory (cdktf.out), a stack directory or a cdk.tf.json')
    .argument('<cdktf.out>', 'cdktf output directory')
    .addOption(formatOption())
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .option('--strict', 'count cannot-verify findings at the rule level (errors fail)')
    .option('--write-reports', `write ${REPORT_JSON} and ${REPORT_MARKDOWN} into each stack directory`)
    .addOption(baselineOption())
    .action((target: string, opts: { format: Format; output?: string; strict?: boolean; writeReports?: boolean; baseline?: string }) => {
      const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
      const stacks = loadSynthOutput(target);
      const models = resolveContractValues(stacks.map((s) => s.model));
      const evaluations = evaluateApp(models, GOVERNANCE_RULES, { now, strict: opts.strict }).map((e) => newSince(e, baseline));
      const reports = stacks.map((_s, i) => buildReport(models[i], evaluations[i], GOVERNANCE_RULES, now));
      if (opts.writeReports) {
        stacks.forEach((s, i) => {
          fs.writeFileSync(path.join(s.directory, REPORT_JSON), JSON.stringify(reports[i], null, 2));
          fs.writeFileSync(path.join(s.directory, REPORT_MARKDOWN), reportMarkdown(reports[i]));
        });
      }
      const passed = reports.every((r) => r.summary.passed);
      const findings = evaluations.flatMap((e, i) => e.findings.map((finding) => ({ finding, uri: stacks[i].file })));
      emit(io, render(opts.format, { command: 'check', passed, stacks: reports, ...baselineJson(baseline) }, findings, () => checkMarkdown(reports), baseline), opts.output);
      code = passed ? EXIT.passed : EXIT.failed;
    });

  program
    .command('review')
    .description('review a plan (terraform show -json <planfile>): governance diff and rule findings')
    .argument('<plan.json>', 'output of terraform show -json <planfile>')
    .addOption(formatOption())
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .option('--synth <path>', "the stack's cdk.tf.json (or stack directory): adds construct paths and exceptions")
    .option('--base-synth <path>', 'the base branch stack, to list exceptions this change adds')
    .option('--stack <name>', 'stack name to report under', 'plan')
    .option('--strict', 'count cannot-verify findings at the rule level (errors fail)')
    .addOption(baselineOption())
    .action((file: string, opts: { format: Format; output?: string; synth?: string; baseSynth?: string; stack: string; strict?: boolean; baseline?: string }) => {
      const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
      const plan = readJson(file);
      if (!isPlanJson(plan)) {
        throw new UnusableInput(
          `${file} is not a Terraform plan: expected the output of \`terraform show -json <planfile>\` ` +
            '(with "format_version" and "planned_values"). Run `terraform plan -out plan.out && terraform show -json plan.out > plan.json`.',
        );
      }
      checkPlanShape(file, plan);
      const synth = opts.synth ? loadSynthOutput(opts.synth)[0].model : undefined;
      const base = opts.baseSynth ? loadSynthOutput(opts.baseSynth)[0].model : undefined;
      const { after, diff, evaluation: full } = planDiff(plan, GOVERNANCE_RULES, { now, synth, baseExceptions: base?.exceptions ?? [], stackName: opts.stack, strict: opts.strict });
      const evaluation = newSince(full, baseline);
      const report = buildReport(after, evaluation, GOVERNANCE_RULES, now);
      const findings = evaluation.findings.map((finding) => ({ finding, uri: file }));
      emit(io, render(opts.format, { command: 'review', passed: report.summary.passed, diff, report, ...baselineJson(baseline) }, findings, () => reviewMarkdown(report, diff), baseline), opts.output);
      code = report.summary.passed ? EXIT.passed : EXIT.failed;
    });

  registerContractCommands(program, io);
  registerInventory(program, io, (c) => (code = c), { tool: TOOL, version: VERSION });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof UnusableInput) {
      io.stderr(`${TOOL}: ${e.message}\n`);
      return EXIT.unusableInput;
    }
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors are unusable input.
      return e.exitCode === 0 ? EXIT.passed : EXIT.unusableInput;
    }
    throw e;
  }
}

function baselineJson(baseline: Baseline | undefined): { baseline?: { file: string; findings: number } } {
  return baseline ? { baseline: { file: baseline.file, findings: baseline.fingerprints.size } } : {};
}

function render(
  format: Format,
  json: { command: string; passed: boolean; stacks?: readonly GovernanceReport[]; diff?: unknown; report?: GovernanceReport },
  findings: readonly { finding: Finding; uri: string }[],
  markdown: () => string,
  baseline: Baseline | undefined,
): string {
  if (format === 'json') return JSON.stringify({ tool: TOOL, version: VERSION, ...json }, null, 2);
  if (format === 'sarif') return JSON.stringify(toSarif(findings, GOVERNANCE_RULES, VERSION, { baseline: baseline !== undefined }), null, 2);
  const text = markdown();
  if (!baseline) return text;
  // Say what the numbers mean: only findings new since the baseline are listed and counted.
  const [first, ...rest] = text.split('\n');
  return [first, '', `_Only findings new since the baseline ${baseline.file} (${baseline.fingerprints.size} findings) are listed and counted._`, ...rest].join('\n');
}

if (require.main === module) {
  run(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${TOOL}: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.unusableInput;
    },
  );
}
