import * as fs from 'fs';
import * as path from 'path';

/**
 * Reads @cdktf/provider-aws (the pinned provider schema) and lists the resource types whose top-level
 * config accepts `tags`. The committed list in constructs/governance/aws-taggable-types.ts is this
 * function's output; the test that calls it fails when a provider upgrade changes the list.
 */
export function taggableTypesFromProvider(): string[] {
  const lib = path.dirname(require.resolve('@cdktf/provider-aws/lib/iam-role'));
  const root = path.dirname(lib);
  const types: string[] = [];
  for (const dir of fs.readdirSync(root)) {
    if (dir.startsWith('data-')) continue;
    const file = path.join(root, dir, 'index.d.ts');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const typeMatch = /static readonly tfResourceType = "([a-z0-9_]+)"/.exec(text);
    const config = /export interface \w+Config extends cdktf\.TerraformMetaArguments \{([\s\S]*?)\n\}/.exec(text);
    if (!typeMatch || !config) continue;
    if (/\n\s+readonly tags\?:/.test(config[1])) types.push(typeMatch[1]);
  }
  return types.sort();
}
