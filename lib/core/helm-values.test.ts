import { helmFullname, mergeValues, ownedValueConflicts } from './helm-values';

describe('helmFullname', () => {
  test('is the release name when it contains the chart name', () => {
    expect(helmFullname('capsule-proxy', 'capsule-proxy')).toBe('capsule-proxy');
    expect(helmFullname('my-capsule-proxy', 'capsule-proxy')).toBe('my-capsule-proxy');
  });

  test('is <release>-<chart> otherwise, cut to 63 characters', () => {
    expect(helmFullname('proxy', 'capsule-proxy')).toBe('proxy-capsule-proxy');
    expect(helmFullname('a'.repeat(60), 'capsule-proxy')).toHaveLength(63);
  });
});

describe('mergeValues', () => {
  const owned = { 'service.port': 'clients depend on it', authToken: 'secret' };

  test('deep-merges objects and replaces lists', () => {
    const merged = mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3], e: 2 } }, owned);
    expect(merged).toEqual({ a: { b: 1, c: [3], e: 2 }, d: 1 });
  });

  test('fails when an override sets an owned value, a parent of one, or inside one', () => {
    expect(() => mergeValues({}, { service: { port: 1 } }, owned)).toThrow(/values.service.port cannot be overridden: clients depend on it/);
    expect(() => mergeValues({}, { service: 'x' }, owned)).toThrow(/values.service cannot be overridden/);
    expect(() => mergeValues({}, { authToken: 'x' }, owned)).toThrow(/secret/);
    expect(ownedValueConflicts({ service: { type: 'NodePort' } }, owned)).toEqual([]);
  });
});
