/**
 * One model of "the resources Terraform will manage" built from either input the rules read:
 * - the synthesized `cdk.tf.json` of a cdktf stack (synth time), or
 * - the output of `terraform show -json <planfile>` (review time).
 *
 * Rules only see this model, which is how the same rule gives the same answer on both inputs.
 *
 * Unresolved values: a `${...}` expression in synth JSON and an unknown value in a plan
 * (`after_unknown`) are both represented as a string containing `${` (plan unknowns become the
 * string UNKNOWN_VALUE). A rule that needs the literal value of such an attribute answers
 * cannot-verify; a rule that only needs to know the attribute is set may accept it, because a
 * reference such as `${aws_kms_key.k.arn}` is evidence that a key is configured.
 */

export const UNKNOWN_VALUE = '${unknown}';

export type InputKind = 'synth' | 'plan';

export interface TfResource {
  /** `aws_iam_role.foo`, `data.aws_iam_policy_document.x`, `module.m.aws_x.y[0]` (plan). */
  readonly address: string;
  /** The address without a count/for_each index: what references in configuration point at. */
  readonly baseAddress: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** Arguments and attributes; unresolved values are strings containing `${`. */
  readonly values: Record<string, unknown>;
  /** Addresses (without index, `data.` prefix for data sources) referenced per top-level argument. */
  readonly references: ReadonlyMap<string, ReadonlySet<string>>;
  /** The cdktf construct path from the `//` metadata (synth, or plan reviewed with --synth). */
  readonly constructPath?: string;
  /** Provider default_tags merged under the resource's own tags (what AWS applies: tags_all). */
  readonly effectiveTags: Record<string, unknown>;
  /** Set when the tags could not be known as a whole (tags is itself an expression). */
  readonly tagsUnresolved: boolean;
}

/** One exception as recorded in a stack's `//` metadata (see exceptions.ts). */
export interface ExceptionRecord {
  readonly ruleId: string;
  readonly reason: string;
  readonly approver: string;
  readonly expires: string;
  readonly ticket: string;
  readonly constructPath: string;
}

/** An environment contract a stack reads, as recorded in its `//` metadata (ContractEnvironment writes it). */
export interface ContractReadRecord {
  readonly environment: string;
  readonly parameter: string;
  /** `pinned`: the stack's values are literals of a pinned copy whose revision plan checks live; `live`: references. */
  readonly source: 'pinned' | 'live';
  readonly file?: string;
  readonly revision?: string;
  /** Pinned contracts: the log group where the environment's account logs Bedrock invocations. */
  readonly invocationLogGroupName?: string;
}

/**
 * An `import` block: Terraform adopts an existing object (`id`) as the resource at `to` instead of
 * creating it. Synth: the top-level `import` list cdktf writes for `importFrom`; plan: a resource
 * change's `importing` (Terraform 1.5+).
 */
export interface ImportRecord {
  /** The resource address the object is imported to (`aws_ssm_parameter.x`). */
  readonly to: string;
  /** The import id (for an SSM parameter, its name); unresolved values stay expressions. */
  readonly id: unknown;
}

export interface StackModel {
  readonly input: InputKind;
  readonly stackName: string;
  /** Managed resources and data sources, in input order. */
  readonly resources: readonly TfResource[];
  readonly exceptions: readonly ExceptionRecord[];
  /** The environment contracts the stack reads (synth metadata; a plan reviewed with --synth has them too). */
  readonly contracts: readonly ContractReadRecord[];
  /** The stack's import blocks. */
  readonly imports: readonly ImportRecord[];
  byAddress(address: string): TfResource | undefined;
  ofType(type: string): readonly TfResource[];
  /**
   * Resources of `type` whose argument `attr` points at `target`: by reference (synth `${...}`,
   * plan configuration references) or, when both are known, by literal id/arn/name/bucket.
   */
  referencing(type: string, attr: string, target: TfResource): TfResource[];
  /** The same stack with other resource objects (values substituted by contract-values.ts). */
  withResources(resources: readonly TfResource[]): StackModel;
}

