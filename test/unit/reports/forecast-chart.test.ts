import { describe, expect, it } from 'vitest';
import { forecastChartSvg } from '../../../lib/reports/forecast-chart.js';
import { checkTags, count, externalUrls, sampleForecast } from './fixtures.js';

const firstX = (d: string): number => Number(/^M([\d.]+),/.exec(d)![1]);
const paths = (svg: string, cls: string): string[] => [...svg.matchAll(new RegExp(`<path class="${cls}" d="([^"]+)"`, 'g'))].map((m) => m[1]!);

describe('forecastChartSvg', () => {
  it('draws actual, predicted and a dashed forecast with its band, marker and interval name', () => {
    const svg = forecastChartSvg({ ...sampleForecast(), title: 'CO2', yLabel: 'ppm' });
    checkTags(svg);
    expect(count(svg, /<g class="series"/g)).toBe(3);
    expect(paths(svg, 'line')).toHaveLength(3);
    expect(paths(svg, 'band')).toHaveLength(1);
    expect(svg).toContain('>forecast (90% interval)</text>');
    expect(svg).toContain('>forecast starts</text>');
    expect(externalUrls(svg)).toEqual([]);
  });

  it('aligns actual and predicted to the start of the axis, the forecast and band to its end', () => {
    const data = sampleForecast();
    const svg = forecastChartSvg(data);
    const [actual, predicted, forecast] = paths(svg, 'line');
    const x = (i: number): number => {
      // Positions are linear in time: map from the first and last actual points.
      const a = actual!.slice(1).split('L').map((p) => Number(p.split(',')[0]));
      return a[0]! + ((a[47]! - a[0]!) * (data.dates[i]!.getTime() - data.dates[0]!.getTime())) / (data.dates[47]!.getTime() - data.dates[0]!.getTime());
    };
    expect(actual!.split('L')).toHaveLength(48);
    expect(predicted!.split('L')).toHaveLength(36);
    expect(firstX(predicted!)).toBeCloseTo(x(12), 1);
    expect(forecast!.split('L')).toHaveLength(12);
    expect(firstX(forecast!)).toBeCloseTo(x(48), 1);
    expect(firstX(paths(svg, 'band')[0]!)).toBeCloseTo(x(48), 1);
    expect(Number(/<line class="marker" x1="([\d.]+)"/.exec(svg)![1])).toBeCloseTo(x(48), 1);
  });

  it('takes a numeric index and puts the band on predicted when there is no forecast', () => {
    const svg = forecastChartSvg({
      index: [0, 1, 2, 3], actual: [1, 2, 3, 4], predicted: [1.1, 2.1, 2.9, 4.2],
      intervals: { lower: [1, 2, 2.5, 4], upper: [1.2, 2.2, 3.1, 4.4], level: 0.5 },
    });
    expect(paths(svg, 'band')).toHaveLength(1);
    expect(svg).toContain('>predicted (50% interval)</text>');
    expect(svg).not.toContain('class="marker"');
  });

  it('escapes the title and labels', () => {
    const svg = forecastChartSvg({ index: [0, 1], actual: [1, 2], title: 'a & <b>', yLabel: '"ppm"' });
    expect(svg).toContain('a &amp; &lt;b&gt;');
    expect(svg).toContain('&quot;ppm&quot;');
  });

  it('names what is wrong', () => {
    const d = sampleForecast();
    expect(() => forecastChartSvg({ actual: [1] })).toThrow('Expected exactly one of forecastChartSvg.dates and forecastChartSvg.index');
    expect(() => forecastChartSvg({ index: [0], dates: [new Date()], actual: [1] })).toThrow(TypeError);
    expect(() => forecastChartSvg({ index: [0, 1], actual: [1, 2, 3] })).toThrow(
      'Expected at most 2 values (as many as forecastChartSvg.index) for forecastChartSvg.actual but received 3 values');
    expect(() => forecastChartSvg({ ...d, intervals: { ...d.intervals, lower: d.intervals.lower.slice(1) } })).toThrow(
      /Expected 12 values \(as many as forecastChartSvg.forecast\) for forecastChartSvg.intervals.lower/);
    expect(() => forecastChartSvg({ ...d, intervals: { ...d.intervals, level: 90 } })).toThrow(RangeError);
    expect(() => forecastChartSvg({ index: [0], actual: [1], intervals: { lower: [0], upper: [2], level: 0.9 } })).toThrow(
      /forecastChartSvg.forecast or forecastChartSvg.predicted/);
    expect(() => forecastChartSvg({ index: [0], actual: [1], forcast: [1] } as never)).toThrow('did you mean "forecast"?');
  });
});
