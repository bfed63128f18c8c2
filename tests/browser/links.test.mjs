// Browser test of share links, remembered state, offline use and exports (issue 7), all from file://
// with no server: Debian's headless Chromium opens vramcalc.html and drives it through window.vramcalc.
//   node tests/browser/links.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
// 1. links: a valid one applies exactly; a half-broken one applies its valid parts, names the rest and
//    still draws; garbage changes nothing and throws nothing.
// 2. a change (one real mouse click, then setState) moves the address fragment along
//    (history.replaceState: no new history entry); a link pasted into the open page is applied.
// 3. a page opened without a link gets the last state back from localStorage; a link wins over it.
// 4. with every non-file request blocked and recorded, the page works and asks for nothing.
// 5. exports (Markdown, CSV, JSON), "Copy link" and "Save for offline use" (whose file must work
//    offline from file://): through window.vramcalc's functions when the page has them, and always by
//    clicking the toolbar's buttons, found in screenshots (a canvas has no DOM), reading the downloads.
// Each case has its own browser context (own localStorage) unless it tests persistence.
// Screenshots go to <folder of the page>/screenshots/links-*.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodePng, pixelStats } from './png.mjs';
import { check, findTextOn, launchChromium, pagePath, pageUrl, run, screenshotDir, settleDrawn, sleep } from './harness.mjs';

// The link of issue 7 and the scenario fields it must produce (scenario_json.cpp's keys).
const validLink = 'v=1&m=qwen2.5-32b-instruct&w=awq&gpu=rtx-4090&n=4&tp=4&ctx=8192';
const validExpect = { model: 'qwen2.5-32b-instruct', weights: 'awq', gpu: 'rtx-4090', gpus: 4, tp: 4, context: 8192 };
const brokenLink = 'm=no-such-model&w=awq&ctx=abc&gpu=rtx-4090';
// A real config.json, base64url-encoded as cfg= carries it, cut mid-way (what a chat client's line
// wrap or a truncated paste leaves): whatever part of it decodes is not valid JSON.
const configJson = JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 4096,
  num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336,
  vocab_size: 128256, max_position_embeddings: 131072, torch_dtype: 'bfloat16' });
const configB64 = Buffer.from(configJson).toString('base64url');
const truncatedCfgLink = `v=1&cfg=${configB64.slice(0, Math.floor(configB64.length * 0.6) + 1)}`;
const garbageLinks = ['%%%&&&=;;', truncatedCfgLink];
// Fields that make up the scenario (getState may add others: only these are compared).
const scenarioKeys = ['model', 'custom_config', 'custom_params', 'custom_name', 'weights', 'kv_dtype', 'engine_version',
  'engine', 'gpu', 'gpu_memory_gib', 'gpus', 'nodes', 'tp', 'pp', 'context', 'batch', 'input_tokens', 'output_tokens',
  'gpu_mem_util', 'max_batched_tokens', 'cpu_offload_gib', 'gpu_layers', 'ubatch', 'n_batch', 'flash_attn', 'parallel',
  'enforce_eager', 'kv_cache_memory_bytes', 'max_model_len_auto', 'head_bits', 'chunk_size', 'autosplit_reserve_mib'];

const missing = new Set();  // page features the checks needed and did not find
function note(text) { console.log(`     ${text}`); }
const short = (x, n = 160) => { const s = typeof x === 'string' ? x : JSON.stringify(x); return s && s.length > n ? `${s.slice(0, n - 3)}...` : s; };

// A context that records every request that is not for a local resource, and blocks it.
async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, ...options });
  context.outside = [];
  const local = (url) => /^(file|data|blob|about):/.test(url);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (local(url)) return route.continue();
    context.outside.push(url);
    return route.abort();
  });
  context.on('request', (request) => {
    const url = request.url();
    if (!local(url) && !context.outside.includes(url)) context.outside.push(url);
  });
  return context;
}

// Opens the page (with `fragment` after '#', or none) and waits for its first frame.
async function openPage(context, fragment = null) {
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  page.on('crash', () => page.errors.push('crash: the page crashed'));
  await page.goto(fragment === null ? pageUrl : `${pageUrl}#${fragment}`);
  await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 20000 });
  return page;
}

// What window.vramcalc offers: names of its functions and other members.
async function apiOf(page) {
  return page.evaluate(() => {
    const api = window.vramcalc || {};
    const names = new Set(Object.keys(api));
    for (let p = Object.getPrototypeOf(api); p && p !== Object.prototype; p = Object.getPrototypeOf(p))
      Object.getOwnPropertyNames(p).forEach((n) => names.add(n));
    const functions = [], values = [];
    for (const n of names) (typeof api[n] === 'function' ? functions : values).push(n);
    return { functions: functions.sort(), values: values.sort() };
  });
}