export class TerraformJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerraformJsonError';
  }
}

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for a `${...}` expression (synth) or an unknown plan value. */
export function isUnresolvedValue(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

/** True when any string inside the value is unresolved. */
export function containsUnresolved(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${');
  if (Array.isArray(v)) return v.some(containsUnresolved);
  if (isObject(v)) return Object.values(v).some(containsUnresolved);
  return false;
}

/** A value is "set" when it is neither absent, null nor an empty string/list. Expressions count as set. */
export function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/**
 * Nested blocks: cdktf writes a single block as an object or a one-element list, Terraform plans
 * always as lists. Both become a list of objects here.
 */
export function blocks(v: unknown): Json[] {
  if (Array.isArray(v)) return v.filter(isObject);
  if (isObject(v)) return [v];
  return [];
}

/** Reads `true`, `"true"`; an expression gives 'unresolved'. */
export function boolValue(v: unknown): boolean | 'unresolved' | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (isUnresolvedValue(v)) return 'unresolved';
  return undefined;
}

/** Reads numbers and numeric strings; an expression gives 'unresolved'. */
export function numberValue(v: unknown): number | 'unresolved' | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (isUnresolvedValue(v)) return 'unresolved';
  return undefined;
}

const REFERENCE = /(?:^|[^A-Za-z0-9_.])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*)/g;

/** Resource addresses named inside `${...}` expressions of a value. */
function referencesIn(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (!value.includes('${')) return;
    for (const expr of value.match(/\$\{[^}]*\}/g) ?? []) {
      for (const m of expr.matchAll(REFERENCE)) into.add(m[1]);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, into);
  } else if (isObject(value)) {
    for (const v of Object.values(value)) referencesIn(v, into);
  }
}

/**
 * References of a synthesized resource, per argument, scanned on first use: scanning every string
 * for `${...}` is the costliest part of reading a stack, and rules only ask for a few arguments.
 * Only get() and has() are meaningful (what the rules use).
 */
class LazyReferences extends Map<string, Set<string>> {
  private readonly scanned = new Set<string>();

  constructor(private readonly config: Record<string, unknown>) {
    super();
  }

  override get(attr: string): Set<string> | undefined {
    if (!this.scanned.has(attr)) {
      this.scanned.add(attr);
      const set = new Set<string>();
      referencesIn(this.config[attr], set);
      if (set.size) super.set(attr, set);
    }
    return super.get(attr);
  }

  override has(attr: string): boolean {
    return this.get(attr) !== undefined;
  }
}

/**
 * A resource of a synthesized stack. The config object is cdktf's own (no copy; the `//` metadata
 * stays in it and no rule reads that key). Construct path, references and merged tags are worked
 * out on first use: 10,000 resources must be modelled and checked in well under 200 ms.
 */
class SynthResource implements TfResource {
  readonly baseAddress: string;
  private refs?: LazyReferences;
  private merged?: Record<string, unknown>;

  constructor(
    readonly address: string,
    readonly mode: 'managed' | 'data',
    readonly type: string,
    readonly name: string,
    readonly values: Record<string, unknown>,
    private readonly defaultTags: Record<string, unknown> | undefined,
  ) {
    this.baseAddress = address;
  }

  get constructPath(): string | undefined {
    const own = this.values['//'];
    return isObject(own) && isObject(own.metadata) && typeof own.metadata.path === 'string' ? own.metadata.path : undefined;
  }

  get references(): ReadonlyMap<string, ReadonlySet<string>> {
    return (this.refs ??= new LazyReferences(this.values));
  }

  get tagsUnresolved(): boolean {
    return isUnresolvedValue(this.values.tags);
  }

  get effectiveTags(): Record<string, unknown> {
    return (this.merged ??= effectiveTags(this.values.tags, this.defaultTags).tags);
  }
}

function literalIds(r: TfResource): string[] {
  const ids: string[] = [];
  for (const key of ['id', 'arn', 'name', 'bucket']) {
    const v = r.values[key];
    if (typeof v === 'string' && v !== '' && !isUnresolvedValue(v)) ids.push(v);
  }
  return ids;
}

class Model implements StackModel {
  private readonly index = new Map<string, TfResource>();
  private readonly types = new Map<string, TfResource[]>();
  private readonly referenceIndex = new Map<string, Map<string, TfResource[]>>();

