// Browser test of input that works like the rest of the web: real wheel events in the three
// WheelEvent delta modes, touch swipes and taps (Chromium's touch emulation through CDP), the
// model / GPU / weights pickers from the keyboard, Tab order with a visible focus ring, Enter and
// Space on a focused control, and copying a figure (right-click > Copy value, Copy as Markdown).
// State is read through window.vramcalc (getInput, getState, getResult, lastCopied).
//   node tests/browser/input.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
import fs from 'node:fs';
import path from 'node:path';
import { check, findTextOn, launchChromium, pagePath, pageUrl, run, screenshotDir, sleep } from './harness.mjs';

const DESK = { width: 1400, height: 900 };
// Where the controls are at 1400 x 900 CSS px (left column; see the screenshots). The model picker is
// the column's first control; the others move with the lines above them (a long model line wraps), so
// locate() finds them at run time from the focus rect the Tab key walks through.
const AT = {
  modelPicker: { x: 230, y: 104 },
  weightsPicker: { x: 270, y: 209 },
  gpuPicker: { x: 230, y: 300 },
};

// Updates AT.weightsPicker and AT.gpuPicker for the current state: click the model picker (it takes
// focus), Escape closes its list, then Tab: the next stop is the weights picker, the first full-width
// stop at the column's left edge after it is the GPU picker.
// The page's animation frames wait while a test types (requestAnimationFrame callbacks are kept and
// run on release), so the events all reach the same frame.
const holdFrames = (page) => page.evaluate(() => {
  window.__heldFrames = [];
  window.__raf = window.requestAnimationFrame;
  window.requestAnimationFrame = (cb) => { window.__heldFrames.push(cb); return 1; };
});
const releaseFrames = (page) => page.evaluate(() => {
  window.requestAnimationFrame = window.__raf;
  const held = window.__heldFrames;
  window.__heldFrames = [];
  held.forEach((cb) => window.__raf(cb));
  window.vramcalc.wake();
});

async function locate(page) {
  await page.mouse.click(AT.modelPicker.x, AT.modelPicker.y);
  await settle(page);
  await page.keyboard.press('Escape');
  await settle(page);
  const center = (f) => ({ x: f.x + f.w / 2, y: f.y + f.h / 2 });
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    await settle(page, 60);
    const f = (await input(page)).focus;
    if (!f) break;
    if (i === 0) AT.weightsPicker = center(f);
    else if (f.x < 40 && f.w > 300) { AT.gpuPicker = center(f); break; }
  }
  await page.keyboard.press('Escape');
  await settle(page);
}

async function openPage(context, hash = '') {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto(pageUrl + hash);
  await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 30000, polling: 10 });
  return { page, errors };
}

// Waits until the page has drawn again and gone idle.
async function settle(page, ms = 150) {
  const before = await page.evaluate(() => window.vramcalc.framesDrawn);
  await page.waitForFunction((n) => window.vramcalc.framesDrawn > n, before, { timeout: 10000 }).catch(() => {});
  for (let i = 0; i < 60; i++) {
    const a = await page.evaluate(() => window.vramcalc.framesDrawn);
    await sleep(ms);
    const b = await page.evaluate(() => window.vramcalc.framesDrawn);
    if (a === b) return;
  }
}

const input = (page) => page.evaluate(() => window.vramcalc.getInput());
const state = (page) => page.evaluate(() => window.vramcalc.getState());
const shot = (page, name) => page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
// The scrollable window whose name contains `part` (ImGui names children "parent/child_ID").
const win = (inp, part) => inp.windows.find((w) => w.name.includes(part));

// A WheelEvent with a delta mode page.mouse.wheel cannot send (it always sends pixels).
async function wheelMode(page, x, y, deltaY, deltaMode) {
  await page.evaluate(([x, y, deltaY, deltaMode]) => {
    const canvas = document.querySelector('canvas');
    canvas.dispatchEvent(new WheelEvent('wheel', { clientX: x, clientY: y, deltaY, deltaMode, bubbles: true, cancelable: true }));
  }, [x, y, deltaY, deltaMode]);
}

