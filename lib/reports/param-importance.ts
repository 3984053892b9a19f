/**
 * parameterImportance: how much of the objective's variation each hyperparameter accounts for,
 * from the trials of a study alone (no surrogate model).
 */
import { checkOptions, integer, isPlainObject, typeError } from '../validate.js';

/** What the estimator reads from a trial; a tuning trial has these fields and more. */
export interface ImportanceTrialLike {
  params: Readonly<Record<string, number | string>>;
  /** The objective; `null` (or a non-finite value) leaves the trial out. */
  value: number | null;
  /** When given, only `'COMPLETE'` trials count. */
  state?: string;
}

/** Options of {@link parameterImportance}. */
export interface ParameterImportanceOptions {
  /**
   * The most bins a numeric parameter is cut into (at quantiles). Defaults to
   * `min(10, max(2, floor(sqrt(n))))` for `n` trials, so that each bin holds several trials.
   */
  bins?: number;
}

/**
 * Estimates each parameter's importance as the share of the objective's variance it explains.
 *
 * A fANOVA-lite approximation: where fANOVA (Hutter et al., 2014; Optuna's default importance
 * evaluator) fits a random forest and decomposes its variance, this looks at each parameter
 * alone, a one-way analysis of variance over the completed trials:
 *
 * 1. Group the trials by the parameter: a categorical (string) parameter, or a numeric one with
 *    at most `bins` distinct values, by value; any other numeric parameter into `bins` bins of
 *    about equal count (quantile bins; equal values always share a bin).
 * 2. Its effect is epsilon-squared, the variance explained by the groups corrected for the
 *    number of groups, `max(0, (SS_between - (k - 1) * SS_within / (n - k)) / SS_total)`, so that
 *    a parameter with no effect scores about 0 rather than the `(k - 1) / (n - 1)` that chance
 *    gives the plain ratio. A parameter set in fewer than 3 trials, or in as many groups as trials,
 *    scores 0; a conditional parameter is scored over the trials that set it.
 * 3. The effects are divided by their sum, so that the importances sum to 1 (all are 0 when no
 *    parameter explains anything or the objective does not vary).
 *
 * Interactions are not separated out (a parameter that matters only together with another is
 * under-rated), and with few trials the estimates are noisy: read them as a ranking.
 *
 * @example
 * ```ts
 * parameterImportance(study.trials); // { units: 0.74, dropout: 0.21, optimizer: 0.05 }
 * ```
 * @returns Importance per parameter name, in descending order of importance.
 * @throws {TypeError} when `trials` is not an array of trials or an option is wrong.
 */
export function parameterImportance(
  trials: readonly ImportanceTrialLike[],
  options?: ParameterImportanceOptions,
): Record<string, number> {
  if (!Array.isArray(trials)) throw typeError('an array of trials', 'parameterImportance.trials', trials);
  const o = checkOptions<ParameterImportanceOptions>(options, 'parameterImportance', ['bins']);
  const maxBins = o.bins === undefined ? undefined : integer(o.bins, 'parameterImportance.bins', { min: 2 });
  const done = trials.filter((t: unknown, i): t is ImportanceTrialLike => {
    if (typeof t !== 'object' || t === null) throw typeError('a trial object', `parameterImportance.trials[${i}]`, t);
    const trial = t as ImportanceTrialLike;
    if (!isPlainObject(trial.params)) throw typeError('an object of parameter values', `parameterImportance.trials[${i}].params`, trial.params);
    return (trial.state === undefined || trial.state === 'COMPLETE') && typeof trial.value === 'number' && Number.isFinite(trial.value);
  });
  const names = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  const effects = names.map((name) => {
    const subset = done.filter((t) => t.params[name] !== undefined);
    const bins = maxBins ?? Math.min(10, Math.max(2, Math.floor(Math.sqrt(subset.length))));
    return epsilonSquared(groupsOf(subset.map((t) => t.params[name]!), bins), subset.map((t) => t.value!));
  });
  const total = effects.reduce((a, b) => a + b, 0);
  const out: [string, number][] = names.map((name, i) => [name, total > 0 ? effects[i]! / total : 0]);
  out.sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(out);
}

/** The group index of each value: by value for categories and few distinct numbers, else quantile bins. */
export function groupsOf(values: readonly (number | string)[], bins: number): number[] {
  const numeric = values.every((v) => typeof v === 'number');
  const distinct = [...new Set(values)];
  if (!numeric || distinct.length <= bins) return values.map((v) => distinct.indexOf(v));
  const order = values.map((v, i) => [v as number, i] as const).sort((a, b) => a[0] - b[0]);
  const group = new Array<number>(values.length);
  let previous: { value: number; bin: number } | undefined;
  order.forEach(([value, index], rank) => {
    const bin = previous && previous.value === value ? previous.bin : Math.floor((rank * bins) / values.length);
    group[index] = bin;
    previous = { value, bin };
  });
  return group;
}

/** Epsilon-squared of a one-way ANOVA, clipped at 0; 0 when it is undefined. */
function epsilonSquared(groups: readonly number[], y: readonly number[]): number {
  const n = y.length;
  const k = new Set(groups).size;
  if (n < 3 || k < 2 || n <= k) return 0;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const ssTotal = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (!(ssTotal > 0)) return 0;
  const sums = new Map<number, [sum: number, count: number]>();
  groups.forEach((g, i) => {
    const s = sums.get(g) ?? [0, 0];
    s[0] += y[i]!;
    s[1] += 1;
    sums.set(g, s);
  });
  let ssBetween = 0;
  for (const [sum, count] of sums.values()) ssBetween += count * (sum / count - mean) ** 2;
  const ssWithin = Math.max(0, ssTotal - ssBetween);
  return Math.max(0, (ssBetween - ((k - 1) * ssWithin) / (n - k)) / ssTotal);
}
