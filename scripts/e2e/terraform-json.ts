/**
 * Reading synthesized Terraform JSON (cdk.tf.json): the addresses it declares and the references
 * between them. The e2e tier uses this to compute what must be left out together: a resource
 * that references a left-out resource cannot be applied without it.
 */

export interface TerraformJson {
  terraform?: { required_providers?: Record<string, unknown>; backend?: Record<string, unknown>; [k: string]: unknown };
  provider?: Record<string, Array<Record<string, unknown>>>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  locals?: Record<string, unknown>;
  variable?: Record<string, unknown>;
  [k: string]: unknown;
}

/** A resource or data source: `aws_iam_role.x` or `data.aws_ssm_parameter.y`. */
export interface Block {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  body: Record<string, unknown>;
}

export function blocksOf(json: TerraformJson): Block[] {
  const blocks: Block[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) blocks.push({ address: `${type}.${name}`, mode: 'managed', type, name, body });
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    for (const [name, body] of Object.entries(byName)) blocks.push({ address: `data.${type}.${name}`, mode: 'data', type, name, body });
  }
  return blocks;
}

/** Every string inside a value, depth first (keys of cdktf's "//" metadata excluded). */
function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* stringsIn(v);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== '//') yield* stringsIn(v);
  }
}

// `type.name` or `data.type.name` as it appears inside a Terraform expression. Names from cdktf
// may contain dashes, which is why this is not a plain identifier match.
const ADDRESS_IN_EXPRESSION = /(?<![\w.-])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/**
 * The addresses a block (or output, or any value) refers to, restricted to `known` addresses:
 * interpolations (`${aws_kms_key.key.arn}`, also inside `${jsonencode(...)}`) and depends_on.
 */
export function referencesIn(value: unknown, known: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const dependsOn = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).depends_on : undefined;
  if (Array.isArray(dependsOn)) {
    for (const d of dependsOn) if (typeof d === 'string' && known.has(d)) found.add(d);
  }
  for (const s of stringsIn(value)) {
    if (!s.includes('${')) continue;
    for (const m of s.matchAll(ADDRESS_IN_EXPRESSION)) {
      const address = `${m[1] ?? ''}${m[2]}.${m[3]}`;
      if (known.has(address)) found.add(address);
    }
  }
  return found;
}

export interface LeftOut {
  address: string;
  reason: string;
}

/**
 * Given seeds (address -> reason), the seeds plus every block that references one of them,
 * transitively, each with the reason it was left out (naming the left-out block it references).
 * Returned in a stable order: seeds first, then dependents in discovery order.
 */
export function dependencyClosure(json: TerraformJson, seeds: ReadonlyMap<string, string>, verb = 'left out'): LeftOut[] {
  const blocks = blocksOf(json);
  const known = new Set(blocks.map((b) => b.address));
  const refs = new Map(blocks.map((b) => [b.address, referencesIn(b.body, known)]));
  const result = new Map<string, string>(seeds);
  let grew = true;
  while (grew) {
    grew = false;
    for (const b of blocks) {
      if (result.has(b.address)) continue;
      const hit = [...(refs.get(b.address) ?? [])].find((r) => result.has(r));
      if (hit) {
        result.set(b.address, `references ${hit}, which is ${verb}`);
        grew = true;
      }
    }
  }
  return [...result].map(([address, reason]) => ({ address, reason }));
}

/** Outputs whose value references one of `addresses` (they must go when those blocks go). */
export function outputsReferencing(json: TerraformJson, addresses: ReadonlySet<string>): string[] {
  return Object.entries(json.output ?? {})
    .filter(([, body]) => referencesIn(body, addresses).size > 0)
    .map(([name]) => name);
}

/**
 * What `addresses` depend on, transitively (references and depends_on), without `addresses`
 * themselves: destroying any of these would force destroying one of `addresses` first.
 */
export function dependenciesOf(json: TerraformJson, addresses: ReadonlySet<string>): Set<string> {
  const blocks = blocksOf(json);
  const known = new Set(blocks.map((b) => b.address));
  const byAddress = new Map(blocks.map((b) => [b.address, b]));
  const found = new Set<string>();
  const queue = [...addresses];
  while (queue.length > 0) {
    const b = byAddress.get(queue.pop()!);
    if (!b) continue;
    for (const r of referencesIn(b.body, known)) {
      if (found.has(r) || addresses.has(r)) continue;
      found.add(r);
      queue.push(r);
    }
  }
  return found;
}