async function wheelTests(page) {
  // A long answers column: a 70B model that does not fit (suggestions, every breakdown row).
  await page.evaluate(() => window.vramcalc.setState({ model: 'llama-3.1-70b-instruct', engine: 'llamacpp', weights: 'gguf-q4_k_m',
    gpu: 'rtx-4090', gpus: 1, tp: 1, pp: 1, context: 32768, batch: 1 }));
  await settle(page);
  await locate(page);
  let inp = await input(page);
  let answers = win(inp, 'answers');
  check('the answers column can scroll at 1400x900', answers && answers.scrollMaxY > 100,
    answers ? `scrollMaxY ${answers.scrollMaxY}` : inp.windows.map((w) => w.name).join(', '));
  if (!answers) return;
  const cx = answers.x + answers.w / 2, cy = answers.y + answers.h / 2;
  await page.mouse.move(cx, cy);
  await settle(page);
  // pixel mode: Chromium sends deltaY = 100 per notch (page.mouse.wheel is a real wheel event)
  await page.mouse.wheel(0, 100);
  await settle(page);
  inp = await input(page);
  let y1 = win(inp, 'answers').scrollY;
  check('one wheel notch down (pixel mode, deltaY 100) scrolls the panel under the pointer down by 100 px', Math.abs(y1 - 100) <= 1,
    `scrollY 0 -> ${y1}`);
  await page.mouse.wheel(0, -100);
  await settle(page);
  inp = await input(page);
  check('one notch up scrolls back to the top', win(inp, 'answers').scrollY === 0, `scrollY ${win(inp, 'answers').scrollY}`);

  // line mode (Firefox): 3 lines per notch, 40 px per line
  await wheelMode(page, cx, cy, 3, 1);
  await settle(page);
  inp = await input(page);
  y1 = win(inp, 'answers').scrollY;
  check('a wheel event in line mode (3 lines) scrolls down by 3 x 40 px', Math.abs(y1 - Math.min(120, answers.scrollMaxY)) <= 1, `scrollY ${y1}`);
  await wheelMode(page, cx, cy, -3, 1);
  await settle(page);
  // page mode: one page is max(0.875 x the panel's height, height - 40 px), or to the end
  await wheelMode(page, cx, cy, 1, 2);
  await settle(page);
  inp = await input(page);
  const a = win(inp, 'answers');
  const inner = a.h - 2 * 10;  // window padding 10 px top and bottom (web/ui.cpp build_style)
  const expected = Math.min(a.scrollMaxY, Math.max(0.875 * inner, inner - 40));
  check('a wheel event in page mode scrolls down by about a page (Blink\'s page step)', Math.abs(a.scrollY - expected) <= 0.06 * inner,
    `scrollY ${a.scrollY.toFixed(0)}, a page of a ${a.h.toFixed(0)} px panel is ~${expected.toFixed(0)}`);
  await wheelMode(page, cx, cy, -1, 2);
  await settle(page);
  inp = await input(page);
  check('page mode up goes back to the top', win(inp, 'answers').scrollY === 0, `scrollY ${win(inp, 'answers').scrollY}`);

  // A list inside a popup scrolls, the page behind it does not.
  await page.mouse.click(AT.gpuPicker.x, AT.gpuPicker.y);
  await settle(page);
  inp = await input(page);
  const list = win(inp, '/list_');  // the picker's list, inside its popup (##Popup_.../list_...)
  check('the GPU list opens as a scrollable popup', list && list.scrollMaxY > 100, list ? `scrollMaxY ${list.scrollMaxY}` : 'none');
  if (list) {
    await page.mouse.move(list.x + list.w / 2, list.y + list.h / 2);
    await page.mouse.wheel(0, 100);
    await settle(page);
    inp = await input(page);
    const after = win(inp, '/list_');
    // (the list opens with the current GPU in view, so it need not start at the top)
    check('one notch over the GPU list scrolls the list down by 100 px, not the page', after && Math.abs(after.scrollY - list.scrollY - 100) <= 1 &&
      win(inp, 'answers').scrollY === 0 && inp.popups.length === 1, `list ${list.scrollY} -> ${after && after.scrollY}, answers ${win(inp, 'answers').scrollY}`);
    await shot(page, 'input-gpu-list-scrolled');
  }
  await page.keyboard.press('Escape');
  await settle(page);
}

