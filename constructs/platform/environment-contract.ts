import * as fs from 'fs';
import * as path from 'path';
import { Fn, Lazy, TerraformOutput, TerraformStack, Token, Tokenization } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { Accountability } from '../governance/accountability';
import { isSlug } from '../governance/accountability';
import type { IGovernedEnvironment, KubernetesRuntime } from '../governance/environment';
import { GovernanceValidationError, ProblemCollector, type Problem } from '../governance/errors';
import { addPreSynthCheck, ensureGoverned } from '../policy-engine/ensure-governed';
import { livePostconditions, modelsUsedIn } from './contract-postconditions';
import { CONTRACT_FIELDS, CONTRACT_VERSION, contractBody, type ContractBody, type EnvironmentContract } from './contract-schema';
import { isProductionName, MAX_ENV_NAME_LENGTH } from './environment-props';
import { defaultContractFile, exportCommand, readContractFile } from './pinned-contract';

/** SSM parameter that holds an environment's contract. */
export function contractParameterName(envName: string): string {
  return `/governance/${envName}/contract`;
}

/** Name of the platform stack's Terraform output that holds the published contract (JSON text). */
export const CONTRACT_OUTPUT = 'contract';

// The environments whose platform stack is in the app, by app (the construct tree's root).
const publishedByApp = new WeakMap<IConstruct, Map<string, IGovernedEnvironment>>();

/** The environment named `envName` whose contract a stack of this app publishes, if any. */
export function publishedEnvironment(scope: IConstruct, envName: string): IGovernedEnvironment | undefined {
  return publishedByApp.get(scope.node.root)?.get(envName);
}

/**
 * The value with every string that mixes text and references (`arn:aws:iam::${account}:role/x`)
 * turned into one `join("", [...])` expression. Inside a Terraform function call (the contract's
 * jsonencode) cdktf cannot render such a string: it comes out as `"${${TfToken[...]}}"`, text
 * Terraform would publish as is. A plain literal or a single reference is left as it is.
 */
function asFunctionArguments(value: unknown): unknown {
  if (typeof value === 'string') {
    if (!Token.isUnresolved(value)) return value;
    const fragments = Tokenization.reverseString(value);
    if (fragments.length <= 1) return value;
    const parts = fragments.join({ join: (left: unknown, right: unknown) => [...(Array.isArray(left) ? left : [left]), right] }) as unknown[];
    return Fn.join('', parts.map((p) => (typeof p === 'string' ? p : Token.asString(p))));
  }
  if (Array.isArray(value)) return value.map(asFunctionArguments);
  if (value && typeof value === 'object' && !Token.isUnresolved(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asFunctionArguments(v)]));
  }
  return value;
}

/**
 * Publishes what product stacks need to target the environment as one JSON SSM parameter, and as
 * the stack's Terraform output `contract` (the same text). It holds identifiers only (ARNs, ids,
 * names, periods), never a secret. The fields are {@link CONTRACT_FIELDS}; Terraform adds
 * `revision = sha256(jsonencode(fields))` at apply, which a pinned copy is checked against.
 */
export function publishContract(scope: Construct, id: string, env: IGovernedEnvironment, tags: Record<string, string>): SsmParameter {
  const body = asFunctionArguments(contractBody(env)) as Record<string, unknown>;
  const parameter = new SsmParameter(scope, id, {
    name: contractParameterName(env.name),
    description: `Governed environment contract of ${env.name} (v${CONTRACT_VERSION})`,
    type: 'String',
    tier: 'Standard',
    // One object literal, so synth-time rules can read its literal parts (contract-values.ts).
    value: Fn.jsonencode({ ...body, revision: Fn.sha256(Fn.jsonencode(body)) }),
    tags,
  });
  // The provider marks a parameter's value sensitive; the contract holds no secret.
  const output = new TerraformOutput(scope, `${id}-output`, {
    value: Fn.nonsensitive(parameter.value),
    description: `The environment contract of ${env.name} as published (JSON). Pin it in a product repository: terraform output -json contract | npx cdktf-ai-governance contract export --env ${env.name}`,
  });
  output.overrideLogicalId(CONTRACT_OUTPUT);
  const root = scope.node.root;
  if (!publishedByApp.has(root)) publishedByApp.set(root, new Map());
  publishedByApp.get(root)!.set(env.name, env);
  return parameter;
}

