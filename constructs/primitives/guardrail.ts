import { Construct } from 'constructs';
import { BedrockGuardrail } from '@cdktf/provider-aws/lib/bedrock-guardrail';
import { BedrockGuardrailVersion } from '@cdktf/provider-aws/lib/bedrock-guardrail-version';

/** Content filters applied to prompts and answers; prompt attacks are judged on input only. */
export const CONTENT_FILTERS = [
  { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'INSULTS', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'SEXUAL', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'VIOLENCE', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'MISCONDUCT', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' },
] as const;

/** Personal data is masked; credentials and identity numbers are blocked outright. */
export const PII_ACTIONS = [
  { type: 'EMAIL', action: 'ANONYMIZE' },
  { type: 'PHONE', action: 'ANONYMIZE' },
  { type: 'NAME', action: 'ANONYMIZE' },
  { type: 'ADDRESS', action: 'ANONYMIZE' },
  { type: 'IP_ADDRESS', action: 'ANONYMIZE' },
  { type: 'US_SOCIAL_SECURITY_NUMBER', action: 'BLOCK' },
  { type: 'CREDIT_DEBIT_CARD_NUMBER', action: 'BLOCK' },
  { type: 'AWS_ACCESS_KEY', action: 'BLOCK' },
  { type: 'AWS_SECRET_KEY', action: 'BLOCK' },
  { type: 'PASSWORD', action: 'BLOCK' },
] as const;

export interface GuardrailProps {
  readonly name: string;
  readonly kmsKeyArn: string;
  readonly tags: Record<string, string>;
}

/**
 * A Bedrock guardrail with content filters and PII anonymize/block, encrypted with the environment
 * key, and a published (immutable) version that routes pin, so editing the draft never changes
 * what production enforces.
 */
export class Guardrail extends Construct {
  public readonly guardrail: BedrockGuardrail;
  public readonly version: BedrockGuardrailVersion;
  public readonly arn: string;
  public readonly id: string;

  constructor(scope: Construct, id: string, props: GuardrailProps) {
    super(scope, id);
    this.guardrail = new BedrockGuardrail(this, 'guardrail', {
      name: props.name,
      description: 'Baseline guardrail of the governed environment',
      blockedInputMessaging: 'This request was blocked by the governance guardrail.',
      blockedOutputsMessaging: 'This answer was blocked by the governance guardrail.',
      kmsKeyArn: props.kmsKeyArn,
      contentPolicyConfig: [{ filtersConfig: CONTENT_FILTERS.map((f) => ({ ...f })) }],
      sensitiveInformationPolicyConfig: [{ piiEntitiesConfig: PII_ACTIONS.map((p) => ({ ...p })) }],
      wordPolicyConfig: [{ managedWordListsConfig: [{ type: 'PROFANITY' }] }],
      tags: props.tags,
    });
    this.version = new BedrockGuardrailVersion(this, 'version', {
      guardrailArn: this.guardrail.guardrailArn,
      description: 'Published baseline',
      skipDestroy: true,
    });
    this.arn = this.guardrail.guardrailArn;
    this.id = this.guardrail.guardrailId;
  }
}
