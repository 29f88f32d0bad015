// What a run (src/run/) asks of a machine platform. Each platform has its folder in src/providers/
// (fly, koyeb, comfydeploy) and implements this contract. Nothing here knows of GitHub: "owner
// labels", "revision" and "source" are opaque to the platform.

export interface ProgressLog {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  /** Just before the first change (an app, machine or update); a run that changes nothing never calls it. */
  changing(): void;
  /** The machine started and the smoke window begins: work that need not wait for the verdict can run now. */
  started?(): void;
}

export interface PreviewTarget {
  appName: string;
  org: string;
  /**
   * Labels written to every machine this action creates, and the only way it recognises its own
   * machines again. A machine is "ours" when it carries every one of these labels with these values.
   */
  ownerLabels: Readonly<Record<string, string>>;
}

export interface Revision {
  /** What is deployed (the head commit sha); shown to users and written to the machine. */
  id: string;
  /** Newer revisions have larger values (ms since epoch). An older revision never replaces a newer one. */
  order: number;
}

export interface GuestSize {
  cpuKind: 'shared' | 'performance';
  cpus: number;
  memoryMb: number;
}

export interface DeployRequest extends PreviewTarget {
  region: string;
  image: string;
  guest: GuestSize;
  env: Readonly<Record<string, string>>;
  internalPort: number;
  revision: Revision;
  /** Overall budget for the machine to reach `started`, from the moment deploy() is called. */
  waitTimeoutMs: number;
  /**
   * How long a started machine must stay up, without exiting or being restarted, before it counts
   * as ready; 0 trusts `started`. The window runs after wait-timeout's budget, not within it.
   */
  smokeWindowMs: number;
  /**
   * Values the app reads as environment variables but which the platform keeps as secrets: never in
   * the machine or service config, never printed.
   */
  secrets: Readonly<Record<string, string>>;
  /** What an idle preview does where the app's own config says nothing: stopped, suspended, or kept running. */
  autostop: 'stop' | 'suspend' | 'off';
  /** The code under review, for platforms that build from source (ComfyDeploy); image platforms ignore it. */
  source?: SourceRef;
}

/** Where the code under review comes from, in terms any platform that builds from source can use. */
export interface SourceRef {
  /** An https clone URL that can fetch `commit`: the fork's when the change comes from a fork. */
  repositoryUrl: string;
  /** The 40-hex commit to build. */
  commit: string;
  /** Folder of the repository to deploy, '' for the root. */
  subPath: string;
}

/** The release command (a migration, say) run once before the app's machines change. */
export interface ReleaseDetail {
  /** The command as the app's config writes it. */
  command: string;
  exitCode: number | undefined;
  /** false: nothing changed this run, so it was not run again. */
  ran: boolean;
}

/** What a deploy did, beyond the one place the preview answers: for the comment and the job summary. */
export interface DeployDetails {
  /** One entry per process group (web, worker, ...), each with its machine. */
  groups: { name: string; machineId: string; state: string; region: string }[];
  /** Health checks as the platform last reported them. */
  checks: { group: string; name: string; status: string; output: string }[];
  release?: ReleaseDetail;
  /** How long each phase took (app, IPs, release, machines, boot, checks), in order. */
  phasesMs: { name: string; ms: number }[];
}

interface DeployedPlace {
  appName: string;
  /** The public hostname as the platform reports it; '' when it has none (yet). */
  hostname: string;
  /**
   * What a reviewer opens, when it is not `https://<hostname>` (Koyeb: undefined until a domain is
   * reported; ComfyDeploy: the machine's dashboard page).
   */
  url?: string;
  /** The platform's unit of this preview: Fly machine, Koyeb service, ComfyDeploy machine. */
  machineId: string;
  /** '' where the platform has no regions to choose (ComfyDeploy). */
  region: string;
  /** Absent from platforms that deploy one machine and nothing else. */
  details?: DeployDetails;
}

export type DeployOutcome =
  | (DeployedPlace & {
      kind: 'ready';
      /**
       * created: a new machine; updated: new config on the existing one; unchanged: it already ran
       * this exact config; moved: a new machine in the requested region replaced one elsewhere.
       */
      change: 'created' | 'updated' | 'unchanged' | 'moved';
    })
  | (DeployedPlace & {
      kind: 'superseded';
      /** The newer revision already deployed, which this run left in place. */
      deployedRevisionId: string;
    })
  | (DeployedPlace & {
      kind: 'failed';
      /** One sentence a user can act on, e.g. "the machine stopped during boot with exit code 1". */
      reason: string;
      state: string;
      exitCode: number | undefined;
      /** The machine's most recent events, oldest first, one line each. */
      recentEvents: string[];
    });

