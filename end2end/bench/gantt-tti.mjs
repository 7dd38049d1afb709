// How long the Gantt chart of a big project takes to become interactive in headless Chromium
// (scripts/bench-tasks.sh). Signs in, loads the chart once to warm the caches, then LOADS
// times in fresh pages, reading the Performance API: the navigation timing and the
// `agora-hydrated` mark the page sets once hydration has run. Prints one JSON line with the
// medians.
//
//   node end2end/bench/gantt-tti.mjs http://bench-0.localhost:3182 user7@tasks.bench correct-horse-1 <group> [loads] [path]
//
// With `path` (e.g. /tasks), that page is loaded instead: the same measure for a light page,
// to tell the wasm's own start-up from the chart's hydration.
//
// On the chart, each load then scrolls to the middle of the project and times how long the
// rows there take to be drawn (`scroll_ms`: the next window fetched and rendered), and counts
// the bars drawn there.
import { chromium } from '@playwright/test';

const [origin, email, password, group, loadsArg, path] = process.argv.slice(2);
if (!group) {
  console.error('usage: gantt-tti.mjs <origin> <email> <password> <group> [loads]');
  process.exit(2);
}
const loads = Number(loadsArg ?? 5);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Signs in from a page of the portal (Chromium resolves *.localhost; Node does not).
  const first = await context.newPage();
  // A page of the app (its CSP lets it fetch its own origin; /healthz's does not).
  await first.goto(`${origin}/login`);
  const status = await first.evaluate(
    async ([email, password]) => {
      const response = await fetch('/api/login', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password }),
      });
      return response.status;
    },
    [email, password],
  );
  if (status !== 200) throw new Error(`signing in answered ${status}`);
  await first.close();
  const url = path ? `${origin}${path}` : `${origin}/tasks/gantt?group=${group}`;
  const samples = [];
  for (let i = 0; i <= loads; i++) {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('agora-hydrated').length > 0, null, {
      timeout: 120_000,
    });
    const sample = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        html_ms: nav.responseEnd,
        dom_ms: nav.domContentLoadedEventEnd,
        interactive_ms: performance.getEntriesByName('agora-hydrated')[0].startTime,
        bars: document.querySelectorAll('.gantt-bar').length,
        html_bytes: nav.encodedBodySize,
        html_decoded_bytes: nav.decodedBodySize,
        transfer_bytes: nav.transferSize,
      };
    });
    if (!path) {
      // Down to the middle row; timed until its bar is drawn.
      Object.assign(
        sample,
        await page.evaluate(async () => {
          const scroller = document.querySelector('[data-testid=gantt]');
          const names = document.querySelector('.gantt-names');
          const total = Math.round(parseFloat(names.style.height) / 32);
          const row = Math.floor(total / 2);
          const t0 = performance.now();
          scroller.scrollTop = row * 32;
          while (!document.querySelector(`.gantt-bar[data-row="${row + 2}"]`)) {
            if (performance.now() - t0 > 30_000) throw new Error('the rows did not come');
            await new Promise((r) => requestAnimationFrame(r));
          }
          return {
            total_rows: total,
            scroll_ms: performance.now() - t0,
            bars_deep: document.querySelectorAll('.gantt-bar').length,
          };
        }),
      );
    }
    await page.close();
    if (i > 0) samples.push(sample); // the first load warms the caches
  }
  const median = (key) => {
    const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
    return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
  };
  console.log(
    JSON.stringify({
      loads,
      html_ms: median('html_ms'),
      dom_ms: median('dom_ms'),
      interactive_ms: median('interactive_ms'),
      bars: samples[0].bars,
      html_bytes: samples[0].html_bytes,
      html_decoded_bytes: samples[0].html_decoded_bytes,
      transfer_bytes: samples[0].transfer_bytes,
      ...(path
        ? {}
        : {
            total_rows: samples[0].total_rows,
            scroll_ms: median('scroll_ms'),
            bars_deep: samples[0].bars_deep,
          }),
      samples_interactive_ms: samples.map((s) => Math.round(s.interactive_ms)),
    }),
  );
} finally {
  await browser.close();
}