// The exact line and page steps, on a panel several steps long: at 700 x 400 CSS px the page is one
// column (narrower than 900 px) that scrolls by over a thousand pixels; the pointer is in the
// column's left padding, so the wheel goes to the page itself, not a panel inside it.
async function wheelStepTests(browser) {
  const context = await browser.newContext({ viewport: { width: 700, height: 400 } });
  const { page } = await openPage(context, '#v=1&m=llama-3.1-70b-instruct&w=gguf-q4_k_m&e=llamacpp&gpu=rtx-4090&n=1');
  await settle(page);
  const main = async () => (await input(page)).windows.find((w) => w.name === 'vramcalc');
  let m = await main();
  check('at 700 x 400 the page is one column that scrolls more than 2.5 pages', m && m.scrollMaxY > 2.5 * m.h,
    m ? `scrollMaxY ${m.scrollMaxY}, height ${m.h}` : 'no scrolling page');
  if (!m) { await context.close(); return; }
  const x = 4, y = 200;
  await page.mouse.move(x, y);
  await settle(page);
  // line mode (Firefox sends 3 lines per notch): a line is 40 px (web/input.h kWheelLinePx)
  await wheelMode(page, x, y, 3, 1);
  await settle(page);
  m = await main();
  check('line mode: 3 lines scroll the page down by exactly 3 x 40 px', Math.abs(m.scrollY - 120) <= 0.5, `scrollY 0 -> ${m.scrollY}`);
  await wheelMode(page, x, y, 2, 1);
  await settle(page);
  m = await main();
  check('line mode: 2 more lines add exactly 80 px', Math.abs(m.scrollY - 200) <= 0.5, `scrollY ${m.scrollY}`);
  await wheelMode(page, x, y, -5, 1);
  await settle(page);
  m = await main();
  check('line mode: 5 lines up go back to the top', m.scrollY === 0, `scrollY ${m.scrollY}`);
  // page mode: Blink's page step, max(0.875 x the visible height, height - 40 px)
  // (Blink's PaintLayerScrollableArea::PageStep with MinFractionToStepWhenPaging; web/input.h)
  const pageStep = Math.max(0.875 * m.innerH, m.innerH - 40);
  await wheelMode(page, x, y, 1, 2);
  await settle(page);
  m = await main();
  check('page mode: one page scrolls down by exactly Blink\'s page step', Math.abs(m.scrollY - pageStep) <= 0.5,
    `scrollY ${m.scrollY.toFixed(1)}, page step of a ${m.innerH.toFixed(0)} px view ${pageStep.toFixed(1)}`);
  await wheelMode(page, x, y, 1, 2);
  await settle(page);
  m = await main();
  check('page mode: one more page adds exactly one step', Math.abs(m.scrollY - 2 * pageStep) <= 0.5, `scrollY ${m.scrollY.toFixed(1)}`);
  await wheelMode(page, x, y, -2, 2);
  await settle(page);
  m = await main();
  check('page mode: two pages up go back to the top', m.scrollY === 0, `scrollY ${m.scrollY}`);
  await context.close();
}

