// Assembles src/engine/wasm/kernels.wat with wabt (dev-only) and writes the bytes, base64, into
// src/engine/wasm/kernelBytes.ts so that the engine needs no toolchain and no fetch at run time.
// Usage: npm run build:wasm  (tests/engine/wasm.test.ts checks the committed file is current).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = fileURLToPath(new URL('..', import.meta.url));
export const WAT_PATH = `${root}src/engine/wasm/kernels.wat`;
export const OUT_PATH = `${root}src/engine/wasm/kernelBytes.ts`;

/** The text of kernelBytes.ts for the given WAT source. */
export async function kernelBytesSource(watText) {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('kernels.wat', watText, { simd: true });
  try {
    mod.validate();
    const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
    const b64 = Buffer.from(buffer).toString('base64');
    return [
      '// Generated from kernels.wat by scripts/build-wasm.mjs (npm run build:wasm); do not edit.',
      `/** The assembled kernel module (${buffer.length} bytes), base64. */`,
      `export const KERNEL_WASM_BASE64 =\n  '${b64}';`,
      '',
    ].join('\n');
  } finally {
    mod.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const src = await kernelBytesSource(readFileSync(WAT_PATH, 'utf8'));
  writeFileSync(OUT_PATH, src);
  console.log(`wrote ${OUT_PATH}`);
}
