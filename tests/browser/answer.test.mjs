// Browser test of "the answer a user expects" (issue 11, points 6-10): pooled GPUs for vLLM and
// SGLang, the headline's "needs ... ; <engine> will reserve ..." wording, the answers and the "to
// make it fit" buttons above the fold, and a link naming an unknown model. Drives the page through
// window.vramcalc (setState / getResult / getView) and saves screenshots at 1400x900, 1400x900 at
// DPR 2 and 390x844 (phone) in <build>/screenshots/answer-*.png.
//   node tests/browser/answer.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
import fs from 'node:fs';
import path from 'node:path';
import { check, launchChromium, pagePath, pageUrl, run, screenshotDir, settleIdle, sleep } from './harness.mjs';

const LAPTOP = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

async function openPage(browser, { viewport = LAPTOP, dpr = 1, hash = '' } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: dpr, isMobile: viewport === PHONE, hasTouch: viewport === PHONE });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(err.message));
  await page.goto(pageUrl + hash);
  await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 60000, polling: 20 });
  return { context, page };
}

// Waits until the page stops drawing (its answers are computed one step per frame).
const settle = (page) => settleIdle(page);

const view = (page) => page.evaluate(() => window.vramcalc.getView());
const result = (page) => page.evaluate(() => window.vramcalc.getResult());
const setState = (page, s) => page.evaluate((x) => window.vramcalc.setState(x), s);
const gibOf = (text) => { const m = /([\d.]+) GiB/.exec(text || ''); return m ? Number(m[1]) : NaN; };

async function shot(page, name) {
  await settle(page);
  await page.screenshot({ path: path.join(screenshotDir, `answer-${name}.png`) });
}

async function pooled(browser) {
  const { context, page } = await openPage(browser);
  for (const engine of ['vllm', 'sglang']) {
    // docs.vllm.ai / docs.sglang.ai DeepSeek-V3 recipes: one 8 x H200 node, tensor parallel 8.
    const set = await setState(page, { engine, model: 'deepseek-v3', weights: 'fp8', gpu: 'h200', gpus: 8 });
    check(`${engine}: setState DeepSeek-V3 FP8 on 8 x H200 accepted`, set.ok, JSON.stringify(set.problems));
    await settle(page);
    const r = await result(page);
    const v = await view(page);
    check(`${engine}: 8 x H200 + DeepSeek-V3 fits with the GPUs pooled`, r.ok && r.fits === true, r.error || '');
    check(`${engine}: the layout is TP 8, one copy (no replicas)`, v.layout && v.layout.tp === 8 && v.layout.pp === 1 && v.layout.replicas === 1,
      JSON.stringify(v.layout));
    check(`${engine}: the headline says per GPU for 1 x 8k`, /^needs [\d.]+ GiB per GPU for 1 x 8k/.test(v.verdict.needs), v.verdict.needs);
    if (engine === 'vllm') await shot(page, 'deepseek-8xh200');
  }
  // Replicas only when asked: 8 copies of one GPU each cannot hold 671B parameters.
  await setState(page, { engine: 'vllm', replicas: 8, tp: 1, pp: 1 });
  await settle(page);
  const r = await result(page);
  check('8 replicas of one H200 each do not fit DeepSeek-V3 (replicas only when asked)', r.ok && r.fits === false, r.error || '');
  check('no page error (pooled GPUs)', page.errors.length === 0, page.errors.join(' | '));
  await context.close();
}