async function pickerTests(page) {
  await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-7b-instruct', engine: 'vllm', weights: 'bf16', gpu: 'h100-sxm',
    gpus: 1, tp: 1, context: 8192, batch: 1 }));
  await settle(page);
  await locate(page);

  // The first keystroke right after the click is not lost: no pause between click and typing. The
  // page's frames are held meanwhile, so the click and every key reach one frame, as on a busy machine
  // (a click shorter than a frame is seen pressed in one frame and clicked in the next).
  await holdFrames(page);
  await page.mouse.click(AT.gpuPicker.x, AT.gpuPicker.y);
  await page.keyboard.type('3090');
  await releaseFrames(page);
  await settle(page);
  let inp = await input(page);
  check('typing right after the click that opens the GPU picker keeps every key', inp.pickers.gpu === '3090', JSON.stringify(inp.pickers.gpu));
  await shot(page, 'input-gpu-picker-3090');
  await page.keyboard.press('Enter');
  await settle(page);
  let st = await state(page);
  check('"3090" + Enter picks the RTX 3090 (an exact match outranks the 3090 Ti)', st.gpu === 'rtx-3090', st.gpu);

  await page.evaluate(() => window.vramcalc.setState({ gpu: 'h100-sxm' }));
  await settle(page);
  await holdFrames(page);
  await page.mouse.click(AT.gpuPicker.x, AT.gpuPicker.y);
  await page.keyboard.type('rtx 3090');
  await page.keyboard.press('Enter');
  await releaseFrames(page);
  await settle(page);
  st = await state(page);
  check('"rtx 3090" + Enter picks the RTX 3090, all typed before the page drew a frame', st.gpu === 'rtx-3090', st.gpu);

  // Enter with no match picks nothing and keeps the box; one Escape closes.
  await page.mouse.click(AT.gpuPicker.x, AT.gpuPicker.y);
  await page.keyboard.type('zzzz');
  await page.keyboard.press('Enter');
  await settle(page);
  st = await state(page);
  inp = await input(page);
  check('Enter when the filter matches nothing picks nothing and the list stays open', st.gpu === 'rtx-3090' && inp.popups.length === 1,
    `${st.gpu}, popups ${inp.popups.join(',')}`);
  await page.keyboard.type('x');
  await settle(page);
  inp = await input(page);
  check('after Enter on no match the box still takes typing', inp.pickers.gpu === 'zzzzx', JSON.stringify(inp.pickers.gpu));
  await page.keyboard.press('Escape');
  await settle(page);
  inp = await input(page);
  check('one Escape closes the picker', inp.popups.length === 0, inp.popups.join(','));

  // Arrows move the highlight without leaving the box.
  await page.mouse.click(AT.gpuPicker.x, AT.gpuPicker.y);
  await page.keyboard.type('h100');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.type(' ');  // still typing in the box after the arrows
  await settle(page);
  inp = await input(page);
  const boxKept = inp.pickers.gpu === 'h100 ' && inp.popups.length === 1;
  await page.keyboard.press('Backspace');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await settle(page);
  st = await state(page);
  // The H100s rank equal for "h100"; the list keeps the catalog's order (most memory first:
  // NVL 94 GB, then PCIe and SXM at 80 GB): the second row is the PCIe card.
  check('ArrowDown in the GPU picker moves through the filtered rows and Enter picks the highlighted one', boxKept && st.gpu === 'h100-pcie',
    `box kept: ${boxKept}, picked ${st.gpu}`);

  // The model picker: "gemma 4" offers the Gemma 4 family first, not Gemma 2.
  await page.mouse.click(AT.modelPicker.x, AT.modelPicker.y);
  await page.keyboard.type('gemma 4');
  await settle(page);
  await shot(page, 'input-model-picker-gemma4');
  await page.keyboard.press('Enter');
  await settle(page);
  st = await state(page);
  check('"gemma 4" + Enter in the model picker picks a Gemma 4 model', /^gemma-4-/.test(st.model), st.model);
  await page.mouse.click(AT.modelPicker.x, AT.modelPicker.y);
  await page.keyboard.type('Qwen/Qwen2.5-7B-Instruct');
  await page.keyboard.press('Enter');
  await settle(page);
  st = await state(page);
  check('a Hugging Face id in the model picker finds its model', st.model === 'qwen2.5-7b-instruct', st.model);

  // The weights picker: grouped, type-ahead, opens with the current choice in view.
  await page.evaluate(() => window.vramcalc.setState({ engine: 'llamacpp', weights: 'gguf-q4_k_m' }));
  await settle(page);
  await locate(page);
  await page.mouse.click(AT.weightsPicker.x, AT.weightsPicker.y);
  await settle(page);
  inp = await input(page);
  const wl = win(inp, '/list_');
  // (the current format's row shows in input-weights-picker.png: GGUF Q4_K_M fits in the first screen of the list)
  check('the weights picker opens just below its button', wl && wl.y > AT.weightsPicker.y - 20 && wl.y < AT.weightsPicker.y + 60, wl ? `list at y ${wl.y}, scrollY ${wl.scrollY}` : inp.windows.map((w) => w.name).join(', '));
  await shot(page, 'input-weights-picker');
  await page.keyboard.type('q8');
  await page.keyboard.press('Enter');
  await settle(page);
  st = await state(page);
  check('typing "q8" + Enter in the weights picker picks GGUF Q8_0', st.weights === 'gguf-q8_0', st.weights);
}

