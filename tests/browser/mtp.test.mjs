// Browser test of the MTP speculative-decoding knob (issue 13): on vLLM and SGLang it appears among the engine
// knobs, counts the MTP module and its KV layer, and travels in the share link (mtp=N); on an engine
// without it the answer is refused under the knobs with a button that turns it off. Screenshots at
// 1400x900 DPR 2 and 390x844 in <build>/screenshots/mtp-*.png, and no cut text.
//   node tests/browser/mtp.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
import fs from 'node:fs';
import path from 'node:path';
import { check, clippedTexts, launchChromium, pageUrl, run, screenshotDir, settleIdle, sleep } from './harness.mjs';

const SIZES = [
  { name: 'laptop-dpr2', viewport: { width: 1400, height: 900 }, deviceScaleFactor: 2 },
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
];

const settle = (page) => settleIdle(page);

const cutTexts = (page) => clippedTexts(page, settle);

const setState = (page, s) => page.evaluate((x) => window.vramcalc.setState(x), s);
const result = (page) => page.evaluate(() => window.vramcalc.getResult());
const DEEPSEEK = { model: 'deepseek-v3', engine: 'vllm', weights: 'fp8', gpu: 'h200', gpus: 8, tp: 0, pp: 0, context: 8192 };

run('mtp', async () => {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  for (const size of SIZES) {
    const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor,
      isMobile: !!size.isMobile, hasTouch: !!size.hasTouch });
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 60000, polling: 20 });

    await setState(page, { ...DEEPSEEK, mtp_tokens: 0 });
    await settle(page);
    const off = await result(page);
    await setState(page, { ...DEEPSEEK, mtp_tokens: 2 });
    await settle(page);
    const on = await result(page);
    check(`${size.name}: vLLM answers DeepSeek-V3 with MTP drafting`, on.ok === true, on.error || '');
    const w = (r) => (r.per_gpu || {}).weights_bytes || 0;
    check(`${size.name}: the MTP module adds weights on each GPU`, w(on) > w(off), `${w(off)} -> ${w(on)}`);
    check(`${size.name}: the link carries mtp=2`, (await page.evaluate(() => location.hash)).split(/[#&]/).includes('mtp=2'));
    check(`${size.name}: no cut text (vLLM)`, (await cutTexts(page)).length === 0);
    await page.screenshot({ path: path.join(screenshotDir, `mtp-${size.name}-vllm.png`) });

    // SGLang offers the same knob (--speculative-algorithm NEXTN): answered, the draft module counted.
    await setState(page, { ...DEEPSEEK, engine: 'sglang', mtp_tokens: 0 });
    await settle(page);
    const sgOff = await result(page);
    await setState(page, { ...DEEPSEEK, engine: 'sglang', mtp_tokens: 2 });
    await settle(page);
    const sgOn = await result(page);
    check(`${size.name}: SGLang answers DeepSeek-V3 with NEXTN drafting`, sgOn.ok === true, sgOn.error || '');
    check(`${size.name}: SGLang's draft module adds weights on each GPU`, w(sgOn) > w(sgOff), `${w(sgOff)} -> ${w(sgOn)}`);
    check(`${size.name}: the SGLang link carries mtp=2`, (await page.evaluate(() => location.hash)).split(/[#&]/).includes('mtp=2'));
    check(`${size.name}: no cut text (SGLang)`, (await cutTexts(page)).length === 0);
    await page.screenshot({ path: path.join(screenshotDir, `mtp-${size.name}-sglang.png`) });

    await setState(page, { ...DEEPSEEK, engine: 'llamacpp', weights: 'gguf-q4_k_m', mtp_tokens: 2 });
    await settle(page);
    const refused = await result(page);
    check(`${size.name}: llama.cpp refuses MTP drafting with the reason`, refused.ok === false && /TENSOR_SKIP/.test(refused.error || ''),
      refused.error || '');
    check(`${size.name}: no cut text (llama.cpp refusal)`, (await cutTexts(page)).length === 0);
    await page.screenshot({ path: path.join(screenshotDir, `mtp-${size.name}-llamacpp.png`) });
    await context.close();
  }
  await browser.close();
});
