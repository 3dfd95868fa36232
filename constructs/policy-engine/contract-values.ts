import { isObject, StackModel, TfResource } from './terraform-json';

/**
 * Cross-stack facts at synth time. A product stack reads its environment's contract from an SSM
 * parameter (`jsondecode(data.aws_ssm_parameter.c.value).logRetentionDays`), which Terraform
 * resolves only at plan time. When the platform stack that writes that parameter is synthesized
 * in the same app, its value is a `jsonencode({...})` expression whose literal parts are known:
 * this module substitutes those literals, so synth-time rules can verify what review-time rules
 * verify. Parts that are references in the platform stack (ARNs, ids) stay unresolved.
 */

const UNRESOLVED = Symbol('unresolved');
type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue } | typeof UNRESOLVED | HclExpression;

/** An expression kept as its text (`aws_api_gateway_rest_api.api.id`), when parsing with `keepExpressions`. */
export class HclExpression {
  constructor(readonly text: string) {}
}

/**
 * Parses the object literal inside `${jsonencode({...})}` as cdktf renders it: `"key" = value`
 * pairs, strings, numbers, booleans, lists and nested objects. Any other expression (a reference,
 * a function call) becomes UNRESOLVED. Returns undefined when the text is not such a literal.
 */
export function parseJsonencodeLiteral(expression: string, options: { readonly keepExpressions?: boolean } = {}): HclValue | undefined {
  const m = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(expression.trim());
  if (!m) return undefined;
  const text = m[1];
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (): never => {
    throw new Error(`unexpected ${JSON.stringify(text.slice(i, i + 20))}`);
  };
  const string = (): string => {
    let out = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        out += JSON.parse(`"${text.slice(i, i + 2)}"`);
        i += 2;
      } else if (text[i] === '$' && text[i + 1] === '{') {
        return skipRestOfString();
      } else {
        out += text[i++];
      }
    }
    i++; // closing quote
    return out;
  };
  // A string with an interpolation: skip to its closing quote and report it unresolved.
  let interpolated = false;
  const skipRestOfString = (): string => {
    let depth = 0;
    while (i < text.length) {
      const c = text[i++];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '"' && depth === 0) break;
    }
    interpolated = true;
    return '';
  };
  // Skips an expression that is not a literal, up to the next `,` `}` `]` at its own depth.
  const skipExpression = (): typeof UNRESOLVED | HclExpression => {
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (depth === 0 && (c === ',' || c === '}' || c === ']')) break;
      if (c === '(' || c === '[' || c === '{') depth++;
      if (c === ')' || c === ']' || c === '}') depth--;
      if (c === '"') {
        string();
        continue;
      }
      i++;
    }
    return options.keepExpressions ? new HclExpression(text.slice(start, i).trim()) : UNRESOLVED;
  };
  const value = (): HclValue => {
    ws();
    const c = text[i];
    if (c === '"') {
      interpolated = false;
      const s = string();
      return interpolated ? UNRESOLVED : s;
    }
    if (c === '{') {
      i++;
      const obj: { [key: string]: HclValue } = {};
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        if (text[i] !== '"') fail();
        const key = string();
        ws();
        if (text[i] !== '=' && text[i] !== ':') fail();
        i++;
        obj[key] = value();
        ws();
        if (text[i] === ',') i++;
      }
    }
    if (c === '[') {
      i++;
      const list: HclValue[] = [];
      for (;;) {
        ws();
        if (text[i] === ']') {
          i++;
          return list;
        }
        list.push(value());
        ws();
        if (text[i] === ',') i++;
      }
    }
    const literal = /^(-?\d+(?:\.\d+)?|true|false|null)(?=\s*[,}\]]|\s*$)/.exec(text.slice(i));
    if (literal) {
      i += literal[0].length;
      return JSON.parse(literal[1]);
    }
    return skipExpression();
  };
  try {
    const result = value();
    ws();
    return i === text.length ? result : undefined;
  } catch {
    return undefined;
  }
}

const CONTRACT_READ = /\$\{jsondecode\((data\.aws_ssm_parameter\.[A-Za-z0-9_-]+)\.value\)((?:\.[A-Za-z0-9_]+|\[\d+\])+)\}/g;