export type DestroyOutcome =
  | { kind: 'absent'; appName: string }
  | { kind: 'app-destroyed'; appName: string; machineIds: string[] }
  | {
      kind: 'machines-destroyed';
      appName: string;
      machineIds: string[];
      /** Machines this action did not create; they and the app were left standing. */
      foreignMachines: { id: string; name: string }[];
    };

/** What waking a preview for a review found and did. Nothing is ever deployed by it. */
export type WakeOutcome =
  /** This PR has no preview to wake. */
  | { kind: 'absent'; appName: string }
  /** The platform has nothing that sleeps between uses (ComfyDeploy's serverless machines). */
  | { kind: 'unsupported'; appName: string; reason: string }
  /** A deploy is changing the preview right now, and brings it up itself. */
  | { kind: 'busy'; appName: string; reason: string }
  /**
   * The preview's machines (Koyeb: its service) are running. `started`: those this call woke, with
   * the state each was in; empty when all were already up.
   */
  | { kind: 'awake'; appName: string; machineIds: string[]; started: { id: string; from: string }[] }
  | { kind: 'failed'; appName: string; reason: string };

/** Which previews to list: those in `org` with a machine carrying every one of these labels. */
export interface PreviewScope {
  org: string;
  labels: Readonly<Record<string, string>>;
  /**
   * Label keys whose values each listed machine must report. Platforms without labels keep them
   * under other names (Koyeb env vars) and can only report the keys asked for.
   */
  keys: readonly string[];
}

export interface PreviewMachine {
  id: string;
  /** All labels the machine carries (the owner labels among them). */
  labels: Readonly<Record<string, string>>;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string | undefined;
}

export interface PreviewListing {
  appName: string;
  /** Only the machines that carry the scope's labels; others in the app are not listed. */
  machines: PreviewMachine[];
}

export interface PreviewInventory {
  previews: PreviewListing[];
  /** Apps in the org that were looked at, ours or not. */
  appsExamined: number;
  /** Apps looked at without a machine in scope: not ours, never touched. */
  appsLeftAlone: number;
}

/** What the PR comment and the summaries say of this platform, in its own words. */
export interface ProviderTexts {
  /** Who can open a preview's URL, when not everyone with the link can; undefined when anyone can. */
  urlAccess: string | undefined;
  /** What holds a preview that busy() says a deploy is changing, as in "…, but <busy>". */
  busy: string;
}

export interface PreviewProvider {
  readonly texts: ProviderTexts;
  /** Every preview in scope. Reads only. */
  listPreviews(scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory>;
  /**
   * Whether a deploy holds any of these machines right now (a lease on Fly; a rollout or build still
   * under way where the platform has no leases); one to leave alone this time.
   */
  busy(appName: string, machineIds: readonly string[]): Promise<boolean>;
  /**
   * Where an app's preview answers (Fly: `<app>.fly.dev`) when that is known before deploying;
   * undefined when only the platform can say (Koyeb reports a domain) or there is none (ComfyDeploy).
   */
  hostnameFor(appName: string): string | undefined;
  deploy(request: DeployRequest, log: ProgressLog): Promise<DeployOutcome>;
  /**
   * Starts what of this preview sleeps (only machines carrying the owner labels) and waits, within
   * `waitTimeoutMs`, until it runs. Never redeploys.
   */
  wake(target: PreviewTarget, waitTimeoutMs: number, log: ProgressLog): Promise<WakeOutcome>;
  /**
   * Removes this preview, deleting only machines carrying the owner labels. Calls are spaced to
   * the platform's rate limits, so a sweep may call it many times in a row.
   */
  destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome>;
}

/**
 * How a platform names a preview (a Fly or Koyeb app, a ComfyDeploy machine), stated once in the
 * platform's names.ts: plan.ts builds the default name from it, and a name given as `app-name` is
 * checked against it. Only [a-z0-9-] ever appears in a default name.
 */
export interface NameRule {
  /** The longest default name: a longer one is cut to fit. */
  maxLength: number;
  /**
   * false: the default is `pr-<n>-<owner>-<repo>`, each run of other characters one dash, cut at
   * maxLength. true: it is `pr-<n>-<repo>`, and when that is too long the repository is cut and a
   * short hash of owner/repo appended, so two repositories sharing a long prefix still differ.
   */
  hashWhenLong: boolean;
  /** What a name given as `app-name` must match. */
  pattern: RegExp;
  /** That form in words, for the error that refuses a given name. */
  accepted: string;
}
