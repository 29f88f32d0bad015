// Request and response shapes of the ComfyDeploy API as far as this action uses them. Field names
// are those of comfy-deploy/api: src/api/routes/machines.py (ServerlessMachineModel,
// UpdateServerlessMachineModel), src/api/models.py (Machine, MachineVersion, get_machine_columns),
// src/api/routes/types.py (MachineGPU) and src/api/utils/docker.py (DockerStep, CustomNode).
// test/sim/COMFYDEPLOY_API.md lists the rules the simulator serves, with line ranges.

/** One entry of FastAPI's 422 answer (pydantic's error list). */
export interface ValidationIssue {
  loc?: (string | number)[];
  msg?: string;
  type?: string;
}

/** FastAPI's error body: a string for HTTPException, a list of issues for a 422, an object where a route raised one. */
export interface FastApiErrorBody {
  detail?: string | ValidationIssue[] | Record<string, unknown>;
}

/** routes/types.py MachineGPU (also the machine_gpu enum of models.py get_machine_columns). */
export const machineGpus = ['CPU', 'T4', 'L4', 'A10G', 'L40S', 'A100', 'A100-80GB', 'H100', 'H200', 'B200'] as const;
export type MachineGpu = (typeof machineGpus)[number];

/** models.py get_machine_columns `status` (machine_status enum), shared by machines and their versions. */
export type MachineStatus = 'not-started' | 'ready' | 'building' | 'error' | 'running' | 'paused' | 'starting';

/** utils/docker.py CustomNode: the `data` of a `custom-node` step. */
export interface CustomNodeData {
  url: string;
  /** The commit `git reset --hard` goes to after the clone. */
  hash?: string;
  install_type: 'git-clone' | 'copy';
  name?: string;
  pip?: string[];
  files?: string[];
}

/**
 * utils/docker.py DockerStep. `commands` data is Dockerfile lines joined by newlines. The `id` is
 * what the dashboard puts on each step (tests/api/routes/test_machine.py); the API stores it as sent.
 */
export type DockerStep =
  | { id?: string; type: 'custom-node'; data: CustomNodeData }
  | { id?: string; type: 'commands'; data: string }
  | { id?: string; type: 'custom-node-manager'; data: { node_id: string; version: string } };

/** What fly-preview writes beside `steps`: the API keeps unknown keys of this free-form dict. */
export interface PreviewMarker {
  /** The owner labels, as for the other platforms. */
  labels: Record<string, string>;
  /** The clone URL the preview's own step installs, so marker and step must agree. */
  source: string;
  revision: string;
  order: number;
}

/** machines.py ServerlessMachineModel.docker_command_steps: `Optional[Dict[str, Any]]`, stored as sent. */
export interface DockerCommandSteps {
  steps: DockerStep[];
  fly_preview?: PreviewMarker;
}

/**
 * A machine as GET /machines (with include_docker_command_steps), GET /machine/{id} and the
 * create/update answers (models.py Machine.to_dict) carry it. The answers also hold `auth_token`,
 * a credential of the machine: it is deliberately not typed here, and no answer is ever logged whole.
 */
export interface Machine {
  id: string;
  name: string;
  type?: string;
  status?: MachineStatus;
  gpu?: MachineGpu | null;
  comfyui_version?: string | null;
  docker_command_steps?: DockerCommandSteps | null;
  /** The build the machine points at; a rebuild moves it to the new version. */
  machine_version_id?: string | null;
  /** JSON text of `[{logs, timestamp}]`, or null (the builder writes null when it skips static assets). */
  import_failed_logs?: string | null;
  build_log?: string | null;
  keep_warm?: number;
  idle_timeout?: number;
  deleted?: boolean;
  created_at?: string;
  updated_at?: string;
}

/** models.py MachineVersion: a copy of the machine's columns at the time of one build, with its own status and log. */
export interface MachineVersion {
  id: string;
  machine_id: string;
  version: number;
  status: MachineStatus;
  /** JSON text of `[{logs, timestamp}]` once the build ended (modal/builder.py update_machine_version_build_time). */
  build_log?: string | null;
  docker_command_steps?: DockerCommandSteps | null;
  comfyui_version?: string | null;
  gpu?: MachineGpu | null;
  created_at?: string;
  updated_at?: string;
}

/** One entry of the JSON in build_log and import_failed_logs (modal/builder.py build_logic). */
export interface BuildLogEntry {
  logs: string;
  timestamp?: number;
}

/** machines.py ServerlessMachineModel (the fields this action sets; the rest keep the API's defaults). */
export interface CreateServerlessMachine {
  name: string;
  gpu: MachineGpu;
  comfyui_version: string;
  docker_command_steps: DockerCommandSteps;
  keep_warm: number;
  idle_timeout: number;
}

/** machines.py UpdateServerlessMachineModel: null/absent fields are left as they are. */
export interface UpdateServerlessMachine {
  gpu?: MachineGpu;
  comfyui_version?: string;
  docker_command_steps?: DockerCommandSteps;
  idle_timeout?: number;
  keep_warm?: number;
  /** Rebuild even though no field changed: how a re-run retries a failed build. */
  is_trigger_rebuild?: boolean;
}