function walk(value: HclValue, path: string): HclValue {
  let node: HclValue = value;
  for (const part of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    if (node === UNRESOLVED || node === null || typeof node !== 'object' || node instanceof HclExpression) return UNRESOLVED;
    node = part.startsWith('[') ? (Array.isArray(node) ? node[Number(part.slice(1, -1))] ?? UNRESOLVED : UNRESOLVED) : Array.isArray(node) ? UNRESOLVED : node[part.slice(1)] ?? UNRESOLVED;
  }
  return node;
}

/** Literal values of SSM parameters written by stacks of the app, by parameter name. */
function publishedParameters(app: readonly StackModel[]): Map<string, HclValue> {
  const out = new Map<string, HclValue>();
  for (const stack of app) {
    if (stack.input !== 'synth') continue;
    for (const p of stack.ofType('aws_ssm_parameter')) {
      const name = p.values.name;
      const value = p.values.value;
      if (typeof name !== 'string' || typeof value !== 'string') continue;
      const parsed = value.startsWith('${jsonencode(') ? parseJsonencodeLiteral(value) : value.includes('${') ? undefined : safeJson(value);
      if (parsed !== undefined) out.set(name, parsed);
    }
  }
  return out;
}

function safeJson(text: string): HclValue | undefined {
  try {
    return JSON.parse(text) as HclValue;
  } catch {
    return undefined;
  }
}

function substitute(value: unknown, resolve: (data: string, path: string) => HclValue): { value: unknown; changed: boolean } {
  if (typeof value === 'string') {
    if (!value.includes('${jsondecode(data.aws_ssm_parameter.')) return { value, changed: false };
    const whole = new RegExp(`^${CONTRACT_READ.source}$`).exec(value);
    if (whole) {
      const v = resolve(whole[1], whole[2]);
      if (v !== UNRESOLVED && (typeof v !== 'object' || v === null)) return { value: v, changed: true };
      if (v !== UNRESOLVED && !containsUnresolved(v)) return { value: v, changed: true };
      return { value, changed: false };
    }
    let changed = false;
    const replaced = value.replace(CONTRACT_READ, (match, data: string, path: string) => {
      const v = resolve(data, path);
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        changed = true;
        return String(v);
      }
      return match;
    });
    return { value: replaced, changed };
  }
  if (Array.isArray(value)) {
    let changed = false;
    const list = value.map((v) => {
      const r = substitute(v, resolve);
      changed ||= r.changed;
      return r.value;
    });
    return changed ? { value: list, changed } : { value, changed: false };
  }
  if (isObject(value)) {
    let changed = false;
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = substitute(v, resolve);
      changed ||= r.changed;
      obj[k] = r.value;
    }
    return changed ? { value: obj, changed } : { value, changed: false };
  }
  return { value, changed: false };
}

function containsUnresolved(v: HclValue): boolean {
  if (v === UNRESOLVED || v instanceof HclExpression) return true;
  if (Array.isArray(v)) return v.some(containsUnresolved);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsUnresolved);
  return false;
}

/**
 * Returns the stacks with contract reads replaced by the literals their platform stack publishes.
 * Resources that read nothing resolvable are returned as they are (same objects).
 */
export function resolveContractValues(stacks: readonly StackModel[]): StackModel[] {
  const published = publishedParameters(stacks);
  if (published.size === 0) return [...stacks];
  return stacks.map((stack) => {
    const resolve = (dataAddress: string, path: string): HclValue => {
      const name = stack.byAddress(dataAddress)?.values.name;
      if (typeof name !== 'string' || !published.has(name)) return UNRESOLVED;
      return walk(published.get(name)!, path);
    };
    let any = false;
    const resources = stack.resources.map((r): TfResource => {
      const { value, changed } = substitute(r.values, resolve);
      const tagsChanged = substitute(r.effectiveTags, resolve).changed;
      if (!changed && !tagsChanged) return r;
      any = true;
      // Spelled out: synthesized resources compute some fields in getters, which a spread drops.
      return {
        address: r.address,
        baseAddress: r.baseAddress,
        mode: r.mode,
        type: r.type,
        name: r.name,
        values: value as Record<string, unknown>,
        references: r.references,
        constructPath: r.constructPath,
        effectiveTags: substitute(r.effectiveTags, resolve).value as Record<string, unknown>,
        tagsUnresolved: r.tagsUnresolved,
      };
    });
    return any ? stack.withResources(resources) : stack;
  });
}

