/**
 * Reports: dependency-free SVG line charts and self-contained HTML pages, for training curves
 * and forecasts. Nothing is fetched and no script runs.
 */
export {
  lineChartSvg,
  DEFAULT_PALETTE,
  type LineChartOptions,
  type LineSeries,
  type ChartMarker,
  type ChartValues,
} from './line-chart.js';
export {
  htmlReport,
  type HtmlReportOptions,
  type ReportSection,
  type ReportTable,
} from './html-report.js';
