// What a preview's PR comment (and job summary) shows, as plain data: the runs fill it in, render.ts
// turns it into Markdown, comment.ts keeps it. Nothing of any platform or database internals.

interface Place {
  appName: string;
  /** undefined while the platform has not said where the preview answers. */
  url: string | undefined;
  /** Who can open the URL, when not everyone with the link can. */
  access?: string | undefined;
  /** '' where the platform has no regions. */
  region: string;
  /** What the deploy did, when the platform reports more than one machine's place. */
  details?: PreviewDetails;
  /** The preview's own database, once the run has made or found it. */
  database?: DatabaseView;
}

/** A preview's database as the PR shows it: its name and what it was copied from; nothing of the server. */
export interface DatabaseView {
  name: string;
  /** The database it was copied from; undefined when it began empty. */
  template: string | undefined;
}

/** What became of a preview's database when the preview went. */
export interface DroppedDatabaseView {
  name: string;
  /** removed: dropped now, or already gone; not-ours: one of that name without fly-preview's marker, left alone. */
  state: 'removed' | 'not-ours' | 'failed';
  /** Why a drop failed. */
  reason?: string;
}

/** Plain data about a deploy: its process groups, checks, release command and phase times. */
export interface PreviewDetails {
  groups: { name: string; machineId: string; state: string; region: string }[];
  checks: { group: string; name: string; status: string; output: string }[];
  release?: { command: string; exitCode: number | undefined; ran: boolean };
  phasesMs: { name: string; ms: number }[];
}

/** When a review start last woke the preview: an ISO time, and how many machines it started. */
export interface Woken {
  at: string;
  started: number;
}

/** A live preview holding a place under the cap, as a refused PR is told of it. */
export interface PlaceHolder {
  number: number;
  url: string;
  appName: string;
  /** Since its last activity, in words ("3 days"). */
  idle: string;
}

/** What the comment (and the job summary) shows. Plain data: no platform or API types. */
export type PreviewView =
  | (Place & { state: 'deploying'; sha: string })
  | (Place & { state: 'ready'; sha: string; machineId: string; woken?: Woken })
  | (Place & { state: 'superseded'; sha: string; machineId: string; deployedSha: string; woken?: Woken })
  | (Place & {
      state: 'failed';
      sha: string;
      /** Absent when the failure came before a machine existed. */
      machineId: string | undefined;
      reason: string;
      exitCode: number | undefined;
      recentEvents: string[];
      /** The run stopped before it changed anything on the platform (its database step failed). */
      beforePlatform?: boolean;
    })
  | {
      state: 'destroyed';
      appName: string;
      sha: string;
      keptMachines: string[];
      /**
       * Why, when not the close run: a sweep (or a deploy needing its place) found the PR closed, the
       * preview idle past its ttl, it was the least recently active when PR `by` needed a place under
       * the cap (`by` undefined: a sweep brought the count down to it), the PR became a draft, its
       * label was removed, or someone asked.
       */
      cause?:
        | { kind: 'sweep' }
        | { kind: 'expired'; idleFor: string }
        | { kind: 'evicted'; cap: number; by: { number: number; url: string } | undefined }
        /** The PR became a draft, and drafts get no preview (`drafts: skip`). */
        | { kind: 'draft' }
        /** Its opt-in label was removed. */
        | { kind: 'unlabeled' }
        /** Someone asked: `/preview destroy`, or a run with `mode: destroy`. */
        | { kind: 'asked' };
      database?: DroppedDatabaseView;
    }
  /**
   * No preview was created: `max-previews` live previews hold every place, and none could be made
   * free. `why` says so as a clause: the policy is refuse, or what kept each candidate from going.
   */
  | { state: 'refused'; appName: string; sha: string; cap: number; holders: PlaceHolder[]; why: string };

export interface Footer {
  /** Link to this workflow run, so a reader can open the log. */
  runUrl: string | undefined;
}