async function keyboardTests(page) {
  await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-7b-instruct', engine: 'vllm', weights: 'bf16', gpu: 'h100-sxm',
    gpus: 1, tp: 1, context: 8192, batch: 1 }));
  await settle(page);
  // Start from the model picker button (a click focuses it; Escape closes its list).
  await page.mouse.click(AT.modelPicker.x, AT.modelPicker.y);
  await settle(page);
  await page.keyboard.press('Escape');
  await settle(page);
  const stops = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    await settle(page, 80);
    const f = (await input(page)).focus;
    stops.push(f);
  }
  const ok = stops.every((f) => f && f.ringVisible);
  let ordered = true;
  for (let i = 1; i < stops.length && stops[i] && stops[i - 1]; i++) {
    const a = stops[i - 1], b = stops[i];
    if (b.x > 460) break;  // reached the answers column
    if (!(b.y > a.y + 2 || (Math.abs(b.y - a.y) <= 2 && b.x > a.x))) ordered = false;
  }
  const distinct = new Set(stops.map((f) => f && f.id)).size;
  check('Tab walks the controls in reading order with a visible focus ring', ok && ordered && distinct >= 10,
    stops.slice(0, 8).map((f) => f ? `${Math.round(f.x)},${Math.round(f.y)}` : 'none').join(' ') + ` ... ${distinct} distinct`);
  await shot(page, 'input-tab-focus');

  // Shift+Tab goes back.
  const before = stops[stops.length - 1];
  await page.keyboard.press('Shift+Tab');
  await settle(page, 80);
  const back = (await input(page)).focus;
  check('Shift+Tab goes back one control', back && stops[stops.length - 2] && back.id === stops[stops.length - 2].id,
    `${before && before.id} -> ${back && back.id}`);

  // Enter and Space on a focused picker button open it.
  await locate(page);
  await page.mouse.click(AT.gpuPicker.x, AT.gpuPicker.y);
  await settle(page);
  await page.keyboard.press('Escape');
  await settle(page);
  await page.keyboard.press('Enter');
  await settle(page);
  let inp = await input(page);
  check('Enter on the focused GPU button opens its list', inp.popups.length === 1, inp.popups.join(','));
  await page.keyboard.press('Escape');
  await settle(page);
  await page.keyboard.press('Space');
  await settle(page);
  inp = await input(page);
  check('Space on the focused GPU button opens its list', inp.popups.length === 1, inp.popups.join(','));
  await page.keyboard.press('Escape');
  await settle(page);
}

async function copyTests(page, context) {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-7b-instruct', engine: 'vllm', weights: 'bf16', gpu: 'h100-sxm',
    gpus: 1, tp: 1, context: 8192, batch: 1 }));
  await page.evaluate(() => window.vramcalc.setView({ tab: 'breakdown', unit: 'GiB' }));
  await settle(page);
  const r = await page.evaluate(() => window.vramcalc.getResult());
  // The breakdown's "weights" row, per-GPU column
  await page.mouse.click(COPY.weightsPerGpu.x, COPY.weightsPerGpu.y, { button: 'right' });
  await settle(page);
  await shot(page, 'input-copy-menu');
  await page.mouse.click(COPY.weightsPerGpu.x + 30, COPY.weightsPerGpu.y + 36);  // "Copy value", the menu's first item
  await settle(page);
  const copied = await page.evaluate(() => window.vramcalc.lastCopied);
  const clip = await page.evaluate(() => navigator.clipboard.readText().catch((e) => 'clipboard: ' + e.message));
  // 7.6 B params in bf16: weights_bytes / 2^30 to one decimal, as the table prints it
  const expected = `${(r.per_gpu.weights_bytes / 2 ** 30).toFixed(1)} GiB`;
  check('right-click a figure > Copy value puts it on the clipboard', copied === expected && clip === expected, `${copied} / ${clip}, expected ${expected}`);
  await page.mouse.click(COPY.markdownButton.x, COPY.markdownButton.y);
  await settle(page);
  const md = await page.evaluate(() => window.vramcalc.lastCopied);
  const exported = await page.evaluate(() => window.vramcalc.exportMarkdown());
  check('"Copy as Markdown" copies the breakdown as Markdown (the Export menu\'s text)', md === exported && /\|/.test(md), md.slice(0, 60));
}