  constructor(
    readonly input: InputKind,
    readonly stackName: string,
    readonly resources: readonly TfResource[],
    readonly exceptions: readonly ExceptionRecord[],
    readonly contracts: readonly ContractReadRecord[] = [],
    readonly imports: readonly ImportRecord[] = [],
  ) {
    for (const r of resources) {
      this.index.set(r.address, r);
      if (!this.index.has(r.baseAddress)) this.index.set(r.baseAddress, r);
      const list = this.types.get(r.type) ?? [];
      list.push(r);
      this.types.set(r.type, list);
    }
  }

  byAddress(address: string): TfResource | undefined {
    return this.index.get(address);
  }

  withResources(resources: readonly TfResource[]): StackModel {
    return new Model(this.input, this.stackName, resources, this.exceptions, this.contracts, this.imports);
  }

  ofType(type: string): readonly TfResource[] {
    return this.types.get(type) ?? [];
  }

  referencing(type: string, attr: string, target: TfResource): TfResource[] {
    // Indexed once per (type, attr): rules ask this for every bucket or secret of a stack, and a
    // linear scan each time would make 10,000 resources quadratic.
    const key = `${type} ${attr}`;
    let index = this.referenceIndex.get(key);
    if (!index) {
      index = new Map();
      for (const r of this.ofType(type)) {
        const keys = new Set<string>(r.references.get(attr) ?? []);
        const v = r.values[attr];
        if (typeof v === 'string' && v !== '' && !isUnresolvedValue(v)) keys.add(`=${v}`);
        for (const k of keys) index.set(k, [...(index.get(k) ?? []), r]);
      }
      this.referenceIndex.set(key, index);
    }
    // A reference with an instance key (`aws_s3_bucket.some[0]`) matches that instance only; one
    // without (a resource with no count, or a splat over all of them) matches every instance.
    const found = new Set<TfResource>(index.get(target.baseAddress) ?? []);
    if (target.address !== target.baseAddress) for (const r of index.get(target.address) ?? []) found.add(r);
    for (const id of literalIds(target)) for (const r of index.get(`=${id}`) ?? []) found.add(r);
    return [...found];
  }
}

// ---------------------------------------------------------------------------------------------
// Synthesized cdk.tf.json

function defaultTagsOf(providerConfig: Json): Record<string, unknown> {
  const tags: Record<string, unknown> = {};
  for (const block of blocks(providerConfig.default_tags)) {
    if (isObject(block.tags)) Object.assign(tags, block.tags);
  }
  return tags;
}

function synthProviderDefaultTags(json: Json): Map<string, Record<string, unknown>> {
  const byProvider = new Map<string, Record<string, unknown>>();
  const providers = isObject(json.provider) ? json.provider : {};
  for (const [name, configs] of Object.entries(providers)) {
    for (const config of blocks(configs)) {
      const alias = typeof config.alias === 'string' ? `${name}.${config.alias}` : name;
      byProvider.set(alias, defaultTagsOf(config));
    }
  }
  return byProvider;
}

function effectiveTags(
  own: unknown,
  defaults: Record<string, unknown> | undefined,
): { tags: Record<string, unknown>; unresolved: boolean } {
  // Resources without tags of their own share the provider's default tags object, and resources
  // whose tags already name every default key are their own effective tags (both read-only).
  if (!isObject(own)) return { tags: defaults ?? {}, unresolved: isUnresolvedValue(own) };
  if (!defaults) return { tags: own, unresolved: false };
  for (const key in defaults) if (!(key in own)) return { tags: { ...defaults, ...own }, unresolved: false };
  return { tags: own, unresolved: false };
}

function providerKey(type: string, provider: unknown): string {
  if (typeof provider === 'string') return provider.replace(/^\$\{(.*)\}$/, '$1');
  return type.split('_')[0];
}

