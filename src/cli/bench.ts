/**
 * gatescope bench: the engine against @tensorflow/tfjs-core (cpu and wasm backends) on the same
 * work, with the budgets of issue 6 checked at the end.
 *
 *   npm run bench [-- --json FILE] [--quick] [--cells lstm,gru] [--T 16,64] [--impl engine,tfjs-cpu]
 *
 * Each implementation runs in its own child process, one after another: in Node 20, once any
 * ArrayBuffer in a process has been detached (loading tfjs's wasm backend grows and so detaches
 * WebAssembly memory), every typed-array loop in that process runs 1.3 to 2.6 times slower. The
 * workers are bundled with esbuild first, because tfjs-core's ES modules use extension-less
 * imports that Node cannot load; the engine worker is bundled the same way so that all three run
 * as plain JavaScript. Medians and minimums are wall-clock per run; "cpu" is the process CPU time
 * per run, which shows how much of a slow median was other jobs sharing the cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { backward } from '../engine';
import { forward } from '../engine';
import { createRng } from '../engine';
import { CELL_KINDS, type BackwardResult, type CellKind, type ForwardTrace, type ParamGrads } from '../engine';
import {
  benchIds,
  benchParams,
  caseKey,
  caseLabel,
  flops,
  gradsFileName,
  median,
  minimum,
  PARAM_KEYS,
  SIZES,
  TARGET,
  type Budget,
  type Case,
  type CaseResult,
  type Impl,
  type Mode,
  type WorkerRequest,
  type WorkerResult,
  IMPLS,
  NEXT_TOKEN_V,
} from './bench/common';
import { directionalDerivative } from './bench/reference';

const USAGE = `usage: npm run bench [-- --json FILE] [--quick] [--cells rnn,lstm,gru] [--T 16,64,256,1024] [--impl engine,tfjs-cpu,tfjs-wasm]
  --json FILE  also write every figure as JSON
  --quick      T = 16 and 64 only, shorter timing (for a quick look; budgets at T = 1024 are then "not measured")`;

interface Options {
  json?: string;
  quick: boolean;
  cells: CellKind[];
  Ts: number[];
  impls: Impl[];
}

class UsageError extends Error {}

function parseOptions(argv: readonly string[]): Options | null {
  const o: Options = { quick: false, cells: [...CELL_KINDS], Ts: [16, 64, 256, 1024], impls: [...IMPLS] };
  let TsGiven = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const value = (): string => {
      const v = argv[++k];
      if (v === undefined) throw new UsageError(`${a}: a value is missing`);
      return v;
    };
    if (a === '--help' || a === '-h') return null;
    else if (a === '--json') o.json = value();
    else if (a === '--quick') o.quick = true;
    else if (a === '--cells') {
      o.cells = value().split(',') as CellKind[];
      for (const c of o.cells) if (!CELL_KINDS.includes(c)) throw new UsageError(`--cells: unknown cell "${c}"`);
    } else if (a === '--T') {
      o.Ts = value().split(',').map(Number);
      TsGiven = true;
      for (const T of o.Ts) if (!Number.isInteger(T) || T < 1) throw new UsageError(`--T: "${T}" is not a positive integer`);
    } else if (a === '--impl') {
      o.impls = value().split(',') as Impl[];
      for (const i of o.impls) if (!IMPLS.includes(i)) throw new UsageError(`--impl: unknown implementation "${i}"`);
      if (!o.impls.includes('engine')) throw new UsageError('--impl: the engine must be one of the implementations');
    } else throw new UsageError(`unknown argument "${a}"`);
  }
  if (o.quick && !TsGiven) o.Ts = [16, 64];
  return o;
}

function budgetFor(impl: Impl, quick: boolean): Budget {
  if (impl === 'engine') {
    return quick
      ? { warmupMs: 200, minReps: 10, maxReps: 300, minMs: 400, maxMs: 2000 }
      : { warmupMs: 500, minReps: 15, maxReps: 1000, minMs: 1500, maxMs: 8000 };
  }
  return quick
    ? { warmupMs: 200, minReps: 3, maxReps: 100, minMs: 400, maxMs: 3000 }
    : { warmupMs: 500, minReps: 5, maxReps: 300, minMs: 1500, maxMs: 12000 };
}

/** Bundles the two workers into dir; returns their paths. */
async function bundleWorkers(dir: string): Promise<Record<'engine' | 'tfjs', string>> {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = { engine: join(dir, 'engineWorker.cjs'), tfjs: join(dir, 'tfjsWorker.cjs') };
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    // tfjs's ES module builds, so that core, gradients and backends share one copy of tfjs-core.
    mainFields: ['module', 'main'],
    logLevel: 'error' as const,
  };
  await build({ ...common, entryPoints: [join(here, 'bench', 'engineWorker.ts')], outfile: out.engine });
  await build({ ...common, entryPoints: [join(here, 'bench', 'tfjsWorker.ts')], outfile: out.tfjs });
  return out;
}

