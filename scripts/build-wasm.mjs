// Assembles src/engine/wasm/kernels.wat and kernels32.wat with wabt (dev-only) and writes the bytes,
// base64, into src/engine/wasm/kernelBytes.ts so that the engine needs no toolchain and no fetch at
// run time. Usage: npm run build:wasm  (tests/engine/wasm.test.ts checks the committed file is current).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = fileURLToPath(new URL('..', import.meta.url));
export const WAT_PATH = `${root}src/engine/wasm/kernels.wat`;
export const WAT32_PATH = `${root}src/engine/wasm/kernels32.wat`;
export const OUT_PATH = `${root}src/engine/wasm/kernelBytes.ts`;

/** A browser main thread compiles a module synchronously only up to this size (Chromium's limit). */
export const MAX_MODULE_BYTES = 4096;

async function assemble(name, watText) {
  const wabt = await wabtInit();
  const mod = wabt.parseWat(name, watText, { simd: true });
  try {
    mod.validate();
    const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
    if (buffer.length > MAX_MODULE_BYTES) throw new Error(`${name}: ${buffer.length} bytes, over ${MAX_MODULE_BYTES}`);
    return buffer;
  } finally {
    mod.destroy();
  }
}

/** The text of kernelBytes.ts for the given WAT sources (kernels.wat, and kernels32.wat read from disk by default). */
export async function kernelBytesSource(watText, wat32Text = readFileSync(WAT32_PATH, 'utf8')) {
  const main = await assemble('kernels.wat', watText);
  const single = await assemble('kernels32.wat', wat32Text);
  return [
    '// Generated from kernels.wat and kernels32.wat by scripts/build-wasm.mjs (npm run build:wasm); do not edit.',
    `/** The assembled kernel module (${main.length} bytes), base64. */`,
    `export const KERNEL_WASM_BASE64 =\n  '${Buffer.from(main).toString('base64')}';`,
    `/** The assembled single-precision module (${single.length} bytes), base64. */`,
    `export const KERNEL32_WASM_BASE64 =\n  '${Buffer.from(single).toString('base64')}';`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const src = await kernelBytesSource(readFileSync(WAT_PATH, 'utf8'));
  writeFileSync(OUT_PATH, src);
  console.log(`wrote ${OUT_PATH}`);
}
