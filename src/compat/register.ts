/** Imported first (by `bin/nexus.js` and by `node --import` in tests) to install the parser hooks. */
import { register } from 'node:module';

register('./parser-hooks.js', import.meta.url);