/** What a contract read in a product stack stands for in the platform stack that publishes it. */
export type ContractReadTarget =
  /** The contract parameter and the path read (`gateway.restApiId`); set for every contract read. */
  | { readonly kind: 'literal'; readonly parameter: string; readonly path: string; readonly value: string | number | boolean | null }
  /** An expression of the publishing stack (`aws_api_gateway_rest_api.api.id`). */
  | { readonly kind: 'expression'; readonly parameter: string; readonly path: string; readonly stack: StackModel; readonly expression: string }
  /** The publishing stack is not among the stacks checked (or does not publish that path). */
  | { readonly kind: 'unpublished'; readonly parameter: string; readonly path: string };

const WHOLE_CONTRACT_READ = new RegExp(`^${CONTRACT_READ.source}$`);

/**
 * Follows a value that is one whole contract read (`${jsondecode(data.aws_ssm_parameter.c.value).gateway.restApiId}`)
 * to what the publishing stack writes there, keeping references as their expression text, so that
 * a product stack's route and the platform's API can be known to be the same API. Undefined when
 * the value is not a contract read.
 */
export function contractReadTarget(app: readonly StackModel[], stack: StackModel, value: unknown): ContractReadTarget | undefined {
  if (typeof value !== 'string') return undefined;
  const m = WHOLE_CONTRACT_READ.exec(value);
  if (!m) return undefined;
  const parameter = stack.byAddress(m[1])?.values.name;
  if (typeof parameter !== 'string') return undefined;
  const path = m[2].replace(/^\./, '');
  for (const { stack: publisher, parsed } of publishedWithExpressions(app).get(parameter) ?? []) {
    const found = walkKeeping(parsed, m[2]);
    if (found instanceof HclExpression) return { kind: 'expression', parameter, path, stack: publisher, expression: found.text };
    if (found !== UNRESOLVED && (found === null || typeof found !== 'object')) return { kind: 'literal', parameter, path, value: found };
  }
  return { kind: 'unpublished', parameter, path };
}

const PUBLISHED = new WeakMap<readonly StackModel[], Map<string, { stack: StackModel; parsed: HclValue }[]>>();

/** The SSM parameters the stacks publish, parsed once per set of stacks (a fleet reads its contract thousands of times). */
function publishedWithExpressions(app: readonly StackModel[]): Map<string, { stack: StackModel; parsed: HclValue }[]> {
  let byName = PUBLISHED.get(app);
  if (byName) return byName;
  PUBLISHED.set(app, (byName = new Map()));
  for (const stack of app) {
    if (stack.input !== 'synth') continue;
    for (const p of stack.ofType('aws_ssm_parameter')) {
      const { name, value: text } = p.values;
      if (typeof name !== 'string' || typeof text !== 'string') continue;
      const parsed = text.startsWith('${jsonencode(') ? parseJsonencodeLiteral(text, { keepExpressions: true }) : text.includes('${') ? undefined : safeJson(text);
      if (parsed !== undefined) byName.set(name, [...(byName.get(name) ?? []), { stack, parsed }]);
    }
  }
  return byName;
}

/** walk(), but an expression at the end of the path is returned rather than UNRESOLVED. */
function walkKeeping(value: HclValue, path: string): HclValue {
  const parts = path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? [];
  const parent = parts.length > 1 ? walk(value, parts.slice(0, -1).join('')) : value;
  const last = parts[parts.length - 1];
  if (!last || parent === UNRESOLVED || parent === null || typeof parent !== 'object' || parent instanceof HclExpression) return UNRESOLVED;
  if (last.startsWith('[')) return Array.isArray(parent) ? parent[Number(last.slice(1, -1))] ?? UNRESOLVED : UNRESOLVED;
  return Array.isArray(parent) ? UNRESOLVED : parent[last.slice(1)] ?? UNRESOLVED;
}

/**
 * The literal values a stack publishes in its contract parameter(s), parsed: for facts the
 * platform declares for the checked estate (raised service quotas). Expressions are left out.
 */
export function publishedContracts(stack: StackModel): { readonly parameter: string; readonly contract: Record<string, unknown> }[] {
  const out: { parameter: string; contract: Record<string, unknown> }[] = [];
  if (stack.input !== 'synth') return out;
  for (const p of stack.ofType('aws_ssm_parameter')) {
    const { name, value } = p.values;
    if (typeof name !== 'string' || typeof value !== 'string' || !value.startsWith('${jsonencode(')) continue;
    const parsed = parseJsonencodeLiteral(value);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && !(parsed instanceof HclExpression)) {
      out.push({ parameter: name, contract: parsed as Record<string, unknown> });
    }
  }
  return out;
}
