/**
 * The Secrets Manager rotation function (functions/secret-rotation), driven step by step the way
 * Secrets Manager drives it, against small in-memory fakes of the two SDK clients. The fakes keep
 * the state that matters to the rotation contract (versions and their staging labels; API keys and
 * usage plan attachments), so a test can run several rotations in a row and look at the result.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { createHandler } from '../../functions/secret-rotation/handler';
import { ROTATION_STRATEGIES, ROTATION_TAG_KEYS } from '../../functions/secret-rotation/strategy';
import { MIN_TOKEN_LENGTH } from '../../functions/secret-rotation/generated-token';
import { redactingLogger } from '../../functions/secret-rotation/context';
import {
  ACTIONS_BY_STRATEGY,
  API_GATEWAY_PERMISSIONS,
  ENVIRONMENT_TAG_KEY,
  SECRETS_MANAGER_ACTIONS,
  rotationStatements,
} from '../../functions/secret-rotation/permissions';

// ---------------------------------------------------------------------------------------------
// Fakes at the SDK boundary: each records the commands it receives (name and input).

class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface SentCommand { name: string; input: any }

const SECRET_NAME = 'governed/dev/chat/gateway-key';
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SECRET_NAME}-AbCdEf`;
const USAGE_PLAN_ID = 'plan123';
const GOVERNANCE_TAGS = {
  [TAG_KEYS.owner]: 'team-chat',
  [TAG_KEYS.environment]: 'dev',
  [TAG_KEYS.workload]: 'chat',
};

class FakeSecretsManager {
  readonly commands: SentCommand[] = [];
  /** Shared with the other fake, so a test sees the order of calls across both clients. */
  journal: SentCommand[] = [];
  rotationEnabled = true;
  readonly versions = new Map<string, { value?: string; stages: Set<string> }>();
  private readonly failures = new Map<string, Error>();

  constructor(public tags: Record<string, string>, readonly arn = SECRET_ARN, readonly name = SECRET_NAME) {}

  /** What Secrets Manager does when rotation starts: a version with no value, staged AWSPENDING. */
  startRotation(token: string): void {
    this.moveStage('AWSPENDING', token);
    this.versions.set(token, { stages: new Set(['AWSPENDING']) });
  }

  /** A version written outside rotation (the secret's initial value, or a hand edit). */
  putVersion(versionId: string, value: string, stages: string[]): void {
    this.versions.set(versionId, { value, stages: new Set() });
    for (const stage of stages) this.moveStage(stage, versionId);
  }

  stagesOf(versionId: string): string[] {
    return [...(this.versions.get(versionId)?.stages ?? [])].sort();
  }

  valueOf(stage: string): string | undefined {
    return [...this.versions.values()].find((version) => version.stages.has(stage))?.value;
  }

  failNext(commandName: string, error: Error): void {
    this.failures.set(commandName, error);
  }

  async send(command: any): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    this.commands.push({ name, input });
    this.journal.push({ name, input });
    const failure = this.failures.get(name);
    if (failure) {
      this.failures.delete(name);
      throw failure;
    }
    if (input.SecretId !== this.arn && input.SecretId !== this.name) {
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    switch (name) {
      case 'DescribeSecret':
        return {
          ARN: this.arn,
          Name: this.name,
          RotationEnabled: this.rotationEnabled,
          Tags: Object.entries(this.tags).map(([Key, Value]) => ({ Key, Value })),
          VersionIdsToStages: Object.fromEntries([...this.versions]
            .filter(([, version]) => version.stages.size > 0)
            .map(([id, version]) => [id, [...version.stages]])),
        };
      case 'GetSecretValue': {
        const entry = input.VersionId
          ? [input.VersionId, this.versions.get(input.VersionId)] as const
          : [...this.versions].find(([, version]) => version.stages.has(input.VersionStage));
        const version = entry?.[1];
        if (!version || version.value === undefined || (input.VersionStage && !version.stages.has(input.VersionStage))) {
          throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
        }
        return { ARN: this.arn, VersionId: entry[0], SecretString: version.value };
      }
      case 'PutSecretValue': {
        const existing = this.versions.get(input.ClientRequestToken);
        if (existing?.value !== undefined && existing.value !== input.SecretString) {
          throw new AwsError('ResourceExistsException', 'A version with this ClientRequestToken already exists.');
        }
        this.versions.set(input.ClientRequestToken, { value: input.SecretString, stages: existing?.stages ?? new Set() });
        for (const stage of input.VersionStages ?? ['AWSCURRENT']) this.moveStage(stage, input.ClientRequestToken);
        return { ARN: this.arn, VersionId: input.ClientRequestToken };
      }
      case 'UpdateSecretVersionStage': {
        const holder = [...this.versions].find(([, version]) => version.stages.has(input.VersionStage))?.[0];
        if (holder && holder !== input.MoveToVersionId && holder !== input.RemoveFromVersionId) {
          throw new AwsError('InvalidParameterException',
            `The staging label ${input.VersionStage} is attached to ${holder}; name it in RemoveFromVersionId.`);
        }
        if (input.RemoveFromVersionId) this.versions.get(input.RemoveFromVersionId)?.stages.delete(input.VersionStage);
        if (input.MoveToVersionId) this.versions.get(input.MoveToVersionId)!.stages.add(input.VersionStage);
        // Secrets Manager moves AWSPREVIOUS to the version AWSCURRENT was taken from.
        if (input.VersionStage === 'AWSCURRENT' && input.RemoveFromVersionId) {
          this.moveStage('AWSPREVIOUS', input.RemoveFromVersionId);
        }
        return { ARN: this.arn };
      }
      default:
        throw new Error(`FakeSecretsManager: unexpected command ${name}`);
    }
  }

  private moveStage(stage: string, toVersionId: string): void {
    for (const version of this.versions.values()) version.stages.delete(stage);
    this.versions.get(toVersionId)?.stages.add(stage);
  }
}

