/**
 * Proves from `terraform show -json` that the applied state holds no secret value:
 *  - every write-only argument (`*_wo`) is null: Terraform sent it and kept nothing;
 *  - a Secrets Manager secret version holds no `secret_string` / `secret_binary`;
 *  - no attribute the provider marks sensitive (an API key's `value`, an access key's `secret`,
 *    a SecureString parameter) holds a value.
 * The exceptions are stated with their reasons: an SSM parameter of type String or StringList is a
 * plain value (the environment contract), which the provider marks sensitive for every type, and
 * so is a value Terraform marks sensitive only because it was computed from such a parameter.
 */

export interface StateResource {
  address: string;
  mode?: 'managed' | 'data';
  type: string;
  values?: Record<string, unknown>;
  sensitive_values?: Record<string, unknown>;
}

interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}

export interface ShowJson {
  values?: { root_module?: StateModule };
}

export interface SecretFinding {
  address: string;
  attribute: string;
  why: string;
}

export function stateResources(show: ShowJson): StateResource[] {
  const out: StateResource[] = [];
  const walk = (m: StateModule | undefined): void => {
    if (!m) return;
    out.push(...(m.resources ?? []));
    for (const c of m.child_modules ?? []) walk(c);
  };
  walk(show.values?.root_module);
  return out;
}

function isEmpty(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    v === '' ||
    (Array.isArray(v) && v.every(isEmpty)) ||
    (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every(isEmpty))
  );
}

/** Paths (a.b[0].c) where `sensitive` marks true, paired with the value at that path. */
function sensitivePaths(values: unknown, sensitive: unknown, at: string): Array<[string, unknown]> {
  if (sensitive === true) return [[at, values]];
  const out: Array<[string, unknown]> = [];
  if (Array.isArray(sensitive)) {
    sensitive.forEach((s, i) => out.push(...sensitivePaths(Array.isArray(values) ? values[i] : undefined, s, `${at}[${i}]`)));
  } else if (sensitive && typeof sensitive === 'object') {
    for (const [k, s] of Object.entries(sensitive)) {
      const v = values && typeof values === 'object' ? (values as Record<string, unknown>)[k] : undefined;
      out.push(...sensitivePaths(v, s, at ? `${at}.${k}` : k));
    }
  }
  return out;
}

function isPlainSsmParameter(r: StateResource, attribute: string): boolean {
  return r.type === 'aws_ssm_parameter' && attribute === 'value' && (r.values?.type === 'String' || r.values?.type === 'StringList');
}

/** Attribute paths (`block.attr`, list indexes dropped) the provider schema marks sensitive, per type. */
export interface SensitiveSchema {
  resources: ReadonlyMap<string, ReadonlySet<string>>;
  dataSources: ReadonlyMap<string, ReadonlySet<string>>;
}

interface SchemaBlock {
  attributes?: Record<string, { sensitive?: boolean }>;
  block_types?: Record<string, { block: SchemaBlock }>;
}

function sensitiveIn(block: SchemaBlock, prefix = ''): string[] {
  const out = Object.entries(block.attributes ?? {})
    .filter(([, a]) => a.sensitive)
    .map(([k]) => prefix + k);
  for (const [k, b] of Object.entries(block.block_types ?? {})) out.push(...sensitiveIn(b.block, `${prefix}${k}.`));
  return out;
}

/** From `terraform providers schema -json`. */
export function sensitiveSchema(providersSchema: {
  provider_schemas?: Record<string, { resource_schemas?: Record<string, { block: SchemaBlock }>; data_source_schemas?: Record<string, { block: SchemaBlock }> }>;
}): SensitiveSchema {
  const resources = new Map<string, Set<string>>();
  const dataSources = new Map<string, Set<string>>();
  for (const p of Object.values(providersSchema.provider_schemas ?? {})) {
    for (const [t, r] of Object.entries(p.resource_schemas ?? {})) resources.set(t, new Set(sensitiveIn(r.block)));
    for (const [t, r] of Object.entries(p.data_source_schemas ?? {})) dataSources.set(t, new Set(sensitiveIn(r.block)));
  }
  return { resources, dataSources };
}

