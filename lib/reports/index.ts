/**
 * Reports: dependency-free SVG charts and self-contained HTML pages for training curves,
 * forecasts, backtests and tuning studies. Nothing is fetched and no script runs.
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
export { barChartSvg, type Bar, type BarChartOptions } from './bar-chart.js';
export {
  lossCurvesSvg,
  lossCurvesHtml,
  type LossCurvesOptions,
  type LossCurvesHtmlOptions,
  type TrainingHistoryLike,
} from './loss-curves.js';
export { forecastChartSvg, type ForecastChartOptions, type PredictionInterval } from './forecast-chart.js';
export {
  backtestChartSvg,
  backtestTable,
  backtestReportHtml,
  type BacktestChartOptions,
  type BacktestFoldLike,
  type BacktestResultLike,
} from './backtest-chart.js';
export {
  parameterImportance,
  type ImportanceTrialLike,
  type ParameterImportanceOptions,
} from './param-importance.js';
export {
  tuningDashboardHtml,
  type TrialLike,
  type TrialState,
  type TuningDashboardOptions,
} from './tuning-dashboard.js';