export interface ContractOptions {
  /**
   * The pinned copy of the contract (a JSON file written by `cdktf-ai-governance contract export`),
   * relative to the working directory the app runs in. Its values become literals in the stack,
   * so synth-time rules verify them; plan re-checks the live contract against it.
   * @default - `contracts/<env>.json` when that file exists; otherwise the contract is read from SSM
   * at plan only, which needs the environment's platform stack in the same app (synth fails otherwise)
   * @throws GovernanceValidationError when the file is missing, malformed, edited after export,
   * below the floors or another environment's contract
   */
  readonly file?: string;
  /**
   * The platform's accountability as literal strings, for reports.
   * @default - the pinned contract's; without one, read from the contract (Terraform values)
   */
  readonly accountability?: Accountability;
  /** @default - the pinned contract's flag; without one, true when the name is `prod`, `production` or starts with `prod-` */
  readonly production?: boolean;
  /**
   * The environment's Kubernetes runtime: given literally, or read from the contract.
   * @default - the pinned contract's runtime; without a pinned contract, none
   */
  readonly kubernetes?: KubernetesRuntime | 'from-contract';
}

/** What a stack's `//` metadata records about a contract it reads (the rules read it; see terraform-json.ts). */
export interface ContractRecord {
  readonly environment: string;
  readonly parameter: string;
  /** `pinned`: values are literals from the pinned copy; `live`: references to the SSM parameter. */
  readonly source: 'pinned' | 'live';
  readonly file?: string;
  readonly revision?: string;
  /** From the pinned copy: where the environment logs Bedrock invocations. */
  readonly invocationLogGroupName?: string;
}

/** Contract fields the constructor sets itself (name, flags and options decide them). */
const NOT_ASSIGNED = ['version', 'name', 'production', 'kubernetes', 'accountability', 'rolePath', 'iamNamePrefix'] as const;

const STACK_CONTRACTS = Symbol.for('cdktf-ai-governance/contracts');

/** The environment's values as the contract gives them: the contract fields that are IGovernedEnvironment properties. */
type ContractValues = Omit<ContractBody, (typeof NOT_ASSIGNED)[number]>;

// The contract's fields become the environment's properties (Object.assign in the constructor):
// a field added to the schema is read back without another line here.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ContractEnvironment extends Readonly<ContractValues> {}

