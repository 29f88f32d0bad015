// Request and response shapes of the Koyeb API as far as this action uses them. Field names and
// enums are those of koyeb/koyeb-api-client-go api/v1/koyeb/openapi.json (`definitions.<Name>`
// below); test/sim/KOYEB_API.md lists the rules the simulator serves.

/** definitions.Error and definitions.ErrorWithFields (the 400 answer). */
export interface KoyebErrorBody {
  status?: number;
  code?: string;
  message?: string;
  fields?: { field?: string; description?: string }[];
}

/** definitions.Domain.Type */
export type DomainType = 'AUTOASSIGNED' | 'CUSTOM';

/** definitions.Domain (the fields read here). */
export interface Domain {
  id?: string;
  name: string;
  type?: DomainType;
  status?: 'PENDING' | 'ACTIVE' | 'ERROR' | 'DELETING' | 'DELETED';
  app_id?: string;
}

/** definitions.App.Status */
export type AppStatus = 'STARTING' | 'HEALTHY' | 'DEGRADED' | 'UNHEALTHY' | 'DELETING' | 'DELETED' | 'PAUSING' | 'PAUSED' | 'RESUMING';

/** definitions.App and definitions.AppListItem (what both carry). */
export interface App {
  id: string;
  name: string;
  organization_id?: string;
  status?: AppStatus;
  domains?: Domain[];
  created_at?: string;
}

/** definitions.AppLifeCycle */
export interface AppLifeCycle {
  delete_when_empty?: boolean;
}

/** definitions.CreateApp */
export interface CreateApp {
  name: string;
  life_cycle?: AppLifeCycle;
}

/** definitions.ListAppsReply, ListServicesReply: `count` and `has_next` besides the items. */
export interface Page {
  limit?: number;
  offset?: number;
  count?: number;
  has_next?: boolean;
}

/** definitions.DeploymentEnv: a plain `value` or the name of a Koyeb `secret`, never both. */
export interface DeploymentEnv {
  key: string;
  value?: string;
  secret?: string;
  scopes?: string[];
}

/** definitions.DeploymentPort (`protocol`: one of http, http2, tcp). */
export interface DeploymentPort {
  port: number;
  protocol: string;
}

/** definitions.DeploymentRoute */
export interface DeploymentRoute {
  port: number;
  path: string;
}

/** definitions.DeploymentScalingTargetSleepIdleDelay: seconds without requests before sleeping. */
export interface SleepIdleDelay {
  deep_sleep_value?: number;
  light_sleep_value?: number;
}

/** definitions.DeploymentScaling with only the sleep_idle_delay target of DeploymentScalingTarget. */
export interface DeploymentScaling {
  scopes?: string[];
  min: number;
  max: number;
  targets?: { sleep_idle_delay?: SleepIdleDelay }[];
}

/** definitions.DeploymentInstanceType */
export interface DeploymentInstanceType {
  scopes?: string[];
  type: string;
}

/** definitions.DeploymentHealthCheck with HTTPHealthCheck / TCPHealthCheck. */
export interface DeploymentHealthCheck {
  grace_period?: number;
  interval?: number;
  restart_limit?: number;
  timeout?: number;
  tcp?: { port: number };
  http?: { port: number; path: string; method?: string };
}

/** definitions.DeploymentDefinition.Type */
export type DefinitionType = 'INVALID' | 'WEB' | 'WORKER' | 'DATABASE' | 'SANDBOX';

/** definitions.DeploymentDefinition (the fields this action sets; Koyeb echoes more). */
export interface DeploymentDefinition {
  name?: string;
  type: DefinitionType;
  docker: { image: string };
  env?: DeploymentEnv[];
  ports?: DeploymentPort[];
  routes?: DeploymentRoute[];
  regions?: string[];
  scalings?: DeploymentScaling[];
  instance_types?: DeploymentInstanceType[];
  health_checks?: DeploymentHealthCheck[];
}

/** definitions.ServiceLifeCycle: seconds; delete_after_sleep counts from when the service went to sleep. */
export interface ServiceLifeCycle {
  delete_after_sleep?: number;
  delete_after_create?: number;
}

/** definitions.Service.Status */
export type ServiceStatus = 'STARTING' | 'HEALTHY' | 'DEGRADED' | 'UNHEALTHY' | 'DELETING' | 'DELETED' | 'PAUSING' | 'PAUSED' | 'RESUMING';

/** definitions.Service and definitions.ServiceListItem (what both carry). */
export interface Service {
  id: string;
  name: string;
  type?: 'INVALID_TYPE' | 'WEB' | 'WORKER' | 'DATABASE' | 'SANDBOX';
  app_id: string;
  status?: ServiceStatus;
  messages?: string[];
  created_at?: string;
  active_deployment_id?: string;
  latest_deployment_id?: string;
  life_cycle?: ServiceLifeCycle;
}

/** definitions.CreateService */
export interface CreateService {
  app_id: string;
  name?: string;
  definition: DeploymentDefinition;
  life_cycle?: ServiceLifeCycle;
}

/** definitions.UpdateService */
export interface UpdateService {
  definition: DeploymentDefinition;
  life_cycle?: ServiceLifeCycle;
}

/** definitions.Deployment.Status */
export type DeploymentStatus =
  | 'PENDING'
  | 'PROVISIONING'
  | 'SCHEDULED'
  | 'CANCELING'
  | 'CANCELED'
  | 'ALLOCATING'
  | 'STARTING'
  | 'HEALTHY'
  | 'DEGRADED'
  | 'UNHEALTHY'
  | 'STOPPING'
  | 'STOPPED'
  | 'ERRORING'
  | 'ERROR'
  | 'STASHED'
  | 'SLEEPING';

/** definitions.Deployment (the fields read here). */
export interface Deployment {
  id: string;
  service_id?: string;
  app_id?: string;
  status: DeploymentStatus;
  messages?: string[];
  definition?: DeploymentDefinition;
  created_at?: string;
}

/** definitions.Instance.Status */
export type InstanceStatus = 'ALLOCATING' | 'STARTING' | 'HEALTHY' | 'UNHEALTHY' | 'STOPPING' | 'STOPPED' | 'ERROR' | 'SLEEPING';

/** definitions.InstanceListItem */
export interface Instance {
  id: string;
  service_id?: string;
  region?: string;
  status?: InstanceStatus;
  messages?: string[];
  created_at?: string;
}

/** definitions.InstanceEvent */
export interface InstanceEvent {
  id?: string;
  when?: string;
  instance_id?: string;
  type?: string;
  message?: string;
}

/** definitions.Secret (SIMPLE secrets; `value` is never read back by this action). */
export interface Secret {
  id: string;
  name: string;
  type?: 'SIMPLE' | 'REGISTRY' | 'MANAGED';
}
