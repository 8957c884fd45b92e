// Charts of the ops console, drawn by uPlot (a small canvas charting library, ~50 kB) inside a Preact
// component: created on mount, given new data on change, resized with its box, destroyed on unmount.
// The canvas is an image to assistive technology; the figures beside it are the accessible, linked truth.
import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface BarSeries {
  label: string;
  values: number[];
  color: string;
}

/**
 * A chart of categories (days, methods): the first series as bars, any others as lines with points over
 * them (e.g. orders placed as bars, orders paid as a line). `format` writes the y values.
 */
export function BarChart(props: {
  label: string;
  categories: string[];
  series: BarSeries[];
  height?: number;
  format?: (value: number) => string;
}) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  // The chart is redrawn when what it shows changes, not on every render with equal arrays; the newest
  // props are read from a ref.
  const propsRef = useRef(props);
  useEffect(() => {
    propsRef.current = props;
  });
  const shape = JSON.stringify([props.categories, props.series.map((s) => [s.label, s.values])]);

  useEffect(() => {
    const { categories, series, height, format } = propsRef.current;
    const el = boxRef.current;
    if (!el) return;
    const n = series.length;
    const data: AlignedData = [categories.map((_, i) => i), ...series.map((s) => s.values)];
    const options: Options = {
      width: Math.max(el.clientWidth, 160),
      height: height ?? 200,
      legend: { show: n > 1, live: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: [-0.5, Math.max(categories.length - 0.5, 0.5)] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [
        {
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (categories[v] ?? '') : '')),
          splits: () => categories.map((_, i) => i),
          grid: { show: false },
        },
        { values: (_u, splits) => splits.map((v) => (format ? format(v) : String(v))), size: 56 },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color,
          fill: s.color,
          ...(i === 0
            ? { width: 0, paths: uPlot.paths.bars!({ size: [0.6, 64] }), points: { show: false } }
            : { width: 2, fill: undefined, points: { show: true, size: 7, fill: s.color } }),
        })),
      ],
    };
    plotRef.current?.destroy();
    plotRef.current = new uPlot(options, data, el);
    const resize = new ResizeObserver(() =>
      plotRef.current?.setSize({ width: Math.max(el.clientWidth, 160), height: height ?? 200 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plotRef.current?.destroy();
      plotRef.current = null;
    };
  }, [shape]);

  return <div ref={boxRef} class="adm-chart" role="img" aria-label={props.label} />;
}