/** Builds the model of one synthesized stack (`cdktf.out/stacks/<stack>/cdk.tf.json`). */
export function fromSynthJson(json: unknown, fallbackStackName = 'stack'): StackModel {
  if (!isObject(json)) {
    throw new TerraformJsonError('not Terraform JSON: the top level must be an object with "resource" and/or "data".');
  }
  const meta = isObject(json['//']) ? json['//'] : {};
  const stackMeta = isObject(meta.metadata) ? meta.metadata : {};
  const stackName = typeof stackMeta.stackName === 'string' ? stackMeta.stackName : fallbackStackName;
  const defaults = synthProviderDefaultTags(json);
  const resources: TfResource[] = [];
  for (const mode of ['resource', 'data'] as const) {
    const section = json[mode];
    if (section === undefined) continue;
    if (!isObject(section)) throw new TerraformJsonError(`not Terraform JSON: "${mode}" must be an object of types.`);
    for (const [type, byName] of Object.entries(section)) {
      if (!isObject(byName)) continue;
      for (const [name, config] of Object.entries(byName)) {
        if (!isObject(config)) continue;
        const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        resources.push(new SynthResource(address, mode === 'data' ? 'data' : 'managed', type, name, config, defaults.get(providerKey(type, config.provider))));
      }
    }
  }
  const governance = isObject(meta.governance) ? meta.governance : {};
  const exceptions = Array.isArray(governance.exceptions) ? (governance.exceptions as ExceptionRecord[]) : [];
  const contracts = Array.isArray(governance.contracts) ? (governance.contracts as ContractReadRecord[]).filter(isObject) : [];
  const imports = blocks(json.import)
    .filter((b) => typeof b.to === 'string')
    .map((b) => ({ to: (b.to as string).replace(/^\$\{(.*)\}$/, '$1'), id: b.id }));
  return new Model('synth', stackName, resources, exceptions, contracts, imports);
}

// ---------------------------------------------------------------------------------------------
// terraform show -json <planfile>

/**
 * A top-level attribute that is unknown in the plan but that the configuration never set is one
 * the provider computes (`object_lock_enabled`, `policy` of a bucket, `managed_policy_arns` of a
 * role): it is not configured, so it reads as absent rather than as an unknown value. Returns the
 * after_unknown tree with those attributes marked absent (`null`).
 */
function notConfiguredAsAbsent(unknown: unknown, configured: Json | undefined): unknown {
  if (!configured || !isObject(unknown)) return unknown;
  const out: Json = {};
  for (const k in unknown) out[k] = unknown[k] === true && !(k in configured) ? ABSENT : unknown[k];
  return out;
}

const ABSENT = Symbol('absent');

/** Replaces the unknown parts of `after` (marked true in after_unknown) by UNKNOWN_VALUE. */
function withUnknowns(after: unknown, unknown: unknown): unknown {
  if (unknown === true) return UNKNOWN_VALUE;
  if (unknown === ABSENT) return null;
  // Terraform writes `{}`, `[]` and `false` for every known part: copy only where something is unknown.
  if (!marksUnknown(unknown)) return after;
  if (Array.isArray(unknown)) {
    const list = Array.isArray(after) ? [...after] : [];
    for (let i = 0; i < unknown.length; i++) list[i] = withUnknowns(list[i], unknown[i]);
    return list;
  }
  const obj: Json = isObject(after) ? { ...after } : {};
  for (const k in unknown as Json) obj[k] = withUnknowns(obj[k], (unknown as Json)[k]);
  return obj;
}

function marksUnknown(u: unknown): boolean {
  if (u === true || u === ABSENT) return true;
  if (Array.isArray(u)) {
    for (const x of u) if (marksUnknown(x)) return true;
    return false;
  }
  if (isObject(u)) {
    for (const k in u) if (marksUnknown(u[k])) return true;
  }
  return false;
}

/**
 * A plan address split into its module instance (`module.a[0].module.b["k"]`, or ''), its
 * configuration module path (`module.a.module.b`: what `configuration` is keyed by), the
 * resource's base address within the module and its instance key (`[1]`, `["k"]`, or '').
 */
export interface PlanAddress {
  readonly moduleInstance: string;
  readonly modulePath: string;
  readonly local: string;
  readonly key: string;
}

/** Splits on dots outside brackets and quotes (for_each keys may hold dots). */
function addressSegments(address: string): string[] {
  if (!address.includes('"')) {
    if (!address.includes('[')) return address.split('.');
  }
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i];
    if (quoted) {
      current += c;
      if (c === '\\') current += address[++i] ?? '';
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    if (c === '.' && depth === 0) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

const KEY = /(\[[^\]]*\])$/;

