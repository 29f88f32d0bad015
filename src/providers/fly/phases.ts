// How long each phase of a deploy took, as the run's summary reports it (DeployDetails.phasesMs).
const phaseOrder = ['app', 'IPs', 'release', 'machines', 'boot', 'checks'];

/** How long each phase of a deploy took; groups deploy in parallel, so a phase counts its longest group. */
export class Phases {
  readonly #now: () => number;
  readonly #ms = new Map<string, number>();
  constructor(now: () => number) {
    this.#now = now;
  }
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = this.#now();
    try {
      return await work();
    } finally {
      this.#ms.set(name, (this.#ms.get(name) ?? 0) + this.#now() - start);
    }
  }
  /** A fresh tally for one group, merged back with merge(). */
  fork(): Phases {
    return new Phases(this.#now);
  }
  merge(groups: Phases[]): void {
    for (const name of new Set(groups.flatMap((g) => [...g.#ms.keys()]))) {
      this.#ms.set(name, (this.#ms.get(name) ?? 0) + Math.max(...groups.map((g) => g.#ms.get(name) ?? 0)));
    }
  }
  list(): { name: string; ms: number }[] {
    return phaseOrder.filter((name) => this.#ms.has(name)).map((name) => ({ name, ms: this.#ms.get(name) as number }));
  }
}
