/**
 * A synthesized stack (cdk.tf.json) in the shape of `terraform show -json <planfile>`, for the
 * review benchmark at 10,000 resources (a real Terraform plan of that size against moto takes
 * longer than the benchmark should). It follows what Terraform writes for a first apply: every
 * resource a `create`; a value that holds a `${...}` expression is unknown (absent from `after`,
 * `true` in `after_unknown`, as Terraform renders a string that embeds an unknown ARN); the
 * configuration carries each argument as `constant_value` or as its `references`; provider
 * default tags are in `tags_all`.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const REFERENCE = /((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*)/g;

function unresolved(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${');
  if (Array.isArray(v)) return v.some(unresolved);
  if (isObject(v)) return Object.values(v).some(unresolved);
  return false;
}

/** [known part of the value, after_unknown marks]: an unresolved string is unknown as a whole. */
function split(v: unknown): [unknown, unknown] {
  if (typeof v === 'string') return v.includes('${') ? [undefined, true] : [v, false];
  if (Array.isArray(v)) {
    const parts = v.map(split);
    return [parts.map((p) => p[0] ?? null), parts.some((p) => p[1] !== false) ? parts.map((p) => p[1]) : []];
  }
  if (isObject(v)) {
    const known: Json = {};
    const unknown: Json = {};
    for (const [k, x] of Object.entries(v)) {
      const [a, u] = split(x);
      if (a !== undefined) known[k] = a;
      if (u !== false && !(Array.isArray(u) && u.length === 0)) unknown[k] = u;
    }
    return [known, unknown];
  }
  return [v, false];
}

function references(v: unknown, into: Set<string>): void {
  if (typeof v === 'string') {
    for (const expr of v.match(/\$\{[^}]*\}/g) ?? []) for (const m of expr.matchAll(REFERENCE)) into.add(m[1]);
  } else if (Array.isArray(v)) v.forEach((x) => references(x, into));
  else if (isObject(v)) Object.values(v).forEach((x) => references(x, into));
}

export function planFromSynth(synth: Json): Json {
  const providers = isObject(synth.provider) ? synth.provider : {};
  const aws = Array.isArray(providers.aws) ? (providers.aws[0] as Json) : {};
  const defaultTags = Array.isArray(aws.default_tags) && isObject(aws.default_tags[0]) ? ((aws.default_tags[0] as Json).tags as Json) : {};
  const planned: Json[] = [];
  const changes: Json[] = [];
  const configuration: Json[] = [];
  for (const mode of ['resource', 'data'] as const) {
    const section = isObject(synth[mode]) ? (synth[mode] as Json) : {};
    for (const [type, byName] of Object.entries(section)) {
      if (!isObject(byName)) continue;
      for (const [name, raw] of Object.entries(byName)) {
        if (!isObject(raw)) continue;
        const { '//': _metadata, provider: _provider, depends_on: _depends, lifecycle: _lifecycle, ...config } = raw;
        const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        const [known, unknown] = split(config);
        const values: Json = { ...(known as Json) };
        if (mode === 'resource' && !type.startsWith('kubernetes_')) values.tags_all = { ...defaultTags, ...(isObject(config.tags) ? config.tags : {}) };
        const common = { address, mode: mode === 'data' ? 'data' : 'managed', type, name, provider_name: `registry.terraform.io/hashicorp/${type.split('_')[0]}` };
        planned.push({ ...common, schema_version: 0, values, sensitive_values: {} });
        changes.push({ ...common, change: { actions: [mode === 'data' ? 'read' : 'create'], before: null, after: values, after_unknown: { ...(unknown as Json), id: true, arn: true } } });
        const expressions: Json = {};
        for (const [k, v] of Object.entries(config)) {
          if (!unresolved(v)) expressions[k] = { constant_value: v };
          else {
            const refs = new Set<string>();
            references(v, refs);
            expressions[k] = { references: [...refs].flatMap((r) => [`${r}.id`, r]) };
          }
        }
        configuration.push({ address, mode: common.mode, type, name, provider_config_key: 'aws', expressions, schema_version: 0 });
      }
    }
  }
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: { resources: planned } },
    resource_changes: changes,
    configuration: {
      provider_config: { aws: { name: 'aws', full_name: 'registry.terraform.io/hashicorp/aws', expressions: { default_tags: [{ tags: { constant_value: defaultTags } }] } } },
      root_module: { resources: configuration },
    },
    applyable: true,
    complete: true,
    errored: false,
  };
}
