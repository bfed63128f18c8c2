// The page beside a bare Dear ImGui page built the same way (bench/bare_page.cpp): start-up time,
// the main loop's busy time per frame while the mouse moves, and gzip size; then how long the fit
// matrix of every catalog model x format takes to fill once its tab opens. A benchmark, not a test:
// it prints a Markdown table and never fails on a number.
//   node bench/page_bench.mjs build-wasm/vramcalc.html build-wasm/bare_imgui.html [runs]
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { launchChromium, sleep } from '../tests/browser/harness.mjs';

const [pagePath, barePath, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
if (!pagePath || !barePath) {
  console.error('usage: node bench/page_bench.mjs PAGE.html BARE.html [runs]');
  process.exit(2);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const gzipBytes = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;

// Every requestAnimationFrame callback (Emscripten's main loop) is timed: its duration is the
// frame's CPU cost on the main thread, WebGL calls included.
const timeFrames = () => {
  window.__busy = [];
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => {
    const t0 = performance.now();
    cb(t);
    window.__busy.push(performance.now() - t0);
  });
};

async function measure(browser, file) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(timeFrames);
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => window.vramcalc && window.vramcalc.readyAt > 0, null, { timeout: 60000 });
  const readyMs = await page.evaluate(() => window.vramcalc.readyAt);
  await sleep(500);
  await page.evaluate(() => { window.__busy = []; });
  for (let i = 0; i < 60; ++i) {
    await page.mouse.move(200 + i * 15, 300 + (i % 10) * 20);
    await sleep(16);
  }
  const busy = await page.evaluate(() => window.__busy);
  await context.close();
  return { readyMs, busyMs: busy.length ? busy.reduce((a, b) => a + b, 0) / busy.length : 0 };
}

// The fit matrix: how long after the tab opens its cells are all there (the page computes them
// ahead while the tab is closed), for the chosen model's family and for every catalog model; and how
// long the whole catalog takes from scratch with the tab open (a change of context).
async function matrixFill(browser, file) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 60000 });
  // matrixProgress() is [computed cells or -1 while computing, total]: cheap to poll every 5 ms.
  const complete = () => page.waitForFunction(() => window.vramcalc.matrixProgress()[0] >= 0, null, { timeout: 120000, polling: 5 });
  // Waits until the page has drawn n more frames (a change takes effect in the next frame: until
  // then the previous matrix still reads as complete).
  const frames = async (n) => {
    const start = await page.evaluate(() => { window.vramcalc.wake(); return window.vramcalc.framesDrawn; });
    await page.waitForFunction((k) => window.vramcalc.framesDrawn >= k, start + n, { timeout: 30000 });
  };
  const openTab = async (rows) => {
    await page.evaluate((r) => window.vramcalc.setView({ tab: 'breakdown', matrixRows: r }), rows);
    await frames(2);
    await complete();  // computed ahead, with the tab closed
    await sleep(200);
    const [t0, left] = await page.evaluate(() => {
      const [done, total] = window.vramcalc.matrixProgress();
      window.vramcalc.setView({ tab: 'matrix' });
      return [performance.now(), done < 0 ? total : total - done];
    });
    await complete();
    const ms = (await page.evaluate(() => performance.now())) - t0;
    return { ms, left, cells: (await page.evaluate(() => window.vramcalc.matrixProgress()))[1] };
  };
  const family = await openTab('family');
  const all = await openTab('all');
  const t0 = await page.evaluate(() => { window.vramcalc.setState({ context: 16384 }); return performance.now(); });
  await frames(2);
  await complete();
  const cold = { ms: (await page.evaluate(() => performance.now())) - t0, cells: all.cells };
  // The heavy case (transformers over every "instruct" model): the longest frame of the page's own
  // work (draw_app, matrix cells included) while the matrix recomputes, with the tab open.
  const drawn = await page.evaluate(() => {
    window.vramcalc.setView({ matrixRows: 'all', matrixFilter: 'instruct' });
    window.vramcalc.setState({ engine: 'transformers', weights: 'bf16', context: 8192 });
    window.vramcalc.maxDrawMs = 0;
    return window.vramcalc.framesDrawn;
  });
  await page.waitForFunction((n) => window.vramcalc.framesDrawn >= n + 2, drawn, { timeout: 20000 });
  await complete();
  const heavy = await page.evaluate(() => ({ maxDrawMs: window.vramcalc.maxDrawMs, cells: window.vramcalc.matrixProgress()[1] }));
  await context.close();
  return { family, all, cold, heavy };
}

const browser = await launchChromium();
const results = { page: [], bare: [] };
for (let i = 0; i < runs; ++i) {  // alternated, so both see the same machine load
  results.bare.push(await measure(browser, barePath));
  results.page.push(await measure(browser, pagePath));
}
const fills = [];
for (let i = 0; i < 3; ++i) fills.push(await matrixFill(browser, pagePath));
await browser.close();

const row = (name, file, rs) => ({
  name, ready: median(rs.map((r) => r.readyMs)), busy: median(rs.map((r) => r.busyMs)), gzip: gzipBytes(file),
  bytes: fs.statSync(file).size,
});
const bare = row('bare ImGui page', barePath, results.bare);
const calc = row('vramcalc.html', pagePath, results.page);
const ratio = (a, b) => (a / b).toFixed(2) + 'x';
console.log(`\npage benchmark (headless Chromium, software WebGL, 1400x900, median of ${runs})\n`);
console.log('| page | ready (ms) | busy per frame, mouse moving (ms) | size (bytes) | gzip -9 (bytes) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of [bare, calc]) console.log(`| ${r.name} | ${r.ready.toFixed(0)} | ${r.busy.toFixed(2)} | ${r.bytes} | ${r.gzip} |`);
console.log(`| ratio | ${ratio(calc.ready, bare.ready)} | ${ratio(calc.busy, bare.busy)} | ${ratio(calc.bytes, bare.bytes)} | ${ratio(calc.gzip, bare.gzip)} |`);
const med = (k) => median(fills.map((f) => f[k].ms));
console.log(`\nfit matrix (median of ${fills.length}), from opening the tab to the last cell:`);
// (cells still to compute when the tab opened: 0 = computed ahead; the time is then the first frame
// of the tab and the round trip to the page)
const left = (k) => Math.max(...fills.map((f) => f[k].left));
console.log(`  the chosen model's family (${fills[0].family.cells} cells, ${left('family')} left at opening): ${med('family').toFixed(0)} ms`);
console.log(`  every catalog model x format (${fills[0].all.cells} cells, ${left('all')} left at opening): ${med('all').toFixed(0)} ms`);
console.log(`  every catalog model x format from scratch, tab open (context changed): ${med('cold').toFixed(0)} ms`);
console.log(`  longest frame of the page's own work while ${fills[0].heavy.cells} "instruct" cells recompute (transformers): ` +
  `${median(fills.map((f) => f.heavy.maxDrawMs)).toFixed(0)} ms`);
