/**
 * Argo CD health checks (Lua, `resource.customizations.health.<group>_<kind>` in `argocd-cm`) for
 * the kinds the platform renders whose health Argo CD cannot judge by itself. Without them Argo CD
 * takes such an object as healthy as soon as it exists, and a sync wave would not wait for it.
 *
 * Each check reads only status fields of the pinned CRD (cdk8s.yaml):
 *
 * - `Application` (argoproj.io): Argo CD dropped its built-in health of Applications in 1.8, so an
 *   app of apps does not wait for its child Applications without this; it passes the child's
 *   `status.health` through.
 * - `Tenant` (capsule.clastix.io, v1beta2): `status.state` is `Active` or `Cordoned` (required, set by
 *   Capsule's tenant controller); no status yet means Capsule has not reconciled it.
 * - `ClusterPolicy` (kyverno.io, v1): the `Ready` condition, the one Flux waits for too
 *   (CLUSTER_POLICY_READINESS); `False` is transient (webhook not configured yet), so Progressing.
 * - `ValidatingPolicy` (policies.kyverno.io): `status.conditionStatus.ready`, with the messages of
 *   its `False` conditions while it is not.
 * - `TeleportRoleV8` (resources.teleport.dev): the operator's `SuccessfullyReconciled` condition;
 *   `TeleportResourceOwned=False` means a role of that name exists in Teleport that the operator
 *   does not own, which never heals by itself.
 */
export interface ArgoCdHealthCheck {
  readonly group: string;
  readonly kind: string;
  readonly lua: string;
}

/** Lua helper shared by the checks: the condition of `type` in a condition list, or nil. */
const FIND_CONDITION = `local function condition(conditions, type)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == type then return c end
  end
  return nil
end`;

export const ARGOCD_HEALTH_CHECKS: readonly ArgoCdHealthCheck[] = [
  {
    group: 'argoproj.io',
    kind: 'Application',
    lua: `local hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then hs.message = obj.status.health.message end
end
return hs`,
  },
  {
    group: 'capsule.clastix.io',
    kind: 'Tenant',
    lua: `local hs = { status = "Progressing", message = "waiting for Capsule to reconcile the tenant" }
if obj.status ~= nil and obj.status.state ~= nil then
  if obj.status.state == "Active" then
    hs.status = "Healthy"
    hs.message = "active, " .. tostring(obj.status.size or 0) .. " namespace(s)"
  elseif obj.status.state == "Cordoned" then
    hs.status = "Suspended"
    hs.message = "cordoned: no changes in its namespaces are admitted"
  else
    hs.status = "Unknown"
    hs.message = "unknown state " .. obj.status.state
  end
end
return hs`,
  },
  {
    group: 'kyverno.io',
    kind: 'ClusterPolicy',
    lua: `${FIND_CONDITION}
local hs = { status = "Progressing", message = "waiting for Kyverno to load the policy" }
local ready = obj.status ~= nil and condition(obj.status.conditions, "Ready") or nil
if ready ~= nil then
  hs.message = ready.message or ""
  if ready.status == "True" then hs.status = "Healthy" end
end
return hs`,
  },
  {
    group: 'policies.kyverno.io',
    kind: 'ValidatingPolicy',
    lua: `local hs = { status = "Progressing", message = "waiting for Kyverno to load the policy" }
local cs = obj.status ~= nil and obj.status.conditionStatus or nil
if cs ~= nil then
  if cs.ready == true then
    hs.status = "Healthy"
    hs.message = cs.message or ""
  elseif cs.conditions ~= nil then
    local pending = {}
    for _, c in ipairs(cs.conditions) do
      if c.status == "False" then table.insert(pending, c.type .. ": " .. (c.message or "")) end
    end
    if #pending > 0 then hs.message = table.concat(pending, "; ") end
  end
end
return hs`,
  },
  {
    group: 'resources.teleport.dev',
    kind: 'TeleportRoleV8',
    lua: `${FIND_CONDITION}
local hs = { status = "Progressing", message = "waiting for the Teleport operator" }
local conditions = obj.status ~= nil and obj.status.conditions or nil
local owned = condition(conditions, "TeleportResourceOwned")
local reconciled = condition(conditions, "SuccessfullyReconciled")
if owned ~= nil and owned.status == "False" then
  hs.status = "Degraded"
  hs.message = owned.message
elseif reconciled ~= nil then
  hs.message = reconciled.message
  if reconciled.status == "True" then hs.status = "Healthy" else hs.status = "Degraded" end
end
return hs`,
  },
];

/** The `argocd-cm` key of a health check. */
export function healthCheckKey(check: Pick<ArgoCdHealthCheck, 'group' | 'kind'>): string {
  return `resource.customizations.health.${check.group}_${check.kind}`;
}

/** `argocd-cm` key that turns on application sync impersonation (Argo CD 2.13+, beta since 3.5). */
export const IMPERSONATION_KEY = 'application.sync.impersonation.enabled';
