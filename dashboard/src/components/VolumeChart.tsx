/**
 * Payments and amounts per day (uPlot: a canvas chart of ~50 KB that styles through CSSOM, so the CSP's
 * style-src 'self' holds). A table of the same numbers follows for screen readers and the keyboard.
 */
import { type ReactNode, useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface DayPoint {
  day: string;
  count: number;
  minor: number;
}

export function VolumeChart({ points, currency }: { points: DayPoint[]; currency: string }): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = points.map((p) => Date.parse(`${p.day}T00:00:00Z`) / 1000);
    const amounts = points.map((p) => p.minor / 100);
    const counts = points.map((p) => p.count);
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        scales: { x: { time: true }, n: { auto: true } },
        axes: [{}, { label: `Amount (${currency})`, size: 60 }, { scale: 'n', side: 1, label: 'Payments', grid: { show: false } }],
        series: [{}, { label: `Amount (${currency})`, stroke: '#1f5fbf', fill: 'rgba(31,95,191,0.12)', width: 2 }, { label: 'Payments', scale: 'n', stroke: '#b35c00', width: 2, dash: [4, 4] }],
      },
      [xs, amounts, counts],
      el,
    );
    const onResize = () => plot.setSize({ width: width(), height: 220 });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    };
  }, [points, currency]);
  return <div ref={box} className="chart" role="img" aria-label={`Payments and amounts in ${currency} per day over the last ${points.length} days`} />;
}

/** The last `days` days (UTC), each with the API's day total (GET /api/stats/home) in one currency, zero when none. */
export function dailyVolume(volume: { date: string; currency: string; count: number; amount: number }[], currency: string, days: number, now: number): DayPoint[] {
  const out: DayPoint[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(now - i * 86_400_000).toISOString().slice(0, 10);
    const v = volume.find((x) => x.date === day && x.currency === currency);
    out.push({ day, count: v?.count ?? 0, minor: v?.amount ?? 0 });
  }
  return out;
}
