import { describe, expect, it } from 'vitest';
import { barChartSvg } from '../../../lib/reports/bar-chart.js';
import { checkTags, count, externalUrls } from './fixtures.js';

const widths = (svg: string): number[] => [...svg.matchAll(/<rect class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('barChartSvg', () => {
  it('draws one bar per value, lengths proportional to the values', () => {
    const svg = barChartSvg({ title: 'Importance', bars: [{ label: 'units', value: 0.6 }, { label: 'dropout', value: 0.3 }, { label: 'lr', value: 0 }] });
    checkTags(svg);
    expect(count(svg, /<rect class="bar"/g)).toBe(3);
    const [a, b, c] = widths(svg);
    expect(a! / b!).toBeCloseTo(2, 2);
    expect(c).toBe(0);
    expect([...svg.matchAll(/<text class="bar-value"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['0.600', '0.300', '0.000']);
    expect(externalUrls(svg)).toEqual([]);
  });

  it('extends negative bars left of zero', () => {
    const svg = barChartSvg({ title: 't', bars: [{ label: 'a', value: -1 }, { label: 'b', value: 1 }], digits: 1 });
    const xs = [...svg.matchAll(/<rect class="bar" x="([\d.]+)"/g)].map((m) => Number(m[1]));
    const [wa, wb] = widths(svg);
    expect(wa).toBeCloseTo(wb!, 5);
    expect(xs[0]! + wa!).toBeCloseTo(xs[1]!, 5);
  });

  it('escapes labels and checks its input', () => {
    const svg = barChartSvg({ title: '<t>', bars: [{ label: 'a<b', value: 1, color: '#123456' }] });
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('fill="#123456"');
    expect(() => barChartSvg({ title: 't', bars: [] })).toThrow('Expected a non-empty array of bars for barChartSvg.bars');
    expect(() => barChartSvg({ title: 't', bars: [{ label: 'a', value: '1' as never }] })).toThrow(TypeError);
    expect(() => barChartSvg({ title: 't', bars: [{ label: 'a', value: Infinity }] })).toThrow(RangeError);
    expect(() => barChartSvg({ title: 't', bars: [{ label: 'a', value: 1, color: 'url(#x)' }] })).toThrow(RangeError);
  });
});
