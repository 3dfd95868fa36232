/**
 * Derives the table of secret arguments that have a write-only twin in the pinned AWS provider
 * (constructs/policy-engine/rules/secrets/write-only-arguments.json) from the provider's own schema,
 * `terraform providers schema -json`, run against the offline mirror (/opt/tf-plugins):
 *
 *   npx ts-node --transpile-only scripts/derive/write-only-arguments.ts
 *
 * A write-only argument (`write_only: true` in the schema, Terraform >= 1.11) is never stored in
 * plan or state. Where one exists as `<argument>_wo` beside `<argument>`, the plain argument puts a
 * secret in state and the write-only one is the fix; `<argument>_wo_version` triggers an update.
 * Source: https://developer.hashicorp.com/terraform/language/resources/ephemeral/write-only
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const PROVIDER = { source: 'registry.terraform.io/hashicorp/aws', version: '5.100.0', mirror: '/opt/tf-plugins' } as const;

export interface WriteOnlyArgument {
  readonly type: string;
  /** The argument whose value is stored in state. */
  readonly argument: string;
  /** Its write-only twin. */
  readonly writeOnly: string;
  /** The argument that must change for Terraform to send a new write-only value, when the schema has one. */
  readonly version?: string;
}

export interface WriteOnlyTable {
  readonly source: string;
  readonly arguments: readonly WriteOnlyArgument[];
}

interface SchemaBlock {
  readonly attributes?: Record<string, { readonly write_only?: boolean }>;
}

/** The table from a `terraform providers schema -json` document (pure). */
export function deriveWriteOnlyArguments(schema: { provider_schemas: Record<string, { resource_schemas: Record<string, { block: SchemaBlock }> }> }): WriteOnlyTable {
  const provider = schema.provider_schemas[PROVIDER.source];
  if (!provider) throw new Error(`the schema has no ${PROVIDER.source}`);
  const out: WriteOnlyArgument[] = [];
  for (const [type, { block }] of Object.entries(provider.resource_schemas).sort(([a], [b]) => a.localeCompare(b))) {
    const attributes = block.attributes ?? {};
    for (const [name, a] of Object.entries(attributes).sort(([x], [y]) => x.localeCompare(y))) {
      if (!a.write_only || !name.endsWith('_wo')) continue;
      const argument = name.slice(0, -'_wo'.length);
      if (!(argument in attributes)) continue;
      out.push({ type, argument, writeOnly: name, ...(`${name}_version` in attributes ? { version: `${name}_version` } : {}) });
    }
  }
  return { source: `terraform providers schema -json, ${PROVIDER.source} ${PROVIDER.version}`, arguments: out };
}

/** Runs `terraform providers schema -json` for the pinned provider from the offline mirror. */
export function providerSchema(): Parameters<typeof deriveWriteOnlyArguments>[0] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-schema-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'main.tf'),
      `terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "${PROVIDER.version}" }\n  }\n}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'cli.tfrc'),
      `provider_installation {\n  filesystem_mirror {\n    path    = "${PROVIDER.mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
    );
    const env = { ...process.env, TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    execFileSync('terraform', ['init', '-input=false', '-no-color', '-backend=false'], { cwd: dir, env, stdio: 'pipe' });
    const json = execFileSync('terraform', ['providers', 'schema', '-json'], { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
    return JSON.parse(json);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const WRITE_ONLY_FILE = path.join(__dirname, '..', '..', 'constructs', 'policy-engine', 'rules', 'secrets', 'write-only-arguments.json');

if (require.main === module) {
  const table = deriveWriteOnlyArguments(providerSchema());
  fs.writeFileSync(WRITE_ONLY_FILE, `${JSON.stringify(table, null, 1)}\n`);
  console.log(`wrote ${WRITE_ONLY_FILE}: ${table.arguments.map((a) => `${a.type}.${a.argument}`).join(', ')}`);
}