function runWorker(script: string, req: WorkerRequest, dir: string): WorkerResult {
  const reqPath = join(dir, `${req.impl}.request.json`);
  const outPath = join(dir, `${req.impl}.result.json`);
  writeFileSync(reqPath, JSON.stringify(req));
  const started = performance.now();
  process.stderr.write(`  ${req.impl.padEnd(10)} running ${req.cases.length} cases in its own process ... `);
  const r = spawnSync(process.execPath, [script, reqPath, outPath], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    process.stderr.write('failed\n');
    throw new Error(`${req.impl} worker exited with ${r.status ?? r.signal}:\n${r.stderr || r.stdout}`);
  }
  process.stderr.write(`done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  return JSON.parse(readFileSync(outPath, 'utf8')) as WorkerResult;
}

/** Sum of the byte lengths of every typed array reachable from the objects (the memory of a trace). */
export function typedArrayBytes(...objects: unknown[]): number {
  let bytes = 0;
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      bytes += v.byteLength;
      return;
    }
    for (const x of Object.values(v)) visit(x);
  };
  objects.forEach(visit);
  return bytes;
}

/** max_i |a_i - b_i| / max_i |b_i| over each parameter tensor, and the worst tensor. */
function gradientAgreement(engine: ParamGrads, other: Float64Array): { maxRel: number; worst: string } {
  let offset = 0;
  let maxRel = 0;
  let worst = '';
  for (const key of PARAM_KEYS) {
    const a = engine[key];
    let diff = 0;
    let scale = 0;
    for (let k = 0; k < a.length; k++) {
      diff = Math.max(diff, Math.abs(a[k] - other[offset + k]));
      scale = Math.max(scale, Math.abs(a[k]));
    }
    offset += a.length;
    const rel = scale === 0 ? diff : diff / scale;
    if (rel >= maxRel) {
      maxRel = rel;
      worst = key;
    }
  }
  if (offset !== other.length) throw new Error(`gradient file has ${other.length} numbers, expected ${offset}`);
  return { maxRel, worst };
}

/**
 * Checks the engine's reverse-mode gradient against the forward-mode float64 reference along
 * eight seeded directions: one over all parameters and one per parameter tensor.
 */
function referenceCheck(cell: CellKind, T: number): { maxRel: number; directions: number } {
  const params = benchParams(cell);
  const ids = benchIds(T);
  const g = backward(params, forward(params, ids), TARGET).params;
  const rng = createRng(T * 31 + cell.length);
  const direction = (only: string | null): ParamGrads => {
    const v = {} as ParamGrads;
    for (const key of PARAM_KEYS) {
      v[key] = new Float64Array(params[key].length);
      if (only === null || only === key) for (let k = 0; k < v[key].length; k++) v[key][k] = rng.uniform(-1, 1);
    }
    return v;
  };
  let maxRel = 0;
  const dirs = [null, ...PARAM_KEYS];
  for (const only of dirs) {
    const v = direction(only);
    let dot = 0;
    for (const key of PARAM_KEYS) for (let k = 0; k < v[key].length; k++) dot += g[key][k] * v[key][k];
    const ref = directionalDerivative(params, v, ids, TARGET).derivative;
    const rel = Math.abs(dot - ref) / Math.max(Math.abs(dot), Math.abs(ref), 1e-300);
    maxRel = Math.max(maxRel, rel);
  }
  return { maxRel, directions: dirs.length };
}

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return `${model}, ${cpus().length} logical CPUs, node ${process.version}`;
}

const fmt = (ms: number | undefined): string =>
  ms === undefined ? '-' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
const fmtRatio = (r: number | undefined): string => (r === undefined ? '-' : r >= 100 ? r.toFixed(0) : r.toFixed(1));

interface Row extends Case {
  gflop: number;
  impls: Partial<Record<Impl, { medianMs: number; minMs: number; cpuMedianMs: number; reps: number; gflops: number; loss: number }>>;
  /** tfjs median / engine median, measured in this run */
  speedup: Partial<Record<Impl, number>>;
  /** the same from the median CPU time per run, less sensitive to other jobs on the machine */
  speedupCpu: Partial<Record<Impl, number>>;
}

interface BudgetLine {
  name: string;
  limit: string;
  value: string;
  status: 'met' | 'missed' | 'not measured';
}

async function main(argv: readonly string[]): Promise<number> {
  let opts: Options | null;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bench: ${e.message}\n${USAGE}\n`);
      return 1;
    }
    throw e;
  }
  if (opts === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const loadStart = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'gatescope-bench-'));
  try {
    process.stderr.write(`gatescope bench: ${machine()}\n  load average at start ${loadStart.map((l) => l.toFixed(2)).join(' ')}\n`);
    const scripts = await bundleWorkers(dir);
    const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
    const cases: Case[] = [];
    for (const cell of opts.cells) for (const T of opts.Ts) for (const mode of ['fwd', 'fwd+bptt'] as Mode[]) cases.push({ cell, T, mode });
    // Engine-only rows (issue 14): a 2-layer LSTM and a next-token LSTM at T = 64 and 1024.
    const stackCases: Case[] = [];
    if (opts.cells.includes('lstm')) {
      for (const T of opts.Ts.filter((t) => t === 64 || t === 1024)) {
        for (const mode of ['fwd', 'fwd+bptt'] as Mode[]) {
          stackCases.push({ cell: 'lstm', T, mode, layers: 2 }, { cell: 'lstm', T, mode, predicts: 'next-token' });
        }
      }
    }

    const results: WorkerResult[] = [];
    for (const impl of opts.impls) {
      const req: WorkerRequest = { impl, cases: impl === 'engine' ? [...cases, ...stackCases] : cases, budget: budgetFor(impl, opts.quick) };
      if (impl !== 'engine') Object.assign(req, { gradsDir: dir, wasmDir });
      else req.jacobianTs = opts.Ts.filter((T) => T <= 256);
      results.push(runWorker(impl === 'engine' ? scripts.engine : scripts.tfjs, req, dir));
    }
    const loadEnd = loadavg();

    // Table rows, ratios from this run.
    const byImpl = new Map<Impl, Map<string, CaseResult>>();
    for (const r of results) byImpl.set(r.impl, new Map(r.results.map((c) => [caseKey(c), c])));
    const rows: Row[] = [...cases, ...stackCases].map((c) => {
      const row: Row = { ...c, gflop: flops(c) / 1e9, impls: {}, speedup: {}, speedupCpu: {} };
      for (const impl of opts.impls) {
        const cr = byImpl.get(impl)?.get(caseKey(c));
        if (!cr) continue;
        const med = median(cr.timing.wallMs);
        row.impls[impl] = {
          medianMs: med,
          minMs: minimum(cr.timing.wallMs),
          cpuMedianMs: median(cr.timing.cpuMs),
          reps: cr.timing.wallMs.length,
          gflops: flops(c) / 1e6 / med,
          loss: cr.loss,
        };
      }
      const e = row.impls.engine;
      for (const impl of ['tfjs-cpu', 'tfjs-wasm'] as Impl[]) {
        const t = row.impls[impl];
        if (e && t) {
          row.speedup[impl] = t.medianMs / e.medianMs;
          row.speedupCpu[impl] = t.cpuMedianMs / e.cpuMedianMs;
        }
      }
      return row;
    });

    // Gradient agreement with tfjs (float32) and with the float64 forward-mode reference.
    const agreement: { impl: Impl; cell: CellKind; T: number; maxRel: number; worst: string; lossDiff: number }[] = [];
    for (const impl of opts.impls.filter((i) => i !== 'engine')) {
      for (const cell of opts.cells) {
        const params = benchParams(cell);
        for (const T of opts.Ts) {
          const trace: ForwardTrace = forward(params, benchIds(T));
          const back: BackwardResult = backward(params, trace, TARGET);
          const other = new Float64Array(readFileSync(join(dir, gradsFileName(impl, { cell, T, mode: 'fwd+bptt' }))).buffer.slice(0));
          const tfLoss = byImpl.get(impl)?.get(caseKey({ cell, T, mode: 'fwd+bptt' }))?.loss ?? NaN;
          agreement.push({ impl, cell, T, ...gradientAgreement(back.params, other), lossDiff: Math.abs(tfLoss - back.loss) / Math.abs(back.loss) });
        }
      }
    }
    const refTs = opts.Ts.filter((T) => T <= 64);
    const reference = opts.cells.flatMap((cell) => refTs.map((T) => ({ cell, T, ...referenceCheck(cell, T) })));

    // Memory of one trace (forward + backward result) at T = 1024, H = 128.
    const memory = opts.cells.map((cell) => {
      const params = benchParams(cell);
      const trace = forward(params, benchIds(1024));
      return { cell, T: 1024, H: SIZES.H, bytes: typedArrayBytes(trace, backward(params, trace, TARGET)) };
    });

    const budgets = checkBudgets(rows, agreement, reference, memory);
    printReport(rows, opts, results, agreement, reference, memory, budgets, loadStart, loadEnd);
    if (opts.json) {
      const data = {
        date: new Date().toISOString(),
        machine: machine(),
        loadAverage: { start: loadStart, end: loadEnd },
        sizes: SIZES,
        flopFormula: 'fwd: 2*T*G*H*(D+H); fwd+bptt: 3x that (matrix products only, multiply-add = 2 flops)',
        implementations: results.map((r) => ({ impl: r.impl, info: r.info })),
        rows,
        gradientAgreement: agreement,
        referenceCheck: reference,
        memory,
        jacobian: jacobianRows(results),
        budgets,
        raw: results,
      };
      writeFileSync(opts.json, `${JSON.stringify(data, null, 1)}\n`);
      process.stderr.write(`wrote ${opts.json}\n`);
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The engine worker's Jacobian timings as rows: median and minimum per cell, T and budget. */
function jacobianRows(results: WorkerResult[]): { cell: CellKind; T: number; budget: string; medianMs: number; minMs: number; meanNorm: number }[] {
  const jac = results.find((r) => r.impl === 'engine')?.jacobian ?? [];
  return jac.map((j) => ({ cell: j.cell, T: j.T, budget: j.budget, medianMs: median(j.timing.wallMs), minMs: minimum(j.timing.wallMs), meanNorm: j.meanNorm }));
}

function checkBudgets(
  rows: Row[],
  agreement: { impl: Impl; maxRel: number }[],
  reference: { maxRel: number }[],
  memory: { cell: CellKind; bytes: number }[],
): BudgetLine[] {
  const find = (cell: CellKind, T: number, mode: Mode): Row | undefined =>
    rows.find((r) => caseKey(r) === caseKey({ cell, T, mode }));
  const timeLine = (name: string, cell: CellKind, T: number, mode: Mode, limitMs: number): BudgetLine => {
    const e = find(cell, T, mode)?.impls.engine;
    if (!e) return { name, limit: `<= ${limitMs} ms`, value: '-', status: 'not measured' };
    return {
      name,
      limit: `<= ${limitMs} ms`,
      value: `median ${fmt(e.medianMs)} ms (min ${fmt(e.minMs)}, cpu ${fmt(e.cpuMedianMs)})`,
      status: e.medianMs <= limitMs ? 'met' : 'missed',
    };
  };
  const speedLine = (impl: Impl, factor: number): BudgetLine => {
    const name = `LSTM fwd+bptt at least ${factor}x faster than ${impl}`;
    // The speed budget is stated for the LSTM (the costliest cell), so it reads the LSTM rows.
    const lstm = rows.filter((r) => r.cell === 'lstm' && r.mode === 'fwd+bptt' && r.speedup[impl] !== undefined);
    if (lstm.length === 0) return { name, limit: `>= ${factor}x`, value: '-', status: 'not measured' };
    const worst = lstm.reduce((a, b) => ((a.speedup[impl] ?? 0) <= (b.speedup[impl] ?? 0) ? a : b));
    const s = worst.speedup[impl] ?? 0;
    const cpuWorst = Math.min(...lstm.map((r) => r.speedupCpu[impl] ?? Infinity));
    return {
      name,
      limit: `>= ${factor}x at every T`,
      value: `lowest ${fmtRatio(s)}x (at T = ${worst.T}); from CPU time per run, lowest ${fmtRatio(cpuWorst)}x`,
      status: s >= factor ? 'met' : 'missed',
    };
  };
  const lines: BudgetLine[] = [
    timeLine('LSTM fwd+bptt T=64', 'lstm', 64, 'fwd+bptt', 8),
    timeLine('LSTM fwd+bptt T=1024', 'lstm', 1024, 'fwd+bptt', 130),
    timeLine('LSTM fwd T=64', 'lstm', 64, 'fwd', 3.5),
    timeLine('RNN fwd+bptt T=64', 'rnn', 64, 'fwd+bptt', 2),
    speedLine('tfjs-cpu', 20),
    speedLine('tfjs-wasm', 8),
  ];
  // Issue 14: a second layer may cost at most 1.1x the first on top of it, in the same run.
  for (const T of [64, 1024]) {
    const name = `2-layer LSTM fwd+bptt T=${T} at most 2.1x the 1-layer time`;
    const one = find('lstm', T, 'fwd+bptt')?.impls.engine;
    const two = rows.find((r) => caseKey(r) === caseKey({ cell: 'lstm', T, mode: 'fwd+bptt', layers: 2 }))?.impls.engine;
    if (!one || !two) {
      lines.push({ name, limit: '<= 2.1x', value: '-', status: 'not measured' });
      continue;
    }
    const ratio = two.medianMs / one.medianMs;
    lines.push({
      name,
      limit: '<= 2.1x',
      value: `${ratio.toFixed(2)}x (${fmt(two.medianMs)} / ${fmt(one.medianMs)} ms; from CPU time ${(two.cpuMedianMs / one.cpuMedianMs).toFixed(2)}x)`,
      status: ratio <= 2.1 ? 'met' : 'missed',
    });
  }
  const f32 = agreement.reduce((m, a) => Math.max(m, a.maxRel), 0);
  lines.push({
    name: 'gradients agree with tfjs within 1e-6 relative',
    limit: '<= 1e-6, max|diff| / max|grad| per parameter tensor',
    value:
      agreement.length === 0
        ? '-'
        : `max ${f32.toExponential(1)}; tfjs-core has no float64 dtype, so this compares its float32 gradients with the engine's float64 ones`,
    status: agreement.length === 0 ? 'not measured' : f32 <= 1e-6 ? 'met' : 'missed',
  });
  lines.push({
    name: 'gradients agree with tfjs at float32 precision',
    limit: '<= 1e-4 relative',
    value: agreement.length === 0 ? '-' : `max ${f32.toExponential(1)} over ${agreement.length} backend/cell/T triples`,
    status: agreement.length === 0 ? 'not measured' : f32 <= 1e-4 ? 'met' : 'missed',
  });
  const ref = reference.reduce((m, r) => Math.max(m, r.maxRel), 0);
  lines.push({
    name: 'engine gradients = float64 forward-mode reference',
    limit: '<= 1e-9 relative',
    value: reference.length === 0 ? '-' : `max ${ref.toExponential(1)} over ${reference.length} cell/T pairs`,
    status: reference.length === 0 ? 'not measured' : ref <= 1e-9 ? 'met' : 'missed',
  });
  // The memory budget is stated for an LSTM trace (it keeps c as well as h and four gates).
  const lstmMem = memory.find((m) => m.cell === 'lstm');
  lines.push({
    name: 'memory of an LSTM trace T=1024 H=128 (forward + backward)',
    limit: '<= 20 MB',
    value: lstmMem ? `${(lstmMem.bytes / 1e6).toFixed(2)} MB` : '-',
    status: lstmMem ? (lstmMem.bytes <= 20e6 ? 'met' : 'missed') : 'not measured',
  });
  return lines;
}

function printReport(
  rows: Row[],
  opts: Options,
  results: WorkerResult[],
  agreement: { impl: Impl; cell: CellKind; T: number; maxRel: number; worst: string; lossDiff: number }[],
  reference: { cell: CellKind; T: number; maxRel: number; directions: number }[],
  memory: { cell: CellKind; bytes: number }[],
  budgets: BudgetLine[],
  loadStart: number[],
  loadEnd: number[],
): void {
  const out: string[] = [];
  out.push(`gatescope bench - ${machine()}`);
  out.push(`load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at start, ${loadEnd.map((l) => l.toFixed(2)).join(' ')} at end`);
  if (Math.max(loadStart[0], loadEnd[0]) > 0.5 * cpus().length) {
    out.push('WARNING: the machine was busy (1-minute load average above half the CPUs): wall-clock medians include');
    out.push('         time spent waiting for a CPU; the engine\'s "cpu" column is its own CPU time per run.');
  }
  for (const r of results) out.push(`  ${r.impl.padEnd(10)} ${r.info}`);
  out.push(`model: input D=${SIZES.D}, hidden H=${SIZES.H}, vocab ${SIZES.V}, classes ${SIZES.K}, batch 1; times in ms per sequence`);
  out.push('GFLOP/s counts the matrix products only: fwd 2*T*G*H*(D+H), fwd+bptt 3x that (G = 1 rnn, 4 lstm, 3 gru)');
  out.push('');
  const impls = opts.impls;
  const head = ['cell', 'T', 'mode'];
  for (const i of impls) head.push(`${i} med`, 'min', ...(i === 'engine' ? ['cpu'] : []));
  for (const i of impls) if (i !== 'engine') head.push(`x ${i.replace('tfjs-', '')}`);
  for (const i of impls) head.push(`GF/s ${i.replace('tfjs-', '')}`);
  const table: string[][] = [head];
  for (const r of rows) {
    const line = [caseLabel(r), String(r.T), r.mode];
    for (const i of impls) {
      const m = r.impls[i];
      line.push(fmt(m?.medianMs), fmt(m?.minMs), ...(i === 'engine' ? [fmt(m?.cpuMedianMs)] : []));
    }
    for (const i of impls) if (i !== 'engine') line.push(fmtRatio(r.speedup[i]));
    for (const i of impls) line.push(r.impls[i] ? r.impls[i].gflops.toFixed(2) : '-');
    table.push(line);
  }
  const widths = head.map((_, k) => Math.max(...table.map((l) => l[k].length)));
  for (const l of table) out.push(l.map((cell, k) => (k < 3 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  '));
  out.push('"x cpu", "x wasm": tfjs median / engine median in this run (how many times faster the engine is)');
  out.push(`"lstm x2": two stacked layers (engine only); "lstm next": a next-token head over V = ${NEXT_TOKEN_V} tokens at every step (engine only)`);
  out.push('');
  if (agreement.length > 0) {
    out.push('gradient agreement with tfjs (float32; same float32-rounded weights), max over parameter tensors of max|diff| / max|engine|:');
    for (const a of agreement) {
      out.push(`  ${a.impl.padEnd(10)} ${a.cell.padEnd(4)} T=${String(a.T).padEnd(5)} ${a.maxRel.toExponential(2)} (worst ${a.worst}); loss differs by ${a.lossDiff.toExponential(1)} relative`);
    }
  }
  if (reference.length > 0) {
    out.push('engine vs independent float64 forward-mode (dual number) reference, directional derivatives:');
    for (const r of reference) out.push(`  ${r.cell.padEnd(4)} T=${String(r.T).padEnd(5)} max relative difference ${r.maxRel.toExponential(2)} over ${r.directions} directions`);
  }
  const jac = jacobianRows(results);
  if (jac.length > 0) {
    out.push(`jacobian quick/precise: one-step Jacobian norms of all T steps (H=${SIZES.H}; the store's budgets, quick in single precision), ms median (min):`);
    for (const q of jac.filter((j) => j.budget === 'quick')) {
      const p = jac.find((j) => j.cell === q.cell && j.T === q.T && j.budget === 'precise');
      const precise = p ? `${fmt(p.medianMs)} (${fmt(p.minMs)})` : '-';
      out.push(`  ${q.cell.padEnd(4)} T=${String(q.T).padEnd(5)} quick ${fmt(q.medianMs)} (${fmt(q.minMs)})  precise ${precise}`);
    }
  }
  out.push('memory of one trace at T=1024, H=128 (bytes of every typed array in ForwardTrace + BackwardResult):');
  for (const m of memory) out.push(`  ${m.cell.padEnd(4)} ${(m.bytes / 1e6).toFixed(2)} MB`);
  out.push('');
  out.push('budgets (issue 6; times judged on the wall-clock median):');
  for (const b of budgets) out.push(`  ${b.status.toUpperCase().padEnd(12)} ${b.name} (${b.limit}): ${b.value}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