/**
 * An environment read from its published contract: what a product stack in another repository
 * uses, without the platform code.
 *
 * - **Pinned** (a contract file, see {@link ContractOptions.file}): every value is a literal from
 *   the pinned copy, checked at synth (allowed models, regions, floors), and the stack's read of
 *   the live parameter carries postconditions that fail plan when the live contract differs.
 * - **Live** (no file, the platform stack in the same app): values are Terraform references to
 *   the SSM parameter; the model allow-list is checked by preconditions at plan
 *   ({@link IGovernedEnvironment.allowedModelsKnown} is false) and the floors by postconditions.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ContractEnvironment extends Construct implements IGovernedEnvironment {
  public readonly name: string;
  public readonly isProduction: boolean;
  public readonly accountability: Accountability;
  public readonly rolePath: string;
  public readonly iamNamePrefix: string;
  public readonly allowedModelsKnown: boolean;
  public readonly kubernetes?: KubernetesRuntime;
  /** The pinned contract, when the environment is read from one. */
  public readonly pinned?: EnvironmentContract;
  /** The pinned contract's file, as given (relative to the working directory). */
  public readonly contractFile?: string;
  /** The read of the live contract parameter (it carries the plan-time postconditions). */
  public readonly parameter: DataAwsSsmParameter;
  private readonly regions = new Set<string>();

  constructor(scope: Construct, id: string, envName: string, options: ContractOptions = {}) {
    super(scope, id);
    ensureGoverned(this);
    // The name makes the SSM parameter path and the role path: a typo would read nothing and fail only at plan.
    const problems = new ProblemCollector(this.node.path);
    problems.check(isSlug(envName, MAX_ENV_NAME_LENGTH), 'envName', envName, `an environment name: a lowercase slug of at most ${MAX_ENV_NAME_LENGTH} characters`, 'pass the name the platform stack gave the environment, e.g. "dev"');
    problems.check(options.production === undefined || typeof options.production === 'boolean', 'options.production', options.production, 'true, false or nothing (decided by the name)', 'pass a boolean, or leave production out');
    problems.throwIfAny();

    const file = options.file ?? (fs.existsSync(defaultContractFile(envName)) ? defaultContractFile(envName) : undefined);
    if (file !== undefined) {
      const reading = readContractFile(file, envName);
      for (const p of reading.problems) problems.add(p.prop, p.value, p.allowed, p.fix);
      const pinned = reading.contract;
      if (pinned) {
        problems.check(options.production === undefined || options.production === pinned.production, 'options.production', options.production, `the pinned contract's production flag (${pinned.production})`, 'leave production out: the contract decides it');
        if (options.kubernetes === 'from-contract' && !pinned.kubernetes) {
          problems.add('options.kubernetes', options.kubernetes, `a Kubernetes runtime in ${envName}'s contract (the pinned copy ${file} has none)`, `ask the platform team (${pinned.accountability.approver}) for one, or use Bedrock or SageMaker models`);
        }
      }
      problems.throwIfAny();
      this.pinned = pinned;
      this.contractFile = file;
    }

    this.parameter = new DataAwsSsmParameter(this, 'contract', { name: contractParameterName(envName) });
    const pinned = this.pinned;
    const values = pinned ?? (liveValues(Fn.jsondecode(this.parameter.value)) as EnvironmentContract);
    Object.assign(this, pick(values, Object.keys(CONTRACT_FIELDS).filter((k) => !(NOT_ASSIGNED as readonly string[]).includes(k))));
    this.name = envName;
    this.isProduction = options.production ?? pinned?.production ?? isProductionName(envName);
    this.accountability = options.accountability ?? values.accountability;
    // The role path follows from the name; a literal keeps role ARNs readable in policies.
    this.rolePath = pinned?.rolePath ?? `/governed/${envName}/`;
    // IAM names are literals wherever they can be (their length is checked, reviewers read them):
    // the pinned copy's, or the platform stack's in the same app (the live case needs it there).
    const livePrefix = values.iamNamePrefix;
    this.iamNamePrefix = pinned?.iamNamePrefix ?? Lazy.stringValue({ produce: () => publishedEnvironment(this, envName)?.iamNamePrefix ?? livePrefix });
    this.allowedModelsKnown = pinned !== undefined;
    this.kubernetes =
      typeof options.kubernetes === 'object'
        ? options.kubernetes
        : options.kubernetes === 'from-contract' || pinned
          ? (values.kubernetes ?? undefined)
          : undefined;

    this.parameter.addOverride(
      'lifecycle.postcondition',
      Lazy.anyValue({
        produce: () =>
          livePostconditions({
            parameterName: contractParameterName(envName),
            readerPath: this.parameter.node.path,
            envName,
            production: this.isProduction,
            approver: pinned?.accountability.approver,
            pinned: pinned ? { revision: pinned.revision, file: this.contractFile!, exportCommand: exportCommand(envName, this.contractFile!) } : undefined,
            regions: [...this.regions].sort(),
            // Live: each model's precondition sits on its route (the workloads add them).
            models: pinned ? modelsUsedIn(TerraformStack.of(this)) : [],
          }),
      }),
    );
    recordContract(this, {
      environment: envName,
      parameter: contractParameterName(envName),
      source: pinned ? 'pinned' : 'live',
      ...(pinned ? { file: this.contractFile!.split(path.sep).join('/'), revision: pinned.revision, invocationLogGroupName: pinned.invocationLogGroupName } : {}),
    });
    // Before anything is written (a governed synth), and as a construct validation (cdktf's own synth, tests).
    addPreSynthCheck(this, () => this.validateLiveSource());
    this.node.addValidation({ validate: () => this.validateLiveSource() });
  }

  /**
   * Requires that `region` is one of the environment's allowed regions: at synth when the regions
   * are known (pinned contract, or the platform stack in the same app), and at plan from the live
   * contract in every case.
   * @throws GovernanceValidationError (at `requiredBy`'s path) when the pinned contract does not allow it
   */
  public requireRegion(region: string, requiredBy: IConstruct): void {
    if (this.pinned && !this.pinned.allowedRegions.includes(region)) {
      throw new GovernanceValidationError(requiredBy.node.path, [this.regionProblem(region, this.pinned.allowedRegions, `pinned contract ${this.contractFile}`)]);
    }
    this.regions.add(region);
  }

  private regionProblem(region: string, allowed: readonly string[], source: string): Problem {
    const approver = this.pinned?.accountability.approver;
    return {
      prop: 'region',
      value: region,
      allowed: `one of ${this.name}'s allowedRegions ${JSON.stringify(allowed)} (${source})`,
      fix: `deploy the stack to an allowed region, or ask the platform team${approver ? ` (${approver})` : ''} to add ${region} to ${this.name}'s allowedRegions${this.pinned ? ' and export the contract again' : ''}`,
    };
  }

  /**
   * Without a pinned copy the contract's values are unknown until plan: only the platform stack in
   * the same app makes them checkable. Runs at synth (construct validation) and throws the one
   * GovernanceValidationError itself, so the error keeps its shape.
   */
  private validateLiveSource(): string[] {
    if (this.pinned) return [];
    const platform = publishedEnvironment(this, this.name);
    if (!platform) {
      const file = defaultContractFile(this.name);
      throw new GovernanceValidationError(this.node.path, [
        {
          prop: 'contract.file',
          value: undefined,
          allowed: `a pinned copy of ${this.name}'s contract (${file} does not exist under ${process.cwd()}), or ${this.name}'s platform stack in the same app`,
          fix: `pin the contract: ${exportCommand(this.name)}, commit ${file}, and synthesize again (or pass contract.file)`,
        },
      ]);
    }
    const allowed = platform.allowedRegions;
    if (!Array.isArray(allowed) || allowed.some((r) => Token.isUnresolved(r))) return [];
    const bad = [...this.regions].filter((r) => !allowed.includes(r));
    if (bad.length) throw new GovernanceValidationError(this.node.path, bad.map((r) => this.regionProblem(r, allowed, `platform stack ${TerraformStack.of(platform).node.id}`)));
    return [];
  }
}