// The Breakdown tab at 1400 x 900 for Qwen2.5 7B on one H100 (see input-copy-menu.png)
const COPY = {
  weightsPerGpu: { x: 700, y: 400 },
  markdownButton: { x: 553, y: 355 },
};

async function touchTests(browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true });
  const { page, errors } = await openPage(context, '#v=1&m=llama-3.1-70b-instruct&w=awq&gpu=rtx-4090&n=2&tp=2');
  await settle(page);
  const cdp = await context.newCDPSession(page);
  const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  // A tap is a click: the toolbar's unit button (GiB -> GB).
  await page.evaluate(() => window.vramcalc.setState({}));
  const unitBefore = (await page.evaluate(() => window.vramcalc.getView())).unit;
  await touch('touchStart', TAP.unit.x, TAP.unit.y);
  await sleep(60);
  await touch('touchEnd');
  await settle(page);
  const unitAfter = (await page.evaluate(() => window.vramcalc.getView())).unit;
  check('a tap on a button clicks it (GiB -> GB)', unitBefore !== unitAfter, `${unitBefore} -> ${unitAfter}`);
  let inp = await input(page);
  const main = inp.windows.find((w) => w.name === 'vramcalc');
  check('the phone page scrolls as one column', main && main.scrollMaxY > 300, main ? `scrollMaxY ${main.scrollMaxY}` : 'none');
  // A slow swipe up by 300 CSS px (no fling): the content follows the finger, 600 device px at DPR 2.
  await touch('touchStart', 200, 700);
  for (let i = 1; i <= 15; i++) { await touch('touchMove', 200, 700 - i * 20); await sleep(20); }
  await sleep(250);  // stop before lifting: no momentum
  await touch('touchEnd');
  await settle(page);
  inp = await input(page);
  const y1 = inp.windows.find((w) => w.name === 'vramcalc').scrollY;
  check('a swipe up of 300 CSS px scrolls the phone page down by 300 CSS px (600 device px)', Math.abs(y1 - 600) <= 20, `scrollY ${y1}`);
  await shot(page, 'input-phone-scrolled');
  // Momentum: a quick flick up (200 CSS px in 5 moves) lifted while moving keeps scrolling down,
  // slowing (web/input.cpp fling), and a new touch stops it. The moves are sent 10 ms apart without
  // waiting for each to be handled: on a loaded machine a handled move takes a frame (~300 ms
  // here), which would make every flick a slow drag.
  const flick = async (fromY, dy) => {
    await touch('touchStart', 200, fromY);
    const sent = [];
    for (let i = 1; i <= 5; i++) { sent.push(touch('touchMove', 200, fromY + (i * dy) / 5)); await sleep(10); }
    sent.push(touch('touchEnd'));
    await Promise.all(sent);
  };
  const scrollY = async () => (await input(page)).windows.find((w) => w.name === 'vramcalc').scrollY;
  // The finger travels 200 CSS px (400 device px at DPR 2); with momentum the page goes further.
  // (Measured against where it started and where it comes to rest: on a loaded machine the glide
  // may be under way, or even over, by the time the last event is acknowledged.)
  const y0 = await scrollY();
  await flick(600, -200);
  const atLift = await scrollY();
  await sleep(120);
  const early = await scrollY();
  await settle(page);
  const rest = await scrollY();
  check('a flick up keeps the page scrolling down after the finger lifts (momentum: further than the finger went)',
    rest - y0 > 400 + 20 && early >= atLift, `scrollY ${y0} -> ${atLift} at lift -> ${early} (+120 ms) -> ${rest} at rest; the finger moved 400 device px`);
  check('the momentum decays and stops on its own', !(await input(page)).flinging && Math.abs((await scrollY()) - rest) < 1, `scrollY ${rest}`);
  // a flick down scrolls back up, and a touch during the glide stops it where it is
  const before = JSON.stringify([await state(page), (await page.evaluate(() => window.vramcalc.getView())).unit]);
  await flick(300, 200);
  await sleep(60);
  await touch('touchStart', 200, 500);
  await sleep(40);
  const held = await scrollY();
  await sleep(250);
  const afterHold = await scrollY();
  await touch('touchEnd');  // lifted before a long press (500 ms)
  await settle(page);
  const after = JSON.stringify([await state(page), (await page.evaluate(() => window.vramcalc.getView())).unit]);
  check('a flick down scrolls the page up', held < rest, `scrollY ${rest} -> ${held}`);
  check('a new touch stops the momentum', Math.abs(afterHold - held) <= 2, `scrollY ${held} -> ${afterHold} while the finger rests`);
  check('the touch that stops the glide is not a tap (nothing under it changed)', before === after, `${before} -> ${after}`);
  check('the page drives its pointer from touches', (await input(page)).pointerIsTouch === true);
  check('no console error on the touch phone', errors.length === 0, errors.join(' | '));
  await context.close();
}

