// The README's two screenshots of the built page (laptop 1400x900, phone 390x844 at 2x), one
// scenario: Llama 3.1 70B AWQ on two RTX 4090 with vLLM at 32k context, the chart tab open.
//   NODE_PATH=/usr/share/nodejs node scripts/readme_shots.mjs [build-wasm/vramcalc.html]
import path from 'node:path';
import { launchChromium, pageUrl, sleep } from '../tests/browser/harness.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SHOTS = [
  { file: 'docs/page-laptop.png', viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 },
  { file: 'docs/page-phone.png', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
];

const browser = await launchChromium();
try {
  for (const { file, ...size } of SHOTS) {
    const context = await browser.newContext(size);
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 60000 });
    await page.evaluate(() => window.vramcalc.setState({ model: 'llama-3.1-70b-instruct', engine: 'vllm', weights: 'awq', gpu: 'rtx-4090', gpus: 2, context: 32768 }));
    await page.evaluate(() => window.vramcalc.setView({ tab: 'chart', theme: 'dark' }));
    for (let i = 0; i < 3; i++) {  // the answers and the chart fill in over a few frames
      const start = await page.evaluate(() => { window.vramcalc.wake(); return window.vramcalc.framesDrawn; });
      await page.waitForFunction((n) => window.vramcalc.framesDrawn >= n + 4, start, { timeout: 30000 }).catch(() => {});
      await sleep(300);
    }
    await page.screenshot({ path: path.join(root, file) });
    console.log(`wrote ${file}`);
    await context.close();
  }
} finally {
  await browser.close();
}
