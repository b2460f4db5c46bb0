import { YamlFile } from '../../core/config/yaml-file';
import { Problem } from '../../core/errors';
import { TeleportKubeAgent } from '../../teleport/kube-agent';

/** Keys whose string values are credentials; they never belong in configuration (or output). */
const CREDENTIAL_KEYS = new Set(['authToken', 'auth-token', 'token', 'joinToken', 'password', 'clientSecret', 'client-secret', 'privateKey', 'apiKey']);

/** Values that look like credentials, wherever they are in a configuration file. */
export function credentialProblems(yaml: YamlFile): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, segments: string[]) => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...segments, String(i)]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (CREDENTIAL_KEYS.has(key) && typeof child === 'string' && child.length > 0) {
          const hint = segments.includes('teleport')
            ? ` (Teleport join tokens: create Secret ${TeleportKubeAgent.DEFAULT_JOIN_SECRET} with key ${TeleportKubeAgent.JOIN_SECRET_KEY} out of band and set join.secretName)`
            : '';
          problems.push(yaml.problem([...segments, key], `looks like a credential: secrets never go into configuration or output; reference an existing Secret instead${hint}`));
        } else visit(child, [...segments, key]);
      }
    }
  };
  visit(yaml.data, []);
  return problems;
}

/** `primary` plus the `others` that are not about a field `primary` already reports. */
export function withoutShadowed(primary: Problem[], others: Problem[]): Problem[] {
  const fields = new Set(primary.map((p) => p.field));
  return [...primary, ...others.filter((p) => !fields.has(p.field))];
}