// True when window.vramcalc.name() exists; otherwise records it as missing and, given a check's
// name, fails that check (a missing API is a failure, not a skip).
function has(api, name, checkName = null) {
  if (api.functions.includes(name)) return true;
  missing.add(`window.vramcalc.${name}()`);
  if (checkName) check(checkName, false, `no window.vramcalc.${name}()`);
  return false;
}

async function getState(page) {
  const s = await page.evaluate(() => {
    const v = window.vramcalc.getState();
    return typeof v === 'string' ? JSON.parse(v) : v;
  });
  return s;
}

// The scenario part of a state, for comparisons.
function scenarioOf(state) {
  const out = {};
  for (const k of scenarioKeys) if (state && k in state) out[k] = state[k];
  return out;
}

function diff(actual, expected) {
  const out = [];
  for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)]))
    if (JSON.stringify(actual[k]) !== JSON.stringify(expected[k])) out.push(`${k}: ${short(actual[k], 60)} != ${short(expected[k], 60)}`);
  return out;
}

// The scenario the page's own codec makes of a fragment (share_glue's C API), when the page keeps it.
async function decodeWithCodec(page, fragment) {
  return page.evaluate((f) => {
    if (typeof Module === 'undefined' || typeof Module.ccall !== 'function' || typeof Module._vramcalc_share_decode !== 'function') return null;
    return JSON.parse(Module.ccall('vramcalc_share_decode', 'string', ['string'], [f]));
  }, fragment);
}

// The page's messages about the link it was opened with, wherever the page exposes them.
async function messagesOf(page, api) {
  for (const name of ['getMessages', 'getNotice', 'messages', 'notice']) {
    if (api.functions.includes(name) || api.values.includes(name)) {
      const value = await page.evaluate((n) => {
        const v = window.vramcalc[n];
        return typeof v === 'function' ? v.call(window.vramcalc) : v;
      }, name);
      return { name, text: typeof value === 'string' ? value : JSON.stringify(value) };
    }
  }
  if (api.functions.includes('getView')) {
    const view = await page.evaluate(() => window.vramcalc.getView());
    if (view && typeof view === 'object' && 'notice' in view) return { name: 'getView().notice', text: String(view.notice) };
  }
  return null;
}

async function screenshotStats(page, name) {
  await sleep(150);
  const shot = await page.screenshot({ path: path.join(screenshotDir, `links-${name}.png`) });
  return pixelStats(decodePng(shot));
}

// ---- finding ImGui buttons on the canvas (no DOM): runs of one fill colour in a screenshot ------------

function pixelAt(img, x, y) {
  const i = (y * img.width + x) * img.channels;
  return (img.pixels[i] << 16) | (img.pixels[i + 1] << 8) | img.pixels[i + 2];
}

// Runs of one colour at least minLen pixels long on row y between x0 and x1: [{x0, x1, color}].
function runsOnRow(img, y, x0, x1, minLen) {
  const runs = [];
  let start = x0, c = pixelAt(img, x0, y);
  for (let x = x0 + 1; x <= x1; x++) {
    const d = x < x1 ? pixelAt(img, x, y) : -1;
    if (d !== c) {
      if (x - start >= minLen) runs.push({ x0: start, x1: x - 1, color: c });
      start = x;
      c = d;
    }
  }
  return runs;
}

