import { describe, expect, it } from 'vitest';
import { parseArgs, TrainInputError } from '../../src/cli/train';

describe('train command line', () => {
  it('reads a single-model run with its overrides', () => {
    expect(parseArgs(['--', '--task', 'sentiment', '--cell', 'gru', '--hidden=24', '--steps', '50', '--seed', '0', '--lr', '0.005'])).toEqual({
      all: false, help: false, task: 'sentiment', cell: 'gru', hidden: 24, steps: 50, seed: 0, lr: 0.005,
    });
  });

  it('reads --all with a seed', () => {
    expect(parseArgs(['--all', '--seed', '3'])).toMatchObject({ all: true, seed: 3 });
  });

  it('names the problem in bad input', () => {
    const message = (argv: string[]): string => {
      try {
        parseArgs(argv);
      } catch (err) {
        expect(err).toBeInstanceOf(TrainInputError);
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(message(['--task', 'poetry', '--cell', 'lstm'])).toMatch(/--task: unknown task "poetry"/);
    expect(message(['--task', 'sentiment', '--cell', 'transformer'])).toMatch(/--cell: unknown cell "transformer"/);
    expect(message(['--task', 'sentiment'])).toMatch(/--cell: missing/);
    expect(message(['--task', 'sentiment', '--cell', 'lstm', '--hidden', '2.5'])).toMatch(/--hidden: expected a positive integer, found "2.5"/);
    expect(message(['--task', 'sentiment', '--cell', 'lstm', '--seed', '-1'])).toMatch(/--seed: expected a non-negative integer/);
    expect(message(['--task', 'sentiment', '--cell', 'lstm', '--steps'])).toMatch(/--steps: missing value/);
    expect(message(['--all', '--task', 'sentiment'])).toMatch(/--all trains every task/);
    expect(message(['--colour', 'red'])).toMatch(/unknown option --colour/);
  });
});
