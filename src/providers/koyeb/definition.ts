// The service definition this action sends, and how it reads one back: the owner labels and the
// revision travel as env vars, since Koyeb has no tags.
import type { DeploymentDefinition, DeploymentEnv, ServiceLifeCycle } from './types.js';
import type { KoyebDeployRequest } from './context.js';
import { canonical } from '../canonical.js';
import type { RevisionMark } from '../revision.js';
import { secretName } from './secrets.js';

/** Every preview's service has this name, so racing creates in one app collide on it and converge. */
export const serviceName = 'preview';
/** Env keys for what is deployed; the owner labels become env keys too (see markerKey). */
const revisionKey = 'FLY_PREVIEW_SHA';
const orderKey = 'FLY_PREVIEW_ORDER';
/**
 * A digest of the secrets' values (secrets.ts secretsDigest): a changed value changes the definition,
 * and so reaches the service through a new deployment, without any value being read back.
 */
const secretsDigestKey = 'FLY_PREVIEW_SECRETS_DIGEST';
/** Seconds without a request before an idle preview sleeps. */
const idleSeconds = 300;

/** An owner label as an env key: uppercase letters, digits and underscores. */
export function markerKey(label: string): string {
  return label.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

export function envValue(definition: DeploymentDefinition | undefined, key: string): string | undefined {
  return definition?.env?.find((e) => e.key === key)?.value;
}

/** A service is ours when its definition carries every owner label as a marker env var. */
export function carries(definition: DeploymentDefinition | undefined, labels: Readonly<Record<string, string>>): boolean {
  return definition !== undefined && Object.entries(labels).every(([label, value]) => envValue(definition, markerKey(label)) === value);
}

/** The digest of the secrets' values a definition carries; undefined when it refers to no secret of ours. */
export function secretsDigestOf(definition: DeploymentDefinition | undefined): string | undefined {
  return envValue(definition, secretsDigestKey);
}

export function desiredDefinition(request: KoyebDeployRequest, secretsDigest: string | undefined): DeploymentDefinition {
  const scopes = [`region:${request.region}`];
  const markers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.ownerLabels).map(([label, value]) => [markerKey(label), value])),
    [revisionKey]: request.revision.id,
    [orderKey]: String(request.revision.order),
    ...(secretsDigest === undefined ? {} : { [secretsDigestKey]: secretsDigest }),
  };
  const secrets = request.secrets;
  const env: DeploymentEnv[] = [
    ...Object.entries(request.env)
      .filter(([key]) => !(key in markers) && !(key in secrets))
      .map(([key, value]) => ({ key, value })),
    ...Object.keys(secrets).map((key) => ({ key, secret: secretName(request.appName, key) })),
    ...Object.entries(markers).map(([key, value]) => ({ key, value })),
  ];
  // `stop`: deep sleep when idle; `suspend`: light sleep (faster wake); `off`: always one instance.
  const autostop = request.autostop;
  const sleepDelay = autostop === 'suspend' ? { light_sleep_value: idleSeconds } : { deep_sleep_value: idleSeconds };
  const port = request.internalPort;
  return {
    name: serviceName,
    type: 'WEB',
    docker: { image: request.image },
    env,
    ports: [{ port, protocol: 'http' }],
    routes: [{ port, path: '/' }],
    regions: [request.region],
    instance_types: [{ scopes, type: request.instanceType ?? 'nano' }],
    scalings: [
      autostop === 'off'
        ? { scopes, min: 1, max: 1 }
        : { scopes, min: 0, max: 1, targets: [{ sleep_idle_delay: sleepDelay }] },
    ],
    ...(request.healthCheckPath === undefined ? {} : { health_checks: [{ http: { port, path: request.healthCheckPath } }] }),
  };
}

export function lifeCycle(request: KoyebDeployRequest): ServiceLifeCycle | undefined {
  // delete_after_sleep counts from sleep, so it only means something for a service that can sleep.
  if (request.ttlSeconds === undefined || request.autostop === 'off') return undefined;
  return { delete_after_sleep: request.ttlSeconds };
}

/**
 * Whether the deployed definition is what we would send. Koyeb echoes definitions with defaults
 * filled in, so only what this action sets is compared; the order marker is left out, since a later
 * event for the same commit needs no new deployment.
 */
export function sameDefinition(current: DeploymentDefinition | undefined, desired: DeploymentDefinition): boolean {
  if (current === undefined) return false;
  const fingerprint = (d: DeploymentDefinition) =>
    canonical({
      type: d.type,
      image: d.docker?.image,
      env: (d.env ?? [])
        .filter((e) => e.key !== orderKey)
        .map((e) => ({ key: e.key, value: e.value ?? null, secret: e.secret ?? null }))
        .sort((a, b) => (a.key < b.key ? -1 : 1)),
      ports: (d.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol })),
      routes: (d.routes ?? []).map((r) => ({ port: r.port, path: r.path })),
      regions: [...(d.regions ?? [])].sort(),
      instanceTypes: (d.instance_types ?? []).map((t) => t.type),
      scalings: (d.scalings ?? []).map((s) => ({
        min: s.min,
        max: s.max,
        sleep: s.targets?.find((t) => t.sleep_idle_delay !== undefined)?.sleep_idle_delay ?? null,
      })),
      checks: (d.health_checks ?? []).map((c) => ({ http: c.http === undefined ? null : { port: c.http.port, path: c.http.path } })),
    });
  return fingerprint(current) === fingerprint(desired);
}

export function deployedRevision(definition: DeploymentDefinition | undefined): RevisionMark {
  return { id: envValue(definition, revisionKey) ?? '', order: Number(envValue(definition, orderKey) ?? 0) || 0 };
}
