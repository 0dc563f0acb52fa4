// Applies the window security policy to Electron: every web contents may only show the
// workstation's own UI; new windows, navigation away, webviews and every permission
// request (camera, notifications, geolocation, …) are refused.
import type { App, Session, WebContents } from 'electron';
import { isAppUrl } from '../window/security';

export interface HardenOptions {
  /** Whether developer tools may stay open (never on a kiosk; see machine-policy.ts). */
  devTools: boolean;
}

export function hardenWebContents(contents: WebContents, opts: HardenOptions): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  if (!opts.devTools) {
    contents.on('devtools-opened', () => contents.closeDevTools());
  }
}

export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export function hardenApp(app: App, opts: HardenOptions): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, opts));
}
