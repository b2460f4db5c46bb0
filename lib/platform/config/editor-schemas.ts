import { crdValidators } from '../../core/validation/crd-validators';
import type { VersionProfileName } from '../../versions';
import { GlobalProxySettings } from '../../../imports/capsule-globalproxysettings-capsule.clastix.io';
import { ProxySetting } from '../../../imports/capsule-proxysettings-capsule.clastix.io';
import { PlatformSettings } from './platform-schema';
import { PLATFORM_KEY, TENANT_KEY, TenantHeader, TenantPlatformSettings } from './tenant-schema';

/**
 * JSON schemas for editors (yaml-language-server), built from the same schemas the loader
 * validates with: the TypeBox settings and the strict CRD schemas (with their descriptions).
 * `npm run schemas` writes them to schemas/; a test keeps the committed files current.
 */

type Schema = Record<string, any>;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** A plain JSON copy (TypeBox keeps type information in symbol keys). */
function plain(schema: unknown): Schema {
  return JSON.parse(JSON.stringify(schema));
}

function described(key: string, profile: VersionProfileName = 'seed'): Schema {
  const load = crdValidators(profile)[key].described;
  if (!load) throw new Error(`no described schema for ${key}: add it to DESCRIBED_KINDS in scripts/import and run npm run import`);
  return load();
}

export function platformEditorSchema(): Schema {
  return { $schema: DRAFT_07, ...plain(PlatformSettings) };
}

export function tenantEditorSchema(): Schema {
  // Capsule 0.14's Tenant: no field of 0.10.9's was removed, so it accepts what either profile does
  // (the synth then checks each tenant against the profile of its clusters), and its descriptions
  // say which fields are deprecated.
  const tenant = described(TENANT_KEY, 'current');
  const spec = tenant.properties.spec;
  const platform = plain(TenantPlatformSettings);
  // Items the loader validates with the CRDs' own schemas.
  platform.properties.proxySettings.properties.subjects.items = described(`${ProxySetting.GVK.apiVersion}/${ProxySetting.GVK.kind}`).properties.spec.properties.subjects.items;
  platform.properties.globalProxySettings.properties.rules.items = described(`${GlobalProxySettings.GVK.apiVersion}/${GlobalProxySettings.GVK.kind}`).properties.spec.properties.rules.items;

  const flat = {
    type: 'object',
    additionalProperties: false,
    required: ['name', ...(spec.required ?? [])],
    properties: { name: plain(TenantHeader.properties.name), [PLATFORM_KEY]: platform, ...spec.properties },
  };
  const manifest = {
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: { ...tenant.properties, [PLATFORM_KEY]: platform },
  };
  return {
    $schema: DRAFT_07,
    title: 'tenant file',
    description:
      'One tenant: `name`, the fields of the Capsule Tenant spec (capsule.clastix.io/v1beta2, Capsule 0.14; under versions seed only the fields of 0.10.9) at top level, and platform settings under `platform`; or a Tenant manifest with `platform` beside it.',
    if: { required: ['apiVersion'] },
    then: manifest,
    else: flat,
  };
}

/** Every editor schema, by file name under schemas/. */
export function editorSchemas(): Record<string, Schema> {
  return { 'platform.schema.json': platformEditorSchema(), 'tenant.schema.json': tenantEditorSchema() };
}
