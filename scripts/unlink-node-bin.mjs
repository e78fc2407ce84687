// The Node 22/24 test runtimes (npm packages node22, node24) each declare a `node`
// bin; npm would link one of them as node_modules/.bin/node, and every npm script
// (vitest, tsup, tsx) would then run on that Node instead of the one the developer
// installed. The runtime tests call node_modules/node22/bin/node by path instead.
import { lstatSync, readlinkSync, unlinkSync } from 'node:fs';

const link = new URL('../node_modules/.bin/node', import.meta.url);
try {
  if (lstatSync(link).isSymbolicLink() && /node2\d/.test(readlinkSync(link))) unlinkSync(link);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
