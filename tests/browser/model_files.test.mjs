// Browser test of models given as files and fetched from the Hub: headless Chromium opens vramcalc.html
// from file://, picks and drops GGUF / safetensors files (read in place with File.slice: the test counts
// every byte the page reads), and fetches from a local Hub server (tests/hub/hub_server.mjs) only when
// asked. Figures: ggml-ci's pythia-2.8b Q8_0 "CUDA0 model buffer size = 2684.57 MiB".
//   node tests/browser/model_files.test.mjs [path/to/vramcalc.html]
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { check, launchChromium, pagePath, pageUrl, run, screenshotDir, sleep } from './harness.mjs';
import { GGML, gguf, pythiaQ8, safetensors, writeSparse } from '../tools/model_files.mjs';
import { startHub, TOKEN } from '../hub/hub_server.mjs';

const MiB = 2 ** 20;
const dir = fs.mkdtempSync(path.join(tmpdir(), 'vramcalc-page-files-'));

function writeFiles() {
  const f = {};
  // A 2.95 GB GGUF that is its header followed by a hole: reading it whole would take seconds and memory.
  f.pythia = path.join(dir, 'pythia-2.8b-Q8_0.gguf');
  writeSparse(f.pythia, pythiaQ8());
  const meta = [['general.architecture', 'str', 'llama'], ['general.file_type', 'u32', 1], ['llama.block_count', 'u32', 2],
    ['llama.embedding_length', 'u32', 256], ['llama.attention.head_count', 'u32', 4], ['llama.context_length', 'u32', 2048]];
  const part = (no, tensors, kv = []) => gguf({ kv: [['split.no', 'u32', no], ['split.count', 'u32', 2], ...kv], tensors });
  f.split1 = path.join(dir, 'tiny-00001-of-00002.gguf');
  f.split2 = path.join(dir, 'tiny-00002-of-00002.gguf');
  writeSparse(f.split1, part(0, [['token_embd.weight', GGML.F16, [256, 1000]], ['blk.0.attn_q.weight', GGML.F16, [256, 256]]], meta));
  writeSparse(f.split2, part(1, [['blk.1.attn_q.weight', GGML.F16, [256, 256]], ['output.weight', GGML.F16, [256, 1000]]]));
  f.shard = path.join(dir, 'model.safetensors');
  writeSparse(f.shard, safetensors([['model.embed_tokens.weight', 'BF16', [1000, 256]], ['model.layers.0.mlp.up_proj.weight', 'BF16', [512, 256]],
    ['model.layers.1.mlp.up_proj.weight', 'BF16', [512, 256]], ['lm_head.weight', 'BF16', [1000, 256]]]));
  f.config = path.join(dir, 'config.json');
  fs.writeFileSync(f.config, JSON.stringify({ model_type: 'llama', hidden_size: 256, num_hidden_layers: 2, num_attention_heads: 4,
    num_key_value_heads: 4, intermediate_size: 512, vocab_size: 1000, max_position_embeddings: 2048, tie_word_embeddings: false,
    torch_dtype: 'bfloat16', _name_or_path: 'acme/dropped' }));
  return f;
}

