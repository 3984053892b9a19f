import { describe, expect, it } from 'vitest';
import { tuningDashboardHtml } from '../../../lib/reports/tuning-dashboard.js';
import * as reports from '../../../lib/reports/index.js';
import { checkTags, count, externalUrls, sampleTrials } from './fixtures.js';

const sections = (html: string): string[] => html.split('<section>').slice(1);

describe('tuningDashboardHtml', () => {
  const trials = sampleTrials();
  const complete = trials.filter((t) => t.state === 'COMPLETE');
  const best = complete.reduce((b, t) => (t.value! < b.value! ? t : b));

  it('builds a self-contained page with the five sections', () => {
    const html = tuningDashboardHtml(trials, { direction: 'minimize', objective: 'val_loss', title: 'LSTM <study>' });
    const names = checkTags(html);
    expect(names.filter((n) => n === 'svg')).toHaveLength(3);
    expect([...html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1])).toEqual([
      'Best trial', 'Objective by trial', 'Intermediate values', 'Parameter importance', 'Trials',
    ]);
    expect(html).toContain('<h1>LSTM &lt;study&gt;</h1>');
    expect(html).toContain(`24 trials: 19 complete, 3 pruned, 1 failed, 1 running.`);
    expect(html).toContain(`Best: trial ${best.number}, val_loss = ${best.value} (minimize).`);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=/i);
    expect(externalUrls(html)).toEqual([]);
    expect(reports.tuningDashboardHtml).toBe(tuningDashboardHtml);
  });

  it('draws the objective with the running best, and one path per trial of intermediate values', () => {
    const html = tuningDashboardHtml(trials, { direction: 'minimize' });
    const [, objective, curves, importance] = sections(html);
    expect(count(objective!, /<path class="line"/g)).toBe(2);
    expect(objective).toContain(`>best: trial ${best.number}</text>`);
    const runningBest = /<g class="series" data-series="1">\n<path class="line" d="M([^"]+)"/.exec(objective!)![1]!;
    const ys = runningBest.split('L').map((p) => Number(p.split(',')[1]));
    expect(ys).toHaveLength(complete.length);
    ys.slice(1).forEach((y, i) => expect(y).toBeGreaterThanOrEqual(ys[i]!)); // SVG y grows downwards: never worse
    // 18 complete (the best has its own series), 3 pruned, 1 running, the best: one path each.
    expect(count(curves!, /<path class="line"/g)).toBe(18 + 3 + 1 + 1);
    expect([...curves!.split('<g class="legend">')[1]!.split('</g>')[0]!.matchAll(/<text[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      'complete', 'pruned', 'running', `best (trial ${best.number})`,
    ]);
    expect(count(importance!, /<rect class="bar"/g)).toBe(3);
    expect(importance).toContain('fANOVA-lite');
    expect(/<text class="bar-label"[^>]*>([^<]*)</.exec(importance!)![1]).toBe('units');
  });

  it('lists the trials best first and highlights the best one, for either direction', () => {
    const html = tuningDashboardHtml(trials, { direction: 'minimize' });
    const rows = sections(html)[4]!.match(/<tr[ >].*<\/tr>/g)!.slice(1);
    expect(rows).toHaveLength(24);
    expect(rows[0]).toMatch(new RegExp(`^<tr class="highlight"><td class="num">${best.number}</td><td>complete</td>`));
    expect(count(html, /class="highlight"/g)).toBe(1);
    expect(rows.slice(-5).map((r) => /<td>(\w+)<\/td>/.exec(r)![1])).toEqual(['pruned', 'pruned', 'pruned', 'failed', 'running'].map((s) => s === 'failed' ? 'fail' : s));
    const max = tuningDashboardHtml(trials, { direction: 'maximize' });
    const worst = complete.reduce((b, t) => (t.value! > b.value! ? t : b));
    expect(max).toContain(`<tr class="highlight"><td class="num">${worst.number}</td>`);
  });

  it('handles a study with no complete trial yet', () => {
    const html = tuningDashboardHtml([{ number: 0, params: { units: 32 }, value: null, state: 'RUNNING', intermediate: { 0: 0.5 } }], { direction: 'minimize' });
    checkTags(html);
    expect(html).toContain('No trial has completed yet.');
    expect(html).not.toContain('<h2>Objective by trial</h2>');
    expect(html).toContain('Not enough variation to estimate yet (0 complete trials).');
    expect(tuningDashboardHtml([], { direction: 'maximize' })).toContain('No trial reported intermediate values.');
  });

  it('escapes parameter names and values', () => {
    const html = tuningDashboardHtml([{ number: 0, params: { '<p>': '<v>' }, value: 1, state: 'COMPLETE' }], { direction: 'minimize' });
    expect(html).not.toContain('<p></');
    expect(html).toContain('<th>&lt;p&gt;</th>');
    expect(html).toContain('&lt;v&gt;');
  });

  it('names what is wrong', () => {
    expect(() => tuningDashboardHtml(trials, { direction: 'minimise' as never })).toThrow("(did you mean 'minimize'?)");
    expect(() => tuningDashboardHtml([{ ...trials[0]!, state: 'DONE' as never }], { direction: 'minimize' })).toThrow(
      /tuningDashboardHtml.trials\[0\].state/);
    expect(() => tuningDashboardHtml([{ ...trials[0]!, params: { a: true as never } }], { direction: 'minimize' })).toThrow(
      'Expected a number or a string for tuningDashboardHtml.trials[0].params.a but received true of type boolean');
    expect(() => tuningDashboardHtml(trials, undefined as never)).toThrow(TypeError);
  });
});
