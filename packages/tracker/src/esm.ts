// The bundler build: `import { start } from 'dwell'`, then `const stop = start({ api })`.

export { type Options, start } from './tracker.ts';