// Drops files on the canvas the way a person does: a DataTransfer of real File objects (from a file
// input the test adds, so the files stay on disk and only what the page slices is read).
async function drop(page, files) {
  await page.evaluate(() => {
    if (!document.getElementById('test-files')) {
      const i = document.createElement('input');
      i.type = 'file'; i.multiple = true; i.id = 'test-files'; i.style.display = 'none';
      document.body.appendChild(i);
    }
  });
  await page.setInputFiles('#test-files', files);
  await page.evaluate(() => {
    const dt = new DataTransfer();
    for (const f of document.getElementById('test-files').files) dt.items.add(f);
    if (window.vramcalcTest) window.vramcalcTest.dropped = performance.now();
    document.querySelector('canvas').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
}

// Until the page has drawn again and gone idle (ImGui focuses a popup's field a frame after it opens).
async function settle(page) {
  for (let i = 0; i < 50; i++) {
    const a = await page.evaluate(() => window.vramcalc.framesDrawn);
    await sleep(250);
    if (a === await page.evaluate(() => window.vramcalc.framesDrawn)) return;
  }
}

const waitFor = (page, fn, arg, timeout = 10000) => page.waitForFunction(fn, arg, { timeout, polling: 20 }).then(() => true, () => false);

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const files = writeFiles();
  const hub = await startHub();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    const requests = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) requests.push(r.url()); });
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true && window.vramcalc.modelFiles, null, { timeout: 30000 });

    // ---- a GGUF dropped on the page: header only, the answer on screen within a second.
    // Timed on the page's clock: from the drop event to the first frame drawn with the file's model.
    await page.evaluate(() => {
      window.vramcalcTest = {};
      const frames = () => {
        const s = window.vramcalc.getState();
        if (s.custom_tensors && window.vramcalcTest.shownFrame === undefined) window.vramcalcTest.shownFrame = window.vramcalc.framesDrawn;
        if (window.vramcalcTest.shownFrame !== undefined && window.vramcalc.framesDrawn > window.vramcalcTest.shownFrame) {
          window.vramcalcTest.shownAt = performance.now();
          return;
        }
        requestAnimationFrame(frames);
      };
      requestAnimationFrame(frames);
    });
    await drop(page, [files.pythia]);
    await waitFor(page, () => window.vramcalcTest.shownAt !== undefined);
    const answered = await waitFor(page, () => window.vramcalc.getResult().model_buffer_bytes === 2814976000);
    const ms = await page.evaluate(() => window.vramcalcTest.shownAt - window.vramcalcTest.dropped);
    const read = await page.evaluate(() => window.vramcalc.fileBytesRead);
    check('a dropped 2.95 GB GGUF gives ggml-ci\'s model buffer of 2684.57 MiB', answered);
    check('the answer appears within a second of the drop', answered && ms < 1000, `${Math.round(ms)} ms`);
    check('the page read under 1 MB of the 2.95 GB file', read > 0 && read < 1_000_000, `${read} bytes`);
    const state = await page.evaluate(() => window.vramcalc.getState());
    check('the GGUF became the custom model for llama.cpp', state.engine === 'llamacpp' && state.weights === 'gguf-q8_0' &&
      state.custom_name === 'pythia-2.8b' && String(state.custom_tensors).startsWith('fw1;s=gguf'), JSON.stringify(state).slice(0, 200));
    const res = await page.evaluate(() => window.vramcalc.getResult());
    check('the host keeps the 130.49 MiB token embedding', Math.abs(res.cpu_bytes / MiB - 130.49) < 0.005, res.cpu_bytes / MiB);
    console.log(`pythia-2.8b Q8_0 (2,951,824,928-byte sparse file): answer in ${Math.round(ms)} ms, ${read} bytes read`);
    await page.screenshot({ path: path.join(screenshotDir, 'model-files-gguf.png') });

    // ---- the link carries the tensor summary; a fresh page opened from it gives the same buffer
    const link = await page.evaluate(() => window.vramcalc.shareLink());
    check('the share link carries the tensor summary (tw=) and stays short', link.includes('&tw=') && link.length < 3000, `${link.length} chars`);
    const linked = await context.newPage();
    await linked.goto(pageUrl + link);
    await linked.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 30000 });
    const lr = await linked.evaluate(() => window.vramcalc.getResult());
    check('a page opened from the link gives the same model buffer', lr.model_buffer_bytes === 2814976000, lr.model_buffer_bytes);
    await linked.close();

    // ---- a split set: part 1 through the page's file chooser, then part 2 dropped
    await page.setInputFiles('#vramcalc-file-input', files.split1);
    await waitFor(page, () => window.vramcalc.modelFiles().missing.length > 0);
    let mf = await page.evaluate(() => window.vramcalc.modelFiles());
    check('a first split part names the missing one', mf.missing.includes('tiny-00002-of-00002.gguf'), JSON.stringify(mf.missing));
    await drop(page, [files.split2]);
    check('the second part completes the set', await waitFor(page, () => window.vramcalc.modelFiles().ok && window.vramcalc.getState().custom_name === 'tiny'));
    // 2 x 256 x 256 x 2 B layers + 1000 x 256 x 2 B output = 774144 bytes on the GPU
    check('the split set\'s model buffer', (await page.evaluate(() => window.vramcalc.getResult().model_buffer_bytes)) === 774144);

    // ---- safetensors with config.json, dropped together
    await drop(page, [files.shard, files.config]);
    check('safetensors + config.json become the model', await waitFor(page, () => window.vramcalc.getState().custom_name === 'dropped'));
    mf = await page.evaluate(() => window.vramcalc.modelFiles());
    check('dropped files are listed with what was read', mf.files.some((f) => f.name === 'model.safetensors' && f.status.includes('4 tensors')));
    const st = await page.evaluate(() => window.vramcalc.getState());
    check('safetensors move the engine off llama.cpp', st.engine === 'vllm' && st.weights === 'bf16', `${st.engine} ${st.weights}`);

    // ---- a broken file: a clear message, the model before it kept
    const cut = path.join(dir, 'broken.gguf');
    fs.writeFileSync(cut, pythiaQ8().header.subarray(0, 4000));
    await drop(page, [cut]);
    await waitFor(page, () => window.vramcalc.modelFiles().files.some((f) => f.name === 'broken.gguf' && f.status !== 'reading'));
    mf = await page.evaluate(() => window.vramcalc.modelFiles());
    check('a cut GGUF is refused with a message', mf.files.some((f) => f.name === 'broken.gguf' && /truncated/.test(f.status)), JSON.stringify(mf.files));
    check('the model before it is kept', (await page.evaluate(() => window.vramcalc.getState().custom_name)) === 'dropped');

    // ---- files not read: a .json past 16 MiB (17 MiB of zeros) and one the browser fails to read
    const bytesBefore = await page.evaluate(() => window.vramcalc.fileBytesRead);
    await page.evaluate(() => window.vramcalc.readModelFiles([
      new File([new Uint8Array(17 * 1024 * 1024)], 'model.safetensors.index.json'),
      { name: 'gone.gguf', size: 1000, slice: () => ({ arrayBuffer: () => Promise.reject(new Error('NotReadableError')) }) },
    ]));
    mf = await page.evaluate(() => window.vramcalc.modelFiles());
    const status = (name) => (mf.files.find((f) => f.name === name) || {}).status || '';
    check('a 17 MiB .json is listed as not read, with the 16 MiB limit',
      status('model.safetensors.index.json') === 'not read: 17 MiB is more than the 16 MiB a config.json or safetensors index can be',
      status('model.safetensors.index.json'));
    check('a file the browser cannot read is listed as such', /could not read this file/.test(status('gone.gguf')), status('gone.gguf'));
    check('neither reads a byte', (await page.evaluate(() => window.vramcalc.fileBytesRead)) === bytesBefore);
    check('the model before them is kept', (await page.evaluate(() => window.vramcalc.getState().custom_name)) === 'dropped');

    check('no network request from files', requests.length === 0, requests.join(' '));

    // ---- the Hub: nothing until asked
    await page.evaluate((url) => window.vramcalc.setHubSettings({ endpoint: url }), hub.url);
    await sleep(300);
    check('setting the endpoint sends nothing', hub.stats.requests.length === 0 && requests.length === 0, JSON.stringify(hub.stats.requests));
    // Real input: the model picker (its button at 230,104 on the wide page) offers the Hub for a repo id
    // the catalog does not know; typing asks nothing, Enter (or a click on the offer) fetches.
    await page.mouse.click(230, 104);
    await settle(page);
    await page.keyboard.type('acme/tiny-llama', { delay: 20 });
    await settle(page);
    await page.screenshot({ path: path.join(screenshotDir, 'model-files-hub-offer.png') });
    check('typing a repo id in the picker asks nothing', hub.stats.requests.length === 0 && requests.length === 0);
    await page.keyboard.down('Enter');
    await sleep(80);  // ImGui samples keys once per frame: hold it for a few
    await page.keyboard.up('Enter');
    check('Enter on the picker\'s Hub offer fetches the repo', await waitFor(page, () => /^Fetched/.test(window.vramcalc.modelFiles().hub.status)));
    check('the fetched repo is the model', (await page.evaluate(() => window.vramcalc.getState().custom_name)) === 'acme/tiny-llama');
    check('headers were read by range', hub.stats.requests.some((q) => q.range === 'bytes=0-262143'));
    check('only the endpoint was asked', requests.every((u) => u.startsWith(hub.url)), requests.join(' '));

    await page.evaluate(() => window.vramcalc.fetchFromHub('acme/gated-llama'));
    await waitFor(page, () => !window.vramcalc.modelFiles().hub.busy);
    let hs = (await page.evaluate(() => window.vramcalc.modelFiles())).hub;
    check('a gated repo asks for a token', hs.status.includes('this repo is gated'), hs.status);
    await page.evaluate((t) => window.vramcalc.setHubSettings({ token: t }), TOKEN);
    await page.evaluate(() => window.vramcalc.fetchFromHub('acme/gated-llama'));
    check('with a token the gated repo is fetched', await waitFor(page, () => /^Fetched/.test(window.vramcalc.modelFiles().hub.status)));
    const everywhere = JSON.stringify(await page.evaluate(() => [window.vramcalc.getState(), window.vramcalc.shareLink(),
      Object.keys(localStorage).map((k) => localStorage.getItem(k)), window.vramcalc.modelFiles()]));
    check('the token is in no state, link or storage', !everywhere.includes(TOKEN));

    await page.evaluate(() => window.vramcalc.fetchFromHub('acme/pythia-2.8b-GGUF'));
    await waitFor(page, () => !window.vramcalc.modelFiles().hub.busy);
    hs = (await page.evaluate(() => window.vramcalc.modelFiles())).hub;
    check('several GGUF models offer a choice', hs.choices.length === 2, JSON.stringify(hs));
    await page.evaluate(() => window.vramcalc.fetchFromHub('acme/pythia-2.8b-GGUF', 'pythia-2.8b-Q8_0.gguf'));
    check('the chosen GGUF from the Hub gives 2684.57 MiB',
      await waitFor(page, () => window.vramcalc.getResult().model_buffer_bytes === 2814976000));
    await page.evaluate(() => window.vramcalc.fetchFromHub('acme/readme-only'));
    await waitFor(page, () => !window.vramcalc.modelFiles().hub.busy);
    hs = (await page.evaluate(() => window.vramcalc.modelFiles())).hub;
    check('not a model repository', hs.status.includes('not a model repository'), hs.status);

    // ---- offline: a clear message
    await context.setOffline(true);
    await page.evaluate(() => window.vramcalc.fetchFromHub('acme/tiny-llama'));
    await waitFor(page, () => !window.vramcalc.modelFiles().hub.busy);
    hs = (await page.evaluate(() => window.vramcalc.modelFiles())).hub;
    check('offline says so', /cannot reach .*offline/.test(hs.status), hs.status);
    await context.setOffline(false);
    await page.screenshot({ path: path.join(screenshotDir, 'model-files-hub.png') });

    // ---- kept in localStorage: a reload restores the fetched model with its tensors
    await sleep(400);  // the page writes localStorage at most every 300 ms
    await page.reload();
    await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 30000 });
    const kept = await page.evaluate(() => window.vramcalc.getResult());
    check('a reload keeps the fetched model and its exact buffer', kept.model_buffer_bytes === 2814976000, kept.model_buffer_bytes);
    check('no page errors', errors.length === 0, errors.join('; '));
  } finally {
    await browser.close();
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

run('model files', main);
