/**
 * GridSampler: trial after trial, the combinations of a {@link parameterGrid}, in
 * scikit-learn's order.
 *
 * When a trial starts it takes the first combination that no COMPLETE, PRUNED or RUNNING trial
 * holds, so a combination whose trial failed (or was cut short by a crash) is tried again when
 * the study resumes. `suggest*` returns the combination's value for that name.
 */
import { contains, type Distribution } from '../distributions.js';
import type { FrozenTrial, JsonValue, ParamValue, StudyView } from '../frozen-trial.js';
import { parameterGrid, type ParameterGrid, type ParamGridSpec } from '../parameter-grid.js';
import { describe } from '../../validate.js';
import type { Sampler } from './sampler.js';

const GRID_ID = 'gridId';

export class GridSampler implements Sampler {
  readonly name = 'grid';
  readonly grid: ParameterGrid;

  constructor(grid: ParamGridSpec | readonly ParamGridSpec[]) {
    this.grid = parameterGrid(grid);
    this.grid.toArray().forEach((point, i) => {
      for (const [key, value] of Object.entries(point)) {
        const ok = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
        if (!ok) {
          throw new TypeError(
            `Expected a string, finite number, boolean or null for the grid value of "${key}" (combination ${i}) but received ${describe(value)} of type ${typeof value}`,
          );
        }
      }
    });
  }

  #taken(study: StudyView, except: number): Set<number> {
    const taken = new Set<number>();
    for (const t of study.trialRecords) {
      if (t.number === except) continue;
      if (t.state !== 'COMPLETE' && t.state !== 'PRUNED' && t.state !== 'RUNNING') continue;
      const id = t.systemAttrs[GRID_ID];
      if (typeof id === 'number') taken.add(id);
    }
    return taken;
  }

  beforeTrial(study: StudyView, trial: FrozenTrial): void {
    const taken = this.#taken(study, trial.number);
    for (let i = 0; i < this.grid.length; i++) {
      if (!taken.has(i)) {
        trial.systemAttrs[GRID_ID] = i;
        return;
      }
    }
    throw new RangeError(`The grid of ${this.grid.length} combinations is exhausted`);
  }

  /** The combination of a running grid trial. */
  pointOf(trial: FrozenTrial): Record<string, ParamValue> {
    const id = trial.systemAttrs[GRID_ID];
    if (typeof id !== 'number') throw new Error(`Trial ${trial.number} has no grid combination`);
    return this.grid.at(id) as Record<string, ParamValue>;
  }

  sample(_study: StudyView, trial: FrozenTrial, name: string, d: Distribution): ParamValue {
    const point = this.pointOf(trial);
    if (!(name in point)) {
      throw new RangeError(`The grid combination of trial ${trial.number} has no parameter "${name}" (it has ${Object.keys(point).join(', ') || 'none'})`);
    }
    const value = point[name]!;
    if (!contains(d, value)) {
      throw new RangeError(`The grid value ${describe(value)} of "${name}" lies outside the distribution it is suggested from`);
    }
    return value;
  }

  isExhausted(study: StudyView): boolean {
    const taken = this.#taken(study, -1);
    return taken.size >= this.grid.length;
  }

  toJSON(): { name: string; grid: JsonValue } {
    // The values were checked to be JSON primitives in the constructor.
    return { name: this.name, grid: this.grid.grids.map((g) => ({ ...g })) as unknown as JsonValue };
  }
}

/**
 * A sampler that walks a parameter grid (the combinations of {@link parameterGrid}, in order).
 *
 * @example
 * const study = tuning.createStudy({ sampler: tuning.gridSampler({ units: [32, 64], dropout: [0.1, 0.2] }) });
 * await study.optimize(async (trial) => f(trial.suggestCategorical('units', [32, 64]), ...));
 */
export function gridSampler(grid: ParamGridSpec | readonly ParamGridSpec[]): GridSampler {
  return new GridSampler(grid);
}
