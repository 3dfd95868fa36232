/**
 * The e2e tier needs three things outside the repository. Each one missing is a clear failure
 * with the fix, never a skipped check.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TERRAFORM_VERSION = /^1\.1[1-9]\./;
export const AWS_PROVIDER_VERSION = '5.100.0';

export async function preflight(mirror: string): Promise<string[]> {
  const problems: string[] = [];
  const tf = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if (tf.error || tf.status !== 0) {
    problems.push('terraform is not on PATH: install Terraform >= 1.11 (this image ships 1.11.4 at /usr/local/bin/terraform)');
  } else {
    const version = (JSON.parse(tf.stdout) as { terraform_version: string }).terraform_version;
    if (!TERRAFORM_VERSION.test(version)) problems.push(`terraform ${version} found; >= 1.11 is needed (write-only arguments)`);
  }
  const providerDir = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION, 'linux_amd64');
  const hasBinary = fs.existsSync(providerDir) && fs.readdirSync(providerDir).some((f) => f.startsWith('terraform-provider-aws'));
  if (!hasBinary) {
    problems.push(`no AWS provider ${AWS_PROVIDER_VERSION} in the offline mirror: ${providerDir} is missing (set E2E_TF_MIRROR to the mirror directory)`);
  }
  const moto = spawnSync('moto_server', ['--help'], { encoding: 'utf8' });
  if (moto.error || moto.status !== 0) problems.push('moto_server is not on PATH: install it with `pip install "moto[server]==5.2.1"`');
  return problems;
}
