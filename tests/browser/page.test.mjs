// Browser test of the calculator page: headless Chromium opens vramcalc.html from file://, drives it
// through window.vramcalc (getState / setState / getResult / setView / getView) and through real mouse
// and keyboard input (typing in the model and GPU pickers, changing the weights dropdown, Save for
// offline use), and checks that the answers change as the core says. Prints the time to
// window.vramcalc.ready and saves screenshots of the main states in <build>/screenshots/.
//   node tests/browser/page.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
import fs from 'node:fs';
import path from 'node:path';
import { decodePng, pixelStats } from './png.mjs';
import { check, launchChromium, pagePath, pageUrl, run, screenshotDir, settleIdle, sleep } from './harness.mjs';

const gib = (b) => (b / 2 ** 30).toFixed(2) + ' GiB';

// The layout at 1440x900 CSS px (the wide, two-column page): where the inputs are.
const WIDE = { width: 1440, height: 900 };
const AT = {
  modelPicker: { x: 230, y: 104 },
  // The weights and GPU pickers move down a row when the model's description wraps: tried top to
  // bottom until typed keys land in that picker's filter (window.vramcalc.getInput().pickers).
  weightsCombo: { x: 267, ys: [208, 224, 199, 216, 232] },
  gpuPicker: { x: 238, ys: [300, 315, 292, 308, 323] },
  saveButton: { x: 1265, y: 26 },
  copyLinkButton: { x: 1102, y: 26 },
  firstSuggestion: { x: 647, y: 161 },  // verdict panel "To make it fit: [first]" for Llama 3.1 70B on 2 x RTX 4090
  exportButton: { x: 1168, y: 26 },
  exportJsonDownload: { x: 1388, y: 107 },  // "This answer" > JSON > Download; the menu is clamped to the window's right edge
};

// Opens the type-ahead picker `which` ('weights', 'gpu', 'model') with a real click at one of the
// candidate heights and types `text`; returns true once the typed text is that picker's filter.
async function openPickerAndType(page, which, at, text) {
  for (const y of at.ys) {
    await page.mouse.click(at.x, y);
    await settle(page, 120);
    await page.keyboard.type(text, { delay: 20 });
    await settle(page, 120);
    const inp = await page.evaluate(() => window.vramcalc.getInput());
    if (inp.pickers && inp.pickers[which] === text) return true;
    if (inp.popups.length > 0) { await press(page, 'Escape'); await settle(page, 120); }
  }
  return false;
}

async function openPage(context, hash = '') {
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('request', (req) => { if (!req.url().startsWith('file:') && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) requests.push(req.url()); });
  const started = Date.now();
  await page.goto(pageUrl + hash);
  await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 30000, polling: 10 });
  const readyMs = Date.now() - started;
  const timing = await page.evaluate(() => ({ runtimeAt: window.vramcalc.runtimeAt, readyAt: window.vramcalc.readyAt }));
  return { page, errors, requests, readyMs, timing };
}

// Waits until the page has drawn again and gone idle (its answers are computed a step per frame).
const settle = (page, ms = 250) => settleIdle(page, { ms, rounds: 50, newFrame: true });

// ImGui 1.86 samples key state once per frame: a key pressed and released between two frames is
// never seen. Hold each key for a few frames, as a person does.
async function press(page, key) {
  await page.keyboard.down(key);
  await sleep(80);
  await page.keyboard.up(key);
  await sleep(60);
}

