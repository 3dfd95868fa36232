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
type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue } | typeof UNRESOLVED;

/**
 * Parses the object literal inside `${jsonencode({...})}` as cdktf renders it: `"key" = value`
 * pairs, strings, numbers, booleans, lists and nested objects. Any other expression (a reference,
 * a function call) becomes UNRESOLVED. Returns undefined when the text is not such a literal.
 */
export function parseJsonencodeLiteral(expression: string): HclValue | undefined {
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
  const skipExpression = (): typeof UNRESOLVED => {
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
    return UNRESOLVED;
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
    if (node === UNRESOLVED || node === null || typeof node !== 'object') return UNRESOLVED;
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
  if (v === UNRESOLVED) return true;
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
