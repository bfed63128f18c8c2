// How the page looks: no cut text and readable screenshots at the four sizes people use (laptop
// 1400x900, desktop 1920x1080, a 2x high-DPI laptop, a 390x844 phone), every tab, both themes; and
// the fit matrix lists every model of the chosen family (or of the catalog).
//
// Cut text is found by the page itself: wasm/text_fit_check.cpp hooks ImGui's text drawing and
// records every string wider than the rectangle it is clipped to (a label cut by its cell, button or
// panel); a horizontally scrolled table's edge does not count. Each check fails with the strings.
//   node tests/browser/look.test.mjs [path/to/vramcalc.html]
import fs from 'node:fs';
import path from 'node:path';
import { check, clippedTexts, launchChromium, pagePath, pageUrl, run, screenshotDir, sleep } from './harness.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SIZES = [
  { name: 'laptop', viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 },
  { name: 'desktop', viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 },
  { name: 'laptop-dpr2', viewport: { width: 1400, height: 900 }, deviceScaleFactor: 2 },
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
];
const TABS = ['breakdown', 'matrix', 'chart', 'colocation', 'log'];

async function settle(page, frames = 6) {
  const start = await page.evaluate(() => window.vramcalc.framesDrawn);
  await page.evaluate(() => window.vramcalc.wake());
  await page.waitForFunction((n) => window.vramcalc.framesDrawn >= n, start + frames, { timeout: 20000 }).catch(() => {});
  await sleep(150);
}

// The strings cut while the page drew `frames` frames.
const cutTexts = (page) => clippedTexts(page, settle);

const describe = (cuts) => cuts.slice(0, 6).map((c) => `"${c.text.slice(0, 40)}" ${Math.round(c.width)}px in ${Math.round(c.clip_right - c.clip_left)}px`).join('; ');

async function openAt(browser, size) {
  const context = await browser.newContext(size);
  const page = await context.newPage();
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 60000 });
  // A pooled 70B model: the breakdown lists two GPUs, the chart has a break point, matrix cells vary.
  await page.evaluate(() => window.vramcalc.setState({ model: 'llama-3.1-70b-instruct', weights: 'awq', gpu: 'rtx-4090', gpus: 2, tp: 2, context: 32768 }));
  await settle(page);
  return { context, page };
}

async function checkSize(browser, size) {
  const { context, page } = await openAt(browser, size);
  for (const theme of ['dark', 'light']) {
    for (const tab of TABS) {
      if (theme === 'light' && tab !== 'breakdown' && tab !== 'matrix') continue;
      await page.evaluate(([t, th]) => window.vramcalc.setView({ tab: t, theme: th }), [tab, theme]);
      if (tab === 'matrix') await page.waitForFunction(() => window.vramcalc.getView().matrix.complete === true, null, { timeout: 60000 }).catch(() => {});
      await settle(page);
      const cuts = await cutTexts(page);
      check(`${size.name} ${theme} ${tab}: no cut text`, cuts.length === 0, cuts.length ? describe(cuts) : '');
      await page.screenshot({ path: path.join(screenshotDir, `look-${size.name}-${theme}-${tab}.png`) });
    }
  }
  await context.close();
}

// A phone scrolls one long column: check every panel, not only the first screen, on a viewport as
// tall as the page (the width, which is what cuts text, is the phone's).
async function checkPhoneColumn(browser) {
  const { context, page } = await openAt(browser, { ...SIZES[3], viewport: { width: 390, height: 3200 } });
  // the co-location list with a second deployment: its model, engine, format, context and
  // utilization fields flow onto lines of their own in the phone's narrow column
  await page.evaluate(() => window.vramcalc.setView({ colocate: [{ model: 'qwen2.5-7b-instruct', weights: 'bf16', gpu_mem_util: 0.3 }] }));
  for (const tab of TABS) {
    await page.evaluate((t) => window.vramcalc.setView({ tab: t, theme: 'dark' }), tab);
    await settle(page);
    const cuts = await cutTexts(page);
    check(`phone, whole column, ${tab}: no cut text`, cuts.length === 0, cuts.length ? describe(cuts) : '');
  }
  await page.screenshot({ path: path.join(screenshotDir, 'look-phone-column.png') });
  await context.close();
}

// The family choice lists every catalog model of the family; "all models" the whole catalog. The
// expected counts come from the catalog file itself (core/data/models.json).
async function checkMatrixRows(browser) {
  const models = JSON.parse(fs.readFileSync(path.join(root, 'core/data/models.json'), 'utf8'));
  const family = models.filter((m) => m.family === 'Qwen 3').length;
  const { context, page } = await openAt(browser, SIZES[0]);
  await page.evaluate(() => window.vramcalc.setState({ model: 'qwen3-8b', weights: 'bf16', gpu: 'h100-sxm', gpus: 1, tp: 1, context: 8192 }));
  await page.evaluate(() => window.vramcalc.setView({ tab: 'matrix', matrixRows: 'family', matrixFilter: '' }));
  await page.waitForFunction(() => window.vramcalc.getView().matrix.complete === true, null, { timeout: 60000 });
  let view = await page.evaluate(() => window.vramcalc.getView().matrix);
  check(`fit matrix, family: all ${family} Qwen 3 models of the catalog`, view.rows.length === family, `${view.rows.length} rows`);
  await page.evaluate(() => window.vramcalc.setView({ matrixRows: 'all' }));
  await settle(page);
  await page.waitForFunction(() => window.vramcalc.getView().matrix.complete === true, null, { timeout: 120000 });
  view = await page.evaluate(() => window.vramcalc.getView().matrix);
  check(`fit matrix, all models: all ${models.length} catalog models`, view.rows.length === models.length, `${view.rows.length} rows`);
  await context.close();
}

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  try {
    const only = process.env.LOOK_SIZES ? process.env.LOOK_SIZES.split(',') : null;
    for (const size of SIZES) if (!only || only.includes(size.name)) await checkSize(browser, size);
    if (!only || only.includes('phone-column')) await checkPhoneColumn(browser);
    await checkMatrixRows(browser);
  } finally {
    await browser.close();
  }
}

run('look', main);