interface FakeKey { id: string; name: string; value: string; enabled: boolean; tags: Record<string, string> }

class FakeApiGateway {
  readonly commands: SentCommand[] = [];
  journal: SentCommand[] = [];
  readonly keys = new Map<string, FakeKey>();
  readonly attachments = new Set<string>();
  readonly usagePlans = new Set<string>([USAGE_PLAN_ID]);
  /** Smaller than API Gateway's 500 to exercise paging in tests that set it. */
  pageSize = 500;
  private counter = 0;
  private readonly failures = new Map<string, Error>();

  failNext(commandName: string, error: Error): void {
    this.failures.set(commandName, error);
  }

  addKey(key: Partial<FakeKey> & { name: string; tags: Record<string, string> }): FakeKey {
    const full: FakeKey = { id: `key${++this.counter}`, value: randomBytes(30).toString('hex'), enabled: true, ...key };
    this.keys.set(full.id, full);
    return full;
  }

  isAttached(keyId: string): boolean {
    return this.attachments.has(`${USAGE_PLAN_ID}/${keyId}`);
  }

  async send(command: any): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    this.commands.push({ name, input });
    this.journal.push({ name, input });
    const failure = this.failures.get(name);
    if (failure) {
      this.failures.delete(name);
      throw failure;
    }
    const view = (key: FakeKey, withValue: boolean) => ({
      id: key.id, name: key.name, enabled: key.enabled, tags: { ...key.tags }, ...(withValue ? { value: key.value } : {}),
    });
    const requireKey = (id: string) => {
      const key = this.keys.get(id);
      if (!key) throw new AwsError('NotFoundException', 'Invalid API Key identifier specified');
      return key;
    };
    switch (name) {
      case 'CreateApiKey':
        return view(this.addKey({ name: input.name, enabled: input.enabled === true, tags: { ...input.tags } }), true);
      case 'GetApiKeys': {
        const all = [...this.keys.values()].filter((key) => !input.nameQuery || key.name.startsWith(input.nameQuery));
        const start = Number(input.position ?? 0);
        const end = start + Math.min(input.limit ?? 25, this.pageSize);
        return {
          items: all.slice(start, end).map((key) => view(key, input.includeValues === true)),
          ...(end < all.length ? { position: String(end) } : {}),
        };
      }
      case 'GetApiKey':
        return view(requireKey(input.apiKey), input.includeValue === true);
      case 'DeleteApiKey':
        requireKey(input.apiKey);
        this.keys.delete(input.apiKey);
        for (const attachment of [...this.attachments]) {
          if (attachment.endsWith(`/${input.apiKey}`)) this.attachments.delete(attachment);
        }
        return {};
      case 'CreateUsagePlanKey': {
        if (!this.usagePlans.has(input.usagePlanId)) throw new AwsError('NotFoundException', 'Invalid Usage Plan ID specified');
        requireKey(input.keyId);
        const attachment = `${input.usagePlanId}/${input.keyId}`;
        if (this.attachments.has(attachment)) throw new AwsError('ConflictException', 'Usage Plan already contains specified API key');
        this.attachments.add(attachment);
        return { id: input.keyId, type: 'API_KEY' };
      }
      case 'GetUsagePlanKey':
        if (!this.attachments.has(`${input.usagePlanId}/${input.keyId}`)) {
          throw new AwsError('NotFoundException', 'Invalid Usage Plan Key identifier specified');
        }
        return { id: input.keyId, type: 'API_KEY' };
      default:
        throw new Error(`FakeApiGateway: unexpected command ${name}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Harness

interface Harness {
  secretsManager: FakeSecretsManager;
  apiGateway: FakeApiGateway;
  logLines: string[];
  run(step: string, token: string): Promise<void>;
  rotate(token: string): Promise<void>;
  /** Commands sent to either client, in order, since the last call to `sent`. */
  sent(): SentCommand[];
}

function harness(strategy: string | undefined, extraTags: Record<string, string> = {}): Harness {
  const tags: Record<string, string> = { ...GOVERNANCE_TAGS, ...extraTags };
  if (strategy !== undefined) tags[ROTATION_TAG_KEYS.strategy] = strategy;
  if (strategy === ROTATION_STRATEGIES.apiGatewayKey && !(ROTATION_TAG_KEYS.usagePlanId in extraTags)) {
    tags[ROTATION_TAG_KEYS.usagePlanId] = USAGE_PLAN_ID;
  }
  const secretsManager = new FakeSecretsManager(tags);
  const apiGateway = new FakeApiGateway();
  apiGateway.journal = secretsManager.journal;
  const logLines: string[] = [];
  const handler = createHandler({
    secretsManager,
    apiGateway,
    logger: {
      info: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
      error: (message, fields) => logLines.push(JSON.stringify({ message, ...fields })),
    },
  });
  let seen = 0;
  const h: Harness = {
    secretsManager,
    apiGateway,
    logLines,
    run: (step, token) => handler({ SecretId: SECRET_ARN, ClientRequestToken: token, Step: step }),
    async rotate(token) {
      secretsManager.startRotation(token);
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await h.run(step, token);
    },
    sent() {
      const commands = secretsManager.journal;
      const fresh = commands.slice(seen);
      seen = commands.length;
      return fresh;
    },
  };
  return h;
}

const WRITES = new Set(['PutSecretValue', 'UpdateSecretVersionStage', 'CreateApiKey', 'DeleteApiKey', 'CreateUsagePlanKey']);
const writesIn = (commands: SentCommand[]) => commands.filter((command) => WRITES.has(command.name));
const TOKEN_1 = 'a1b2c3d4-0000-4000-8000-000000000001';
const TOKEN_2 = 'a1b2c3d4-0000-4000-8000-000000000002';
const TOKEN_3 = 'a1b2c3d4-0000-4000-8000-000000000003';

// ---------------------------------------------------------------------------------------------

describe('rotation contract checks (every strategy)', () => {
  test('fails when the step is unknown, before any AWS call', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('rollbackSecret', TOKEN_1)).rejects.toThrow(
      /secret arn:aws:secretsmanager:.*gateway-key-AbCdEf.*step rollbackSecret: unknown step 'rollbackSecret'; allowed: createSecret, setSecret, testSecret, finishSecret/);
    expect(h.sent()).toEqual([]);
  });

  test('fails when the event lacks SecretId, ClientRequestToken or Step', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    const handler = createHandler({ secretsManager: h.secretsManager, apiGateway: h.apiGateway, logger: { info() {}, error() {} } });
    await expect(handler({ SecretId: SECRET_ARN })).rejects.toThrow(/the event lacks ClientRequestToken, Step/);
  });

  test('fails when rotation is not enabled on the secret', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    h.secretsManager.rotationEnabled = false;
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /secret arn:aws:secretsmanager:\S+ \(version a1b2c3d4-\S+\), step createSecret: rotation is not enabled on the secret/);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('fails when the token is not a version of the secret', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/step createSecret: the token is not a version of the secret/);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('fails when the token is not staged AWSPENDING', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ token: 'x'.repeat(64) }), ['AWSPREVIOUS']);
    await expect(h.run('setSecret', TOKEN_1)).rejects.toThrow(
      /step setSecret: the version is not staged AWSPENDING \(its stages: AWSPREVIOUS\)/);
  });

  test('does nothing when the token is already AWSCURRENT', async () => {
    const h = harness(ROTATION_STRATEGIES.apiGatewayKey);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ apiKeyId: 'key9', value: 'v'.repeat(40) }), ['AWSCURRENT']);
    h.sent();
    await h.run('finishSecret', TOKEN_1);
    expect(h.sent().map((command) => command.name)).toEqual(['DescribeSecret']);
  });

  test('fails when the rotation-strategy tag is missing', async () => {
    const h = harness(undefined);
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /the governance:rotation-strategy tag is missing; allowed: generated-token, api-gateway-key/);
  });

  test('fails when the rotation-strategy tag names an unknown strategy', async () => {
    const h = harness('rds-password');
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /the governance:rotation-strategy tag is 'rds-password'; allowed: generated-token, api-gateway-key/);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('fails with the call that failed when an AWS call fails', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    h.secretsManager.startRotation(TOKEN_1);
    h.secretsManager.failNext('PutSecretValue', new AwsError('AccessDeniedException', 'not authorized'));
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /step createSecret: PutSecretValue failed with AccessDeniedException: not authorized/);
  });
});

describe('generated-token strategy', () => {
  const strategy = ROTATION_STRATEGIES.generatedToken;

  test('createSecret stores a random base64url token of 48 bytes as AWSPENDING under the token', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const put = h.sent().find((command) => command.name === 'PutSecretValue')!;
    expect(put.input).toMatchObject({ ClientRequestToken: TOKEN_1, VersionStages: ['AWSPENDING'] });
    expect(JSON.parse(put.input.SecretString)).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/) });
  });

  test('createSecret generates a different token for each rotation', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const first = h.secretsManager.valueOf('AWSCURRENT');
    await h.rotate(TOKEN_2);
    expect(h.secretsManager.valueOf('AWSCURRENT')).not.toEqual(first);
  });

  test('createSecret does nothing when the AWSPENDING version already has a value', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const stored = h.secretsManager.versions.get(TOKEN_1)!.value;
    h.sent();
    await h.run('createSecret', TOKEN_1);
    expect(writesIn(h.sent())).toEqual([]);
    expect(h.secretsManager.versions.get(TOKEN_1)!.value).toBe(stored);
  });

  test('setSecret writes nothing anywhere', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.sent();
    await h.run('setSecret', TOKEN_1);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('testSecret accepts the token createSecret stored', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await expect(h.run('testSecret', TOKEN_1)).resolves.toBeUndefined();
  });

  test('fails when testSecret finds no value (createSecret did not run)', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/step testSecret: the AWSPENDING version has no value; createSecret must run first/);
  });

  test('fails when testSecret finds a value that is not JSON', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion(TOKEN_1, 'plain-text-token-value', ['AWSPENDING']);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/the AWSPENDING version is not valid JSON \(value not shown\)/);
  });

  test('fails when testSecret finds no "token" field', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ password: 'x'.repeat(64) }), ['AWSPENDING']);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/has no string "token" field/);
  });

  test('fails when testSecret finds a token shorter than 64 characters', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ token: 'A'.repeat(MIN_TOKEN_LENGTH - 1) }), ['AWSPENDING']);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(
      /the AWSPENDING token is 63 characters or not base64url; a generated token is at least 64 base64url characters/);
  });

  test('finishSecret moves AWSCURRENT to the token and removes it from the old version', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion('initial', JSON.stringify({ token: 'B'.repeat(64) }), ['AWSCURRENT']);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.sent();
    await h.run('finishSecret', TOKEN_1);
    expect(h.sent().find((command) => command.name === 'UpdateSecretVersionStage')!.input).toEqual({
      SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN_1, RemoveFromVersionId: 'initial',
    });
  });

  test('finishSecret leaves the old version AWSPREVIOUS', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion('initial', JSON.stringify({ token: 'B'.repeat(64) }), ['AWSCURRENT']);
    await h.rotate(TOKEN_1);
    expect([h.secretsManager.stagesOf(TOKEN_1), h.secretsManager.stagesOf('initial')])
      .toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
  });

  test('finishSecret takes AWSPENDING off the new current version', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    expect(h.sent().filter((command) => command.name === 'UpdateSecretVersionStage').at(-1)!.input).toEqual({
      SecretId: SECRET_ARN, VersionStage: 'AWSPENDING', RemoveFromVersionId: TOKEN_1,
    });
  });

  test('finishSecret on a secret created without a value moves AWSCURRENT without removing it from anything', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const update = h.sent().find((command) => command.name === 'UpdateSecretVersionStage')!;
    expect(update.input).not.toHaveProperty('RemoveFromVersionId');
  });
});

describe('api-gateway-key strategy', () => {
  const strategy = ROTATION_STRATEGIES.apiGatewayKey;
  const pendingOf = (h: Harness, token: string) => JSON.parse(h.secretsManager.versions.get(token)!.value!);

  test('createSecret creates one enabled API key named from the secret name and the token', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const creates = h.sent().filter((command) => command.name === 'CreateApiKey');
    expect(creates.map((command) => [command.input.name, command.input.enabled]))
      .toEqual([[`${SECRET_NAME}-${TOKEN_1}`, true]]);
  });

  test('createSecret tags the key with the governance tags, the owning secret and the version, not the rotation settings', async () => {
    const h = harness(strategy, { 'cost-center': '42' });
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    expect(h.sent().find((command) => command.name === 'CreateApiKey')!.input.tags).toEqual({
      ...GOVERNANCE_TAGS,
      [ROTATION_TAG_KEYS.keyOwnerSecret]: SECRET_ARN,
      [ROTATION_TAG_KEYS.keyVersion]: TOKEN_1,
    });
  });

  test('createSecret stores {apiKeyId, value} of the new key as AWSPENDING', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    const [key] = [...h.apiGateway.keys.values()];
    expect([pendingOf(h, TOKEN_1), h.secretsManager.stagesOf(TOKEN_1)])
      .toEqual([{ apiKeyId: key.id, value: key.value }, ['AWSPENDING']]);
  });

  test('createSecret does nothing when the AWSPENDING version already has a value', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.sent();
    await h.run('createSecret', TOKEN_1);
    expect(writesIn(h.sent())).toEqual([]);
  });

  test('createSecret reuses the key an earlier attempt created when storing it failed', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    h.secretsManager.failNext('PutSecretValue', new AwsError('InternalServiceError', 'try again'));
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/PutSecretValue failed/);
    await h.run('createSecret', TOKEN_1);
    const [key, ...others] = [...h.apiGateway.keys.values()];
    expect([others.length, pendingOf(h, TOKEN_1).apiKeyId]).toEqual([0, key.id]);
  });

  test('fails when the secret has no usage-plan-id tag, before creating any key', async () => {
    const h = harness(strategy, { [ROTATION_TAG_KEYS.usagePlanId]: '' });
    h.secretsManager.startRotation(TOKEN_1);
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(
      /step createSecret: the secret has no governance:usage-plan-id tag; an api-gateway-key secret must name the usage plan/);
    expect(h.apiGateway.keys.size).toBe(0);
  });

  test('setSecret attaches the new key to the usage plan named by the tag', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    expect(h.apiGateway.isAttached(pendingOf(h, TOKEN_1).apiKeyId)).toBe(true);
  });

  test('setSecret treats a key already on the usage plan as attached', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    await expect(h.run('setSecret', TOKEN_1)).resolves.toBeUndefined();
  });

  test('testSecret accepts an enabled key on the usage plan', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    h.sent();
    await h.run('testSecret', TOKEN_1);
    expect(h.sent().map((command) => command.name)).toEqual(
      ['DescribeSecret', 'GetSecretValue', 'GetApiKey', 'GetUsagePlanKey']);
  });

  test('fails when testSecret finds the key deleted', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    h.apiGateway.keys.clear();
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(
      /step testSecret: API key key1, stored in the AWSPENDING version, does not exist; .*Remove the AWSPENDING label/);
  });

  test('fails when testSecret finds the key disabled', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    h.apiGateway.keys.get('key1')!.enabled = false;
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/step testSecret: API key key1 is disabled/);
  });

  test('fails when testSecret finds the key off the usage plan', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/API key key1 is not on usage plan plan123/);
  });

  test('fails when testSecret finds a key value different from the stored one', async () => {
    const h = harness(strategy);
    h.secretsManager.startRotation(TOKEN_1);
    await h.run('createSecret', TOKEN_1);
    await h.run('setSecret', TOKEN_1);
    h.apiGateway.keys.get('key1')!.value = 'changed-by-hand-0123456789';
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/API key key1 has a different value than the AWSPENDING version stores \(values not shown\)/);
  });

  test('fails when testSecret finds a value without apiKeyId', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion(TOKEN_1, JSON.stringify({ value: 'v'.repeat(40) }), ['AWSPENDING']);
    await expect(h.run('testSecret', TOKEN_1)).rejects.toThrow(/lacks a string "apiKeyId" or "value"/);
  });

  test('finishSecret moves AWSCURRENT to the token and removes it from the old version', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    h.sent();
    h.secretsManager.startRotation(TOKEN_2);
    for (const step of ['createSecret', 'setSecret', 'testSecret']) await h.run(step, TOKEN_2);
    h.sent();
    await h.run('finishSecret', TOKEN_2);
    expect(h.sent().find((command) => command.name === 'UpdateSecretVersionStage')!.input).toEqual({
      SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN_2, RemoveFromVersionId: TOKEN_1,
    });
  });

  test('finishSecret keeps the AWSPREVIOUS key alive for one rotation period', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const firstKeyId = pendingOf(h, TOKEN_1).apiKeyId;
    await h.rotate(TOKEN_2);
    expect([h.apiGateway.keys.get(firstKeyId)?.enabled, h.apiGateway.isAttached(firstKeyId)]).toEqual([true, true]);
  });

  test('finishSecret deletes the key two rotations old', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    await h.rotate(TOKEN_2);
    await h.rotate(TOKEN_3);
    expect([...h.apiGateway.keys.keys()]).toEqual([pendingOf(h, TOKEN_2).apiKeyId, pendingOf(h, TOKEN_3).apiKeyId]);
  });

  test('finishSecret deletes keys of abandoned rotations but never another secret\'s keys', async () => {
    const h = harness(strategy);
    await h.rotate(TOKEN_1);
    const otherSecretsKey = h.apiGateway.addKey({
      name: `${SECRET_NAME}-other-${TOKEN_1}`,
      tags: { [ROTATION_TAG_KEYS.keyOwnerSecret]: `${SECRET_ARN.slice(0, -7)}-other-XyZ123` },
    });
    const abandoned = h.apiGateway.addKey({
      name: `${SECRET_NAME}-abandoned`,
      tags: { [ROTATION_TAG_KEYS.keyOwnerSecret]: SECRET_ARN, [ROTATION_TAG_KEYS.keyVersion]: 'abandoned' },
    });
    await h.rotate(TOKEN_2);
    expect([h.apiGateway.keys.has(abandoned.id), h.apiGateway.keys.has(otherSecretsKey.id)]).toEqual([false, true]);
  });

  test('finishSecret finds its keys across pages of GetApiKeys', async () => {
    const h = harness(strategy);
    h.apiGateway.pageSize = 1;
    // Another secret's key fills the first page, so only paging reaches this secret's keys.
    h.apiGateway.addKey({ name: `${SECRET_NAME}-x`, tags: { [ROTATION_TAG_KEYS.keyOwnerSecret]: 'another-secret' } });
    await h.rotate(TOKEN_1);
    await h.rotate(TOKEN_2);
    await h.rotate(TOKEN_3);
    expect(h.apiGateway.keys.size).toBe(3);
  });

  test('finishSecret deletes no key when the version that was current holds no API key id', async () => {
    const h = harness(strategy);
    h.secretsManager.putVersion('placeholder', JSON.stringify({ note: 'set by rotation' }), ['AWSCURRENT']);
    const stray = h.apiGateway.addKey({
      name: `${SECRET_NAME}-stray`, tags: { [ROTATION_TAG_KEYS.keyOwnerSecret]: SECRET_ARN },
    });
    await h.rotate(TOKEN_1);
    expect(h.apiGateway.keys.has(stray.id)).toBe(true);
  });
});

describe('secret values never reach the log or an error', () => {
  test('nothing logged during three rotations of each strategy contains a secret value', async () => {
    const values: string[] = [];
    const lines: string[] = [];
    for (const strategy of Object.values(ROTATION_STRATEGIES)) {
      const h = harness(strategy);
      for (const token of [TOKEN_1, TOKEN_2, TOKEN_3]) {
        await h.rotate(token);
        const stored = JSON.parse(h.secretsManager.versions.get(token)!.value!);
        values.push(stored.token ?? stored.value);
      }
      lines.push(...h.logLines);
    }
    // The check below only means something if there were values and lines to compare.
    expect([values.length, lines.length > 20]).toEqual([6, true]);
    expect(lines.filter((line) => values.some((value) => line.includes(value)))).toEqual([]);
  });

  test('an invalid JSON value is neither logged nor put in the error', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    const secretValue = 'not-json-but-a-secret-0123456789';
    h.secretsManager.putVersion(TOKEN_1, secretValue, ['AWSPENDING']);
    const error: Error = await h.run('testSecret', TOKEN_1).then(() => new Error('no error'), (e: Error) => e);
    expect([error.message.includes(secretValue), h.logLines.some((line) => line.includes(secretValue)),
      h.logLines.some((line) => line.includes('is not valid JSON'))]).toEqual([false, false, true]);
  });

  test('an AWS error message that echoes the value is redacted', async () => {
    const h = harness(ROTATION_STRATEGIES.apiGatewayKey);
    h.secretsManager.startRotation(TOKEN_1);
    h.apiGateway.failNext('GetApiKeys', new AwsError('BadRequestException', 'boom'));
    await expect(h.run('createSecret', TOKEN_1)).rejects.toThrow(/GetApiKeys failed with BadRequestException/);
    // Now make PutSecretValue echo the value it was given, the way a validation message might.
    const echo = { send: async (command: any) => {
      if (command.constructor.name === 'PutSecretValueCommand') {
        throw new AwsError('ValidationException', `Value '${command.input.SecretString}' failed to satisfy constraint`);
      }
      return h.secretsManager.send(command);
    } };
    const lines: string[] = [];
    const handler = createHandler({
      secretsManager: echo,
      apiGateway: h.apiGateway,
      logger: { info: (m, f) => lines.push(JSON.stringify({ m, f })), error: (m, f) => lines.push(JSON.stringify({ m, f })) },
    });
    const error: Error = await handler({ SecretId: SECRET_ARN, ClientRequestToken: TOKEN_1, Step: 'createSecret' })
      .then(() => new Error('no error'), (e: Error) => e);
    const key = [...h.apiGateway.keys.values()][0];
    expect([error.message.includes('[REDACTED]'), error.message.includes(key.value),
      lines.some((line) => line.includes(key.value))]).toEqual([true, false, false]);
  });

  test('the logger redacts a known value even from fields a step passes by mistake', () => {
    const received: string[] = [];
    const sink = { info: (m: string, f?: object) => received.push(JSON.stringify({ m, f })), error() {} };
    redactingLogger(new Set(['s3cr3t-value-0123']), sink).info('value s3cr3t-value-0123', { leaked: 's3cr3t-value-0123' });
    expect(received).toEqual([JSON.stringify({ m: 'value [REDACTED]', f: { leaked: '[REDACTED]' } })]);
  });

  test('the default logger writes JSON lines to the console without the value', async () => {
    const h = harness(ROTATION_STRATEGIES.generatedToken);
    const output: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => { output.push(line); });
    const err = jest.spyOn(console, 'error').mockImplementation((line: string) => { output.push(line); });
    try {
      const handler = createHandler({ secretsManager: h.secretsManager, apiGateway: h.apiGateway });
      h.secretsManager.startRotation(TOKEN_1);
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
        await handler({ SecretId: SECRET_ARN, ClientRequestToken: TOKEN_1, Step: step });
      }
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const token = JSON.parse(h.secretsManager.valueOf('AWSCURRENT')!).token;
    expect([output.length > 0, output.every((line) => JSON.parse(line).secretArn === SECRET_ARN),
      output.some((line) => line.includes(token))]).toEqual([true, true, false]);
  });
});

describe('permissions.js', () => {
  test('every Secrets Manager call the function makes is in SECRETS_MANAGER_ACTIONS', async () => {
    const h = harness(ROTATION_STRATEGIES.apiGatewayKey);
    await h.rotate(TOKEN_1);
    await h.rotate(TOKEN_2);
    const used = new Set(h.secretsManager.commands.map((command) => `secretsmanager:${command.name}`));
    expect([...used].filter((action) => !SECRETS_MANAGER_ACTIONS.includes(action))).toEqual([]);
  });

  test('every API Gateway call the function makes is covered by API_GATEWAY_PERMISSIONS', async () => {
    const h = harness(ROTATION_STRATEGIES.apiGatewayKey);
    await h.rotate(TOKEN_1);
    await h.rotate(TOKEN_2);
    await h.rotate(TOKEN_3);
    const covered = new Set(API_GATEWAY_PERMISSIONS.flatMap((permission) => permission.calls));
    const used = new Set(h.apiGateway.commands.map((command) => command.name));
    expect([[...used].filter((call) => !covered.has(call)), used.size]).toEqual([[], 6]);
  });

  test('the generated-token strategy needs no API Gateway action', () => {
    expect(ACTIONS_BY_STRATEGY[ROTATION_STRATEGIES.generatedToken].filter((action) => action.startsWith('apigateway:')))
      .toEqual([]);
  });

  test('README.md lists exactly the actions of permissions.js', () => {
    const readme = readFileSync(join(__dirname, '../../functions/secret-rotation/README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## IAM permissions'), readme.indexOf('Not needed:'));
    // The second column of each table row is the actions column.
    const actionCells = table.split('\n').filter((line) => line.startsWith('| ')).map((line) => line.split('|')[2]);
    const listed = new Set(actionCells.flatMap((cell) => cell.match(/`[a-z]+:[A-Za-z]+`/g) ?? []).map((a) => a.slice(1, -1)));
    const exported = new Set(Object.values(ACTIONS_BY_STRATEGY).flat());
    expect([...listed].sort()).toEqual([...exported].sort());
  });

  test('the environment tag key is the one in constructs/governance/tags.ts', () => {
    expect(ENVIRONMENT_TAG_KEY).toBe(TAG_KEYS.environment);
  });

  const props = {
    environment: 'dev', region: 'eu-west-1', accountId: '123456789012',
    kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234',
  };

  test('secrets are reachable only when tagged with the environment and a served strategy', () => {
    const [secrets] = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.generatedToken] });
    expect(secrets.conditions).toEqual([
      { test: 'StringEquals', variable: 'aws:ResourceTag/governance:environment', values: ['dev'] },
      { test: 'StringEquals', variable: 'aws:ResourceTag/governance:rotation-strategy', values: ['generated-token'] },
    ]);
  });

  test('the KMS key is usable only through Secrets Manager', () => {
    const kms = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.generatedToken] })[1];
    expect(kms.conditions).toEqual([
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] },
    ]);
  });

  test('deleting API keys is limited to keys tagged with the environment', () => {
    const statements = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.apiGatewayKey] });
    const deletes = statements.filter((statement) => statement.actions.includes('apigateway:DELETE'));
    expect(deletes.map((statement) => [statement.resources, statement.conditions])).toEqual([[
      ['arn:aws:apigateway:eu-west-1::/apikeys/*'],
      [{ test: 'StringEquals', variable: 'aws:ResourceTag/governance:environment', values: ['dev'] }],
    ]]);
  });

  test('a generated-token-only function gets no API Gateway statement', () => {
    const statements = rotationStatements({ ...props, strategies: [ROTATION_STRATEGIES.generatedToken] });
    expect(statements.flatMap((statement) => statement.actions).filter((action) => action.startsWith('apigateway:')))
      .toEqual([]);
  });

  test('fails when a strategy is unknown', () => {
    expect(() => rotationStatements({ ...props, strategies: ['rds-password'] })).toThrow(
      /functions\/secret-rotation\/permissions.js: strategies \["rds-password"\] must be a non-empty list of generated-token, api-gateway-key/);
  });
});
