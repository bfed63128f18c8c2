// Browser smoke test of the single-file page: Debian's headless Chromium opens vramcalc.html from
// file://, waits for the first frame, and checks that ImGui drew, that the canvas follows the window
// and devicePixelRatio, that an idle page stops drawing, and that nothing logged an error.
//   node tests/browser/smoke.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
// Saves screenshots next to the page, in <build>/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import { decodePng, pixelStats } from './png.mjs';
import { check, launchChromium, pagePath, pageUrl, run, screenshotDir, sleep } from './harness.mjs';

// Opens the page in a fresh context and records console errors and page errors.
async function openPage(browser, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  const started = Date.now();
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 30000 });
  return { context, page, errors, firstFrameMs: Date.now() - started };
}

async function canvasState(page) {
  return page.evaluate(() => {
    const c = document.querySelector('canvas');
    const r = c.getBoundingClientRect();
    return { width: c.width, height: c.height, cssWidth: r.width, cssHeight: r.height,
      innerWidth: window.innerWidth, innerHeight: window.innerHeight, dpr: window.devicePixelRatio,
      frames: window.vramcalc.framesDrawn };
  });
}

async function waitForFrames(page, atLeast) {
  await page.waitForFunction((n) => window.vramcalc.framesDrawn >= n, atLeast, { timeout: 10000 });
}

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  try {
    // 1. First frame, drawn pixels, no errors.
    const { context, page, errors, firstFrameMs } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    check('window.vramcalc.ready turns true after the first frame', true, `${firstFrameMs} ms`);
    await sleep(300);
    const shot = await page.screenshot({ path: path.join(screenshotDir, 'smoke.png') });
    const stats = pixelStats(decodePng(shot));
    check('the canvas shows drawn pixels', stats.distinctColors > 8 && stats.foregroundShare > 0.005,
      `${stats.distinctColors} colours, ${(100 * stats.foregroundShare).toFixed(1)}% non-background`);

    // 2. The canvas fills the window and follows its resizes.
    let state = await canvasState(page);
    check('the canvas fills the window', state.cssWidth === state.innerWidth && state.cssHeight === state.innerHeight
      && state.width === 1280 && state.height === 800, `${state.width}x${state.height} px in ${state.innerWidth}x${state.innerHeight}`);
    await page.setViewportSize({ width: 900, height: 640 });
    await waitForFrames(page, state.frames + 1);
    await sleep(200);
    state = await canvasState(page);
    check('the canvas follows a window resize', state.width === 900 && state.height === 640, `${state.width}x${state.height} px`);

    // 3. An idle page draws (almost) nothing; input wakes it.
    await sleep(500);
    const before = (await canvasState(page)).frames;
    await sleep(2000);
    const idleFrames = (await canvasState(page)).frames - before;
    check('an idle page draws fewer than 5 frames in 2 s', idleFrames < 5, `${idleFrames} frames`);
    await page.mouse.move(200, 100);
    await page.mouse.move(220, 120);
    await waitForFrames(page, before + idleFrames + 1);
    check('mouse input wakes the page', true);
    check('no console error or page error', errors.length === 0, errors.join(' | '));
    await context.close();

    // 4. devicePixelRatio 2: the canvas has twice the pixels, so text stays crisp.
    const hi = await openPage(browser, { viewport: { width: 800, height: 600 }, deviceScaleFactor: 2 });
    await sleep(300);
    const hiState = await canvasState(hi.page);
    check('the canvas backing store follows devicePixelRatio 2', hiState.width === 1600 && hiState.height === 1200,
      `${hiState.width}x${hiState.height} px for ${hiState.cssWidth}x${hiState.cssHeight} CSS px`);
    await hi.page.screenshot({ path: path.join(screenshotDir, 'smoke-dpr2.png') });
    check('no console error or page error at devicePixelRatio 2', hi.errors.length === 0, hi.errors.join(' | '));
    await hi.context.close();

    // 5. The wasm travels gzip-compressed in the page (scripts/pack_page.mjs): a browser without
    //    DecompressionStream gets a sentence naming the browsers that run the page, not a blank one.
    const packed = fs.readFileSync(pagePath, 'utf8');
    const block = /<script type="application\/octet-stream" id="vramcalc-wasm" data-bytes="(\d+)">([A-Za-z0-9+/=]+)<\/script>/.exec(packed);
    check('the page carries its wasm as one gzip block, no base64 data URI of the raw wasm', !!block
      && !/data:application\/octet-stream;base64,AGFzbQ/.test(packed),
      block ? `${block[2].length} base64 characters for ${block[1]} wasm bytes` : 'no block');
    const old = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const oldPage = await old.newPage();
    await oldPage.addInitScript(() => { delete window.DecompressionStream; });
    await oldPage.goto(pageUrl);
    await oldPage.waitForFunction(() => /newer browser/.test(document.getElementById('status')?.textContent || ''), null, { timeout: 10000 })
      .catch(() => {});
    const status = await oldPage.evaluate(() => document.getElementById('status')?.textContent || '');
    check('without DecompressionStream the page says which browsers run it', /needs a newer browser \(Chrome/.test(status), status);
    await old.close();
  } finally {
    await browser.close();
  }
}

await run('browser', main);
