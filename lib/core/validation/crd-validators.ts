import type { ValidateFunction } from 'ajv';
import { CRD_VALIDATORS as CURRENT_VALIDATORS } from '../../../imports/current/validators';
import { CRD_VALIDATORS, CrdValidator } from '../../../imports/validators';
import { DEFAULT_VERSION_PROFILE, PROFILES, VersionProfileName } from '../../versions';

/** The generated validator registries, by imports/ folder (cdk8s.yaml `<folder>/<name>` entries). */
const BY_FOLDER: Readonly<Record<string, Readonly<Record<string, CrdValidator>>>> = { '': CRD_VALIDATORS, current: CURRENT_VALIDATORS };

const registries = new Map<VersionProfileName, Readonly<Record<string, CrdValidator>>>();
const loaded = new Map<CrdValidator, ValidateFunction>();

/**
 * The strict validators of `profile`, keyed by `<apiVersion>/<kind>`: its own CRDs' (imports/<folder>/)
 * over the shared ones (imports/), so a kind both import is judged by the profile's version.
 */
export function crdValidators(profile: VersionProfileName = DEFAULT_VERSION_PROFILE): Readonly<Record<string, CrdValidator>> {
  let registry = registries.get(profile);
  if (!registry) {
    const folder = PROFILES[profile].importsFolder;
    const own = BY_FOLDER[folder];
    if (!own) throw new Error(`version profile ${profile}: no validators generated in imports/${folder} (run npm run import)`);
    registry = folder ? { ...CRD_VALIDATORS, ...own } : CRD_VALIDATORS;
    registries.set(profile, registry);
  }
  return registry;
}

/** The compiled validator of `key` under `profile` (loaded once), or undefined for a kind without a CRD. */
export function loadCrdValidator(key: string, profile: VersionProfileName = DEFAULT_VERSION_PROFILE): { validate: ValidateFunction; entry: CrdValidator } | undefined {
  const entry = crdValidators(profile)[key];
  if (!entry) return undefined;
  let validate = loaded.get(entry);
  if (!validate) {
    validate = entry.load();
    loaded.set(entry, validate);
  }
  return { validate, entry };
}
