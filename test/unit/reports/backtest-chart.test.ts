import { describe, expect, it } from 'vitest';
import { backtestChartSvg, backtestReportHtml, backtestTable, type BacktestResultLike } from '../../../lib/reports/backtest-chart.js';
import { checkTags, count, externalUrls, sampleBacktest } from './fixtures.js';

const LINE = /<path class="line"/g;
const legend = (svg: string): string[] => [...svg.split('<g class="legend">')[1]!.split('</g>')[0]!.matchAll(/<text[^>]*>([^<]*)</g)].map((m) => m[1]!);

describe('backtestChartSvg', () => {
  it('draws the series, one series per fold and per baseline, and marks each fold', () => {
    const { series, result } = sampleBacktest();
    const svg = backtestChartSvg(result, { series });
    checkTags(svg);
    expect(legend(svg)).toEqual(['actual', 'fold 1', 'fold 2', 'fold 3', 'naive', 'seasonalNaive']);
    expect(count(svg, LINE)).toBe(6); // the folds are adjacent: each baseline is one unbroken line
    expect(count(svg, /<line class="marker"/g)).toBe(3);
    expect([...svg.matchAll(/<text class="marker-label"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['fold 1', 'fold 2', 'fold 3']);
    expect(externalUrls(svg)).toEqual([]);
  });

  it('stitches the actual line from the folds without a series, and breaks lines between folds apart', () => {
    const { result } = sampleBacktest();
    const apart: BacktestResultLike = { ...result, folds: [result.folds[0]!, result.folds[2]!] };
    const svg = backtestChartSvg(apart, { showBaselines: false });
    expect(legend(svg)).toEqual(['actual', 'fold 1', 'fold 2']);
    expect(count(svg, LINE)).toBe(2 + 2); // actual in two runs, one per fold
    expect(count(backtestChartSvg(apart), LINE)).toBe(4 + 2 * 2);
  });

  it('takes Dates for the x axis', () => {
    const { series, result } = sampleBacktest();
    const x = series.map((_, i) => new Date(Date.UTC(2000, i, 1)));
    expect(backtestChartSvg(result, { series, x })).toMatch(/>20\d\d</);
  });

  it('names the fold and field that are wrong', () => {
    const { result } = sampleBacktest();
    const bad = structuredClone(result) as unknown as { folds: { predicted: number[]; testRange: number[] }[] };
    bad.folds[1]!.predicted.pop();
    expect(() => backtestChartSvg(bad as never)).toThrow(
      'Expected 12 values (one per step of backtestChartSvg.result.folds[1].testRange) for backtestChartSvg.result.folds[1].predicted but received 11 values');
    const range = structuredClone(result) as unknown as { folds: { testRange: number[] }[] };
    range.folds[0]!.testRange = [10, 5];
    expect(() => backtestChartSvg(range as never)).toThrow(RangeError);
    expect(() => backtestChartSvg(result, { series: [1, 2] })).toThrow(/at least 100 values/);
  });
});

describe('backtestTable and backtestReportHtml', () => {
  it('lists each fold and the aggregate', () => {
    const table = backtestTable(sampleBacktest().result);
    expect(table.columns).toEqual(['fold', 'train', 'test', 'mase', 'smape', 'seasonalNaive_mase']);
    expect(table.rows).toEqual([
      [1, '0–64', '64–76', 0.4, 2.5, 1],
      [2, '0–76', '76–88', 0.5, 3.5, 1],
      [3, '0–88', '88–100', 0.6000000000000001, 4.5, 1],
      ['all folds', '', '', 0.5, 3.5, 1],
    ]);
  });

  it('puts chart and table on one self-contained page', () => {
    const { series, result } = sampleBacktest();
    const html = backtestReportHtml(result, { series, title: 'CO2 <backtest>' });
    checkTags(html);
    expect(html).toContain('<h1>CO2 &lt;backtest&gt;</h1>');
    expect(count(html, /<tbody>/g)).toBe(1);
    expect(count(html, /<tr>/g)).toBe(5);
    expect(count(html, LINE)).toBe(6);
    expect(externalUrls(html)).toEqual([]);
  });
});
