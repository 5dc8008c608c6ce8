/**
 * @module test/txn-checker/graph
 * The dependency graph between committed transactions (ww: overwrote, wr: read the write of,
 * rw: read a version the other then overwrote; session: ran later in the same session) and the
 * search for its cycles, classified as Adya's phenomena: G0 (ww only), G1c (ww, wr and session),
 * G-single (exactly one rw), G2 (more rw). Session edges hold a session to its own past, as
 * Elle's strong-session check does.
 */

export type EdgeKind = 'ww' | 'wr' | 'rw' | 'session';

export type CycleAnomaly = 'G0' | 'G1c' | 'G-single' | 'G2';

export interface Cycle {
  readonly anomaly: CycleAnomaly;
  /** Transaction indexes around the cycle, with the kind of each step to the next. */
  readonly steps: readonly { readonly txn: number; readonly edge: EdgeKind }[];
}

export class DependencyGraph {
  /** from → to → kinds of the edges between them. */
  private readonly out = new Map<number, Map<number, Set<EdgeKind>>>();

  add(from: number, to: number, kind: EdgeKind): void {
    if (from === to) return;
    let targets = this.out.get(from);
    if (!targets) this.out.set(from, (targets = new Map()));
    let kinds = targets.get(to);
    if (!kinds) targets.set(to, (kinds = new Set()));
    kinds.add(kind);
  }

  get edgeCount(): number {
    let n = 0;
    for (const targets of this.out.values()) for (const kinds of targets.values()) n += kinds.size;
    return n;
  }

  /**
   * One example cycle per anomaly class found in each strongly connected component: the
   * strongest class first (a component with a ww cycle also has the weaker-ordered ones).
   */
  cycles(): Cycle[] {
    const found: Cycle[] = [];
    for (const component of this.components()) {
      if (component.size < 2) continue;
      const within = (kinds: readonly EdgeKind[]) => (from: number, to: number) =>
        component.has(to) && this.kindsOf(from, to).some((k) => kinds.includes(k));
      const g0 = this.someCycle(component, within(['ww']));
      if (g0) found.push({ anomaly: 'G0', steps: this.label(g0, ['ww']) });
      const g1c = this.someCycle(component, within(['ww', 'wr', 'session']));
      if (g1c && !g0) found.push({ anomaly: 'G1c', steps: this.label(g1c, ['ww', 'wr', 'session']) });
      const single = this.rwClosedBy(component, within(['ww', 'wr', 'session']));
      if (single) found.push({ anomaly: 'G-single', steps: single });
      else if (!g0 && !g1c) {
        const any = this.rwClosedBy(component, within(['ww', 'wr', 'session', 'rw']));
        if (any) found.push({ anomaly: 'G2', steps: any });
      }
    }
    return found;
  }

  private kindsOf(from: number, to: number): EdgeKind[] {
    return [...(this.out.get(from)?.get(to) ?? [])];
  }

  /** A cycle through one rw edge a → b closed by a path b → … → a taking `step`s, if any. */
  private rwClosedBy(
    component: ReadonlySet<number>,
    step: (from: number, to: number) => boolean,
  ): Cycle['steps'] | undefined {
    for (const a of component)
      for (const [b, kinds] of this.out.get(a) ?? []) {
        if (!component.has(b) || !kinds.has('rw')) continue;
        const back = this.path(b, a, step);
        if (back) return [{ txn: a, edge: 'rw' }, ...this.label(back, ['ww', 'wr', 'session', 'rw'])];
      }
    return undefined;
  }

  /** Labels a closed walk [n0, n1, …, n0] with a preferred edge kind for each hop. */
  private label(walk: readonly number[], prefer: readonly EdgeKind[]): Cycle['steps'] {
    const steps: { txn: number; edge: EdgeKind }[] = [];
    for (let i = 0; i + 1 < walk.length; i++) {
      const kinds = this.kindsOf(walk[i]!, walk[i + 1]!);
      steps.push({ txn: walk[i]!, edge: prefer.find((k) => kinds.includes(k)) ?? kinds[0]! });
    }
    return steps;
  }

  /** Some cycle within the component using only edges that pass `step`, as a closed walk. */
  private someCycle(
    component: ReadonlySet<number>,
    step: (from: number, to: number) => boolean,
  ): number[] | undefined {
    for (const start of component)
      for (const next of this.out.get(start)?.keys() ?? []) {
        if (!step(start, next)) continue;
        const back = this.path(next, start, step);
        if (back) return [start, ...back];
      }
    return undefined;
  }

  /** A shortest path from → … → to (both included) over edges passing `step` (breadth first). */
  private path(from: number, to: number, step: (from: number, to: number) => boolean): number[] | undefined {
    const parent = new Map<number, number>([[from, from]]);
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      if (node === to) {
        const path = [to];
        for (let n = to; n !== from; ) path.push((n = parent.get(n)!));
        return path.reverse();
      }
      for (const next of this.out.get(node)?.keys() ?? []) {
        if (parent.has(next) || !step(node, next)) continue;
        parent.set(next, node);
        queue.push(next);
      }
    }
    return undefined;
  }

  /** Strongly connected components (Tarjan's algorithm, iterative). */
  private components(): Set<number>[] {
    const index = new Map<number, number>();
    const low = new Map<number, number>();
    const onStack = new Set<number>();
    const stack: number[] = [];
    const out: Set<number>[] = [];
    let counter = 0;
    const nodes = new Set<number>(this.out.keys());
    for (const targets of this.out.values()) for (const t of targets.keys()) nodes.add(t);
    for (const root of nodes) {
      if (index.has(root)) continue;
      const work: { node: number; next: Iterator<number> }[] = [];
      const enter = (node: number): void => {
        index.set(node, counter);
        low.set(node, counter++);
        stack.push(node);
        onStack.add(node);
        work.push({ node, next: (this.out.get(node)?.keys() ?? [][Symbol.iterator]()) as Iterator<number> });
      };
      enter(root);
      while (work.length > 0) {
        const frame = work.at(-1)!;
        const step = frame.next.next();
        if (!step.done) {
          const w = step.value;
          if (!index.has(w)) enter(w);
          else if (onStack.has(w)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
          continue;
        }
        work.pop();
        const parent = work.at(-1);
        if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
        if (low.get(frame.node) !== index.get(frame.node)) continue;
        const component = new Set<number>();
        for (let w = -1; w !== frame.node; ) {
          w = stack.pop()!;
          onStack.delete(w);
          component.add(w);
        }
        out.push(component);
      }
    }
    return out;
  }
}
