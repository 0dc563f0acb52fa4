// Renderer bundle. The CSP meta tag is filled from the same constant the Electron
// protocol handler and the E2E server send as a header, so the three never differ.
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src/main/window/security.ts';

// The codecs' Emscripten glue requires 'fs' and 'path' on its Node path only; in the
// worker that path is never taken, so they resolve to an empty module (instead of Vite's
// browser-external stub and a warning per build).
const codecNodeBuiltins: Plugin = {
  name: 'ehr-codec-node-builtins',
  enforce: 'pre',
  resolveId: (id, importer) =>
    (id === 'fs' || id === 'path') && importer?.includes('@cornerstonejs/codec-')
      ? '\0codec-node-builtin'
      : undefined,
  load: (id) => (id === '\0codec-node-builtin' ? 'export default {};' : undefined),
};

export default defineConfig({
  root: 'src/renderer',
  base: './',
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome120',
  },
  // The worker (rt.worker.ts) is bundled with its own plugin list.
  worker: { plugins: () => [codecNodeBuiltins] },
  plugins: [
    {
      name: 'ehr-csp',
      transformIndexHtml: (html) => html.replace('%EHR_CSP%', CONTENT_SECURITY_POLICY),
    },
  ],
});