export function parsePlanAddress(address: string): PlanAddress {
  // Most addresses are root resources without an instance key.
  if (!address.startsWith('module.') && !address.includes('[')) return { moduleInstance: '', modulePath: '', local: address, key: '' };
  const segments = addressSegments(address);
  const instance: string[] = [];
  const path: string[] = [];
  while (segments[0] === 'module' && segments.length > 2) {
    const name = segments[1];
    instance.push(`module.${name}`);
    path.push(`module.${name.replace(KEY, '')}`);
    segments.splice(0, 2);
  }
  const last = segments[segments.length - 1] ?? '';
  const key = KEY.exec(last)?.[1] ?? '';
  segments[segments.length - 1] = key ? last.slice(0, -key.length) : last;
  return { moduleInstance: instance.join('.'), modulePath: path.join('.'), local: segments.join('.'), key };
}

const NOT_RESOURCES = new Set(['var', 'local', 'count', 'each', 'path', 'terraform', 'self', 'module']);

const REFERENCED = new Map<string, { base: string; key: string } | undefined>();

/** The resource a configuration reference names (`aws_x.y[0].id` -> base `aws_x.y`, key `[0]`), or undefined. */
function referencedResource(ref: string): { base: string; key: string } | undefined {
  // The same references recur across thousands of resources: parse each once.
  if (REFERENCED.has(ref)) return REFERENCED.get(ref);
  const parsed = parseReference(ref);
  if (REFERENCED.size > 100_000) REFERENCED.clear();
  REFERENCED.set(ref, parsed);
  return parsed;
}

function parseReference(ref: string): { base: string; key: string } | undefined {
  const segments = addressSegments(ref);
  if (NOT_RESOURCES.has(segments[0]) || segments.length < 2) return undefined;
  const n = segments[0] === 'data' ? 3 : 2;
  if (segments.length < n) return undefined;
  const last = segments[n - 1];
  const key = KEY.exec(last)?.[1] ?? '';
  const base = [...segments.slice(0, n - 1), key ? last.slice(0, -key.length) : last].join('.');
  return { base, key };
}

/**
 * The addresses each top-level argument of a planned resource instance refers to, resolved as
 * Terraform resolves them: relative to the resource's module instance, with the instance key kept
 * (`aws_s3_bucket.some[0]` is not `aws_s3_bucket.some[1]`), and `x[count.index]` / `x[each.key]`
 * / `each.value` of `for_each = x` read as the instance with the referring resource's own key.
 * A reference to a whole counted resource without a key (a splat, `element(...)`) stays the base
 * address and matches every instance.
 */
class PlanReferences extends Map<string, Set<string>> {
  private readonly scanned = new Set<string>();
  private forEachBases?: Set<string>;

  constructor(
    private readonly config: Json | undefined,
    private readonly self: PlanAddress,
    private readonly planned: ReadonlySet<string>,
  ) {
    super();
  }

  override get(attr: string): Set<string> | undefined {
    if (!this.scanned.has(attr)) {
      this.scanned.add(attr);
      const expressions = this.config && isObject(this.config.expressions) ? this.config.expressions : undefined;
      if (expressions && attr in expressions) {
        const set = new Set<string>();
        this.walk(expressions[attr], set);
        if (set.size) super.set(attr, set);
      }
    }
    return super.get(attr);
  }

  override has(attr: string): boolean {
    return this.get(attr) !== undefined;
  }

  private prefix(): string {
    return this.self.moduleInstance ? `${this.self.moduleInstance}.` : '';
  }

  /** `for_each = aws_x.y`: `each.value` then stands for the instance of aws_x.y with the same key. */
  private eachValueBases(): Set<string> {
    if (!this.forEachBases) {
      this.forEachBases = new Set();
      const fe = this.config?.for_each_expression;
      if (isObject(fe) && Array.isArray(fe.references)) {
        for (const r of fe.references) {
          const target = typeof r === 'string' ? referencedResource(r) : undefined;
          if (target && !target.key) this.forEachBases.add(target.base);
        }
      }
    }
    return this.forEachBases;
  }

