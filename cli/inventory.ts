import * as fs from 'fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseIsoDate } from '../constructs/governance/clock';
import { buildInventory, dueForReview, type InventorySource } from '../constructs/policy-engine/inventory/identities';
import { parseDaysWindow } from '../constructs/policy-engine/inventory/review';
import { fromStateJson, isRawStateFile, isStateJson } from '../constructs/policy-engine/inventory/state-json';
import { REVIEW_WARNING_DAYS } from '../constructs/policy-engine/rules/governance/ReviewDueSoon';
import { fromPlanJson, isPlanJson, TerraformJsonError } from '../constructs/policy-engine/terraform-json';
import { assertPlanShape } from '../constructs/policy-engine/terraform-json-shape';
import { checkPlanShape, loadSynthOutput, readJson, UnusableInput } from './inputs';
import { inventoryCsv, inventoryMarkdown } from './inventory-render';

/**
 * `cdktf-ai-governance inventory <paths...>`: every governed identity across synthesized outputs
 * (cdktf.out, a stack directory, a cdk.tf.json), plans and states (`terraform show -json`), in
 * Markdown, JSON or CSV. With `--due <n>d` it exits 1 when a review-by date is within n days,
 * has passed, or is missing, or when an input holds an ungoverned identity: a scheduled pipeline
 * opens the review on that exit code.
 */

export interface InventoryIo {
  stdout(text: string): void;
  readonly now?: Date;
}

type Format = 'markdown' | 'json' | 'csv';

interface InventoryOptions {
  readonly format: Format;
  readonly output?: string;
  readonly due?: number;
  readonly today?: Date;
}

/** Reads one path: a directory of synthesized stacks, or a JSON file of any of the three kinds. */
export function loadInventorySources(target: string): InventorySource[] {
  if (fs.existsSync(target) && fs.statSync(target).isFile()) {
    const json = readJson(target);
    if (isPlanJson(json)) {
      checkPlanShape(target, json);
      return [{ file: target, kind: 'plan', model: fromPlanJson(json, stackNameOf(target, 'plan')) }];
    }
    if (isStateJson(json)) {
      try {
        assertPlanShape({ format_version: (json as { format_version: string }).format_version, planned_values: (json as { values?: unknown }).values ?? { root_module: {} } });
        return [{ file: target, kind: 'state', model: fromStateJson(json, stackNameOf(target, 'state')) }];
      } catch (e) {
        if (e instanceof TerraformJsonError) throw new UnusableInput(`${target}: ${e.message.replace('Terraform plan', 'Terraform state')} Pass the unmodified output of \`terraform show -json\`.`);
        throw e;
      }
    }
    if (isRawStateFile(json)) {
      throw new UnusableInput(`${target} is a raw terraform.tfstate file. Pass what \`terraform show -json > state.json\` prints for it (run in the stack's directory).`);
    }
  }
  return loadSynthOutput(target).map((s) => ({ file: s.file, kind: 'synth' as const, model: s.model }));
}

/** `product-dev.plan.json` → `product-dev`. */
function stackNameOf(file: string, kind: string): string {
  const base = file.split(/[\\/]/).pop() ?? kind;
  return base.replace(/\.(plan|state|tfstate)?\.?json$/, '').replace(/\.$/, '') || kind;
}

function dueWindow(value: string): number {
  const days = parseDaysWindow(value);
  if (days === undefined) throw new InvalidArgumentError(`expected a number of days like "30d", got "${value}"`);
  return days;
}

function pinnedToday(value: string): Date {
  const d = parseIsoDate(value);
  if (!d) throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got "${value}"`);
  return d;
}

/** Registers the `inventory` verb; `setCode` receives the exit code. */
export function registerInventory(program: Command, io: InventoryIo, setCode: (code: number) => void, meta: { readonly tool: string; readonly version: string }): void {
  program
    .command('inventory')
    .description('list every governed AI identity across synthesized outputs, plans and states (terraform show -json): owners, review dates, tenants, models, tools, secrets')
    .argument('<paths...>', 'cdktf.out directories, stack directories, cdk.tf.json files, plan JSON or state JSON files')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json', 'csv']).default('markdown'))
    .option('-o, --output <file>', 'write the inventory to a file instead of stdout')
    .addOption(new Option('--due <window>', 'exit 1 when a review-by date is within the window (e.g. 30d), has passed or is missing, or an identity is ungoverned').argParser(dueWindow))
    .addOption(new Option('--today <date>', 'count days from this date (YYYY-MM-DD, UTC) instead of the current date').argParser(pinnedToday))
    .action((paths: string[], opts: InventoryOptions) => {
      const sources = paths.flatMap(loadInventorySources);
      const now = opts.today ?? io.now ?? new Date();
      const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
      const inventory = buildInventory(sources, today, opts.due ?? REVIEW_WARNING_DAYS);
      const due = dueForReview(inventory);
      const failing = opts.due !== undefined && (due.identities.length > 0 || due.ungoverned.length > 0);
      const text =
        opts.format === 'json'
          ? JSON.stringify({ tool: meta.tool, version: meta.version, command: 'inventory', dueCheck: opts.due !== undefined, reviewsDue: failing, ...inventory }, null, 2)
          : opts.format === 'csv'
            ? inventoryCsv(inventory)
            : inventoryMarkdown(inventory, { due: opts.due !== undefined });
      const body = text.endsWith('\n') ? text : `${text}\n`;
      if (opts.output) fs.writeFileSync(opts.output, body);
      else io.stdout(body);
      setCode(failing ? 1 : 0);
    });
}