async function shot(page, name) {
  const file = path.join(screenshotDir, `${name}.png`);
  const png = await page.screenshot({ path: file });
  return pixelStats(decodePng(png));
}

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  try {
    // ---- start-up (a fresh profile: no saved state)
    const context = await browser.newContext({ viewport: WIDE, acceptDownloads: true });
    const { page, errors, requests, readyMs, timing } = await openPage(context);
    console.log(`time to window.vramcalc.ready: ${readyMs} ms from navigation (runtime ready at ${Math.round(timing.runtimeAt)} ms, ` +
      `first frame at ${Math.round(timing.readyAt)} ms, page clock)`);
    // Start-up speed is measured by scripts/bench, not asserted here: a shared 2-core machine makes timings flaky.
    await settle(page);
    const start = await shot(page, 'page-start');
    check('the first screen shows drawn pixels', start.distinctColors > 16, `${start.distinctColors} colours`);

    // ---- the JS API
    const api = await page.evaluate(() => ['getState', 'setState', 'getResult', 'setView', 'getView', 'shareLink']
      .filter((f) => typeof window.vramcalc[f] === 'function'));
    check('window.vramcalc has getState, setState, getResult, setView, getView, shareLink', api.length === 6, api.join(','));
    const s0 = await page.evaluate(() => window.vramcalc.getState());
    check('getState() returns the scenario object', s0 && typeof s0.model === 'string' && typeof s0.context === 'number',
      JSON.stringify(s0).slice(0, 120));

    let r = await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-32b-instruct', weights: 'bf16', gpu: 'rtx-4090',
      gpus: 4, tp: 4, context: 8192, batch: 1, engine: 'vllm' }));
    check('setState() with valid fields reports no problems', r.ok && r.problems.length === 0, JSON.stringify(r));
    const bf16 = await page.evaluate(() => window.vramcalc.getResult());
    check('getResult() follows the estimate --json schema', !bf16.error && bf16.per_gpu && bf16.per_gpu.weights_bytes > 0
      && typeof bf16.fits === 'boolean' && Array.isArray(bf16.gpus) && bf16.gpus.length === 4,
      `fits=${bf16.fits}, per GPU weights ${gib(bf16.per_gpu && bf16.per_gpu.weights_bytes)}`);
    check('getResult() carries the answers (largest context, suggestions)', bf16.answers && Array.isArray(bf16.answers.suggestions),
      JSON.stringify(bf16.answers || {}).slice(0, 160));
    check('getResult() names the engine version its accounting follows', typeof bf16.engine_version === 'string' && bf16.engine_version.length > 0,
      bf16.engine_version);
    await settle(page);
    await shot(page, 'page-qwen32b-4x4090');

    r = await page.evaluate(() => window.vramcalc.setState({ weights: 'awq' }));
    const awq = await page.evaluate(() => window.vramcalc.getResult());
    check('switching weights from bf16 to awq lowers per_gpu.weights_bytes', awq.per_gpu.weights_bytes < bf16.per_gpu.weights_bytes * 0.4,
      `${gib(bf16.per_gpu.weights_bytes)} -> ${gib(awq.per_gpu.weights_bytes)}`);

    // Bad input never crashes and names what was ignored.
    const before = await page.evaluate(() => window.vramcalc.getState());
    r = await page.evaluate(() => window.vramcalc.setState({ context: 'abc', bogus_field: 1, gpus: -3 }));
    const after = await page.evaluate(() => window.vramcalc.getState());
    check('setState() with bad fields reports each problem and keeps the old values', !r.ok && r.problems.length >= 2 && after.context === before.context,
      r.problems.join(' | '));
    r = await page.evaluate(() => window.vramcalc.setState('this is not json'));
    check('setState() with text that is not JSON reports a problem', !r.ok && r.problems.length === 1, r.problems[0]);

    // TP that does not divide the heads: the core's message.
    await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-32b-instruct', weights: 'awq', gpus: 3, tp: 3 }));
    const bad = await page.evaluate(() => window.vramcalc.getResult());
    check('tp 3 on 40 attention heads is refused with the core\'s message', /^tp/.test(bad.error || '') && !bad.per_gpu, bad.error);
    await settle(page);
    await shot(page, 'page-tp-error');

    // A format the engine cannot load.
    await page.evaluate(() => window.vramcalc.setState({ gpus: 4, tp: 4, engine: 'llamacpp', weights: 'awq' }));
    const llama = await page.evaluate(() => window.vramcalc.getResult());
    check('llama.cpp refuses AWQ weights, naming the field', /^weights/.test(llama.error || '') && !llama.per_gpu, llama.error);

    // ---- engine releases: the profiles through the API, a version in and out, a garbled one named
    const engines = await page.evaluate(() => window.vramcalc.getEngines());
    const llamaProfile = (engines || []).find((e) => e.id === 'llamacpp');
    check('getEngines() lists every engine with its releases, newest named', Array.isArray(engines) && engines.length >= 5 &&
      llamaProfile && llamaProfile.newest_release === 'b11232' && llamaProfile.releases.some((x) => x.id === 'b4343'),
      JSON.stringify((engines || []).map((e) => `${e.id}:${e.newest_release}`)));
    r = await page.evaluate(() => window.vramcalc.setState({ gpus: 1, tp: 1, engine: 'llamacpp', weights: 'gguf-q4_k_m',
      engine_version: 'version: 8054 (01d8eaa28)' }));
    const versioned = await page.evaluate(() => window.vramcalc.getResult());
    const versionState = await page.evaluate(() => window.vramcalc.getState());
    check('setState({engine_version}) is followed and getState() carries it', r.ok && versionState.engine_version === 'version: 8054 (01d8eaa28)' &&
      /^llama\.cpp b4343/.test(versioned.engine_version || ''), versioned.engine_version || versioned.error);
    await settle(page);
    await shot(page, 'page-engine-version');
    await page.evaluate(() => window.vramcalc.setState({ engine_version: 'latest' }));
    const garbled = await page.evaluate(() => window.vramcalc.getResult());
    check('a garbled engine version is an error naming the field and the accepted forms',
      /^engine_version: 'latest'/.test(garbled.error || '') && /b4343/.test(garbled.error || ''), garbled.error);
    await page.evaluate(() => window.vramcalc.setState({ engine_version: '' }));

    // ---- a real estimate that does not fit, with suggestions; then apply one through setState
    await page.evaluate(() => window.vramcalc.setState({ model: 'llama-3.1-70b-instruct', engine: 'vllm', weights: 'bf16', gpu: 'rtx-4090',
      gpus: 2, tp: 2, context: 8192, batch: 1 }));
    const nofit = await page.evaluate(() => window.vramcalc.getResult());
    check('Llama 3.1 70B in bf16 on 2 x RTX 4090 does not fit and gets suggestions', !nofit.error && nofit.fits === false && nofit.answers.suggestions.length > 0,
      nofit.answers.suggestions.map((s) => s.label).join(' | '));
    await settle(page);
    await shot(page, 'page-does-not-fit');
    // Its first suggestion is a button: a real click applies it, and each suggestion is a change that fits.
    if (nofit.answers.suggestions.length > 0) {
      const first = nofit.answers.suggestions[0].label;
      const before = JSON.stringify(await page.evaluate(() => window.vramcalc.getState()));
      await page.mouse.click(AT.firstSuggestion.x, AT.firstSuggestion.y);
      await settle(page);
      const applied = await page.evaluate(() => ({ s: window.vramcalc.getState(), r: window.vramcalc.getResult() }));
      check(`clicking the first suggestion ("${first}") applies it and the setup fits`, JSON.stringify(applied.s) !== before && applied.r.fits === true,
        `weights ${applied.s.weights}, gpus ${applied.s.gpus}, context ${applied.s.context}, fits=${applied.r.fits}`);
    }

    // ---- real input: type in the model picker
    await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-7b-instruct', engine: 'vllm', weights: 'bf16', gpu: 'h100-sxm',
      gpus: 1, tp: 1, context: 8192, batch: 1 }));
    await settle(page);
    await page.mouse.click(AT.modelPicker.x, AT.modelPicker.y);
    await settle(page, 120);
    await page.keyboard.type('mistral small', { delay: 20 });
    await settle(page, 120);
    await shot(page, 'page-model-picker');
    await press(page, 'Enter');
    await settle(page);
    let st = await page.evaluate(() => window.vramcalc.getState());
    check('typing "mistral small" in the model picker and Enter selects a Mistral Small model', /mistral-small/i.test(st.model), st.model);

    // ---- real input: the weights picker (mouse opens it, keyboard filters and walks it)
    const w0 = (await page.evaluate(() => window.vramcalc.getResult())).per_gpu.weights_bytes;
    const items = await page.evaluate(() => window.vramcalc.getState().weights);
    // A type-ahead picker: typing filters the list, ArrowDown/Enter pick. "fp8" leaves FP8 highlighted.
    const weightsOpen = await openPickerAndType(page, 'weights', AT.weightsCombo, 'fp8');
    await shot(page, 'page-weights-dropdown');
    if (weightsOpen) {
      await press(page, 'Enter');
      await settle(page);
    }
    st = await page.evaluate(() => window.vramcalc.getState());
    if (weightsOpen && st.weights === items) {
      // Enter did not take the highlighted row: walk down to it and pick it
      await openPickerAndType(page, 'weights', AT.weightsCombo, 'fp8');
      await press(page, 'ArrowDown');
      await press(page, 'Enter');
      await settle(page);
      st = await page.evaluate(() => window.vramcalc.getState());
    }
    const w1 = (await page.evaluate(() => window.vramcalc.getResult())).per_gpu.weights_bytes;
    check('walking the weights dropdown to an 8-bit format changes the state and lowers the weights',
      ['fp8', 'int8'].includes(st.weights) && w1 < w0,
      `${items} -> ${st.weights}: ${gib(w0)} -> ${gib(w1)}`);

    // ---- real input: type in the GPU picker
    await openPickerAndType(page, 'gpu', AT.gpuPicker, '4090');
    await shot(page, 'page-gpu-picker');
    await press(page, 'Enter');
    await settle(page);
    st = await page.evaluate(() => window.vramcalc.getState());
    check('typing "4090" in the GPU picker and Enter selects the RTX 4090', st.gpu === 'rtx-4090', st.gpu);

    // ---- "Custom model..." from the picker starts from the current model's numbers
    await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-7b-instruct', engine: 'vllm', weights: 'bf16', gpu: 'h100-sxm',
      gpus: 1, tp: 1, pp: 1, context: 8192, batch: 1 }));
    await settle(page);
    const catalogParams = (await page.evaluate(() => window.vramcalc.getResult())).params;
    await page.mouse.click(AT.modelPicker.x, AT.modelPicker.y);
    await settle(page, 120);
    await page.keyboard.type('custom', { delay: 20 });
    await settle(page, 120);
    await press(page, 'Enter');
    await settle(page);
    st = await page.evaluate(() => window.vramcalc.getState());
    const typed = await page.evaluate(() => window.vramcalc.getResult());
    // The typed-numbers config is a plain Llama-style decoder with Qwen2.5-7B's sizes (3584 hidden,
    // 28 layers, 28/4 heads, 18944 MLP, 152064 vocab): Qwen's parameters less its q/k/v biases
    // (28 layers x (3584 + 512 + 512) = 0.13 M), so within 1%.
    check('choosing "Custom model..." in the picker builds a config from the typed numbers', st.custom_config && st.custom_config.hidden_size === 3584
      && Math.abs(typed.params - catalogParams) / catalogParams < 0.01, `${(typed.params / 1e9).toFixed(3)} B vs ${(catalogParams / 1e9).toFixed(3)} B`);
    await shot(page, 'page-custom-numbers');
    await page.evaluate(() => window.vramcalc.setState({ custom_config: null, custom_params: 70e9, custom_name: 'mystery-70b' }));
    const paramsOnly = await page.evaluate(() => window.vramcalc.getResult());
    // 70e9 parameters x 2 bytes (bf16) = 140e9 bytes of weights
    check('a parameter count alone gives the weights-only answer', paramsOnly.per_gpu && Math.abs(paramsOnly.per_gpu.weights_bytes - 140e9) < 1e6,
      paramsOnly.error || gib(paramsOnly.per_gpu.weights_bytes));
    await settle(page);
    await shot(page, 'page-custom-params');

    // ---- a config.json dropped on the page becomes the custom model; a bad one shows the parser's error
    const dropFile = async (name, text) => {
      await page.evaluate(([n, t]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t], n, { type: 'application/json' }));
        const canvas = document.querySelector('canvas');
        canvas.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, [name, text]);
      await sleep(300);
      await settle(page);
    };
    // Llama-3-8B's shape: 32 layers, hidden 4096, 32 heads / 8 KV heads, MLP 14336, vocab 128256.
    const llama8b = JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 4096,
      num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 128256,
      max_position_embeddings: 8192, torch_dtype: 'bfloat16', tie_word_embeddings: false });
    await dropFile('my-llama.json', llama8b);
    st = await page.evaluate(() => window.vramcalc.getState());
    const custom = await page.evaluate(() => window.vramcalc.getResult());
    // 8.03 B parameters: embeddings 2 x 128256 x 4096 = 1.05 B, 32 layers x (attention 4096 x (4096 + 2 x 1024 + 4096)
    // = 33.6 M, MLP 3 x 4096 x 14336 = 176.2 M) = 6.98 B
    check('a dropped config.json becomes the custom model', JSON.stringify(st.custom_config || '').includes('hidden_size') && Math.abs(custom.params - 8.03e9) < 0.05e9,
      `${st.custom_name}, ${(custom.params / 1e9).toFixed(2)} B params`);
    await shot(page, 'page-custom-config');
    const badConfig = '{"model_type": "llama", "hidden_size": "wide", "num_hidden_layers": 32}';
    await dropFile('broken-config.json', badConfig);
    const cv = await page.evaluate(() => window.vramcalc.getView().custom);
    const kept = await page.evaluate(() => window.vramcalc.getState());
    check('a bad config.json shows the parser\'s error, keeps the text and the last good model', cv.active && cv.error.length > 0 &&
      cv.text_chars === badConfig.length && JSON.stringify(kept.custom_config || '').includes('14336'), cv.error);
    await shot(page, 'page-custom-config-error');

    // ---- the share link follows the state (replaceState, no history flooding)
    await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-32b-instruct', weights: 'awq', gpu: 'rtx-4090', gpus: 2, tp: 2 }));
    await settle(page);
    await sleep(400);
    await settle(page);
    const loc = await page.evaluate(() => ({ hash: window.location.hash, history: window.history.length }));
    check('the address fragment holds the scenario', /m=qwen2\.5-32b-instruct/.test(loc.hash) && /w=awq/.test(loc.hash), loc.hash);
    check('editing does not add history entries', loc.history <= 2, `history.length ${loc.history}`);

    // ---- tabs: fit matrix (computed progressively), chart, several models
    await page.evaluate(() => window.vramcalc.setView({ tab: 'matrix' }));
    const matrixStart = Date.now();
    await page.waitForFunction(() => window.vramcalc.getView().matrix.complete === true, null, { timeout: 30000 }).catch(() => {});
    const view = await page.evaluate(() => window.vramcalc.getView());
    const cells = view.matrix.cells ? (view.matrix.cells.cells || view.matrix.cells.rows || []) : [];
    check('the fit matrix computes while its tab is open', view.matrix.complete && view.matrix.rows.length > 0 && view.matrix.cols.length > 0,
      `${view.matrix.rows.length} x ${view.matrix.cols.length} in ${Date.now() - matrixStart} ms`);
    // A large row set (every "instruct" model with transformers, up to 40 x 7 cells) is computed a
    // few cells per frame and completes. How long a frame's work takes meanwhile is a benchmark
    // (scripts/bench page), not a timed check here.
    const drawn = await page.evaluate(() => {
      window.vramcalc.setState({ engine: 'transformers', weights: 'bf16' });
      window.vramcalc.setView({ matrixFilter: 'instruct' });
      return window.vramcalc.framesDrawn;
    });
    await page.waitForFunction((n) => window.vramcalc.framesDrawn >= n + 2, drawn, { timeout: 20000 });  // the new rows are set up
    await page.waitForFunction(() => window.vramcalc.getView().matrix.complete === true, null, { timeout: 120000 }).catch(() => {});
    const big = await page.evaluate(() => window.vramcalc.getView().matrix);
    check('the fit matrix of every "instruct" model completes (transformers)', big.complete && big.rows.length > 10,
      `${big.rows.length} x ${big.cols.length} cells`);
    await settle(page);
    await shot(page, 'page-fit-matrix');
    void cells;

    await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-32b-instruct', engine: 'vllm', weights: 'awq', gpu: 'rtx-4090',
      gpus: 2, tp: 2, context: 16384, batch: 4 }));
    await page.evaluate(() => window.vramcalc.setView({ tab: 'chart', matrixFilter: '' }));
    await settle(page);
    const chart = (await page.evaluate(() => window.vramcalc.getView())).chart;
    const lc = (await page.evaluate(() => window.vramcalc.getResult())).answers.largest_context;
    check('the memory-vs-context chart marks the same break point as the solver', chart && lc > 0 && chart.largest_fitting_context === lc,
      `chart ${chart && chart.largest_fitting_context}, solver ${lc}`);
    await shot(page, 'page-chart');

    // Seed 001: two vLLM processes at 0.88 on one GPU cannot both start.
    await page.evaluate(() => window.vramcalc.setState({ model: 'qwen2.5-7b-instruct', engine: 'vllm', weights: 'bf16', gpu: 'h100-sxm',
      gpus: 1, tp: 1, pp: 1, context: 8192, batch: 1, gpu_mem_util: 0.88 }));
    await page.evaluate(() => window.vramcalc.setView({ tab: 'colocation', colocate: [{ model: 'llama-3.1-8b-instruct', gpu_mem_util: 0.88 }] }));
    await settle(page);
    let co = (await page.evaluate(() => window.vramcalc.getView())).colocation;
    check('two vLLM deployments at 0.88 on one GPU do not both start, and the page says why', co.ok && !co.fits && co.problems.length > 0,
      co.problems.join(' | '));
    await shot(page, 'page-colocation-problem');
    await page.evaluate(() => window.vramcalc.setState({ gpu_mem_util: 0.45 }));
    await page.evaluate(() => window.vramcalc.setView({ colocate: [{ model: 'llama-3.2-3b-instruct', gpu_mem_util: 0.4 }] }));
    await settle(page);
    co = (await page.evaluate(() => window.vramcalc.getView())).colocation;
    check('0.45 + 0.40 of one H100 for a 7B and a 3B model both start', co.ok && co.fits, `${gib(co.reserved_bytes)} reserved`);
    await shot(page, 'page-colocation');

    // ---- light theme, GB
    await page.evaluate(() => window.vramcalc.setView({ tab: 'breakdown', theme: 'light', unit: 'GB' }));
    await settle(page);
    await shot(page, 'page-light-gb');
    await page.evaluate(() => window.vramcalc.setView({ theme: 'dark', unit: 'GiB' }));
    await settle(page);

    // ---- Copy link: the clipboard gets the page's address with the scenario's fragment
    await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
    await page.mouse.click(AT.copyLinkButton.x, AT.copyLinkButton.y);
    await settle(page);
    const clip = await page.evaluate(() => navigator.clipboard.readText().catch((e) => 'clipboard: ' + e.message));
    const frag = await page.evaluate(() => window.vramcalc.shareLink());
    check('"Copy link" puts the share link on the clipboard', clip.startsWith('file:') && clip.endsWith(frag), clip.slice(-90));

    // ---- Export: the menu's JSON "Download" writes result_json (estimate + scenario + link)
    await page.mouse.click(AT.exportButton.x, AT.exportButton.y);
    await settle(page, 120);
    await shot(page, 'page-export-menu');
    const exportPromise = page.waitForEvent('download', { timeout: 5000 }).catch(() => null);
    await page.mouse.click(AT.exportJsonDownload.x, AT.exportJsonDownload.y);
    const exported = await exportPromise;
    let exportedJson = null;
    if (exported) { try { exportedJson = JSON.parse(fs.readFileSync(await exported.path(), 'utf8')); } catch (e) { exportedJson = null; } }
    check('Export > JSON > Download saves the answer with its scenario and link', exported && exported.suggestedFilename() === 'vramcalc.json'
      && exportedJson && exportedJson.scenario && typeof exportedJson.link === 'string' && exportedJson.per_gpu,
      exported ? `${exported.suggestedFilename()}, link ${exportedJson && exportedJson.link}` : 'no download');
    await settle(page);

    // ---- Save for offline use: a real click downloads the page itself
    const downloadPromise = page.waitForEvent('download', { timeout: 5000 }).catch(() => null);
    await page.mouse.click(AT.saveButton.x, AT.saveButton.y);
    const download = await downloadPromise;
    let saved = '';
    if (download) saved = fs.readFileSync(await download.path(), 'utf8');
    const original = fs.readFileSync(pagePath, 'utf8');
    check('"Save for offline use" downloads the whole page as vramcalc.html', download && download.suggestedFilename() === 'vramcalc.html'
      && saved.length > original.length * 0.95 && saved.includes('vramcalcPageSource'),
      download ? `${download.suggestedFilename()}, ${saved.length} of ${original.length} chars` : 'no download');
    await settle(page);

    check('no console error or page error', errors.length === 0, errors.join(' | '));
    check('the page made no network request', requests.length === 0, requests.join(' '));

    // ---- localStorage: a page opened without a link gets the last state back
    const last = await page.evaluate(() => window.vramcalc.getState());
    await page.close();
    const again = await openPage(context);
    const restored = await again.page.evaluate(() => window.vramcalc.getState());
    check('a page opened without a link restores the last state from localStorage', restored.model === last.model && restored.weights === last.weights
      && restored.gpu === last.gpu, `${restored.model} ${restored.weights} ${restored.gpu}`);
    await again.page.close();

    // ---- a shared link with a bad part: opens the rest, names what was ignored
    const linked = await openPage(context, '#v=1&m=mistral-small-24b-instruct-2501&w=awq&ctx=abc');
    await settle(linked.page);
    const ls = await linked.page.evaluate(() => ({ state: window.vramcalc.getState(), view: window.vramcalc.getView() }));
    check('a link opens its scenario over the saved one', ls.state.model === 'mistral-small-24b-instruct-2501' && ls.state.weights === 'awq',
      `${ls.state.model} ${ls.state.weights}`);
    check('a link with a bad part shows one message naming it', /ctx/.test(ls.view.notice), ls.view.notice);
    await shot(linked.page, 'page-link-notice');
    // hashchange: another link pasted into the address bar of the open page
    await linked.page.evaluate(() => { window.location.hash = '#v=1&m=qwen2.5-7b-instruct&w=fp8'; });
    await settle(linked.page);
    const hs = await linked.page.evaluate(() => window.vramcalc.getState());
    check('a new link in the address bar of an open page is applied (hashchange)', hs.model === 'qwen2.5-7b-instruct' && hs.weights === 'fp8',
      `${hs.model} ${hs.weights}`);
    check('no console error on the linked page', linked.errors.length === 0, linked.errors.join(' | '));
    await context.close();

    // ---- phone width and devicePixelRatio 2
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const p = await openPage(phone, '#v=1&m=qwen2.5-32b-instruct&w=awq&gpu=rtx-4090');
    await settle(p.page);
    const pv = await p.page.evaluate(() => ({ view: window.vramcalc.getView(), w: document.querySelector('canvas').width }));
    check('a phone-width window gets the stacked layout at devicePixelRatio 2', pv.view.narrow === true && pv.w === 780, `canvas ${pv.w} px`);
    await shot(p.page, 'page-phone-dpr2');
    check('no console error on a phone', p.errors.length === 0, p.errors.join(' | '));
    await phone.close();

    const hi = await browser.newContext({ viewport: WIDE, deviceScaleFactor: 2 });
    const h = await openPage(hi, '#v=1&m=llama-3.1-70b-instruct&w=awq&gpu=rtx-4090&n=2&tp=2');
    await settle(h.page);
    const hv = await h.page.evaluate(() => document.querySelector('canvas').width);
    check('the wide page renders at devicePixelRatio 2', hv === 2880, `canvas ${hv} px`);
    await shot(h.page, 'page-wide-dpr2');
    await hi.close();
  } finally {
    await browser.close();
  }
}

await run('page', main);
