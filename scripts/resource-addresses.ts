import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, stacksIn, synthExamples } from './synth-examples';

/**
 * The committed manifest of the examples' Terraform resource addresses (`type.name`), per stack.
 * Construct ids make these addresses: a renamed id is a resource Terraform destroys and creates
 * again, which for a KMS key, a secret or the audit archive is lost data. The hardening test fails
 * when the addresses change; `npm run addresses:update` rewrites the manifest on purpose.
 */
export const MANIFEST_PATH = path.join(REPO_ROOT, 'test', 'hardening', 'resource-addresses.json');

export type AddressManifest = Record<string, string[]>;

/** Managed resource addresses per stack (data sources are read, never replaced). */
export function resourceAddresses(outdir: string): AddressManifest {
  return Object.fromEntries(
    Object.entries(stacksIn(outdir)).map(([stack, json]) => [
      stack,
      Object.entries<Record<string, unknown>>(json.resource ?? {})
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort(),
    ]),
  );
}

export function renderManifest(manifest: AddressManifest): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}

/** `npm run addresses:update`: synthesize the examples and rewrite the manifest. */
async function main(): Promise<void> {
  const outdir = await synthExamples('addresses-');
  try {
    const manifest = resourceAddresses(outdir);
    fs.writeFileSync(MANIFEST_PATH, renderManifest(manifest));
    const count = Object.values(manifest).reduce((n, a) => n + a.length, 0);
    console.log(`wrote ${path.relative(REPO_ROOT, MANIFEST_PATH)}: ${count} resource addresses in ${Object.keys(manifest).length} stacks`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
