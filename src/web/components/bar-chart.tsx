/**
 * A horizontal bar chart (Chart.js, only the parts a bar chart needs, loaded with the page that shows it). The
 * canvas is a picture: the same numbers are in a table beside it for screen readers and for copying.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { useEffect, useRef } from "react";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface Bar {
  label: string;
  value: number;
  /** A colour per bar (special categories stand out); default the desk's accent. */
  colour?: string;
}

export default function BarChart({ bars, label }: { bars: readonly Bar[]; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current === null) return;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        // Long names are shortened on the axis (the table beside the chart has them whole).
        labels: bars.map((bar) => (bar.label.length > 24 ? `${bar.label.slice(0, 23)}…` : bar.label)),
        datasets: [
          {
            label,
            data: bars.map((bar) => bar.value),
            backgroundColor: bars.map((bar) => bar.colour ?? "#2457a6"),
            borderRadius: 3,
          },
        ],
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip: { enabled: true } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    return () => {
      chart.destroy();
    };
  }, [bars, label]);
  return (
    <div className="chart" style={{ height: `${String(Math.max(120, bars.length * 30 + 40))}px` }}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`${label}: ${bars.map((bar) => `${bar.label} ${String(bar.value)}`).join(", ")}`}
      />
    </div>
  );
}
