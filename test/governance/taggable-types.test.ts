import { AWS_TAGGABLE_TYPES } from '../../constructs/policy-engine/aws-taggable-types';
import { taggableTypesFromProvider } from './taggable-types-source';

test('the committed taggable type list matches the pinned provider package', () => {
  // On failure after a provider upgrade: regenerate constructs/governance/aws-taggable-types.ts from
  // taggableTypesFromProvider() and review the difference (new taggable types gain the tag rule).
  expect([...AWS_TAGGABLE_TYPES]).toEqual(taggableTypesFromProvider());
});
