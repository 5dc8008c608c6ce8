/**
 * @module runtime/sinks/sink-progress
 * Where a sink's last delivered step is kept: in memory for a database without a data directory,
 * in the directory's metadata otherwise (storage/sink-progress, installed by storage/durability).
 */

export interface SinkProgress {
  get(sinkId: number): number | undefined;
  set(sinkId: number, relationId: number, step: number): void;
  delete(sinkId: number): void;
  /** Every recorded sink (to forget those dropped while the server was down). */
  all(): { sinkId: number; relationId: number; step: number }[];
}

export class MemorySinkProgress implements SinkProgress {
  private readonly steps = new Map<number, { relationId: number; step: number }>();

  all(): { sinkId: number; relationId: number; step: number }[] {
    return [...this.steps].map(([sinkId, s]) => ({ sinkId, ...s }));
  }

  get(sinkId: number): number | undefined {
    return this.steps.get(sinkId)?.step;
  }

  set(sinkId: number, relationId: number, step: number): void {
    this.steps.set(sinkId, { relationId, step });
  }

  delete(sinkId: number): void {
    this.steps.delete(sinkId);
  }
}
