/** The training tasks gatescope ships models for. */
import { bracketsTask } from './brackets';
import { longRangeTask } from './longRange';
import { sentimentTask } from './sentiment';
import type { Task, TaskId } from './task';

export type { Example, Split, Task, TaskId } from './task';
export { sentimentTask, generateSentiment, detokenize, isHeldOutPair, FRAMES } from './sentiment';
export { longRangeTask, generateLongRange, longRangeSplitOf } from './longRange';
export { bracketsTask, generateBrackets, bracketDepths, bracketsSplitOf } from './brackets';

export const TASKS: Record<TaskId, Task> = {
  sentiment: sentimentTask,
  'long-range': longRangeTask,
  brackets: bracketsTask,
};

export const TASK_IDS: readonly TaskId[] = ['sentiment', 'long-range', 'brackets'];
