import { Type } from '@sinclair/typebox';
import { LabelKey, Labels, LabelValue, SchemaValidator, StrictObject } from './schema';

const validator = new SchemaValidator(
  StrictObject({ key: Type.Optional(LabelKey()), value: Type.Optional(LabelValue()), labels: Type.Optional(Labels()) }),
);

describe('label schemas', () => {
  test.each(['app', 'example.com/public', 'capsule.clastix.io/tenant', 'a.b-c/D_e.f', `x/${'a'.repeat(63)}`])('accept the label key %s', (key) => {
    expect(validator.check({ key })).toEqual([]);
  });

  test.each(['', 'Example.com/x', 'a b', '/x', 'x/', '-x', `x/${'a'.repeat(64)}`, 'a/b/c'])('reject the label key %j', (key) => {
    const problems = validator.check({ key });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ segments: ['key'], message: expect.stringMatching(/^must be a Kubernetes label key such as example.com\/name \(got /) });
  });

  test('label values may be empty but not malformed', () => {
    expect(validator.check({ value: '' })).toEqual([]);
    expect(validator.check({ value: 'management' })).toEqual([]);
    expect(validator.check({ value: 'not ok' })[0].message).toMatch(/^must be a Kubernetes label value/);
  });

  test('a bad key in a label map is reported at that key, once, in words', () => {
    expect(validator.check({ labels: { good: 'x', 'Bad Key': 'y' } })).toEqual([
      { segments: ['labels', 'Bad Key'], message: 'key must be a Kubernetes label key such as example.com/name' },
    ]);
    expect(validator.check({ labels: {} })).toEqual([{ segments: ['labels'], message: 'must not be empty' }]);
  });
});