// Buttons (filled rectangles of one colour) in a region. The fill is the colour that forms >= minCount
// runs on the most rows (or `color`). Each button is then traced exactly: its left edges come from those
// runs, its height from a vertical scan just inside the left edge (left of any text), its width from the
// longest run starting at the edge. Returns {color, rows}: buttons grouped by row, top to bottom, each
// row left to right, each button {x, y, x0, x1, y0, y1} (x, y its centre).
function findButtons(img, { x0 = 0, x1 = img.width, y0 = 0, y1 = img.height, minLen = 16, minCount = 2, color = null } = {}) {
  const rowRuns = [];
  for (let y = y0; y < y1; y++) rowRuns.push({ y, runs: runsOnRow(img, y, x0, x1, minLen) });
  if (color === null) {
    // The background: the colour covering the most of the region's long runs.
    const cover = new Map();
    for (const { runs } of rowRuns) for (const r of runs) cover.set(r.color, (cover.get(r.color) || 0) + r.x1 - r.x0 + 1);
    const background = [...cover.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const votes = new Map();
    for (const { runs } of rowRuns) {
      const byColor = new Map();
      runs.filter((r) => r.color !== background).forEach((r) => byColor.set(r.color, (byColor.get(r.color) || 0) + 1));
      for (const [c, n] of byColor) if (n >= minCount) votes.set(c, (votes.get(c) || 0) + 1);
    }
    if (votes.size === 0) return { color: null, rows: [] };
    color = [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
  }
  const edges = [];
  for (const { runs } of rowRuns)
    for (const r of runs) if (r.color === color && !edges.some((e) => Math.abs(e - r.x0) <= 3)) edges.push(r.x0);
  const buttons = [];
  for (const edge of edges) {
    const x = Math.min(edge + 2, x1 - 1);
    let top = -1;
    for (let y = y0; y <= y1; y++) {
      const inside = y < y1 && pixelAt(img, x, y) === color;
      if (inside && top < 0) top = y;
      if (!inside && top >= 0) {
        if (y - top >= 6) {
          let right = x;
          for (let yy = top; yy < y; yy++) {
            let xx = x;
            while (xx + 1 < x1 && pixelAt(img, xx + 1, yy) === color) xx++;
            right = Math.max(right, xx);
          }
          if (right - edge + 1 >= minLen && !buttons.some((b) => Math.abs(b.x0 - edge) <= 3 && Math.abs(b.y0 - top) <= 3))
            buttons.push({ x0: edge, x1: right, y0: top, y1: y - 1, x: Math.round((edge + right) / 2), y: Math.round((top + y - 1) / 2) });
        }
        top = -1;
      }
    }
  }
  // A run that starts after a letter inside a button traces a part of that button: keep the outer one.
  const outer = buttons.filter((b) => !buttons.some((a) => a !== b && a.x0 < b.x0 - 3 && a.x1 >= b.x1 - 3
    && a.y0 <= b.y1 && b.y0 <= a.y1));
  outer.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  const rows = [];
  for (const b of outer) {
    const row = rows.find((r) => Math.abs(r[0].y - b.y) <= 4);
    if (row) row.push(b); else rows.push([b]);
  }
  rows.forEach((r) => r.sort((a, b) => a.x0 - b.x0));
  return { color, rows };
}

// A real click on the canvas: move, press, release, with frames between (ImGui reads hover first).
async function clickAt(page, x, y) {
  await page.mouse.move(x, y);
  await sleep(120);
  await page.mouse.down();
  await sleep(80);
  await page.mouse.up();
  await sleep(150);
}

async function shotImage(page, name = null) {
  await sleep(150);
  const buf = await page.screenshot(name ? { path: path.join(screenshotDir, `links-${name}.png`) } : {});
  return decodePng(buf);
}

async function waitFor(page, fn, arg, timeout = 3000) {
  try {
    await page.waitForFunction(fn, arg, { timeout });
    return true;
  } catch {
    return false;
  }
}

// ---- 1. opening links -------------------------------------------------------------------------------

async function testLinks(browser, defaults) {
  // A valid link: exactly its values, the rest as a link made from a fresh scenario.
  {
    const context = await newContext(browser);
    const page = await openPage(context, validLink);
    const api = await apiOf(page);
    if (has(api, 'getState', 'a valid link sets model, weights, GPU, GPU count, TP and context')) {
      const state = scenarioOf(await getState(page));
      const wrong = diff(Object.fromEntries(Object.keys(validExpect).map((k) => [k, state[k]])), validExpect);
      check('a valid link sets model, weights, GPU, GPU count, TP and context', wrong.length === 0, wrong.join('; ') || short(validExpect));
      const decoded = await decodeWithCodec(page, validLink);
      if (decoded) {
        const rest = diff(state, scenarioOf(decoded.scenario));
        check('a valid link leaves every other field as the codec decodes it (no mix with other state)', rest.length === 0, rest.join('; '));
      } else {
        note('share codec (Module._vramcalc_share_decode) not reachable: other fields not compared');
      }
    }
    if (has(api, 'getResult', 'the valid link\'s result is computed')) {
      const result = await page.evaluate(() => window.vramcalc.getResult());
      const r = typeof result === 'string' ? JSON.parse(result) : result;
      check('the valid link\'s result is computed (fits is a boolean, weights per GPU > 0)',
        r && typeof r.fits === 'boolean' && r.per_gpu && r.per_gpu.weights_bytes > 0,
        r ? `fits=${r.fits}, per_gpu.weights_bytes=${r.per_gpu && r.per_gpu.weights_bytes}${r.error ? `, error ${r.error}` : ''}` : 'no result');
    }
    const messages = await messagesOf(page, api);
    if (messages) check('a valid link shows no "ignored" message', !/ignored/i.test(messages.text || ''), short(messages.text, 120));
    check('no page error with a valid link', page.errors.length === 0, page.errors.join(' | '));
    await context.close();
  }

  // A half-broken link: valid parts applied, the rest ignored and named, the page drawn.
  {
    const context = await newContext(browser);
    const page = await openPage(context, brokenLink);
    const api = await apiOf(page);
    const stats = await screenshotStats(page, 'broken');
    check('a half-broken link still draws the page', stats.distinctColors > 8 && stats.foregroundShare > 0.005,
      `${stats.distinctColors} colours, ${(100 * stats.foregroundShare).toFixed(1)}% non-background`);
    if (has(api, 'getState', 'a half-broken link applies its valid parts')) {
      const state = scenarioOf(await getState(page));
      check('a half-broken link applies its valid parts (w=awq, gpu=rtx-4090)', state.weights === 'awq' && state.gpu === 'rtx-4090',
        `weights=${state.weights}, gpu=${state.gpu}`);
      check('a half-broken link ignores m=no-such-model and ctx=abc (default model and context kept)',
        state.model === defaults.model && state.context === defaults.context,
        `model=${state.model}, context=${state.context}; defaults ${defaults.model}, ${defaults.context}`);
    }
    const messages = await messagesOf(page, api);
    if (messages) {
      const t = messages.text || '';
      check(`the page shows one message naming the ignored parts (window.vramcalc.${messages.name})`, /no-such-model|\bm=/.test(t) && /ctx/.test(t), short(t, 200));
    } else {
      missing.add('window.vramcalc.getMessages() (the visible "ignored parts" message, readable by tests)');
      note('no window.vramcalc.getMessages(): the "ignored parts" message cannot be read (see screenshot links-broken.png)');
    }
    check('no page error with a half-broken link', page.errors.length === 0, page.errors.join(' | '));
    await context.close();
  }

  // On a phone the notice wraps: its "dismiss" button stays on screen (it was drawn past the right
  // edge, after the wrapped text), and a tap on it closes the notice.
  {
    const context = await newContext(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true });
    const page = await openPage(context, brokenLink);
    const dismiss = await findTextOn(page, 'dismiss');
    check('390x844: the half-broken link\'s notice wraps and its "dismiss" is wholly on screen',
      dismiss !== null && dismiss.x >= 0 && dismiss.x + dismiss.w <= 390 && dismiss.w > 30, JSON.stringify(dismiss));
    if (dismiss) await page.touchscreen.tap(dismiss.x + dismiss.w / 2, dismiss.y + dismiss.h / 2);
    await settleDrawn(page);  // the tap's press and release (two frames)
    const notice = await findTextOn(page, 'This link was opened');
    check('390x844: a tap on "dismiss" closes the notice', dismiss !== null && notice === null, JSON.stringify(notice));
    check('no page error on a phone with a half-broken link', page.errors.length === 0, page.errors.join(' | '));
    await context.close();
  }

  // Garbage: nothing applied, nothing thrown.
  for (const [i, link] of garbageLinks.entries()) {
    const label = i === 0 ? `garbage link #${link}` : 'a truncated base64 cfg= link';
    const context = await newContext(browser);
    let page;
    try {
      page = await openPage(context, link);
    } catch (err) {
      check(`${label} opens (ready)`, false, err.message.split('\n')[0]);
      await context.close();
      continue;
    }
    const api = await apiOf(page);
    if (i === 1) {
      const stats = await screenshotStats(page, 'truncated-cfg');
      check(`${label} still draws the page`, stats.distinctColors > 8 && stats.foregroundShare > 0.005, `${stats.distinctColors} colours`);
    }
    if (api.functions.includes('getState')) {
      const wrong = diff(scenarioOf(await getState(page)), defaults);
      check(`${label} keeps the defaults`, wrong.length === 0, wrong.join('; '));
    }
    if (api.functions.includes('getResult')) {
      const r = await page.evaluate(() => { const v = window.vramcalc.getResult(); return typeof v === 'string' ? JSON.parse(v) : v; });
      check(`${label}: getResult still answers`, r && typeof r.fits === 'boolean', short(r, 80));
    }
    const messages = await messagesOf(page, api);
    if (messages) check(`${label}: a message says what was ignored`, /ignored/i.test(messages.text || '') && (i === 0 || /cfg/.test(messages.text)), short(messages.text, 160));
    check(`no page error with ${label}`, page.errors.length === 0, page.errors.join(' | '));
    await context.close();
  }
}

// ---- 2 and 3. the fragment follows changes; localStorage keeps the last state -------------------------

async function testFollowAndRemember(browser, defaults) {
  const context = await newContext(browser);
  const page = await openPage(context);
  const api = await apiOf(page);
  if (!has(api, 'getState') || !has(api, 'setState')) {
    check('the fragment follows state changes', false, 'needs window.vramcalc.getState() and setState()');
    await context.close();
    return;
  }
  const historyBefore = await page.evaluate(() => history.length);

  // Real input first: a mouse click on the "+" of the GPU count (the first row of four small square
  // buttons in the left panel: GPUs - +, nodes - +), found in a screenshot.
  {
    const img = await shotImage(page, 'before-click');
    const found = findButtons(img, { x1: Math.floor(img.width * 0.34), y0: 60, minCount: 4 });
    const row = found.rows.find((r) => r.length >= 4 && r.every((b) => b.x1 - b.x0 < 40));
    if (!row) {
      note('real input: the GPU count\'s + button was not found in the screenshot (layout changed?): skipped');
    } else {
      const gpus = (await getState(page)).gpus;
      await clickAt(page, row[1].x, row[1].y);
      const key = `n=${gpus + 1}`;
      const followed = await waitFor(page, (k) => location.hash.split(/[#&]/).includes(k), key);
      const now = await getState(page);
      check(`a real mouse click (GPU count +) changes the state and the fragment (${key})`, followed && now.gpus === gpus + 1,
        `gpus ${gpus} -> ${now.gpus}, hash ${short(await page.evaluate(() => location.hash), 100)}`);
      await page.mouse.move(5, img.height - 5);  // leave no hover behind
    }
  }
  // Three changes in a row, as a user's edits would be: each must land in the fragment.
  const steps = [
    { change: { context: 16384 }, key: 'ctx=16384' },
    { change: { gpu: 'a100-80gb' }, key: 'gpu=a100-80gb' },
    { change: { model: 'llama-3.1-8b-instruct', weights: 'fp8', batch: 4 }, key: 'm=llama-3.1-8b-instruct' },
  ];
  for (const { change, key } of steps) {
    const returned = await page.evaluate(([c]) => {
      const before = window.vramcalc.getState();
      const s = typeof before === 'string' ? JSON.parse(before) : before;
      const r = window.vramcalc.setState(Object.assign({}, s, c));
      return r === undefined ? null : r;
    }, [change]);
    const followed = await waitFor(page, (k) => location.hash.split(/[#&]/).includes(k), key);
    check(`setState(${short(change)}) moves the fragment (${key})`, followed,
      `hash ${short(await page.evaluate(() => location.hash), 120)}${returned !== null ? `, setState returned ${short(returned, 80)}` : ''}`);
  }
  // Bad values through setState are refused, named, and change nothing (neither the state nor the
  // link): a value the link decoder would drop must not get into the state, or the page's own link
  // would not reopen what it shows.
  for (const bad of [{ context: 'abc' }, { gpu: 'no-such-gpu' }, { model: 'no-such-model' }, { weights: 'no-such-format' }]) {
    const before = scenarioOf(await getState(page));
    const hashBefore = await page.evaluate(() => location.hash);
    const returned = await page.evaluate(([b]) => window.vramcalc.setState(b), [bad]);
    await sleep(400);
    const after = scenarioOf(await getState(page));
    const hashAfter = await page.evaluate(() => location.hash);
    const changed = diff(after, before);
    const named = returned && returned.ok === false && Array.isArray(returned.problems) && returned.problems.length > 0;
    check(`setState(${short(bad)}) is refused and changes neither state nor link`, changed.length === 0 && hashAfter === hashBefore && named,
      `${changed.join('; ') || 'state unchanged'}${hashAfter !== hashBefore ? `, link now ${hashAfter}` : ''}, returned ${short(returned, 120)}`);
    if (changed.length) {  // put the state back, so the checks below see the edited state
      await page.evaluate(([b]) => window.vramcalc.setState(b), [before]);
      await waitFor(page, (h) => location.hash === h, hashBefore);
    }
  }
  const state = scenarioOf(await getState(page));
  check('getState() reflects setState()', state.model === 'llama-3.1-8b-instruct' && state.weights === 'fp8' && state.batch === 4
    && state.gpu === 'a100-80gb' && state.context === 16384, short(state));
  const hash = await page.evaluate(() => location.hash);
  for (const part of ['m=llama-3.1-8b-instruct', 'w=fp8', 'b=4', 'gpu=a100-80gb', 'ctx=16384'])
    if (!hash.includes(part)) check(`the fragment holds ${part}`, false, hash);
  if (api.functions.includes('shareLink')) {
    const link = await page.evaluate(() => window.vramcalc.shareLink());
    check('shareLink() is the fragment in the address bar', link === hash || `#${link}` === hash, `${short(link, 100)} vs ${short(hash, 100)}`);
  }
  const historyAfter = await page.evaluate(() => history.length);
  check('the changes added no history entry (history.length unchanged)', historyAfter === historyBefore, `${historyBefore} -> ${historyAfter}`);

  // The fragment, opened anew, gives the same scenario (it is a complete link).
  const decoded = await decodeWithCodec(page, hash);
  if (decoded) {
    const wrong = diff(scenarioOf(decoded.scenario), state);
    check('the fragment decodes to the state on screen', wrong.length === 0 && decoded.ignored.length === 0,
      [...wrong, ...decoded.ignored].join('; '));
  }

  // A link pasted into the address bar of the open page (hashchange) is applied.
  await page.evaluate((f) => { location.hash = f; }, validLink);
  const pasted = await waitFor(page, (m) => {
    const v = window.vramcalc.getState();
    return (typeof v === 'string' ? JSON.parse(v) : v).model === m;
  }, validExpect.model);
  check('a link pasted into the open page\'s address bar is applied', pasted, short(scenarioOf(await getState(page))));
  // Back to the edited state for the persistence check below.
  await page.evaluate(([s]) => window.vramcalc.setState(s), [state]);
  await waitFor(page, () => location.hash.includes('m=llama-3.1-8b-instruct'));
  await sleep(400);  // let a debounced localStorage write land
  const stored = await page.evaluate(() => Object.keys(localStorage).map((k) => `${k} (${localStorage.getItem(k).length} chars)`));
  check('the page keeps its state in localStorage', stored.length > 0, stored.join(', ') || 'localStorage empty');
  check('no page error while editing', page.errors.length === 0, page.errors.join(' | '));
  await page.close();

  // 3. Opened again with no fragment (same context: same localStorage): the last state comes back.
  const again = await openPage(context);
  const restored = scenarioOf(await getState(again));
  const wrong = diff(restored, state);
  check('a page opened without a link restores the last state from localStorage', wrong.length === 0, wrong.join('; '));
  const restoredHash = await again.evaluate(() => location.hash);
  check('the restored page shows the restored state\'s link', restoredHash.includes('m=llama-3.1-8b-instruct'), restoredHash || '(no fragment)');
  await again.close();

  // A link wins over the remembered state, and opens exactly as made (fields it omits are defaults).
  const linked = await openPage(context, 'v=1&m=qwen2.5-7b-instruct&gpu=l4');
  const l = scenarioOf(await getState(linked));
  check('a link wins over the remembered state and is not mixed with it',
    l.model === 'qwen2.5-7b-instruct' && l.gpu === 'l4' && l.context === defaults.context && l.weights === defaults.weights && l.batch === defaults.batch,
    `model=${l.model}, gpu=${l.gpu}, context=${l.context}, weights=${l.weights}, batch=${l.batch}`);
  check('no page error on reopening', again.errors.length === 0 && linked.errors.length === 0, [...again.errors, ...linked.errors].join(' | '));
  await context.close();
}

// ---- 4. offline: no request leaves file:// ------------------------------------------------------------

async function testOffline(browser) {
  const context = await newContext(browser);
  const page = await openPage(context, validLink);
  const api = await apiOf(page);
  // Use the page a little, so lazily loaded things would be asked for now.
  await page.mouse.move(300, 200);
  await page.mouse.click(640, 400);
  await page.keyboard.press('Tab');
  await sleep(500);
  if (has(api, 'getResult', 'with the network blocked the page computes')) {
    const r = await page.evaluate(() => { const v = window.vramcalc.getResult(); return typeof v === 'string' ? JSON.parse(v) : v; });
    check('with the network blocked the page computes (getResult().fits is a boolean)', r && typeof r.fits === 'boolean', short(r, 80));
  }
  check('the page asked for nothing outside file:// (route + request log)', context.outside.length === 0, context.outside.slice(0, 5).join(', '));
  check('no page error with the network blocked', page.errors.length === 0, page.errors.join(' | '));
  await context.close();
}

// ---- 5. exports and "Save for offline use" ---------------------------------------------------------------

// Calls window.vramcalc[name](); a string result is returned as is, otherwise the download it starts.
async function runExport(page, name) {
  const download = page.waitForEvent('download', { timeout: 4000 }).catch(() => null);
  const value = await page.evaluate(async (n) => {
    const v = await window.vramcalc[n]();
    return typeof v === 'string' ? v : (v && typeof v === 'object' ? JSON.stringify(v) : null);
  }, name);
  if (typeof value === 'string' && value.length > 0) return { how: 'returned', text: value };
  const d = await download;
  if (!d) return null;
  const file = await d.path();
  return { how: `download ${d.suggestedFilename()}`, text: file ? fs.readFileSync(file, 'utf8') : '', file, filename: d.suggestedFilename() };
}

// The toolbar's buttons (Copy link, Export, Save for offline use, GiB/GB, theme), found in a screenshot:
// the first row of >= 3 buttons across the top right. "Save for offline use" is the widest; Export is
// just left of it.
async function findToolbar(page) {
  const img = await shotImage(page, 'toolbar');
  const found = findButtons(img, { x0: Math.floor(img.width * 0.4), y1: Math.min(120, img.height), minCount: 3 });
  const row = found.rows.find((r) => r.length >= 3);
  if (!row) return null;
  const save = row.reduce((a, b) => (b.x1 - b.x0 > a.x1 - a.x0 ? b : a));
  const i = row.indexOf(save);
  return i >= 1 ? { row, save, exportButton: row[i - 1], copyLink: i >= 2 ? row[i - 2] : null } : null;
}

// Export popup -> the i-th "This answer" line (0 Markdown, 1 CSV, 2 JSON) -> its Download button, with
// real mouse clicks; returns the downloaded text or null.
async function downloadFromExportMenu(page, toolbar, line) {
  await clickAt(page, toolbar.exportButton.x, toolbar.exportButton.y);
  await page.mouse.move(toolbar.exportButton.x, 3);  // off the button, so no hover colour in the popup's scan
  await sleep(250);
  const img = await shotImage(page, line === 0 ? 'export-menu' : null);
  // The popup opens at the button: look just around it (wider regions catch the tabs' fill colour).
  const found = findButtons(img, { x0: Math.max(0, toolbar.exportButton.x0 - 100), y0: toolbar.exportButton.y + 12,
    y1: Math.min(img.height, toolbar.exportButton.y + 200), minCount: 2 });
  // Buttons are small with a border and rounded corners now, and their labels fill most of their height:
  // a short one (Copy) may not trace as a whole, the wider Download does. A line is a Download button
  // with another button of the same fill (its Copy) to its left on the same row.
  const hasButtonLeftOf = (b) => {
    let fill = 0;
    for (let x = Math.max(0, toolbar.exportButton.x0 - 100); x < b.x0 - 3; x++) if (pixelAt(img, x, b.y0 + 1) === found.color || pixelAt(img, x, b.y1 - 1) === found.color) fill++;
    return fill >= 12;
  };
  const rows = found.rows.filter((r) => r.length >= 2 || hasButtonLeftOf(r[r.length - 1]));
  if (rows.length <= line) {
    await page.keyboard.press('Escape');
    return { error: `the Export menu shows ${rows.length} lines of Copy/Download buttons` };
  }
  const target = rows[line][rows[line].length - 1];
  const download = page.waitForEvent('download', { timeout: 4000 }).catch(() => null);
  await clickAt(page, target.x, target.y);
  const d = await download;
  if (!d) return { error: 'clicking Download started no download' };
  const file = await d.path();
  return { how: `Export > Download (mouse) -> ${d.suggestedFilename()}`, text: file ? fs.readFileSync(file, 'utf8') : '' };
}

async function testExports(browser) {
  const context = await newContext(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  const page = await openPage(context, validLink);
  const api = await apiOf(page);
  const pick = (re) => api.functions.find((n) => re.test(n));
  let toolbar;  // found on first need
  const getToolbar = async () => {
    if (toolbar === undefined) {
      toolbar = await findToolbar(page);
      note(toolbar ? `toolbar: ${toolbar.row.length} buttons found on the canvas (Export at ${toolbar.exportButton.x},${toolbar.exportButton.y}; `
        + `Save for offline use at ${toolbar.save.x},${toolbar.save.y})` : 'toolbar buttons not found on the canvas');
    }
    return toolbar;
  };
  const kinds = [
    { kind: 'Markdown', name: pick(/^export.*(markdown|md)$/i), want: 'exportMarkdown',
      ok: (t) => /^\|.*\|\s*$/m.test(t) && /\|\s*-{3}/.test(t) && t.includes(validExpect.model) },
    { kind: 'CSV', name: pick(/^export.*csv$/i), want: 'exportCsv',
      ok: (t) => { const lines = t.trim().split(/\r?\n/); return lines.length >= 2 && lines[0].includes(',') && lines[1].includes(','); } },
    { kind: 'JSON', name: pick(/^export.*json$/i), want: 'exportJson',
      ok: (t) => { try { const j = JSON.parse(t); return j && typeof j === 'object' && (typeof j.fits === 'boolean' || j.per_gpu || j.scenario); } catch { return false; } } },
  ];
  const describe = (out, fallback) => (!out ? 'no string returned and no download' : out.error ? out.error
    : `${out.how || fallback}, ${out.text.length} chars: ${short(out.text.replace(/\s+/g, ' '), 100)}`);
  const sameContent = (kind, a, b) => {
    if (kind !== 'JSON') return a.replace(/\r\n/g, '\n').trim() === b.replace(/\r\n/g, '\n').trim();
    try { return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b)); } catch { return false; }
  };
  for (const [line, k] of kinds.entries()) {
    const what = `${k.kind} answer${k.kind === 'Markdown' ? ' naming the model id' : ''}`;
    // Through the JS API, when the page has it.
    let viaApi = null;
    if (k.name) {
      viaApi = await runExport(page, k.name);
      check(`window.vramcalc.${k.name}() gives a ${what}`, viaApi && !viaApi.error && k.ok(viaApi.text), describe(viaApi, k.name));
    } else {
      missing.add(`window.vramcalc.${k.want}() (tested through the toolbar's Export menu only)`);
    }
    // Through the toolbar, as a user does: Export > Download, with real clicks.
    const tb = await getToolbar();
    const viaMenu = tb ? await downloadFromExportMenu(page, tb, line) : { error: 'toolbar buttons not found on the canvas' };
    const menuOk = viaMenu && !viaMenu.error && k.ok(viaMenu.text);
    check(`Export > ${k.kind} > Download (real clicks) downloads a ${what}`, menuOk, describe(viaMenu, 'menu'));
    if (menuOk && viaApi && !viaApi.error)
      check(`the downloaded ${k.kind} is what ${k.name}() returns`, sameContent(k.kind, viaMenu.text, viaApi.text),
        `${viaMenu.text.length} vs ${viaApi.text.length} chars`);
  }

  // "Copy link" (real click): the clipboard gets this page's address with the state's fragment.
  {
    const tb = await getToolbar();
    if (!tb || !tb.copyLink) {
      note('"Copy link" button not found on the canvas: skipped');
    } else {
      await clickAt(page, tb.copyLink.x, tb.copyLink.y);
      await sleep(200);
      const copied = await page.evaluate(async () => { try { return await navigator.clipboard.readText(); } catch (e) { return `clipboard: ${e.message}`; } });
      const hash = await page.evaluate(() => location.hash);
      check('"Copy link" copies the page\'s address with the current fragment', copied === `${pageUrl}${hash}` && hash.includes('m=qwen2.5-32b-instruct'),
        `${short(copied, 140)}`);
    }
  }

  // "Save for offline use": the page itself as one file that works from file:// offline.
  const saveName = pick(/save.*(offline|page)|offline|savePage|download(Page|Html)/i);
  if (saveName) {
    const viaApi = await runExport(page, saveName);
    check(`window.vramcalc.${saveName}() gives the page as one HTML file`, viaApi && !viaApi.error && /<canvas/i.test(viaApi.text),
      viaApi ? (viaApi.error || `${viaApi.how}, ${Buffer.byteLength(viaApi.text)} bytes`) : 'no string returned and no download');
  } else {
    missing.add('window.vramcalc.saveOffline() (tested through the toolbar button only)');
  }
  // The button, as a user does; this copy is the one opened offline below.
  let out = null;
  const tb = await getToolbar();
  if (tb) {
    const download = page.waitForEvent('download', { timeout: 4000 }).catch(() => null);
    await clickAt(page, tb.save.x, tb.save.y);
    const d = await download;
    if (d) {
      const file = await d.path();
      out = { how: `"Save for offline use" button (real click) -> ${d.suggestedFilename()}`, text: file ? fs.readFileSync(file, 'utf8') : '' };
    } else out = { error: 'clicking "Save for offline use" started no download' };
  } else out = { error: 'toolbar buttons not found on the canvas' };
  const isHtml = out && !out.error && /<canvas/i.test(out.text) && /<script/i.test(out.text);
  const original = fs.readFileSync(pagePath, 'utf8');
  const same = !out || out.error ? 'no copy' : out.text === original ? 'identical to'
    : out.text.replace(/\s+/g, '') === original.replace(/\s+/g, '') ? 'the same but for whitespace as'
      : 'different from';
  check('"Save for offline use" gives the page as one HTML file', isHtml,
    !out ? 'no string returned and no download' : out.error ? out.error
      : `${out.how || saveName}, ${Buffer.byteLength(out.text)} bytes, ${same} the page file (${fs.statSync(pagePath).size} bytes)`);
  if (isHtml) {
    // Open the saved copy from file:// with the network blocked: it must work on its own.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vramcalc-saved-'));
    const savedPath = path.join(dir, 'vramcalc-saved.html');
    fs.writeFileSync(savedPath, out.text);
    const offline = await newContext(browser);
    const saved = await offline.newPage();
    saved.errors = [];
    saved.on('pageerror', (err) => saved.errors.push(err.message));
    await saved.goto(`${pathToFileURL(savedPath).href}#${validLink}`);
    const ready = await waitFor(saved, () => window.vramcalc && window.vramcalc.ready === true, null, 20000);
    let model = null;
    if (ready) model = await saved.evaluate(() => { const v = window.vramcalc.getState && window.vramcalc.getState(); return v && (typeof v === 'string' ? JSON.parse(v) : v).model; });
    check('the saved page opens from file:// offline and reads its link', ready && model === validExpect.model && saved.errors.length === 0,
      `ready=${ready}, model=${model}, ${offline.outside.length} outside requests${saved.errors.length ? `, errors ${saved.errors.join(' | ')}` : ''}`);
    await offline.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  check('no outside request and no page error during exports', context.outside.length === 0 && page.errors.length === 0,
    [...context.outside, ...page.errors].join(' | '));
  await context.close();
}

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  const started = Date.now();
  try {
    // The defaults: a fresh page with no link and empty localStorage.
    const context = await newContext(browser);
    const page = await openPage(context);
    const api = await apiOf(page);
    note(`window.vramcalc: functions ${api.functions.join(', ') || '(none)'}; values ${api.values.join(', ')}`);
    let defaults = null;
    if (has(api, 'getState')) defaults = scenarioOf(await getState(page));
    else has(api, 'setState');
    const initialHash = await page.evaluate(() => location.hash);
    note(`defaults: ${short(defaults, 200)}; fragment ${initialHash || '(none)'}`);
    await context.close();
    defaults = defaults || { model: 'qwen2.5-7b-instruct', weights: 'bf16', gpu: 'h100-sxm', context: 8192, batch: 1 };

    const cases = [['links', testLinks], ['follow and remember', testFollowAndRemember], ['offline', testOffline], ['exports', testExports]];
    for (const [name, run] of cases) {
      try {
        await run(browser, defaults);
      } catch (err) {
        check(`${name}: ran to the end`, false, err && err.message ? err.message.split('\n')[0] : String(err));
      }
    }
  } finally {
    await browser.close();
  }
  note(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await run('links', main, {
  beforeSummary: () => { if (missing.size) console.log(`missing page features: ${[...missing].join('; ')}`); },
});