// A picker's choice wider than its button (the longest GPU name on a phone) stops short of the
// arrow with "...", and its hover box holds the whole name (it ran under the arrow before). The arrow is drawn in the button's last
// frame-height square (web/picker.cpp), about 30 px here.
async function longChoiceTests(browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true });
  const { page, errors } = await openPage(context, '#v=1&gpu=rtx-pro-6000');
  await settle(page);
  const name = 'NVIDIA RTX PRO 6000 Blackwell (Workstation Edition)';
  const shown = await findTextOn(page, 'NVIDIA RTX PRO 6000 Blackwell');
  // (ImGui draws the dots glyph by glyph, past the text hook: the check is where the name stops.)
  check('390x844: a GPU name wider than its picker is shortened before the arrow',
    shown !== null && !shown.text.includes('96 GB') && shown.x + shown.w <= 390 - 12 - 30, JSON.stringify(shown));
  if (shown) await page.mouse.move(shown.x + 20, shown.y + shown.h / 2);
  await settle(page);
  const tip = await findTextOn(page, `${name}  -  96 GB`);
  check('390x844: hovering the cut GPU name shows the whole of it', tip !== null && tip.text.startsWith(name), JSON.stringify(tip));
  check('no console error with a long GPU name on a phone', errors.length === 0, errors.join(' | '));
  await context.close();

  // The command box's comment lines wrap to a phone's box (web/command_wrap.h); Copy is unchanged.
  const awq = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true });
  const second = await openPage(awq, '#v=1&m=llama-3.1-70b-instruct&w=awq&gpu=rtx-4090&n=2&tp=2');
  await settle(second.page);
  // The box draws its text as one string: the wrapped comment has the model id on a line of its own
  // (the whole comment is 79 characters; about 50 fit on this phone).
  const box = await findTextOn(second.page, '# weights: the AWQ int4');
  check('390x844: the command\'s comment wraps inside its box (the model id on a line of its own)',
    box !== null && box.text.includes('\n# meta-llama/Llama-3.1-70B-Instruct\n'), JSON.stringify(box));
  check('no console error with a wrapped command on a phone', second.errors.length === 0, second.errors.join(' | '));
  await awq.close();
}

const TAP = { unit: { x: 294, y: 56 } };  // the toolbar's GiB/GB button on a 390 px phone

async function screenshots(browser) {
  const hi = await browser.newContext({ viewport: DESK, deviceScaleFactor: 2 });
  const { page } = await openPage(hi, '#v=1&m=qwen2.5-7b-instruct&w=bf16&gpu=h100-sxm');
  await settle(page);
  await page.mouse.click(AT.weightsPicker.x, AT.weightsPicker.y);
  await settle(page);
  await shot(page, 'input-weights-picker-dpr2');
  await hi.close();
}

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: DESK });
    const { page, errors } = await openPage(context);
    await settle(page);
    await wheelTests(page);
    await pickerTests(page);
    await keyboardTests(page);
    await copyTests(page, context);
    check('no console error or page error', errors.length === 0, errors.join(' | '));
    await context.close();
    await wheelStepTests(browser);
    await touchTests(browser);
    await longChoiceTests(browser);
    await screenshots(browser);
  } finally {
    await browser.close();
  }
}

await run('input', main);
