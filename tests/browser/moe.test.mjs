// Browser test of expert offload on the page (issue 15): a MoE model with --n-cpu-moe, -ot and a mixed GPU
// list set through window.vramcalc.setState, read back through getResult and the share link, with a
// screenshot of the RAM bar beside the GPU bars.
//   node tests/browser/moe.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
import fs from 'node:fs';
import path from 'node:path';
import { decodePng, pixelStats } from './png.mjs';
import { check, clippedTexts, launchChromium, pagePath, pageUrl, run, screenshotDir, settleIdle, sleep } from './harness.mjs';

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 30000 });

    // Qwen3-30B-A3B F16 with the experts of layers 14-47 on the CPU (llama.cpp's fit-params example):
    // CUDA0 model buffer 18,774,540,288 B, the hand sum in tests/unit/llamacpp_offload_test.cpp.
    const ot = [];
    for (let l = 14; l <= 47; l++) ot.push(`blk\\.${l}\\.ffn_(up|down|gate)_(ch|)exps=CPU`);
    await page.evaluate((o) => window.vramcalc.setState({
      model: 'qwen3-30b-a3b', engine: 'llamacpp', engine_version: 'b6895', weights: 'gguf-f16', kv_dtype: 'fp16',
      gpu: 'rtx-4090', gpus: 1, context: 4096, flash_attn: true, gpu_layers: 48, override_tensor: o.join(','),
    }), ot);
    let r = await page.evaluate(() => window.vramcalc.getResult());
    check('-ot answers on the page', r && r.ok !== false && !r.error, JSON.stringify(r).slice(0, 200));
    check('-ot model buffer 18,774,540,288 B', r && r.model_buffer_bytes === 18774540288, r && r.model_buffer_bytes);
    check('RAM need is reported (cpu_bytes)', r && r.cpu_bytes > 40e9, r && r.cpu_bytes);

    // --n-cpu-moe and a mixed device list travel in the share link
    await page.evaluate(() => window.vramcalc.setState({ override_tensor: '', gpu_layers: -1, n_cpu_moe: 20,
      gpu_list: 'rtx-3090,rtx-4060-ti-16gb', engine_version: '' }));
    r = await page.evaluate(() => window.vramcalc.getResult());
    check('two devices from the mixed list', r && Array.isArray(r.gpus) && r.gpus.length === 2, JSON.stringify(r && r.gpus ? r.gpus.length : r).slice(0, 80));
    const link = await page.evaluate(() => window.vramcalc.shareLink());
    check('the link carries ncmoe and the device list', link.includes('ncmoe=20') && link.includes('gl=rtx-3090%2Crtx-4060-ti-16gb'), link);

    // llama.cpp --split-mode none / --main-gpu / --mlock travel in the link; the placement list is in the result
    await page.evaluate(() => window.vramcalc.setState({ gpu_list: '', gpus: 2, gpu: 'rtx-4090', n_cpu_moe: 0,
      split_mode: 'none', main_gpu: 1, mlock: true }));
    r = await page.evaluate(() => window.vramcalc.getResult());
    check('split-mode none: GPU 0 holds no weights', r && r.gpus && r.gpus[0].weights_bytes === 0, JSON.stringify(r && r.gpus && r.gpus[0]).slice(0, 160));
    check('each GPU carries its placement', r && r.gpus && typeof r.gpus[1].placement === 'string' && r.gpus[1].placement.includes('layers 0-47'),
      r && r.gpus && r.gpus[1].placement);
    const link2 = await page.evaluate(() => window.vramcalc.shareLink());
    check('the link carries sm, mg and mlock', link2.includes('sm=none') && link2.includes('mg=1') && link2.includes('mlock=1'), link2);

    // vLLM expert parallel at TP 2 x DP 2 (tests/unit/expert_parallel_test.cpp): 14,495,514,624 B fewer per GPU
    const vllm = { model: 'qwen3-30b-a3b', engine: 'vllm', engine_version: '', weights: 'bf16', kv_dtype: 'auto', gpu: 'h100-sxm',
      gpus: 4, tp: 2, replicas: 2, context: 8192, split_mode: '', main_gpu: 0, mlock: false, override_tensor: '' };
    await page.evaluate((v) => window.vramcalc.setState(v), vllm);
    const noEp = await page.evaluate(() => window.vramcalc.getResult());
    await page.evaluate(() => window.vramcalc.setState({ enable_expert_parallel: true }));
    const ep = await page.evaluate(() => window.vramcalc.getResult());
    check('EP answers', ep && ep.ok !== false && !ep.error, JSON.stringify(ep).slice(0, 200));
    check('EP saves 14,495,514,624 B of experts per GPU',
      noEp && ep && noEp.gpus && ep.gpus && Math.abs((noEp.gpus[0].weights_bytes - ep.gpus[0].weights_bytes) - 14495514624) < 2,
      noEp && ep && noEp.gpus && ep.gpus && (noEp.gpus[0].weights_bytes - ep.gpus[0].weights_bytes));
    check('EP rank in the placement', ep && ep.gpus && ep.gpus[3].placement.includes('experts 96-127'), ep && ep.gpus && ep.gpus[3].placement);
    const link3 = await page.evaluate(() => window.vramcalc.shareLink());
    check('the link carries epx', link3.includes('epx=1'), link3);

    await page.setViewportSize({ width: 1400, height: 900 });
    await sleep(400);
    await page.screenshot({ path: path.join(screenshotDir, 'moe-ep-1400.png') });
    // An MoE model's Breakdown: "30.5 B (3.3 B active)" once ran past the figure column.
    const cut = await clippedTexts(page, () => settleIdle(page, { wake: true, newFrame: true }));
    check('1400x900: an MoE model\'s Breakdown has no cut text', cut.length === 0, JSON.stringify(cut).slice(0, 300));
    // the breakdown's placement list, below its table
    await page.mouse.move(900, 700);
    await page.mouse.wheel(0, 900);
    await sleep(400);
    await page.screenshot({ path: path.join(screenshotDir, 'moe-placement-1400.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(400);
    await page.screenshot({ path: path.join(screenshotDir, 'moe-ep-390.png') });
    await page.mouse.move(200, 600);
    await page.mouse.wheel(0, 1600);
    await sleep(400);
    await page.screenshot({ path: path.join(screenshotDir, 'moe-placement-390.png') });
    await page.setViewportSize({ width: 1280, height: 900 });

    await sleep(400);
    const shot = await page.screenshot({ path: path.join(screenshotDir, 'moe-offload.png') });
    const stats = pixelStats(decodePng(shot));
    check('the page draws with expert offload set', stats.distinctColors > 8, `${stats.distinctColors} colours`);
    check('no page errors', errors.length === 0, errors.join(' | '));
    await context.close();
  } finally {
    await browser.close();
  }
}

run('moe', main);
