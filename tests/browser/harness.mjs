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
