/** A revision as a preview records it: the commit and the order of the event that deployed it. */
export interface RevisionMark {
  id: string;
  order: number;
}

/**
 * Whether what is deployed stands over what a run asks for. A later or equal order of another
 * revision wins: on a tie the one already deployed stays, so two runs never trade places. The same
 * revision is never superseded, and nothing recorded (an empty id) never supersedes.
 */
export function supersedes(deployed: RevisionMark, requested: RevisionMark): boolean {
  return deployed.id !== '' && deployed.id !== requested.id && deployed.order >= requested.order;
}
