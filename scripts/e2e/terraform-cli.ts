/**
 * Running the real Terraform CLI offline: a CLI configuration that installs the AWS provider
 * only from the filesystem mirror and never from the network, an environment that points the
 * provider at moto with fake credentials, and a runner that keeps every command's output in a
 * log file (printed in full when the command fails).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MIRROR_PROVIDER = 'registry.terraform.io/hashicorp/aws';

export function cliConfig(mirror: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${JSON.stringify(MIRROR_PROVIDER)}]`,
    '  }',
    '  # Nothing is ever fetched from a registry: a provider missing from the mirror fails init.',
    '  direct {',
    '    exclude = ["*/*/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

export interface TerraformEnvOptions {
  cliConfigFile: string;
  awsEndpoint: string;
  scratch: string;
}

/** The environment for every terraform command: offline, non-interactive, pointed at moto. */
export function terraformEnv(o: TerraformEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Keep PATH/HOME and the like, drop anything that could reach real AWS or change Terraform's behaviour.
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(AWS_|TF_)/.test(k)) env[k] = v;
  }
  const empty = path.join(o.scratch, 'empty-aws-config');
  fs.writeFileSync(empty, '');
  return {
    ...env,
    TF_CLI_CONFIG_FILE: o.cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_ENDPOINT_URL: o.awsEndpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export function runCommand(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile?: string, input?: string): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const r = { code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), seconds: (Date.now() - started) / 1000 };
      if (logFile) fs.appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}   (exit ${r.code}, ${r.seconds.toFixed(1)} s)\n${r.stdout}${r.stderr}`);
      resolve(r);
    });
  });
}
