// Where a primary source shows the platform accepting or answering something its own description
// does not: each entry names the source. Nothing else is excused (test/sim/SPEC_CHECK.md); a finding
// without an entry fails the test that made it.
import type { Direction, Place, Platform } from './spec-check.ts';

export interface Allowance {
  platform: Platform;
  /** `METHOD /template` as the description keys it (Fly's without `/v1`); `*` for every operation. */
  operation: string;
  direction: Direction;
  in: Place;
  /**
   * A body field as a JSON path (`$.config.services[].autostop`: `[]` is any index, `*` any one
   * name), a parameter's name, or `$` for the body as a whole.
   */
  field: string;
  /** What the source shows there; without it, anything. */
  accept?: (value: unknown) => boolean;
  /** Only for answers with this status, or with at least this one. */
  status?: number;
  minStatus?: number;
  /**
   * For an answer the source shows in another shape: the body is held against this schema (its
   * `$ref`s point into the description) instead of the declared one, and must fit it.
   */
  schema?: object;
  /** What the source shows, in a sentence. */
  says: string;
  /** The file (and symbol) that shows it. */
  source: string;
}

const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isNull = (v: unknown): boolean => v === null;
const isString = (v: unknown): boolean => typeof v === 'string';

/** Machine answers that echo a config: create, update, show, and the list (whose items are machines). */
const machineAnswers = [
  'POST /apps/{app_name}/machines',
  'POST /apps/{app_name}/machines/{machine_id}',
  'GET /apps/{app_name}/machines/{machine_id}',
];
const each = (operations: string[], entry: Omit<Allowance, 'operation'>): Allowance[] => operations.map((operation) => ({ ...entry, operation }));

const autostop = {
  platform: 'fly' as const,
  accept: isBoolean,
  says: '`autostop` "off" and "stop" go as the booleans false and true; only "suspend" is a string. The description itself says the API still answers booleans.',
  source: 'superfly/fly-go machine_types.go MachineAutostop.MarshalJSON; fly-machines-openapi3.json fly.MachineService.autostop description',
};

const lease = {
  type: 'object',
  properties: { status: { type: 'string' }, data: { $ref: '#/components/schemas/Lease' }, message: { type: 'string' }, code: { type: 'string' } },
};

/** What fly-go decodes a start's answer into (machine_types.go MachineStartResponse). */
const machineStart = {
  type: 'object',
  properties: { message: { type: 'string' }, status: { type: 'string' }, previous_state: { type: 'string' } },
};

