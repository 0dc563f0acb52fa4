// One build for the three bundles: main and preload with esbuild (CommonJS, as Electron
// loads them), the renderer with Vite. Native modules and Electron stay external: they are
// loaded from node_modules (unpacked from the asar archive in a packaged app).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';

// @itk-wasm/elastix finds its .wasm beside its own module (import.meta.url): never bundled.
const external = ['electron', 'better-sqlite3', 'pkcs11js', '@itk-wasm/elastix'];

async function main(): Promise<void> {
  rmSync('dist/main', { recursive: true, force: true });
  rmSync('dist/preload', { recursive: true, force: true });
  rmSync('dist/cli', { recursive: true, force: true });
  await build({
    entryPoints: {
      index: 'src/main/index.ts',
      'pkcs11-probe.child': 'src/main/offload/pkcs11-probe.child.ts',
      'card-service.child': 'src/main/keystore/card-service.child.ts',
      'init-token.child': 'src/main/keystore/init-token.child.ts',
      'card-slots.child': 'src/main/keystore/card-slots.child.ts',
      'registration.child': 'src/main/rt/registration.child.ts',
    },
    outdir: 'dist/main',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external,
    logLevel: 'warning',
  });
  await build({
    entryPoints: { index: 'src/preload/index.ts' },
    outdir: 'dist/preload',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    // A sandboxed preload may require only 'electron'; everything else is bundled in.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome120',
    sourcemap: true,
    external: ['electron'],
    logLevel: 'warning',
  });
  // The WebAssembly codecs stay in node_modules for the CLI: their Emscripten glue loads
  // its .wasm from beside itself, which bundling would move away from.
  await build({
    entryPoints: { 'ehr-rt': 'src/cli/ehr-rt.ts' },
    outdir: 'dist/cli',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@cornerstonejs/codec-charls', '@cornerstonejs/codec-openjpeg'],
    logLevel: 'warning',
  });
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
  console.log('Built dist/main, dist/preload, dist/cli and dist/renderer.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
