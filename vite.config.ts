// Renderer bundle. The CSP meta tag is filled from the same constant the Electron
// protocol handler and the E2E server send as a header, so the three never differ.
import { defineConfig } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src/main/window/security.ts';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome120',
  },
  plugins: [
    {
      name: 'ehr-csp',
      transformIndexHtml: (html) => html.replace('%EHR_CSP%', CONTENT_SECURITY_POLICY),
    },
  ],
});
