// The workstation's security policy for its window, as plain data and pure functions so
// tests can read exactly what the Electron entry applies (Electron's security checklist:
// context isolation, sandbox, no Node in the renderer, strict CSP, no remote content).

/** Origin the UI is served from inside Electron (a privileged custom scheme, not file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'workstation';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Only the workstation's own bundled files may run or be fetched; no inline script or
 * style, no eval, no remote origin, no plugins, no framing, no form posts.
 * 'wasm-unsafe-eval' lets the viewer's worker compile the bundled WebAssembly image codecs
 * (JPEG-LS, JPEG 2000); it allows WebAssembly compilation only, never JavaScript eval.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  spellcheck: false;
  devTools: boolean;
}

export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: boolean;
  backgroundColor: string;
  autoHideMenuBar: boolean;
  kiosk: boolean;
  fullscreen: boolean;
  webPreferences: SecureWebPreferences;
}

export function mainWindowOptions(opts: {
  kiosk: boolean;
  preloadPath: string;
  /** From the machine policy (settings/machine-policy.ts); never true on a kiosk. */
  devTools: boolean;
}): MainWindowOptions {
  return {
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 700,
    title: 'ACTION-EHR Workstation',
    show: false,
    backgroundColor: '#f4f6f8',
    autoHideMenuBar: true,
    kiosk: opts.kiosk,
    fullscreen: opts.kiosk,
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A kiosk is used by patients: no developer tools there, whatever else says so.
      devTools: opts.devTools && !opts.kiosk,
    },
  };
}

/** True only for the workstation's own UI origin. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Headers sent with every file of the UI. */
export function rendererResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}
