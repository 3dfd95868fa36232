import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import type { Problem } from '../constructs/governance/errors';
import { UnusableInput } from './inputs';

/**
 * `cdktf-ai-governance contract export|schema`: pins an environment contract in a product
 * repository. The contract modules (and zod) load only when one of these commands runs.
 */

export interface ContractIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input, read when the contract is piped in (tests pass text). */
  readonly stdin?: () => string;
}

function describe(problems: readonly Problem[]): string {
  const render = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
  return problems.map((p) => `  - ${p.prop}: got ${render(p.value)}; allowed: ${p.allowed}; fix: ${p.fix}`).join('\n');
}

function readInput(input: string | undefined, io: ContractIo): { text: string; source: string } {
  if (input === undefined || input === '-') {
    if (!io.stdin && process.stdin.isTTY) {
      throw new UnusableInput('no contract given: pipe it in (aws ssm get-parameter --name /governance/<env>/contract --query Parameter.Value --output text | cdktf-ai-governance contract export --env <env>) or pass a file.');
    }
    return { text: io.stdin ? io.stdin() : fs.readFileSync(0, 'utf8'), source: 'standard input' };
  }
  if (!fs.existsSync(input)) throw new UnusableInput(`${input} does not exist (relative paths are read from ${process.cwd()}). Pass the file holding the contract, or pipe it in.`);
  return { text: fs.readFileSync(input, 'utf8'), source: input };
}

/** Top-level fields whose values differ between two contracts, for the export's summary. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => k !== 'revision' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

export function registerContractCommands(program: Command, io: ContractIo): void {
  const contract = program.command('contract').description('pin an environment contract in a product repository');

  contract
    .command('export')
    .description(
      'validate a published environment contract and write its pinned copy. Input: the SSM parameter value ' +
        '(aws ssm get-parameter --name /governance/<env>/contract --query Parameter.Value --output text), ' +
        'or the platform stack\'s Terraform output (terraform output -json contract, or terraform output -json)',
    )
    .argument('[input]', "file holding the contract, or '-' for standard input", '-')
    .option('--env <name>', 'the environment the contract must be for (fails on another)')
    .option('-o, --output <file>', "where to write the pinned copy ('-' for standard output)", 'contracts/<env>.json')
    .action((input: string, opts: { env?: string; output: string }) => {
      /* eslint-disable @typescript-eslint/no-require-imports -- loaded only for this command */
      const { parseContract, formatContract, defaultContractFile } = require('../constructs/platform/pinned-contract') as typeof import('../constructs/platform/pinned-contract');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const { text, source } = readInput(input, io);
      const reading = parseContract(text, source, opts.env);
      if (!reading.contract || !reading.raw) {
        throw new UnusableInput(`${source} is not a usable environment contract (${reading.problems.length} problem${reading.problems.length === 1 ? '' : 's'}):\n${describe(reading.problems)}`);
      }
      const pinned = formatContract(reading.raw);
      const name = reading.contract.name;
      if (opts.output === '-') {
        io.stdout(pinned);
        return;
      }
      const file = opts.output === 'contracts/<env>.json' ? defaultContractFile(name) : opts.output;
      let summary = 'new file';
      if (fs.existsSync(file)) {
        try {
          const before = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
          const changed = changedFields(before, reading.raw);
          summary = changed.length ? `changed: ${changed.join(', ')}` : 'unchanged';
        } catch {
          summary = 'replaced an unreadable file';
        }
      }
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      fs.writeFileSync(file, pinned);
      io.stdout(`pinned the contract of ${name} (revision ${reading.contract.revision.slice(0, 12)}) to ${file} (${summary}); commit it and synthesize\n`);
    });

  contract
    .command('schema')
    .description('print the environment contract as JSON Schema (draft 2020-12)')
    .action(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for this command
      const { contractJsonSchema } = require('../constructs/platform/contract-schema') as typeof import('../constructs/platform/contract-schema');
      io.stdout(`${JSON.stringify(contractJsonSchema(), null, 2)}\n`);
    });
}
