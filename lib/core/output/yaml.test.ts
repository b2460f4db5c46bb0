import { Yaml } from 'cdk8s';
import { fastStringify, stringifyDocuments } from './yaml';

/** The fast path either declines or writes exactly what cdk8s writes. */
function expectSameAsCdk8s(document: unknown): boolean {
  const fast = fastStringify(document);
  if (fast !== undefined) expect(fast).toBe(Yaml.stringify(document));
  return fast !== undefined;
}

// Strings YAML 1.1 reads as something else, indicators, whitespace, quotes, unicode, templates.
const EDGE_STRINGS = [
  '', ' ', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yES', 'no', 'No', 'on', 'On', 'OFF', 'off', 'true', 'True', 'tRUE', 'false', 'FALSE',
  'null', 'Null', 'NULL', '~', '0', '010', '0o17', '0x1F', '0b101', '1e3', 'e3', 'E', '1_000', '1.5', '.5', '.inf', '-.inf', '.nan', 'NaN',
  'Infinity', '+1', '-1', '2001-12-14', '2001-12-14T21:59:43Z', '12:30:45', '190:20:30.15', 'a: b', 'a:', ':a', 'a:b', 'a #b', '#a', '-a',
  '- a', '--feature-gates=A=true', '?a', '[a]', '{a}', '*a', '&a', '!a', '|a', '>a', "'a'", '"a"', '%a', '@a', '`a', 'a,b', 'a b', ' a', 'a ',
  'a\nb', 'a\n', 'a\tb', 'é', 'naïve', '日本', 'a/b', '/a', '//a', 'a.b', 'a..', 'A-B_c', '_a', 'https://x.y/z?q=1', 'system:serviceaccount:a:b',
  '9001', '250Mi', '{{ tenant.name }}', '<<', '=', 'a=b', 'a\\b', 'a"b', "a'b", 'capsule.clastix.io/tenant', 'a-', 'a.', 'a/', 'x'.repeat(200),
];

describe('fastStringify', () => {
  test.each(EDGE_STRINGS.map((s) => [JSON.stringify(s), s]))('writes %s as cdk8s would, as a value, in a list and as a key', (_name, s) => {
    expectSameAsCdk8s({ kind: 'X', value: s });
    expectSameAsCdk8s({ list: [s, 'a', { k: s }] });
    expectSameAsCdk8s({ nested: { [s]: 'v', deeper: { [s]: [s] } } });
  });

  test('writes numbers and booleans as cdk8s would', () => {
    for (const value of [0, -1, 1, 9001, 2 ** 53 - 1, 2 ** 53, 1.5, -0.25, 1e21, 1e-7, -0, true, false]) {
      expectSameAsCdk8s({ value, list: [value], map: { value } });
    }
  });

  test('lays out nested maps, lists of maps and empty collections as cdk8s would', () => {
    const document = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { a: 'b' }, annotations: {} },
      spec: {
        containers: [
          { name: 'c', env: [{ name: 'A', value: '1' }], ports: [], resources: { limits: { cpu: '1' } } },
          { name: 'd', args: ['--x', 'y'], volumeMounts: [{ mountPath: '/m', name: 'v', readOnly: true }] },
        ],
        volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, {}] } }],
        emptyList: [],
        listOfEmptyMaps: [{}, {}],
      },
    };
    expect(expectSameAsCdk8s(document)).toBe(true);
  });

  test('declines what it cannot write exactly: multi-line strings, nested lists, odd keys, null', () => {
    expect(fastStringify({ description: 'line one\nline two' })).toBeUndefined();
    expect(fastStringify({ matrix: [['a']] })).toBeUndefined();
    expect(fastStringify({ '9001': 'port' })).toBeUndefined();
    expect(fastStringify({ value: null })).toBeUndefined();
    expect(fastStringify(['top-level list'])).toBeUndefined();
  });

  test('agrees with cdk8s on thousands of random documents', () => {
    // A fixed-seed generator: the same documents on every run.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const alphabet = 'abcXYZ019_-./:#{}[]*&!|>"\' \t\né=,?@%`~';
    const word = () => (random() < 0.3 ? pick(EDGE_STRINGS) : Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick([...alphabet])).join(''));
    // Keys are mostly plain (as in Kubernetes objects), so most documents exercise the fast path.
    const key = () => (random() < 0.9 ? pick(['name', 'kind', 'spec', 'a', 'b-c', 'd.e/f', 'g_h', 'Labels', 'x1']) : word());
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.45) return pick([word(), word(), Math.floor(random() * 1e6) - 500, random() < 0.5, random() * 100]);
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [key(), value(depth + 1)]));
    };
    let written = 0;
    for (let i = 0; i < 3000; i++) {
      const document = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 5) }, () => [key(), value(0)]));
      if (expectSameAsCdk8s(document)) written++;
    }
    // Most documents take the fast path; the rest fall back to Yaml.stringify.
    expect(written).toBeGreaterThan(1500);
  });
});

test('every string it writes plain, yaml writes plain too (20,000 random candidates)', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const first = 'abyYnNoOtTfFeE/';
  const rest = 'aeEnNoOyYsStTfFrRuUlL0123456789_./:-';
  let plain = 0;
  for (let i = 0; i < 20000; i++) {
    const length = Math.floor(random() * 7);
    const text = first[Math.floor(random() * first.length)] + Array.from({ length }, () => rest[Math.floor(random() * rest.length)]).join('');
    const fast = fastStringify({ v: text });
    expect(fast).toBe(Yaml.stringify({ v: text }));
    if (fast === `v: ${text}\n`) plain++;
  }
  expect(plain).toBeGreaterThan(10000);
});

describe('stringifyDocuments', () => {
  test('joins documents like cdk8s, falling back per document', () => {
    const documents = [{ kind: 'A', a: 'b' }, { kind: 'B', text: 'multi\nline' }, { kind: 'C', list: [1, 'x'] }];
    expect(stringifyDocuments(documents)).toBe(Yaml.stringify(...documents));
  });
});
