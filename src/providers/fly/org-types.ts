// The org-wide machine listing (description Machines_org_list), which a sweep reads instead of
// one request per app: its own answer shapes, apart from the per-app machine types in types.ts.
import type { MachineGuest, MachineState } from './types.js';

/**
 * A machine in the org-wide listing (description OrgMachine): its app's name, and a config of only
 * guest, image and metadata (MachineOverviewConfig).
 */
export interface OrgMachine {
  id: string;
  name?: string;
  app_name: string;
  state: MachineState | string;
  region?: string;
  instance_id?: string;
  /** The instance id by its newer name. */
  version?: string;
  private_ip?: string;
  created_at?: string;
  updated_at?: string;
  config?: { image?: string; guest?: MachineGuest; metadata?: Record<string, string> };
}

/** Description OrgMachinesResponse. */
export interface OrgMachinesResponse {
  machines?: OrgMachine[];
  next_cursor?: string;
  last_machine_id?: string;
  last_updated_at?: string;
  error_regions?: string[];
}

/**
 * One page of the org listing; `nextCursor` only while more may remain. `errorRegions` is the
 * description's `error_regions`, which it names without explaining (presumably regions whose
 * machines could not be listed this time): a caller should say so rather than take the list as whole.
 */
export interface OrgMachinesPage {
  machines: OrgMachine[];
  errorRegions: string[];
  nextCursor?: string;
}
