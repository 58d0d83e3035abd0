import { useEffect, useRef } from 'react';
import type { EChartsOption } from 'echarts';

type ECharts = import('echarts').ECharts;

/**
 * One ECharts chart (curves, bars, pies, GeoJSON maps). ECharts is loaded on first use, so pages
 * without a chart do not carry it; the chart follows its box's size and is disposed with the component.
 * `option` is applied whole on every change (notMerge), so a series removed from it goes from the chart.
 */
export function EChart({
  option,
  height = 320,
  testId,
  ariaLabel,
  onReady,
}: {
  option: EChartsOption;
  height?: number | string;
  testId?: string;
  ariaLabel?: string;
  onReady?: (chart: ECharts) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void import('echarts').then((echarts) => {
      if (disposed || !box.current) return;
      const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
      chart.current = instance;
      instance.setOption(latest.current, { notMerge: true });
      observer = new ResizeObserver(() => instance.resize());
      observer.observe(box.current);
      onReady?.(instance);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
    // The chart is made once per mount; option changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={box}
      className="echart"
      style={{ width: '100%', height }}
      data-testid={testId}
      role="img"
      aria-label={ariaLabel}
    />
  );
}
