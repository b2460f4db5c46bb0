import { YamlFile } from '../../core/config/yaml-file';
import { Problem } from '../../core/errors';
import { TeleportKubeAgent } from '../../teleport/kube-agent';

/**
 * Credentials never belong in configuration (or output): a setting holds the name of a Secret
 * created out of band. Two kinds of string values are refused, wherever they are in a file.
 */

// Keys whose string values are credentials, compared lowercase without '-' and '_' (authToken,
// auth-token, DB_PASSWORD, aws_secret_access_key). Suffixes only, so that names of Secrets
// (existingSecret, secretName, tokenName) and files (passwordFile) stay allowed.
const CREDENTIAL_KEY = /(password|passwd|token|apikey|accesskey|secretkey|privatekey|clientsecret)$/;
const KEY_SEPARATORS = /[-_]/g;
// Helm's convention for settings that name an existing Secret (existingSecretKey, existingSecretPasswordKey).
const SECRET_REFERENCE_KEY = /^existing/;
// A value that is filled in later ({{ .Values.x }}, ${TOKEN}) is not a credential itself.
const TEMPLATE = /\{\{|\$\{/;

// Values that are credentials whatever their key: well-known token and key formats.
const CREDENTIAL_VALUES: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, 'a PEM private key'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/, 'a JWT'],
];
// One test per string value; which format matched is only looked up for a match.
const ANY_CREDENTIAL_VALUE = new RegExp(CREDENTIAL_VALUES.map(([pattern]) => pattern.source).join('|'));

const MESSAGE = 'secrets never go into configuration or output; reference an existing Secret instead';

/** Values that look like credentials, wherever they are in a configuration file. */
export function credentialProblems(yaml: YamlFile): Problem[] {
  const problems: Problem[] = [];
  const report = (segments: string[], what: string) => {
    const hint = segments.includes('teleport')
      ? ` (Teleport join tokens: create Secret ${TeleportKubeAgent.DEFAULT_JOIN_SECRET} with key ${TeleportKubeAgent.JOIN_SECRET_KEY} out of band and set join.secretName)`
      : '';
    problems.push(yaml.problem(segments, `looks like a credential${what}: ${MESSAGE}${hint}`));
  };
  const visit = (value: unknown, segments: string[]) => {
    if (typeof value === 'string') {
      const what = credentialValue(value);
      if (what) report(segments, ` (${what})`);
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...segments, String(i)]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (typeof child === 'string' && child.length > 0 && isCredentialKey(key) && !TEMPLATE.test(child)) report([...segments, key], '');
        else visit(child, [...segments, key]);
      }
    }
  };
  visit(yaml.data, []);
  return problems;
}

function isCredentialKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(KEY_SEPARATORS, '');
  return CREDENTIAL_KEY.test(normalized) && !SECRET_REFERENCE_KEY.test(normalized);
}

/**
 * What kind of credential `value` is, if it looks like one. (A JWKS with private members is refused
 * where a JWKS belongs, with a message of its own: teleport-config.ts.)
 */
function credentialValue(value: string): string | undefined {
  return ANY_CREDENTIAL_VALUE.test(value) ? CREDENTIAL_VALUES.find(([pattern]) => pattern.test(value))?.[1] : undefined;
}

/** `primary` plus the `others` that are not about a field `primary` already reports. */
export function withoutShadowed(primary: Problem[], others: Problem[]): Problem[] {
  const fields = new Set(primary.map((p) => p.field));
  return [...primary, ...others.filter((p) => !fields.has(p.field))];
}
