import type { Answer } from './harness.js';

/** See ./exercise.mjs: every case, by name, answered by the app at `base`. */
export function exercise(base: string, tokens: Record<string, string>): Promise<Record<string, Answer>>;
