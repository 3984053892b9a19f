import { describe, it, expect } from 'vitest';
import { htmlReport, formatCell, type HtmlReportOptions } from '../../../lib/reports/html-report.js';
import { lineChartSvg } from '../../../lib/reports/line-chart.js';
import * as reports from '../../../lib/reports/index.js';
import { checkTags } from './fixtures.js';

const chart = lineChartSvg({ title: 'loss', series: [{ name: 'loss', x: [1, 2, 3], y: [1, 0.5, 0.3] }] });

const report = (over: Partial<HtmlReportOptions> = {}): string =>
  htmlReport({
    title: 'Run 7',
    sections: [
      { heading: 'Training', svg: chart },
      { heading: 'Errors', table: { columns: ['model', 'MAE', 'epochs'], rows: [['LSTM', 0.412345, 120], ['naive', 1.9, 1]] } },
      { heading: 'Notes', text: 'First paragraph.\n\nSecond one.' },
    ],
    ...over,
  });

describe('the tag checker used by these tests', () => {
  it('rejects unbalanced markup', () => {
    expect(checkTags('<html><meta charset="x"><p>a</p><svg><g/></svg></html>')).toEqual(['html', 'meta', 'p', 'svg', 'g']);
    expect(() => checkTags('<html><p></html>')).toThrow(/closes <p>/);
    expect(() => checkTags('<section><h2>x</h2>')).toThrow(/unclosed <section>/);
  });
});

describe('htmlReport', () => {
  it('builds one balanced page with a heading per section', () => {
    const html = report();
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    const names = checkTags(html);
    expect(names.filter((n) => n === 'h1')).toHaveLength(1);
    expect(names.filter((n) => n === 'section')).toHaveLength(3);
    expect([...html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1])).toEqual(['Training', 'Errors', 'Notes']);
    expect(html).toContain('<title>Run 7</title>');
    expect(reports.htmlReport).toBe(htmlReport);
  });

  it('inlines the SVG unchanged', () => {
    expect(report()).toContain(chart.trim());
    expect(report().match(/<svg[\s>]/g)).toHaveLength(1);
  });

  it('is self-contained: inline CSS, no script, no URL but the SVG namespace', () => {
    const evil = '<script>alert(1)</script>';
    const html = report({
      title: evil,
      sections: [
        { heading: evil, svg: lineChartSvg({ title: evil, series: [{ name: evil, x: [0, 1], y: [0, 1] }] }) },
        { heading: 'h', table: { columns: [evil], rows: [[evil]] }, text: evil },
      ],
    });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|<img|<iframe|@import|url\(|src=/i);
    const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([]);
    expect(urls.length).toBeGreaterThan(0);
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    checkTags(html);
  });

  it('shows a URL in text as text, never as a link', () => {
    const html = report({ sections: [{ heading: 'h', text: 'data: https://example.org/co2' }] });
    expect(html).toContain('<p>data: https://example.org/co2</p>');
    expect(html).not.toMatch(/<a[\s>]|href=/);
  });

  it('formats table numbers to 4 significant digits, integers in full', () => {
    const html = report({
      sections: [{
        heading: 't',
        table: { columns: ['v'], rows: [[0.123456], [3.14159265], [1234.5678], [0.000012346], [12345], [-2.71828], [NaN], ['0.123456']] },
      }],
    });
    const cells = [...html.matchAll(/<td( class="num")?>(.*?)<\/td>/g)].map((m) => [m[2], Boolean(m[1])]);
    expect(cells).toEqual([
      ['0.1235', true], ['3.142', true], ['1235', true], ['1.235e-5', true], ['12345', true], ['-2.718', true],
      ['NaN', true], ['0.123456', false],
    ]);
    expect([1e7 + 0.5, 0.5, 100.25].map(formatCell)).toEqual(['1e7', '0.5', '100.3']);
    expect(html).toContain('<thead><tr><th>v</th></tr></thead>');
  });

  it('splits text into escaped paragraphs', () => {
    const html = report({ sections: [{ heading: 'n', text: 'a < b & c\n\n  \nsecond\nline' }] });
    expect([...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1])).toEqual(['a &lt; b &amp; c', 'second\nline']);
  });

  it('names the row and both lengths when a row has the wrong number of cells', () => {
    const call = () => report({ sections: [{ heading: 't', table: { columns: ['a', 'b'], rows: [[1, 2], [3]] } }] });
    expect(call).toThrow(RangeError);
    expect(call).toThrow('Expected 2 cells (one per column) for htmlReport.sections[0].table.rows[1] but received 1 cells');
  });

  it('refuses SVG that would run or fetch something', () => {
    const withSvg = (svg: string) => () => report({ sections: [{ heading: 's', svg }] });
    for (const svg of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://example.com/x.png"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="https://example.com/s.svg#a"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://example.com/p)"/></svg>',
    ]) {
      expect(withSvg(svg)).toThrow(/Expected an SVG without scripts, event handlers or external references for htmlReport\.sections\[0\]\.svg/);
    }
    expect(withSvg('<div>not svg</div>')).toThrow(/an SVG document .* for htmlReport\.sections\[0\]\.svg/);
    expect(withSvg('<svg xmlns="http://www.w3.org/2000/svg"><use href="#a"/><rect fill="url(#g)"/></svg>')).not.toThrow();
  });

  it('names the option and the value', () => {
    const call = (o: unknown) => () => htmlReport(o as HtmlReportOptions);
    expect(call(undefined)).toThrow(TypeError);
    expect(call({ title: '', sections: [] })).toThrow(
      'Expected a non-empty string for htmlReport.title but received "" of type string',
    );
    expect(call({ title: 't', section: [] })).toThrow('Unknown option "section" for htmlReport; did you mean "sections"?');
    expect(call({ title: 't', sections: [{ heading: 'h', txt: 'x' }] })).toThrow(
      /Unknown option "txt" for htmlReport\.sections\[0\]; did you mean "text"\?/,
    );
    expect(call({ title: 't', sections: [{ heading: 'h', table: { columns: ['a'], rows: [[{}]] } }] })).toThrow(
      /a string or a number for htmlReport\.sections\[0\]\.table\.rows\[0\]\[0\] but received an object/,
    );
    expect(call({ title: 't', sections: 'x' })).toThrow(/an array of sections for htmlReport\.sections/);
  });
});
