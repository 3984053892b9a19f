import { describe, expect, it } from 'vitest';
import { formatRate, lossCurvesHtml, lossCurvesSvg, metricGroups } from '../../../lib/reports/loss-curves.js';
import * as reports from '../../../lib/reports/index.js';
import { checkTags, count, externalUrls, sampleHistory } from './fixtures.js';

const LINE = /<path class="line"/g;
const MARKER = /<line class="marker"/g;

describe('metricGroups', () => {
  it('pairs each metric with its val_ key, loss first, lr left out', () => {
    expect(metricGroups(['mae', 'val_mae', 'loss', 'lr', 'val_loss', 'val_auc', 'r2'])).toEqual([
      ['loss', 'val_loss'], ['mae', 'val_mae'], ['val_auc'], ['r2'],
    ]);
    expect(metricGroups(['lr'])).toEqual([]);
  });
});

describe('lossCurvesSvg', () => {
  it('draws one chart per metric pair, one path per series, and a marker per lr change on each chart', () => {
    const svg = lossCurvesSvg(sampleHistory());
    checkTags(svg);
    expect(count(svg, /<g class="chart-panel"/g)).toBe(2);
    expect(count(svg, LINE)).toBe(4);
    expect(count(svg, /stroke-dasharray="6 4" stroke-linejoin/g)).toBe(2); // the val_ lines
    expect(count(svg, MARKER)).toBe(4);
    expect([...svg.matchAll(/<text class="marker-label"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      'lr → 1e-4', 'lr → 1e-5', 'lr → 1e-4', 'lr → 1e-5',
    ]);
    expect(svg).toContain('<title>Training curves</title>');
    expect(svg.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="900" height="600"/)).not.toBeNull();
    expect(externalUrls(svg)).toEqual([]);
  });

  it('marks a change at the first epoch run with the new rate (1-based epochs)', () => {
    const h = sampleHistory(4);
    h.history.lr = [0.01, 0.01, 0.001, 0.001];
    const svg = lossCurvesSvg({ epoch: h.epoch, history: { loss: h.history.loss!, lr: h.history.lr } });
    const marker = /<line class="marker" x1="([\d.]+)"/.exec(svg)![1];
    const points = /<path class="line" d="M([^"]+)"/.exec(svg)![1]!.split('L').map((p) => p.split(',')[0]);
    expect(points).toHaveLength(4);
    expect(marker).toBe(points[2]); // epoch 3 of 4
    expect(svg).toContain('lr → 1e-3');
  });

  it('uses a log scale where every value is positive and stays linear elsewhere', () => {
    const h = sampleHistory(10);
    const svg = lossCurvesSvg({ epoch: h.epoch, history: { loss: h.history.loss!, r2: h.epoch.map((e) => e / 5 - 1) } }, { yScale: 'log' });
    const panels = svg.split('<g class="chart-panel"').slice(1);
    const ticks = (panel: string) => [...panel.matchAll(/<text class="tick-y"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(ticks(panels[0]!)).toEqual(['0.1', '0.2', '0.5', '1', '2', '5', '10']);
    expect(ticks(panels[0]!)).toContain('1');
    expect(ticks(panels[1]!)).toContain('-1');
  });

  it('escapes key names and titles', () => {
    const svg = lossCurvesSvg({ epoch: [0, 1], history: { 'a<b>&"': [1, 2] } }, { title: '<script>x</script>' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('a&lt;b&gt;&amp;&quot;');
    checkTags(svg);
  });

  it('says so when nothing is recorded yet, and plots keys of another length against their own count', () => {
    expect(lossCurvesSvg({ epoch: [], history: {} })).toContain('No epochs recorded yet.');
    const svg = lossCurvesSvg({ epoch: [0, 1], history: { loss: [3, 2, 1] } });
    expect(count(svg, LINE)).toBe(1);
  });

  it('accepts a History instance and checks its input', () => {
    class FakeHistory { epoch = [0, 1]; history = { loss: [2, 1] }; }
    expect(count(lossCurvesSvg(new FakeHistory()), LINE)).toBe(1);
    expect(() => lossCurvesSvg({ epoch: [0], history: { loss: ['x'] } } as never)).toThrow(
      'Expected a number for lossCurvesSvg.history.history.loss[0] but received "x" of type string');
    expect(() => lossCurvesSvg(sampleHistory(), { yScale: 'logg' as never })).toThrow(RangeError);
    expect(() => lossCurvesSvg(sampleHistory(), { heigth: 10 } as never)).toThrow('did you mean "height"?');
  });
});

describe('lossCurvesHtml', () => {
  it('is a self-contained page with the charts, the status and a table of each key', () => {
    const html = lossCurvesHtml(sampleHistory(), { title: 'Run 1', status: 'Epoch 30 of 30' });
    checkTags(html);
    expect(html).toContain('<h1>Run 1</h1>');
    expect(html).toContain('<p>Epoch 30 of 30</p>');
    expect(count(html, LINE)).toBe(4);
    const rows = [...html.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(rows).toEqual(['loss', 'mae', 'val_loss', 'val_mae', 'lr']);
    expect(html).toMatch(/<tr><td>loss<\/td><td class="num">0.04333<\/td><td class="num">0.04333<\/td><td class="num">30<\/td><td class="num">1.01<\/td><td class="num">1<\/td><\/tr>/);
    expect(html).not.toMatch(/<script/i);
    expect(externalUrls(html)).toEqual([]);
    expect(reports.lossCurvesHtml).toBe(lossCurvesHtml);
  });

  it('formats rates as people write them', () => {
    expect([0.01, 1e-4, 2.5e-5, 0.1, 3, 0.00123456].map(formatRate)).toEqual(['0.01', '1e-4', '2.5e-5', '0.1', '3', '1.23e-3']);
  });
});