/**
 * Values of plain (String/StringList) SSM parameters, managed or read as data sources, and the
 * leaves of those holding JSON (the contract): a sensitive value equal to one of them is plain.
 */
function plainParameterValues(resources: StateResource[]): Set<string> {
  const plain = new Set<string>();
  const addLeaves = (v: unknown): void => {
    if (typeof v === 'string') plain.add(v);
    else if (Array.isArray(v)) v.forEach(addLeaves);
    else if (v && typeof v === 'object') Object.values(v).forEach(addLeaves);
  };
  for (const r of resources) {
    if (r.type !== 'aws_ssm_parameter' || !(r.values?.type === 'String' || r.values?.type === 'StringList')) continue;
    const v = r.values?.value;
    if (typeof v !== 'string') continue;
    plain.add(v);
    if (r.values?.type === 'StringList') v.split(',').forEach((x) => plain.add(x));
    try {
      addLeaves(JSON.parse(v));
    } catch {
      /* not JSON */
    }
  }
  return plain;
}

function onlyPlainValues(v: unknown, plain: ReadonlySet<string>): boolean {
  if (typeof v === 'string') return plain.has(v);
  if (Array.isArray(v)) return v.every((x) => isEmpty(x) || onlyPlainValues(x, plain));
  if (v && typeof v === 'object') return Object.values(v).every((x) => isEmpty(x) || onlyPlainValues(x, plain));
  return false;
}

const schemaPath = (attribute: string) => attribute.replace(/\[\d+\]/g, '');

/**
 * Where Terraform's sensitivity in this state comes from: sensitive attributes of data sources
 * (values read, then propagated to everything computed from them). Plain SSM parameters (the
 * environment contract) hold no secret; any other source does.
 */
function secretTaintSources(resources: StateResource[], schema: SensitiveSchema): string[] {
  return resources
    .filter((r) => r.mode === 'data')
    .filter((r) => [...(schema.dataSources.get(r.type) ?? [])].some((a) => !isEmpty(r.values?.[a])))
    .filter((r) => !(r.type === 'aws_ssm_parameter' && (r.values?.type === 'String' || r.values?.type === 'StringList')))
    .map((r) => r.address);
}

/**
 * With the provider schema, an attribute the schema marks sensitive is a secret; an attribute only
 * tainted sensitive (computed from a sensitive read) is one when the taint can come from a secret
 * source, or when the stack declares sensitive variables. Without the schema, every sensitive
 * value counts.
 */
export function secretFindings(show: ShowJson, schema?: SensitiveSchema, hasSensitiveVariables = false): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const resources = stateResources(show);
  const plain = plainParameterValues(resources);
  const taintIsSecret = !schema || hasSensitiveVariables || secretTaintSources(resources, schema).length > 0;
  for (const r of resources) {
    const values = r.values ?? {};
    for (const [k, v] of Object.entries(values)) {
      // `has_secret_string_wo` is the provider's boolean marker that a write-only value was sent.
      if (k.endsWith('_wo') && !k.startsWith('has_') && !isEmpty(v)) findings.push({ address: r.address, attribute: k, why: 'write-only argument stored in state' });
    }
    if (r.type === 'aws_secretsmanager_secret_version') {
      for (const k of ['secret_string', 'secret_binary']) {
        if (!isEmpty(values[k])) findings.push({ address: r.address, attribute: k, why: 'secret value stored in state (use secret_string_wo)' });
      }
    }
    for (const [attribute, v] of sensitivePaths(values, r.sensitive_values, '')) {
      if (isEmpty(v) || isPlainSsmParameter(r, attribute) || onlyPlainValues(v, plain)) continue;
      const bySchema = r.mode === 'data' ? schema?.dataSources.get(r.type) : schema?.resources.get(r.type);
      if (schema && !bySchema?.has(schemaPath(attribute)) && !taintIsSecret) continue;
      if (findings.some((f) => f.address === r.address && f.attribute === attribute)) continue;
      findings.push({ address: r.address, attribute, why: 'sensitive attribute holds a value in state' });
    }
  }
  return findings;
}
