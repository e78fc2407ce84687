/**
 * Property tests run with a fresh random seed each time; `FC_SEED=<n>` pins it
 * so a reported failure (fast-check prints its seed and path) replays exactly,
 * and `npm run test:seeds` runs the properties under many seeds in turn.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== undefined && seed !== '') {
  const value = Number(seed);
  if (!Number.isInteger(value)) throw new TypeError(`FC_SEED must be an integer, got ${JSON.stringify(seed)}`);
  fc.configureGlobal({ seed: value });
}
