// The report pages as a browser shows them: each page is rendered by headless Chromium, which
// takes a screenshot and dumps the DOM it built, and the SVG series are looked for in that DOM.
// Chromium comes from Debian's `chromium` package (`node scripts/setup.mjs --with-browser`);
// CHROMIUM_PATH points elsewhere. On Debian the test fails when it is missing; on other systems
// without it the test is skipped, saying why. REPORT_SCREENSHOTS=<dir> keeps the pages and PNGs there.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestReportHtml } from '../../../lib/reports/backtest-chart.js';
import { forecastChartSvg } from '../../../lib/reports/forecast-chart.js';
import { htmlReport } from '../../../lib/reports/html-report.js';
import { lossCurvesHtml } from '../../../lib/reports/loss-curves.js';
import { tuningDashboardHtml } from '../../../lib/reports/tuning-dashboard.js';
import { count, externalUrls, sampleBacktest, sampleForecast, sampleHistory, sampleTrials } from '../../unit/reports/fixtures.js';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WIDTH = 1200;
const HEIGHT = 900;

function isDebianLike(): boolean {
  if (process.platform !== 'linux' || !existsSync('/etc/os-release')) return false;
  const text = readFileSync('/etc/os-release', 'utf8');
  const field = (name: string): string => new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm').exec(text)?.[1] ?? '';
  return `${field('ID')} ${field('ID_LIKE')}`.toLowerCase().split(/\s+/).some((id) => id === 'debian' || id === 'ubuntu');
}

const present = existsSync(CHROMIUM);
const debian = isDebianLike();
const skipReason = !present && !debian
  ? `no Chromium at ${CHROMIUM} on this non-Debian system: install Chromium and set CHROMIUM_PATH to run it`
  : undefined;
if (skipReason) console.warn(`test/e2e/reports/chromium.test.ts skipped: ${skipReason}`);

/** Each page, and per inline SVG (in order) how many `path.line` / `path.band` / `rect.bar` it must hold. */
interface Page {
  name: string;
  html: string;
  svgs: { lines: number; bands?: number; bars?: number }[];
}

function pages(): Page[] {
  const { series, result } = sampleBacktest();
  return [
    { name: 'loss-curves', html: lossCurvesHtml(sampleHistory(), { title: 'Training', yScale: 'log', status: 'Epoch 30 of 30' }), svgs: [{ lines: 4 }] },
    {
      name: 'forecast',
      html: htmlReport({ title: 'Forecast', sections: [{ heading: 'CO2', svg: forecastChartSvg({ ...sampleForecast(), yLabel: 'ppm' }) }] }),
      svgs: [{ lines: 3, bands: 1 }],
    },
    { name: 'backtest', html: backtestReportHtml(result, { series, title: 'Backtest, 3 folds' }), svgs: [{ lines: 6 }] },
    {
      name: 'tuning',
      html: tuningDashboardHtml(sampleTrials(), { direction: 'minimize', objective: 'val_loss' }),
      // Objective + running best; 18 complete, 3 pruned, 1 running and the best trial's curves; 3 bars.
      svgs: [{ lines: 2 }, { lines: 23 }, { lines: 0, bars: 3 }],
    },
  ];
}

const dir = mkdtempSync(path.join(tmpdir(), 'torch-lstm-chromium-'));
const out = process.env.REPORT_SCREENSHOTS ? path.resolve(process.env.REPORT_SCREENSHOTS) : dir;
let runs = 0;

/** Runs headless Chromium on a file with a fresh profile; returns stdout. */
async function chromium(file: string, mode: string[]): Promise<string> {
  const profile = path.join(dir, `profile-${runs++}`);
  const { stdout } = await run(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, `--window-size=${WIDTH},${HEIGHT}`, ...mode, pathToFileURL(file).href,
  ], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  rmSync(profile, { recursive: true, force: true });
  return stdout;
}

interface Rendered { html: string; png: string; dom: string }

async function render(name: string, html: string): Promise<Rendered> {
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `${name}.html`);
  const png = path.join(out, `${name}.png`);
  writeFileSync(file, html);
  await chromium(file, [`--screenshot=${png}`]);
  const dom = await chromium(file, ['--dump-dom']);
  return { html, png, dom };
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skipReason !== undefined)(`report pages in headless Chromium (${CHROMIUM})`, () => {
  const rendered = new Map<string, Rendered>();
  let blankSize = 0;

  it('has Chromium (on Debian: node scripts/setup.mjs --with-browser installs it)', () => {
    expect(present, `${CHROMIUM} is missing: run \`node scripts/setup.mjs --with-browser\``).toBe(true);
  });

  beforeAll(async () => {
    if (!present) return;
    // A page with the reports' frame and nothing in it: what "blank" weighs as a PNG.
    const blank = render('blank', htmlReport({ title: ' ', sections: [] }));
    const all = await Promise.all(pages().map(async (p) => [p.name, await render(p.name, p.html)] as const));
    all.forEach(([name, r]) => rendered.set(name, r));
    blankSize = statSync((await blank).png).size;
  }, 180_000);

  for (const page of pages()) {
    it(`${page.name}: screenshot is a ${WIDTH}x${HEIGHT} PNG well above a blank page`, () => {
      const r = rendered.get(page.name)!;
      expect(existsSync(r.png)).toBe(true);
      expect(pngSize(r.png)).toEqual({ width: WIDTH, height: HEIGHT });
      const size = statSync(r.png).size;
      expect(size).toBeGreaterThan(20_000);
      expect(size).toBeGreaterThan(3 * blankSize);
    });

    it(`${page.name}: the rendered DOM holds each SVG with one path per series`, () => {
      const { dom } = rendered.get(page.name)!;
      const svgs = dom.split(/<svg[\s>]/).slice(1);
      expect(svgs).toHaveLength(page.svgs.length);
      page.svgs.forEach((want, i) => {
        const svg = svgs[i]!;
        expect(count(svg, /<path class="line" d="M[^"]+"/g), `lines of SVG ${i}`).toBe(want.lines);
        expect(count(svg, /<path class="band" d="M[^"]+"/g), `bands of SVG ${i}`).toBe(want.bands ?? 0);
        expect(count(svg, /<rect class="bar"/g), `bars of SVG ${i}`).toBe(want.bars ?? 0);
      });
      expect(dom).not.toMatch(/<script/i);
    });

    it(`${page.name}: the HTML has no URL but the SVG namespace`, () => {
      const { html } = rendered.get(page.name)!;
      expect(externalUrls(html)).toEqual([]);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=/i);
    });
  }
});
