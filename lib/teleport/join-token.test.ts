import { jwksProblem, kubernetesJoinTokenSpec, tctlToken } from './join-token';

const PUBLIC_KEY = { use: 'sig', kty: 'RSA', kid: 'k1', alg: 'RS256', n: 'xTfX', e: 'AQAB' };
const JWKS = JSON.stringify({ keys: [PUBLIC_KEY] });

describe('kubernetes join tokens', () => {
  test('accept a JWKS of public keys, refuse anything else', () => {
    expect(jwksProblem(JWKS)).toBeUndefined();
    expect(jwksProblem('{"keys":[')).toMatch(/^must be the JSON output of `kubectl get --raw \/openid\/v1\/jwks`/);
    expect(jwksProblem('{"keys":[]}')).toMatch(/non-empty "keys" list/);
    expect(jwksProblem('{"keys":[{"n":"x"}]}')).toBe('keys[0] is not a JSON Web Key (no "kty")');
  });

  test('refuse private key material in a JWKS', () => {
    expect(jwksProblem(JSON.stringify({ keys: [{ ...PUBLIC_KEY, d: 'secret', p: 'x' }] }))).toBe(
      'keys[0] contains private key material (d, p): only the public keys belong here, never a private key',
    );
  });

  test('render a static_jwks token that only one ServiceAccount can use', () => {
    const spec = kubernetesJoinTokenSpec({ roles: ['Kube'], serviceAccount: 'capsule-system:teleport-agent', trust: { type: 'static_jwks', jwks: JWKS } });
    expect(tctlToken('teleport-agent-demo', spec)).toEqual({
      kind: 'token',
      version: 'v2',
      metadata: { name: 'teleport-agent-demo' },
      spec: {
        roles: ['Kube'],
        join_method: 'kubernetes',
        kubernetes: { type: 'static_jwks', static_jwks: { jwks: JWKS }, allow: [{ service_account: 'capsule-system:teleport-agent' }] },
      },
    });
  });

  test('render an in_cluster bot token without keys', () => {
    const spec = kubernetesJoinTokenSpec({ roles: ['Bot'], botName: 'operator', serviceAccount: 'teleport-iac:teleport-operator', trust: { type: 'in_cluster' } });
    expect(tctlToken('operator-bot', spec).spec).toEqual({
      roles: ['Bot'],
      bot_name: 'operator',
      join_method: 'kubernetes',
      kubernetes: { type: 'in_cluster', allow: [{ service_account: 'teleport-iac:teleport-operator' }] },
    });
  });
});
