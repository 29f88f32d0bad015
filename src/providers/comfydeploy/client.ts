// Typed ComfyDeploy API calls (comfy-deploy/api src/api/routes/machines.py). Each method is one
// request, or one paged listing; what to do with the answers is the phase modules' (machine.ts, build.ts, …).
import { ApiError, JsonHttp, type PlatformClientOptions } from '../http.js';
import type { CreateServerlessMachine, FastApiErrorBody, Machine, MachineVersion, UpdateServerlessMachine } from './types.js';

export type ComfyDeployClientOptions = PlatformClientOptions;

const api = 'ComfyDeploy API';
/** GET /machines answers at most `limit` rows, newest update first (machines.py get_machines). */
const pageSize = 100;

const id = (value: string): string => encodeURIComponent(value);

/**
 * FastAPI's `detail`: a sentence, or on a 422 the list of pydantic issues, shown as
 * `comfyui_version: String should match pattern ...` (the `body` prefix of `loc` says nothing).
 */
export function comfyDeployErrorMessage(body: unknown): string | undefined {
  const { detail } = body as FastApiErrorBody;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const issues = detail.map((issue) => {
      const where = (issue.loc ?? []).filter((part, i) => !(i === 0 && part === 'body')).join('.');
      return where === '' ? (issue.msg ?? '') : `${where}: ${issue.msg ?? issue.type ?? 'invalid'}`;
    });
    return issues.filter((text) => text !== '').join('; ') || undefined;
  }
  if (typeof detail === 'object' && detail !== null) {
    const { message, error } = detail as { message?: unknown; error?: unknown };
    if (typeof message === 'string') return message;
    if (typeof error === 'string') return error;
  }
  return undefined;
}

/**
 * A 403 to a create or update: ComfyDeploy answers plan limits (always-on machines, GPU
 * concurrency, features of paid plans) with 403 (machines.py validate_free_plan_restrictions), so
 * this is not a token problem and says so.
 */
export class ComfyDeployPlanError extends ApiError {
  constructor(call: string, detail: string, requestId: string | undefined, body: unknown) {
    super(
      { api, call, status: 403, detail, requestId, body },
      `${api}: ${call} was refused by the organisation's ComfyDeploy plan (403): ${detail}${requestId === undefined ? '' : ` (request id ${requestId})`}`,
    );
    this.name = 'ComfyDeployPlanError';
  }
}

export class ComfyDeployClient {
  readonly #http: JsonHttp;

  constructor(options: ComfyDeployClientOptions) {
    this.#http = new JsonHttp({
      ...options,
      api,
      authorization: `Bearer ${options.token}`,
      errorMessage: comfyDeployErrorMessage,
      requestIdHeader: 'x-request-id',
      authHint:
        'Check the comfydeploy-api-token input: it must be a ComfyDeploy API key of the organisation that should hold the previews (dashboard → Settings → API Keys).',
    });
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  /**
   * Machines not deleted, with their docker_command_steps (the only place the ownership marker is
   * echoed). `search` is a case-insensitive substring match (ILIKE), so callers compare names exactly.
   */
  async listMachines(search?: string): Promise<Machine[]> {
    const machines: Machine[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const { data } = await this.#http.call<Machine[]>('GET', '/machines', {
        query: { search, is_deleted: false, include_docker_command_steps: true, limit: pageSize, offset },
      });
      const page = Array.isArray(data) ? data : [];
      machines.push(...page);
      if (page.length < pageSize) return machines;
    }
  }

  /** The machines of exactly this name that are not deleted. */
  async findMachines(name: string): Promise<Machine[]> {
    return (await this.listMachines(name)).filter((m) => m.name === name);
  }

  /** undefined when absent or deleted (machines.py get_machine filters `deleted = FALSE`). */
  async getMachine(machineId: string): Promise<Machine | undefined> {
    const { status, data } = await this.#http.call<Machine>('GET', `/machine/${id(machineId)}`, { expect: [404] });
    return status === 404 ? undefined : data;
  }

  /** The answer carries `machine_version_id`, the build the create started. */
  createMachine(body: CreateServerlessMachine): Promise<Machine> {
    return this.#change<Machine>('POST', '/machine/serverless', body);
  }

  /** A rebuild (new `machine_version_id`) only when a build field changed or `is_trigger_rebuild` is set. */
  updateMachine(machineId: string, body: UpdateServerlessMachine): Promise<Machine> {
    return this.#change<Machine>('PATCH', `/machine/serverless/${id(machineId)}`, body);
  }

  async #change<T>(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<T> {
    const answer = await this.#http.call<T>(method, path, { body, expect: [403], idempotent: false });
    if (answer.status === 403) {
      throw new ComfyDeployPlanError(`${method} ${path}`, comfyDeployErrorMessage(answer.data) ?? 'HTTP 403', answer.requestId, answer.data);
    }
    return answer.data;
  }

  async getVersion(machineId: string, versionId: string): Promise<MachineVersion | undefined> {
    const { status, data } = await this.#http.call<MachineVersion>('GET', `/machine/serverless/${id(machineId)}/versions/${id(versionId)}`, {
      expect: [404],
    });
    return status === 404 ? undefined : data;
  }

  /**
   * Soft-deletes the machine (machines.py delete_machine). `force` skips the 402 for machines that
   * workflows are deployed on. 'keep-warm' is the 400 for a machine with keep_warm > 0, which must
   * be set to 0 first; 'absent' is the 404.
   */
  async deleteMachine(machineId: string): Promise<'deleted' | 'absent' | 'keep-warm'> {
    const path = `/machine/${id(machineId)}`;
    const { status, data, requestId } = await this.#http.call<FastApiErrorBody>('DELETE', path, { query: { force: true }, expect: [400, 404] });
    if (status === 404) return 'absent';
    if (status !== 400) return 'deleted';
    const detail = comfyDeployErrorMessage(data) ?? 'HTTP 400';
    if (/keep warm/i.test(detail)) return 'keep-warm';
    throw new ApiError({ api, call: `DELETE ${path}`, status, detail, requestId, body: data });
  }
}