export const allowances: readonly Allowance[] = [
  // ---- Fly: requests
  ...each(['POST /apps/{app_name}/machines', 'POST /apps/{app_name}/machines/{machine_id}'], {
    ...autostop,
    direction: 'request',
    in: 'body',
    field: '$.config.services[].autostop',
  }),
  {
    platform: 'fly',
    operation: 'POST /apps',
    direction: 'request',
    in: 'query',
    field: 'wait',
    accept: (v) => v === 'true',
    says: 'CreateApp always posts to /apps?wait=true, so the answer comes once the app is usable.',
    source: 'superfly/fly-go flaps/flaps_apps.go CreateApp',
  },
  {
    platform: 'fly',
    operation: 'POST /apps/{app_name}/machines/{machine_id}/lease',
    direction: 'request',
    in: 'query',
    field: 'ttl',
    accept: (v) => typeof v === 'string' && /^\d+$/.test(v),
    says: 'AcquireLease sends the TTL as ?ttl=<seconds> and no body (the description has it in a required CreateLeaseRequest body).',
    source: 'superfly/fly-go flaps/flaps_machines.go AcquireLease',
  },
  {
    platform: 'fly',
    operation: 'POST /apps/{app_name}/machines/{machine_id}/lease',
    direction: 'request',
    in: 'body',
    field: '$',
    accept: (v) => v === undefined,
    says: 'AcquireLease sends no body (nil), the TTL being in the query.',
    source: 'superfly/fly-go flaps/flaps_machines.go AcquireLease',
  },
  {
    platform: 'fly',
    operation: 'GET /apps/{app_name}/machines',
    direction: 'request',
    in: 'query',
    field: 'metadata.*',
    accept: isString,
    says: 'The machine list filters on `metadata.<key>=<value>`.',
    source: "Fly's newer description, superfly/docs api/machines/openapi.json (Machines_list `metadata.{key}`; see test/sim/specs/SOURCES.md)",
  },
  {
    platform: 'fly',
    operation: 'GET /apps/{app_name}/machines/{machine_id}/wait',
    direction: 'request',
    in: 'query',
    field: 'state',
    accept: (v) => Array.isArray(v) && v.every((s) => ['started', 'stopped', 'suspended', 'destroyed', 'failed', 'settled'].includes(String(s))),
    says: 'Several states go as a repeated `state` parameter; the description\'s own text says "supports repeated or comma-separated values".',
    source: 'superfly/fly-go flaps/flaps_machines_wait.go Wait (go-querystring encodes []string State as repeated state=); fly-machines-openapi3.json Machines_wait `state`',
  },
  {
    platform: 'fly',
    operation: 'POST /apps/{app_name}/secrets',
    direction: 'request',
    in: 'body',
    field: '$.values.*',
    accept: isNull,
    says: 'A null value unsets the secret: the values are map[string]*string, and the description\'s text says "with values to set, or nil to unset".',
    source: 'superfly/fly-go secrets_types.go UpdateAppSecretsRequest.Values, flaps/flaps_secrets.go UpdateAppSecrets; fly-machines-openapi3.json Secrets_update requestBody description',
  },

  // ---- Fly: answers
  ...each(machineAnswers, { ...autostop, direction: 'answer', in: 'body', field: '$.config.services[].autostop' }),
  { ...autostop, operation: 'GET /apps/{app_name}/machines', direction: 'answer', in: 'body', field: '$[].config.services[].autostop' },
  {
    platform: 'fly',
    operation: 'POST /apps',
    direction: 'answer',
    in: 'body',
    field: '$',
    status: 201,
    schema: { $ref: '#/components/schemas/App' },
    says: 'The 201 carries the App (the description declares no body): CreateApp decodes the answer into an App, which an empty body would fail.',
    source: 'superfly/fly-go flaps/flaps_apps.go CreateApp (_sendRequest(…, &app))',
  },
  ...each(['POST /apps/{app_name}/machines/{machine_id}/lease', 'GET /apps/{app_name}/machines/{machine_id}/lease'], {
    platform: 'fly',
    direction: 'answer',
    in: 'body',
    field: '$',
    schema: lease,
    says: 'A lease is answered as {status, data: {nonce, expires_at, owner, version}, message?, code?}, not as the bare Lease.',
    source: 'superfly/fly-go machine_types.go MachineLease, MachineLeaseData; flaps/flaps_machines.go AcquireLease, FindLease',
  }),
  {
    platform: 'fly',
    operation: 'POST /apps/{app_name}/machines/{machine_id}/start',
    direction: 'answer',
    in: 'body',
    field: '$',
    schema: machineStart,
    says: 'A start is answered with a body, {message?, status?, previous_state?}, where the description declares none.',
    source: 'superfly/fly-go flaps/flaps_machines.go Start (decodes the answer into fly.MachineStartResponse); machine_types.go MachineStartResponse',
  },
  ...each([...machineAnswers], {
    platform: 'fly',
    direction: 'answer',
    in: 'body',
    field: '$.incomplete_config',
    accept: isNull,
    says: 'A machine answer carries `incomplete_config: null`.',
    source: 'test/fixtures/fly-real/machine-create-2024-09-04.json and machine-get-2025-09-10.json (recorded from the real API)',
  }),
  {
    platform: 'fly',
    operation: 'GET /apps/{app_name}/machines',
    direction: 'answer',
    in: 'body',
    field: '$[].incomplete_config',
    accept: isNull,
    says: 'A machine answer carries `incomplete_config: null`.',
    source: 'test/fixtures/fly-real/machine-create-2024-09-04.json and machine-get-2025-09-10.json (recorded from the real API)',
  },
  ...each([...machineAnswers], {
    platform: 'fly',
    direction: 'answer',
    in: 'body',
    field: '$.config.services[].force_instance_key',
    accept: isNull,
    says: 'A service echoes `force_instance_key: null` (a *string without omitempty).',
    source: 'test/fixtures/fly-real/machine-create-2024-09-04.json; superfly/fly-go machine_types.go MachineService.ForceInstanceKey',
  }),
  {
    platform: 'fly',
    operation: 'GET /apps/{app_name}/machines',
    direction: 'answer',
    in: 'body',
    field: '$[].config.services[].force_instance_key',
    accept: isNull,
    says: 'A service echoes `force_instance_key: null` (a *string without omitempty).',
    source: 'test/fixtures/fly-real/machine-create-2024-09-04.json; superfly/fly-go machine_types.go MachineService.ForceInstanceKey',
  },
  ...each([...machineAnswers], {
    platform: 'fly',
    direction: 'answer',
    in: 'body',
    field: '$.image_ref.labels',
    accept: isNull,
    says: 'An image without labels is answered with `labels: null`.',
    source: 'test/fixtures/fly-real/machine-create-2024-09-04.json (recorded from the real API)',
  }),
  {
    platform: 'fly',
    operation: 'GET /apps/{app_name}/machines',
    direction: 'answer',
    in: 'body',
    field: '$[].image_ref.labels',
    accept: isNull,
    says: 'An image without labels is answered with `labels: null`.',
    source: 'test/fixtures/fly-real/machine-create-2024-09-04.json (recorded from the real API)',
  },
  ...['$.attached_machine_id', '$.attached_alloc_id', '$[].attached_machine_id', '$[].attached_alloc_id'].flatMap((field) =>
    each(
      field.startsWith('$[]')
        ? ['GET /apps/{app_name}/volumes']
        : ['POST /apps/{app_name}/volumes', 'GET /apps/{app_name}/volumes/{volume_id}', 'DELETE /apps/{app_name}/volumes/{volume_id}'],
      {
        platform: 'fly',
        direction: 'answer',
        in: 'body',
        field,
        accept: isNull,
        says: 'A volume attached to nothing answers `attached_machine_id: null` and `attached_alloc_id: null`.',
        source: 'test/fixtures/fly-real/volume-create-2025-09-13.json (recorded); superfly/fly-go volume_types.go Volume.AttachedMachine, AttachedAllocation (*string)',
      },
    ),
  ),
  {
    platform: 'fly',
    operation: '*',
    direction: 'answer',
    in: 'body',
    field: '$.message',
    minStatus: 400,
    accept: isString,
    says: 'An error body may carry `message`, which fly-go reads before `error`.',
    source: 'superfly/fly-go flaps/flaps.go handleAPIError',
  },
  {
    platform: 'fly',
    operation: 'POST /apps',
    direction: 'answer',
    in: 'body',
    field: '$.status',
    status: 422,
    accept: (v) => v === 'name_taken',
    says: 'A taken app name is a 422 whose `status` is `name_taken`.',
    source: "superfly/fly-go flaps/flaps_error.go nameTaken, IsNameTakenError; Fly's newer description, superfly/docs api/machines/openapi.json (Apps_create 422)",
  },

  // ---- GitHub: answers
  {
    platform: 'github',
    operation: 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    direction: 'answer',
    in: 'body',
    field: '$.target_url',
    accept: (v) => v === '',
    says: 'A status created without a log_url or target_url answers `target_url: ""`: the field is required, and the description itself gives it `default: ""` beside its `format: uri`.',
    source: '@octokit/openapi generated/api.github.com.json components.schemas.deployment-status.properties.target_url (default "")',
  },
  ...['GET /repos/{owner}/{repo}/pulls/{pull_number} $.head.repo', 'GET /repos/{owner}/{repo}/pulls $[].head.repo'].map((entry): Allowance => {
    const [method = '', template = '', field = ''] = entry.split(' ');
    return {
      platform: 'github',
      operation: `${method} ${template}`,
      direction: 'answer',
      in: 'body',
      field,
      accept: isNull,
      says: "A pull request whose head fork was deleted has `head.repo: null`; the description's `repository` is not nullable there.",
      source: 'github/rest-api-description issues #424 (pull-request, reproduced on api.github.com) and #1811 (pull-request-simple, open)',
    };
  }),
];