/** The contract's fields as Terraform references into the decoded parameter (live mode), shaped by the schema. */
function liveValues(contract: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(CONTRACT_FIELDS).map(([key, schema]) => [key, referenceFor(schema, Fn.lookup(contract, key))]));
}

type Schema = (typeof CONTRACT_FIELDS)[keyof typeof CONTRACT_FIELDS] | { readonly def: { readonly type: string } };

function referenceFor(schema: Schema, expression: unknown): unknown {
  const def = (schema as { def: { type: string; innerType?: Schema; shape?: Record<string, Schema> } }).def;
  switch (def.type) {
    case 'object':
      return Object.fromEntries(Object.entries(def.shape ?? {}).map(([key, s]) => [key, referenceFor(s, Fn.lookup(expression, key))]));
    case 'nullable':
      return referenceFor(def.innerType!, expression);
    case 'string':
      return Token.asString(expression);
    case 'number':
      return Token.asNumber(expression);
    case 'array':
      return Token.asList(expression);
    default:
      return Token.asAny(expression);
  }
}

function pick(values: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (values as Record<string, unknown>)[k]]));
}

/** Records the contract a stack reads in its `//` metadata as `governance.contracts`. */
function recordContract(scope: IConstruct, record: ContractRecord): void {
  const stack = TerraformStack.of(scope);
  const holder = stack as unknown as { [STACK_CONTRACTS]?: ContractRecord[] };
  if (!holder[STACK_CONTRACTS]) {
    holder[STACK_CONTRACTS] = [];
    stack.addOverride('//.governance.contracts', holder[STACK_CONTRACTS]);
  }
  holder[STACK_CONTRACTS].push(record);
}
