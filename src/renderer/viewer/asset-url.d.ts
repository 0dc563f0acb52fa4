// Vite's `?url` imports (the codecs' .wasm files in rt.worker.ts) give the asset's URL.
declare module '*?url' {
  const url: string;
  export default url;
}