  private resolve(base: string, key: string): string {
    const withKey = `${this.prefix()}${base}${key}`;
    return key === '' || this.planned.has(withKey) ? withKey : `${this.prefix()}${base}`;
  }

  private walk(node: unknown, into: Set<string>): void {
    if (Array.isArray(node)) {
      for (const n of node) this.walk(n, into);
      return;
    }
    if (!isObject(node)) return;
    if (Array.isArray(node.references)) {
      const list = node.references.filter((r): r is string => typeof r === 'string');
      const ownKey = list.some((r) => r === 'count.index' || r === 'each.key');
      const keyed = new Map<string, Set<string>>();
      for (const r of list) {
        const target = referencedResource(r);
        if (!target) continue;
        const keys = keyed.get(target.base) ?? new Set<string>();
        if (target.key) keys.add(target.key);
        keyed.set(target.base, keys);
      }
      for (const [base, keys] of keyed) {
        if (keys.size) for (const k of keys) into.add(this.resolve(base, k));
        else into.add(ownKey && this.self.key ? this.resolve(base, this.self.key) : `${this.prefix()}${base}`);
      }
      if (this.self.key && list.some((r) => r === 'each.value' || r.startsWith('each.value.'))) {
        for (const base of this.eachValueBases()) into.add(this.resolve(base, this.self.key));
      }
    }
    for (const k in node) if (k !== 'references' && k !== 'constant_value') this.walk(node[k], into);
  }
}

/** Configuration resources by module path + address (`module.a.module.b.aws_x.y`). */
function configurationResources(module: unknown, path: string, out: Map<string, Json>): void {
  if (!isObject(module)) return;
  for (const r of blocks(module.resources)) if (typeof r.address === 'string') out.set(path ? `${path}.${r.address}` : r.address, r);
  if (isObject(module.module_calls)) {
    for (const [name, call] of Object.entries(module.module_calls)) {
      if (isObject(call)) configurationResources(call.module, path ? `${path}.module.${name}` : `module.${name}`, out);
    }
  }
}

function planModuleResources(module: unknown, out: Json[]): void {
  if (!isObject(module)) return;
  for (const r of blocks(module.resources)) out.push(r);
  for (const child of blocks(module.child_modules)) planModuleResources(child, out);
}

export function isPlanJson(json: unknown): boolean {
  return isObject(json) && typeof json.format_version === 'string' && (isObject(json.planned_values) || Array.isArray(json.resource_changes));
}

/**
 * Builds the model of a plan (`terraform show -json plan.out`): planned values, unknowns marked.
 * `side: 'before'` builds the prior state instead (each change's `before`), for the review diff.
 * `synth` (the stack's cdk.tf.json model) adds construct paths and exceptions, which plans lack.
 */