async function headline(browser) {
  const { context, page } = await openPage(browser);
  await setState(page, { engine: 'vllm', model: 'qwen2.5-7b-instruct', weights: 'bf16', gpu: 'h100-sxm', gpus: 1, context: 8192, batch: 1 });
  await settle(page);
  const v = await view(page);
  const r = await result(page);
  check('the headline reads "needs X GiB for 1 x 8k"', /^needs [\d.]+ GiB for 1 x 8k$/.test(v.verdict.needs), v.verdict.needs);
  check('and apart "vLLM will reserve Y GiB (KV pool for N tokens)"', /^vLLM will reserve [\d.]+ GiB \(KV pool for [\d.]+[kM]? tokens\)$/.test(v.verdict.reserve),
    v.verdict.reserve);
  // Hand check: 7.62e9 x 2 B = 14.2 GiB of weights + 0.44 GiB of KV + activations: under 20 GiB;
  // the reserve is 0.9 x 79.2 GiB = 71.3 GiB and more.
  const needs = gibOf(v.verdict.needs);
  const reserve = gibOf(v.verdict.reserve);
  check('a 7B model needs under 20 GiB and vLLM reserves over 71 GiB', needs > 14 && needs < 20 && reserve > 71, `${needs} / ${reserve}`);
  check('getResult carries the same needs figure (needed_bytes)', Math.abs(r.needed_bytes / 2 ** 30 - needs) < 0.06, `${r.needed_bytes}`);
  await shot(page, 'headline-1400x900');
  // A red verdict: the answers and the "to make it fit" buttons come first.
  await setState(page, { model: 'llama-3.1-70b-instruct', gpu: 'rtx-4090', gpus: 2 });
  await settle(page);
  const red = await result(page);
  check('Llama 3.1 70B BF16 on 2 x RTX 4090 does not fit', red.ok && !red.fits);
  await shot(page, 'does-not-fit-1400x900');
  // Hand check: Qwen2.5-7B keeps 28 x 4 x 128 x 2 x 2 B = 56 KiB of KV per token; 4 x 32k tokens are
  // 7 GiB, more than the ~5 GiB vLLM's 0.9 x 23.6 GiB budget leaves on an RTX 4090 beside 14.2 GiB of
  // weights, while an FP8 cache (3.5 GiB) fits: the fixes must offer it.
  await setState(page, { model: 'qwen2.5-7b-instruct', weights: 'bf16', gpu: 'rtx-4090', gpus: 1, context: 32768, batch: 4 });
  await settle(page);
  const kv = await result(page);
  const labels = (kv.answers && kv.answers.suggestions || []).map((s) => s.label);
  check('the fixes include an FP8 KV cache where vLLM has one', !kv.fits && labels.some((l) => /^KV cache FP8 instead of AUTO$/.test(l)),
    labels.join(' | '));
  await context.close();
  // the same at DPR 2 and on a phone
  for (const [name, opts] of [['dpr2', { dpr: 2 }], ['phone', { viewport: PHONE, dpr: 3 }]]) {
    const o = await openPage(browser, opts);
    await setState(o.page, { engine: 'vllm', model: 'llama-3.1-70b-instruct', weights: 'bf16', gpu: 'rtx-4090', gpus: 2 });
    await shot(o.page, `does-not-fit-${name}`);
    check(`no page error (${name})`, o.page.errors.length === 0, o.page.errors.join(' | '));
    await o.context.close();
  }
}

async function gptOss(browser) {
  const { context, page } = await openPage(browser);
  // gpt-oss ships its experts in MXFP4 (config.json quantization_config quant_method mxfp4): its
  // native format is what best_weights reports when it fits (20B in MXFP4 is ~13 GiB: one H100).
  await setState(page, { engine: 'vllm', model: 'gpt-oss-20b', weights: 'bf16', gpu: 'h100-sxm', gpus: 1 });
  await settle(page);
  const r = await result(page);
  check('gpt-oss-20b: best_weights is its native MXFP4', r.answers && r.answers.best_weights === 'mxfp4', JSON.stringify(r.answers && r.answers.best_weights));
  await context.close();
}

async function brokenLink(browser) {
  const hash = '#v=1&m=qwen-9000-instruct&n=2&ctx=4096';
  const { context, page } = await openPage(browser, { hash });
  await settle(page);
  await sleep(800);  // longer than the page's link-write interval (300 ms)
  const v = await view(page);
  const r = await result(page);
  check('a link naming an unknown model shows it missing', v.verdict.headline === 'MODEL NOT FOUND' && v.verdict.missing_model === 'qwen-9000-instruct',
    JSON.stringify(v.verdict));
  check('no verdict for another model: the result is an error naming the model', r.ok === false && /qwen-9000-instruct/.test(r.error || ''), r.error);
  check('the error offers did-you-mean ids', /did you mean [a-z0-9]/.test(r.error || ''), r.error);
  const kept = await page.evaluate(() => window.location.hash);
  check('the fragment is not rewritten until the user changes something', kept === hash, kept);
  await shot(page, 'broken-link-1400x900');
  await setState(page, { model: 'qwen2.5-7b-instruct' });
  await settle(page);
  await sleep(800);
  const after = await page.evaluate(() => window.location.hash);
  const r2 = await result(page);
  check('picking a model answers again and the link follows', r2.ok === true && after !== hash && /m=|n=2/.test(after), after);
  check('no page error (broken link)', page.errors.length === 0, page.errors.join(' | '));
  await context.close();
}

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  try {
    await pooled(browser);
    await headline(browser);
    await gptOss(browser);
    await brokenLink(browser);
  } finally {
    await browser.close();
  }
}

run('answer', main);
