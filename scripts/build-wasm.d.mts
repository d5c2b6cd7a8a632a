// Types for build-wasm.mjs, imported by tests/engine/wasm.test.ts.
export const WAT_PATH: string;
export const OUT_PATH: string;
/** The text of kernelBytes.ts for the given WAT source (assembled with wabt). */
export function kernelBytesSource(watText: string): Promise<string>;
