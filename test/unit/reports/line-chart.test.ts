import { describe, it, expect } from 'vitest';
import {
  lineChartSvg,
  niceTicks,
  logTicks,
  dateTicks,
  formatTick,
  escapeXml,
  DEFAULT_PALETTE,
  type LineChartOptions,
} from '../../../lib/reports/line-chart.js';
import * as reports from '../../../lib/reports/index.js';

// A tiny XML parser, strict enough to prove well-formedness: every tag closed in order, one root,
// attributes double-quoted and unique, no raw '<' or bare '&' in text or attribute values.
interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

function parseXml(xml: string): El {
  const doc: El = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: El[] = [doc];
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/y;
  let pos = 0;
  while (pos < xml.length) {
    token.lastIndex = pos;
    const m = token.exec(xml);
    if (!m) throw new Error(`malformed XML at ${pos}: ${JSON.stringify(xml.slice(pos, pos + 40))}`);
    pos = token.lastIndex;
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      if (ENTITY.test(m[5])) throw new Error(`bare & in text ${JSON.stringify(m[5])}`);
      if (top === doc && m[5].trim()) throw new Error('text outside the root element');
      top.text += m[5];
    } else if (m[1]) {
      if (m[3] || m[4]) throw new Error(`malformed end tag </${m[2]}>`);
      if (top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else {
      const el: El = { name: m[2]!, attrs: {}, children: [], text: '' };
      for (const a of m[3]!.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
        if (a[2]!.includes('<') || ENTITY.test(a[2]!)) throw new Error(`bad attribute value ${a[2]}`);
        el.attrs[a[1]!] = a[2]!;
      }
      if (top === doc && doc.children.length > 0) throw new Error('more than one root element');
      top.children.push(el);
      if (!m[4]) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (doc.children.length !== 1) throw new Error('no root element');
  return doc.children[0]!;
}

function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  if (pred(el)) out.push(el);
  el.children.forEach((c) => all(c, pred, out));
  return out;
}
const byClass = (root: El, cls: string): El[] => all(root, (e) => e.attrs.class === cls);
const texts = (root: El, cls: string): string[] => byClass(root, cls).map((e) => e.text);
const seriesGroup = (root: El, i: number): El => all(root, (e) => e.attrs['data-series'] === String(i))[0]!;
const linePaths = (root: El, i: number): El[] => byClass(seriesGroup(root, i), 'line');
const pointsIn = (d: string): number => d.split(/[ML]/).filter(Boolean).length;

const base = (over: Partial<LineChartOptions> = {}): LineChartOptions => ({
  title: 'Chart',
  series: [{ name: 'a', x: [0, 1, 2, 3], y: [0, 0.5, 0.25, 1] }],
  ...over,
});

describe('the XML checker used by these tests', () => {
  it('rejects malformed documents', () => {
    expect(parseXml('<svg><g a="1"/><text>x &amp; y</text></svg>').children).toHaveLength(2);
    expect(() => parseXml('<svg><g></svg>')).toThrow(/closes <g>/);
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow(/bare &/);
    expect(() => parseXml('<svg><text>a < b</text></svg>')).toThrow(/malformed/);
    expect(() => parseXml('<svg x=\'1\'></svg>')).toThrow(/malformed/);
    expect(() => parseXml('<svg></svg><svg></svg>')).toThrow(/more than one root/);
    expect(() => parseXml('<svg><g>')).toThrow(/unclosed <g>/);
  });
});

describe('lineChartSvg', () => {
  it('returns a well-formed standalone SVG document', () => {
    const svg = lineChartSvg(base({ xLabel: 'epoch', yLabel: 'loss', markers: [{ x: 2, label: 'lr 2e-4' }] }));
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.width).toBe('900');
    expect(root.attrs.height).toBe('360');
    expect(root.attrs.viewBox).toBe('0 0 900 360');
    expect(all(root, (e) => e.name === 'title')[0]!.text).toBe('Chart');
    expect(texts(root, 'x-label')).toEqual(['epoch']);
    expect(texts(root, 'y-label')).toEqual(['loss']);
    expect(reports.lineChartSvg).toBe(lineChartSvg);
  });

  it('uses the given size', () => {
    const root = parseXml(lineChartSvg(base({ width: 400, height: 200 })));
    expect([root.attrs.width, root.attrs.height, root.attrs.viewBox]).toEqual(['400', '200', '0 0 400 200']);
  });

  it('fetches nothing and runs nothing', () => {
    const svg = lineChartSvg(base({ markers: [{ x: 1, label: 'forecast starts' }] }));
    expect(svg).not.toMatch(/<script|<image|<foreignObject|href|@import|url\(|@font-face/i);
    expect(svg.match(/https?:\/\/[^\s"]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('draws one line path per series when every point is finite', () => {
    const root = parseXml(lineChartSvg(base({
      series: [
        { name: 'a', x: [0, 1, 2], y: [1, 2, 3] },
        { name: 'b', x: [0, 1, 2], y: [3, 2, 1] },
        { name: 'c', x: [0, 1, 2], y: [2, 2, 2] },
      ],
    })));
    expect(byClass(root, 'series')).toHaveLength(3);
    for (const i of [0, 1, 2]) {
      expect(linePaths(root, i)).toHaveLength(1);
      expect(pointsIn(linePaths(root, i)[0]!.attrs.d!)).toBe(3);
    }
  });

  it('splits a line at NaN and ±Infinity, in x or y', () => {
    const root = parseXml(lineChartSvg(base({
      series: [
        { name: 'gaps', x: [0, 1, 2, 3, 4, 5, 6, 7], y: [1, 2, NaN, 3, 4, Infinity, 5, 6] },
        { name: 'edges', x: [0, 1, 2, 3], y: [NaN, 1, 2, -Infinity] },
        { name: 'x gap', x: [0, 1, NaN, 3, 4], y: [1, 2, 3, 4, 5] },
      ],
    })));
    expect(linePaths(root, 0).map((p) => pointsIn(p.attrs.d!))).toEqual([2, 2, 2]);
    expect(linePaths(root, 1).map((p) => pointsIn(p.attrs.d!))).toEqual([2]);
    expect(linePaths(root, 2).map((p) => pointsIn(p.attrs.d!))).toEqual([2, 2]);
    expect(all(root, (e) => e.name === 'path').map((c) => c.attrs.d!).join(' ')).not.toMatch(/NaN|Infinity/);
  });

  it('draws a lone finite point as a dot and an all-NaN series as nothing', () => {
    const root = parseXml(lineChartSvg(base({
      series: [
        { name: 'lone', x: [0, 1, 2], y: [NaN, 5, NaN] },
        { name: 'empty', x: [0, 1], y: [NaN, NaN] },
      ],
    })));
    expect(linePaths(root, 0)).toHaveLength(1);
    expect(linePaths(root, 0)[0]!.attrs.d).toMatch(/^M[\d.]+,[\d.]+h0$/);
    expect(linePaths(root, 1)).toHaveLength(0);
  });

  it('shades a band behind the line, split where a bound is not finite', () => {
    const root = parseXml(lineChartSvg(base({
      series: [{ name: 'f', x: [0, 1, 2, 3, 4], y: [1, 2, 3, 4, 5], band: { lower: [0, 1, NaN, 3, 4], upper: [2, 3, 4, 5, 6] } }],
    })));
    const group = seriesGroup(root, 0);
    expect(byClass(group, 'band')).toHaveLength(2);
    expect(byClass(group, 'band')[0]!.attrs.d).toMatch(/Z$/);
    expect(group.children[0]!.attrs.class).toBe('band');
    expect(linePaths(root, 0)).toHaveLength(1);
  });

  it('escapes text and drops characters XML forbids', () => {
    const title = '<script>alert("x")</script> & \'co\'\u0001';
    const svg = lineChartSvg(base({
      title,
      series: [{ name: 'a<b>&"c"', x: [0, 1], y: [0, 1] }],
      markers: [{ x: 0.5, label: '</text><script>' }],
    }));
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;co&apos;<');
    const root = parseXml(svg);
    expect(texts(root, 'title')).toEqual([escapeXml(title)]);
    expect(escapeXml(title)).not.toContain('\u0001');
    expect(texts(root, 'marker-label')).toEqual(['&lt;/text&gt;&lt;script&gt;']);
    expect(svg).toContain('>a&lt;b&gt;&amp;&quot;c&quot;</text>');
  });

  it('labels y ticks on a 1-2-5 step', () => {
    const root = parseXml(lineChartSvg(base()));
    expect(texts(root, 'tick-y')).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    expect(texts(root, 'tick-x')).toEqual(['0', '0.5', '1', '1.5', '2', '2.5', '3']);
  });

  it('puts a higher value higher on the page', () => {
    const root = parseXml(lineChartSvg(base({ series: [{ name: 'a', x: [0, 1], y: [0, 1] }] })));
    const [p0, p1] = linePaths(root, 0)[0]!.attrs.d!.slice(1).split('L').map((p) => p.split(',').map(Number));
    expect(p1![0]).toBeGreaterThan(p0![0]!);
    expect(p1![1]).toBeLessThan(p0![1]!);
  });

  it('labels a long date axis by year', () => {
    const x = Array.from({ length: 62 * 12 }, (_, i) => new Date(Date.UTC(1958, 2 + i, 1)));
    const root = parseXml(lineChartSvg(base({ series: [{ name: 'co2', x, y: x.map((_, i) => 315 + i / 8) }] })));
    expect(texts(root, 'tick-x')).toEqual(['1960', '1970', '1980', '1990', '2000', '2010', '2020']);
  });

  it('labels a short date axis by month, and places Date markers', () => {
    const x = Array.from({ length: 15 }, (_, i) => new Date(Date.UTC(2020, i, 15)));
    const root = parseXml(lineChartSvg(base({
      series: [{ name: 's', x, y: x.map((_, i) => i) }],
      markers: [{ x: new Date(Date.UTC(2020, 11, 1)), label: 'forecast starts' }],
    })));
    expect(texts(root, 'tick-x')).toEqual(['2020-03', '2020-05', '2020-07', '2020-09', '2020-11', '2021-01', '2021-03']);
    const marker = byClass(root, 'marker')[0]!;
    const tick = byClass(root, 'tick-x').find((t) => t.text === '2020-11')!;
    const nextTick = byClass(root, 'tick-x').find((t) => t.text === '2021-01')!;
    expect(Number(marker.attrs.x1)).toBeGreaterThan(Number(tick.attrs.x));
    expect(Number(marker.attrs.x1)).toBeLessThan(Number(nextTick.attrs.x));
    expect(marker.attrs['stroke-dasharray']).toBeDefined();
    expect(texts(root, 'marker-label')).toEqual(['forecast starts']);
  });

  it('draws a log y axis at powers of ten', () => {
    const root = parseXml(lineChartSvg(base({ yScale: 'log', series: [{ name: 'loss', x: [1, 2, 3], y: [5, 0.3, 0.02] }] })));
    expect(texts(root, 'tick-y')).toEqual(['0.01', '0.1', '1', '10']);
  });

  it('colours series from the colour-blind-safe palette unless told', () => {
    const root = parseXml(lineChartSvg(base({
      series: [
        { name: 'a', x: [0, 1], y: [0, 1] },
        { name: 'b', x: [0, 1], y: [1, 0], dashed: true },
        { name: 'c', x: [0, 1], y: [1, 1], color: '#123456' },
      ],
    })));
    const strokes = [0, 1, 2].map((i) => linePaths(root, i)[0]!.attrs.stroke);
    expect(strokes).toEqual([DEFAULT_PALETTE[0], DEFAULT_PALETTE[1], '#123456']);
    expect(new Set(DEFAULT_PALETTE).size).toBe(DEFAULT_PALETTE.length);
    expect(linePaths(root, 0)[0]!.attrs['stroke-dasharray']).toBeUndefined();
    expect(linePaths(root, 1)[0]!.attrs['stroke-dasharray']).toBe('6 4');
    expect(all(byClass(root, 'legend')[0]!, (e) => e.name === 'text').map((t) => t.text)).toEqual(['a', 'b', 'c']);
  });
});

describe('ticks', () => {
  it('step 1-2-5 and widen the domain to whole steps', () => {
    expect(niceTicks(0, 1).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 100)).toEqual({ ticks: [0, 20, 40, 60, 80, 100], domain: [0, 100], step: 20 });
    expect(niceTicks(0.13, 0.87).domain).toEqual([0, 1]);
    expect(niceTicks(-3, 7).ticks).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    expect(niceTicks(1e-5, 5e-5).ticks).toEqual([1e-5, 2e-5, 3e-5, 4e-5, 5e-5]);
    expect(niceTicks(312, 417, 5).ticks).toEqual([300, 350, 400, 450]);
    expect(niceTicks(0, 1, 10).step).toBe(0.1);
    expect(niceTicks(0, 3, 6).ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
  });

  it('give a flat series some room', () => {
    expect(niceTicks(5, 5).domain[0]).toBeLessThan(5);
    expect(niceTicks(5, 5).domain[1]).toBeGreaterThan(5);
    expect(niceTicks(0, 0).domain).toEqual([-1, 1]);
  });

  it('put log ticks on powers of ten, with 2 and 5 over a narrow span', () => {
    expect(logTicks(0.02, 5)).toEqual({ ticks: [0.01, 0.1, 1, 10], domain: [0.01, 10] });
    expect(logTicks(0.2, 0.8).ticks).toEqual([0.1, 0.2, 0.5, 1]);
    expect(logTicks(1e-12, 1e6).ticks).toEqual([1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3, 1e6]);
  });

  it('put date ticks on years or months in UTC', () => {
    const y = dateTicks(Date.UTC(1958, 2, 1), Date.UTC(2020, 3, 1), 8);
    expect(y.unit).toBe('year');
    expect(y.labels).toEqual(['1960', '1970', '1980', '1990', '2000', '2010', '2020']);
    expect(y.ticks[0]).toBe(Date.UTC(1960, 0, 1));
    const y2 = dateTicks(Date.UTC(2015, 5, 1), Date.UTC(2020, 0, 1), 8);
    expect(y2.labels).toEqual(['2016', '2017', '2018', '2019', '2020']);
    const m = dateTicks(Date.UTC(2020, 0, 15), Date.UTC(2020, 6, 1), 8);
    expect(m.unit).toBe('month');
    expect(m.labels).toEqual(['2020-02', '2020-03', '2020-04', '2020-05', '2020-06', '2020-07']);
    expect(m.ticks[0]).toBe(Date.UTC(2020, 1, 1));
  });

  it('format labels compactly', () => {
    expect([0, 0.2, 1, 2.5, 1500, -0.3].map(formatTick)).toEqual(['0', '0.2', '1', '2.5', '1500', '-0.3']);
    expect([1e-5, 2.5e-6, 1e6, 3e7].map(formatTick)).toEqual(['1e-5', '2.5e-6', '1e6', '3e7']);
  });
});

describe('lineChartSvg validation', () => {
  const call = (o: unknown) => () => lineChartSvg(o as LineChartOptions);

  it('names the series index and both lengths when x and y differ', () => {
    const o = base({ series: [base().series[0]!, { name: 'b', x: [1, 2, 3, 4, 5], y: [1, 2, 3, 4] }] });
    expect(call(o)).toThrow(RangeError);
    expect(call(o)).toThrow(
      'Expected 5 values (as many as lineChartSvg.series[1].x) for lineChartSvg.series[1].y but received 4 values',
    );
    const band = base({ series: [{ name: 'a', x: [1, 2], y: [1, 2], band: { lower: [0, 1], upper: [3] } }] });
    expect(call(band)).toThrow(/lineChartSvg\.series\[0\]\.band\.upper but received 1 values/);
  });

  it('names the option and the value', () => {
    expect(call(undefined)).toThrow(TypeError);
    expect(call({ series: base().series })).toThrow(
      'Expected a non-empty string for lineChartSvg.title but received undefined of type undefined',
    );
    expect(call(base({ width: 100 }))).toThrow(
      'Expected an integer >= 240 for lineChartSvg.width but received 100 of type number',
    );
    expect(call(base({ height: 10.5 }))).toThrow(/an integer for lineChartSvg\.height but received 10\.5/);
    expect(call(base({ yScale: 'logarithmic' as 'log' }))).toThrow(RangeError);
    expect(call(base({ yScale: 'logarithmic' as 'log' }))).toThrow(/lineChartSvg\.yScale but received "logarithmic"/);
    expect(call({ ...base(), yscale: 'log' })).toThrow('Unknown option "yscale" for lineChartSvg; did you mean "yScale"?');
    expect(call(base({ series: [] }))).toThrow(/non-empty array of series for lineChartSvg\.series/);
    expect(call(base({ series: [{ name: 'a', x: [0], y: [1], colour: 'red' } as never] }))).toThrow(
      /Unknown option "colour" for lineChartSvg\.series\[0\]; did you mean "color"\?/,
    );
    expect(call(base({ series: [{ name: 'a', x: [0], y: ['1'] as never }] }))).toThrow(
      /a number for lineChartSvg\.series\[0\]\.y\[0\] but received "1" of type string/,
    );
    expect(call(base({ series: [{ name: 'a', x: [0], y: [1], dashed: 1 as never }] }))).toThrow(/lineChartSvg\.series\[0\]\.dashed/);
    expect(call(base({ markers: [{ x: 1, label: '' }] }))).toThrow(/lineChartSvg\.markers\[0\]\.label/);
  });

  it('refuses colours that are not plain CSS colours', () => {
    expect(call(base({ series: [{ name: 'a', x: [0], y: [1], color: 'url(http://example.com/x)' }] }))).toThrow(RangeError);
    expect(call(base({ series: [{ name: 'a', x: [0], y: [1], color: 'red" onload="x' }] }))).toThrow(
      /lineChartSvg\.series\[0\]\.color/,
    );
    expect(() => lineChartSvg(base({ series: [{ name: 'a', x: [0], y: [1], color: 'rgb(1, 2, 3)' }] }))).not.toThrow();
  });

  it('keeps x values all numbers or all Dates', () => {
    const o = base({ series: [{ name: 'a', x: [new Date(0)], y: [1] }, { name: 'b', x: [0], y: [1] }] });
    expect(call(o)).toThrow(TypeError);
    expect(call(o)).toThrow(/Expected a Date \(the chart's x values are Dates\) for lineChartSvg\.series\[1\]\.x\[0\] but received 0/);
    expect(call(base({ markers: [{ x: new Date(0), label: 'm' }] }))).toThrow(/lineChartSvg\.markers\[0\]\.x/);
    expect(call(base({ series: [{ name: 'a', x: ['2020-01'] as never, y: [1] }] }))).toThrow(
      /a number or a Date for lineChartSvg\.series\[0\]\.x\[0\]/,
    );
  });

  it('needs positive values on a log scale', () => {
    const o = base({ yScale: 'log', series: [{ name: 'a', x: [0, 1, 2], y: [1, NaN, 0] }] });
    expect(call(o)).toThrow(RangeError);
    expect(call(o)).toThrow(/a number > 0 \(yScale is 'log'\) for lineChartSvg\.series\[0\]\.y\[2\] but received 0/);
  });
});
