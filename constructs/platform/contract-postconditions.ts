import { CONTRACT_FLOORS, retentionFloor } from './contract-schema';

/**
 * Terraform postconditions on the product stack's read of the live contract (the
 * `aws_ssm_parameter` data source): the live contract stays the source of truth at plan. Whatever
 * the synthesized values were (pinned literals or references), a live contract whose retention is
 * below the floor, whose rotation is too long, that no longer allows the stack's region or a model
 * the stack uses, or whose revision differs from the pinned one, fails `terraform plan`, never
 * apply. Each error message says what differs and what to do.
 *
 * Data source postconditions: https://developer.hashicorp.com/terraform/language/expressions/custom-conditions
 * The expressions read `insecure_value` (the provider's unmarked copy of a String parameter's
 * value, https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/ssm_parameter)
 * so the messages can quote what the live contract says.
 */

export interface Postcondition {
  readonly condition: string;
  readonly error_message: string;
}

export interface LiveContractChecks {
  /** `/governance/<env>/contract`. */
  readonly parameterName: string;
  /** Construct path of the reader, quoted in messages. */
  readonly readerPath: string;
  readonly envName: string;
  /** Production as the product stack knows it (name or pinned contract): the stricter floor wins. */
  readonly production: boolean;
  /** The platform approver, when known literally. */
  readonly approver?: string;
  /** The pinned copy: its revision must match the live one. */
  readonly pinned?: { readonly revision: string; readonly file: string; readonly exportCommand: string };
  /** Regions the stack deploys to. */
  readonly regions: readonly string[];
  /** Bedrock model ids the stack uses. */
  readonly models: readonly string[];
}

const LIVE = 'jsondecode(self.insecure_value)';
const field = (name: string, fallback: string) => `try(${LIVE}.${name}, ${fallback})`;
const quoted = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

export function livePostconditions(c: LiveContractChecks): Postcondition[] {
  const where = `Environment contract ${c.parameterName} (read by ${c.readerPath})`;
  const team = c.approver ? `the platform team (${c.approver})` : 'the platform team';
  const floor = retentionFloor(c.production);
  const checks: Postcondition[] = [];
  if (c.pinned) {
    checks.push({
      condition: `\${${field('revision', '""')} == ${quoted(c.pinned.revision)}}`,
      error_message:
        `${where}: the live contract has revision \${${field('revision', '"none"')}}, the pinned copy ${c.pinned.file} has revision ${c.pinned.revision}. ` +
        `Fix: export the live contract again (${c.pinned.exportCommand}), review the diff and commit it; if the change is unexpected, ask ${team}.`,
    });
  }
  checks.push(
    {
      condition: `\${${field('logRetentionDays', '0')} >= (${c.production} || ${field('production', 'false')} ? ${retentionFloor(true)} : ${floor})}`,
      error_message:
        `${where}: logRetentionDays is \${try(tostring(${LIVE}.logRetentionDays), "missing")}; allowed: at least ${floor} days in ${c.envName} (${retentionFloor(true)} in production). ` +
        `Fix: ${team} sets logRetentionDays to ${floor} or more on the platform stack and applies it; the parameter is never edited by hand.`,
    },
    {
      condition: `\${${field('secretRotationDays', '0')} >= 1 && ${field('secretRotationDays', '0')} <= ${CONTRACT_FLOORS.maxRotationDays}}`,
      error_message:
        `${where}: secretRotationDays is \${try(tostring(${LIVE}.secretRotationDays), "missing")}; allowed: 1 to ${CONTRACT_FLOORS.maxRotationDays} days. ` +
        `Fix: ${team} sets secretRotationDays to ${CONTRACT_FLOORS.maxRotationDays} or less on the platform stack and applies it.`,
    },
  );
  for (const region of c.regions) {
    checks.push({
      condition: `\${contains(${field('allowedRegions', '[]')}, ${quoted(region)})}`,
      error_message:
        `${where}: the stack deploys to ${region}, which is not in allowedRegions \${try(jsonencode(${LIVE}.allowedRegions), "(missing)")}. ` +
        `Fix: deploy the stack to an allowed region, or ask ${team} to add ${region} to ${c.envName}'s allowedRegions.`,
    });
  }
  for (const model of c.models) {
    checks.push({
      condition: `\${contains(${field('allowedModels', '[]')}, ${quoted(model)})}`,
      error_message:
        `${where}: the stack uses model ${model}, which is not in allowedModels \${try(jsonencode(${LIVE}.allowedModels), "(missing)")}. ` +
        `Fix: use an allowed model, or ask ${team} to add ${model} to ${c.envName}'s allowedModels.`,
    });
  }
  return checks;
}

/** Bedrock model ids a stack's workloads use (they record them; see governance/model-use.ts). */
export { modelsUsedIn } from '../governance/model-use';