export function fromPlanJson(json: unknown, stackName = 'plan', synth?: StackModel, side: 'after' | 'before' = 'after'): StackModel {
  if (!isPlanJson(json)) {
    throw new TerraformJsonError(
      'not a Terraform plan: expected the output of `terraform show -json <planfile>` with "format_version" and "planned_values". ' +
        'A state file or a cdk.tf.json is not a plan; run `terraform plan -out plan.out && terraform show -json plan.out > plan.json`.',
    );
  }
  const plan = json as Json;
  const unknownByAddress = new Map<string, unknown>();
  for (const rc of blocks(plan.resource_changes)) {
    const change = isObject(rc.change) ? rc.change : {};
    if (typeof rc.address === 'string') unknownByAddress.set(rc.address, change.after_unknown);
  }
  const config = isObject(plan.configuration) ? plan.configuration : {};
  const configByAddress = new Map<string, Json>();
  configurationResources(config.root_module, '', configByAddress);
  const providerDefaults = new Map<string, Record<string, unknown>>();
  for (const [key, p] of Object.entries(isObject(config.provider_config) ? config.provider_config : {})) {
    if (!isObject(p) || !isObject(p.expressions)) continue;
    const tags: Record<string, unknown> = {};
    for (const block of blocks(p.expressions.default_tags)) {
      const t = isObject(block.tags) ? block.tags : {};
      if (isObject(t.constant_value)) Object.assign(tags, t.constant_value);
    }
    providerDefaults.set(key, tags);
  }

  const raw: Json[] = [];
  if (side === 'after') {
    planModuleResources(plan.planned_values && (plan.planned_values as Json).root_module, raw);
  } else {
    unknownByAddress.clear();
    for (const rc of blocks(plan.resource_changes)) {
      const change = isObject(rc.change) ? rc.change : {};
      if (isObject(change.before)) raw.push({ ...rc, values: change.before });
    }
  }
  // Data sources read during planning are in prior_state, not in planned_values.
  const prior = isObject(plan.prior_state) && isObject(plan.prior_state.values) ? plan.prior_state.values : {};
  const priorResources: Json[] = [];
  planModuleResources(prior.root_module, priorResources);
  const seen = new Set(raw.map((r) => r.address));
  for (const r of priorResources) if (r.mode === 'data' && !seen.has(r.address)) raw.push(r);

  const planned = new Set(raw.map((r) => String(r.address)));
  const resources: TfResource[] = raw.map((r) => {
    const address = String(r.address);
    const parsed = parsePlanAddress(address);
    const baseAddress = `${parsed.moduleInstance ? `${parsed.moduleInstance}.` : ''}${parsed.local}`;
    const type = String(r.type);
    const resourceConfig = configByAddress.get(parsed.modulePath ? `${parsed.modulePath}.${parsed.local}` : parsed.local);
    const configured = resourceConfig && isObject(resourceConfig.expressions) ? resourceConfig.expressions : undefined;
    const values = withUnknowns(isObject(r.values) ? r.values : {}, notConfiguredAsAbsent(unknownByAddress.get(address), configured)) as Json;
    const providerName = typeof r.provider_name === 'string' ? r.provider_name.split('/').pop()! : type.split('_')[0];
    const fromSynth = synth?.byAddress(baseAddress);
    // A plan cannot render a policy whose JSON embeds an ARN created in the same plan: the whole
    // string is unknown. The synthesized configuration still has it, with the ARN as a reference,
    // which is what the rules read at synth time; use it so review answers as synth does.
    if (fromSynth) {
      for (const [attr, v] of Object.entries(values)) {
        if (v === UNKNOWN_VALUE && fromSynth.values[attr] !== undefined) values[attr] = fromSynth.values[attr];
      }
    }
    let tags: { tags: Record<string, unknown>; unresolved: boolean };
    // tags_all is what AWS applies; when one tag value is unknown Terraform marks the whole map
    // unknown, and default_tags merged with tags (known, or from the synthesized stack) say the same.
    if (isObject(values.tags_all)) tags = { tags: values.tags_all, unresolved: false };
    else tags = effectiveTags(values.tags, providerDefaults.get(providerName));
    return {
      address,
      baseAddress,
      mode: r.mode === 'data' ? 'data' : 'managed',
      type,
      name: String(r.name),
      values,
      references: new PlanReferences(resourceConfig, parsed, planned),
      constructPath: fromSynth?.constructPath,
      effectiveTags: tags.tags,
      tagsUnresolved: tags.unresolved,
    } satisfies TfResource;
  });
  const imports: ImportRecord[] = [];
  for (const rc of blocks(plan.resource_changes)) {
    const change = isObject(rc.change) ? rc.change : {};
    if (typeof rc.address === 'string' && isObject(change.importing)) imports.push({ to: rc.address, id: change.importing.id ?? UNKNOWN_VALUE });
  }
  return new Model('plan', synth?.stackName ?? stackName, resources, synth?.exceptions ?? [], synth?.contracts ?? [], imports);
}

/**
 * Is `attr` configured on the resource? Expressions count (a `${aws_kms_key.k.arn}` reference is
 * configured). In a plan, an unknown value with no configuration reference is a provider-computed
 * default, not something the author set, so it does not count.
 */
export function isConfigured(stack: StackModel, resource: TfResource, attr: string, value: unknown = resource.values[attr]): boolean {
  if (!isSet(value)) return false;
  if (stack.input === 'plan' && value === UNKNOWN_VALUE && !resource.references.has(attr)) return false;
  return true;
}
