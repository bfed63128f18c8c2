// What every browser test shares: the page under test, Debian's headless Chromium with software
// WebGL 2 (SwiftShader, no GPU) and no network, and the ok/FAIL reporting with its closing line.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// node tests/browser/X.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
export const pagePath = path.resolve(process.argv[2] || process.env.VRAMCALC_PAGE || path.join(root, 'build-wasm/vramcalc.html'));
export const pageUrl = pathToFileURL(pagePath).href;
export const screenshotDir = path.join(path.dirname(pagePath), 'screenshots');

const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic'];

export const launchChromium = () => chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const results = [];
export function check(name, ok, detail = '') {
  results.push({ name, ok: !!ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  return ok;
}

// Runs the test, turns an exception into a failed check, prints "<label>: N passed, M failed" (the
// closing line CI reads) and exits non-zero on any failure.
export async function run(label, main, { beforeSummary } = {}) {
  try {
    await main();
  } catch (err) {
    check(`${label} test ran to the end`, false, err && err.message ? err.message.split('\n')[0] : String(err));
  }
  if (beforeSummary) beforeSummary();
  const failed = results.filter((r) => !r.ok).length;
  console.log(`screenshots: ${screenshotDir}`);
  console.log(`${label}: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// Waits until the page stops drawing (its answers are computed one step per frame): the frame count
// holds still over `ms`, tried up to `rounds` times. `newFrame` first waits for a frame drawn after the
// call (a change just made); `wake` asks the page for one.
export async function settleIdle(page, { ms = 250, rounds = 60, newFrame = false, wake = false } = {}) {
  const before = newFrame ? await page.evaluate(() => window.vramcalc.framesDrawn) : 0;
  if (wake) await page.evaluate(() => window.vramcalc.wake());
  if (newFrame) await page.waitForFunction((n) => window.vramcalc.framesDrawn > n, before, { timeout: 10000 }).catch(() => {});
  for (let i = 0; i < rounds; i++) {
    const a = await page.evaluate(() => window.vramcalc.framesDrawn);
    await sleep(ms);
    const b = await page.evaluate(() => window.vramcalc.framesDrawn);
    if (a === b) return;
  }
}

// Asks the page for frames (an idle page draws none), then waits until it stops drawing.
export const settleDrawn = (page) => settleIdle(page, { ms: 150, rounds: 40, newFrame: true, wake: true });

// Where the page draws a string starting with `prefix` (CSS px, its visible part, the last drawn of
// the frames `settle(page)` let the page draw), through the text hook of wasm/text_fit_check.cpp;
// null when it is not on screen. Settle after a change first: frames drawn before it count too.
// The default `settle` is settleDrawn.
export async function findTextOn(page, prefix, settle = settleDrawn) {
  await page.evaluate((p) => Module.ccall('vramcalc_find_text', null, ['string'], [p]), prefix);
  await settle(page);
  const found = await page.evaluate(() => JSON.parse(Module.ccall('vramcalc_found_texts', 'string', [], [])));
  await page.evaluate(() => Module.ccall('vramcalc_find_text', null, ['string'], ['']));
  if (!found.length) return null;
  const dpr = await page.evaluate(() => window.devicePixelRatio || 1);
  const f = found[found.length - 1];
  return { x: f.x / dpr, y: f.y / dpr, w: f.w / dpr, h: f.h / dpr, text: f.text };
}

// The strings the page drew cut (wasm/text_fit_check.cpp) while `settle(page)` let it draw.
export async function clippedTexts(page, settle) {
  await page.evaluate(() => Module.ccall('vramcalc_text_check', null, ['number'], [1]));
  await settle(page);
  const cuts = await page.evaluate(() => JSON.parse(Module.ccall('vramcalc_clipped_texts', 'string', [], [])));
  await page.evaluate(() => Module.ccall('vramcalc_text_check', null, ['number'], [0]));
  return cuts;
}
