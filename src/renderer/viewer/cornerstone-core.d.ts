// The part of cornerstone-core 2.6 the viewer uses (the package ships no types).
declare module 'cornerstone-core' {
  export interface CornerstoneImage {
    imageId: string;
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    windowCenter: number;
    windowWidth: number;
    getPixelData: () => ArrayLike<number>;
    rows: number;
    columns: number;
    height: number;
    width: number;
    color: boolean;
    invert: boolean;
    columnPixelSpacing: number;
    rowPixelSpacing: number;
    sizeInBytes: number;
  }

  export interface Voi {
    windowWidth: number;
    windowCenter: number;
  }

  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: Voi;
    invert: boolean;
    pixelReplication: boolean;
    rotation: number;
    hflip: boolean;
    vflip: boolean;
  }

  export interface EnabledElement {
    element: HTMLElement;
    image?: CornerstoneImage;
    viewport?: Viewport;
    canvas: HTMLCanvasElement;
  }

  export interface ImageRenderedDetail {
    element: HTMLElement;
    viewport: Viewport;
    image: CornerstoneImage;
    enabledElement: EnabledElement;
    canvasContext: CanvasRenderingContext2D;
  }

  export type ImageLoader = (imageId: string) => { promise: Promise<CornerstoneImage> };

  interface Cornerstone {
    enable(element: HTMLElement, options?: Record<string, unknown>): void;
    disable(element: HTMLElement): void;
    registerImageLoader(scheme: string, loader: ImageLoader): void;
    loadImage(imageId: string): Promise<CornerstoneImage>;
    loadAndCacheImage(imageId: string): Promise<CornerstoneImage>;
    displayImage(element: HTMLElement, image: CornerstoneImage, viewport?: Partial<Viewport>): void;
    getViewport(element: HTMLElement): Viewport | undefined;
    setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
    getEnabledElement(element: HTMLElement): EnabledElement;
    resize(element: HTMLElement, forcedResize?: boolean): void;
    fitToWindow(element: HTMLElement): void;
    updateImage(element: HTMLElement, invalidated?: boolean): void;
    setToPixelCoordinateSystem(
      enabledElement: EnabledElement,
      context: CanvasRenderingContext2D,
      scale?: number,
    ): void;
    imageCache: {
      purgeCache(): void;
      removeImageLoadObject(imageId: string): void;
    };
    EVENTS: { IMAGE_RENDERED: string; ELEMENT_RESIZED: string; NEW_IMAGE: string };
  }

  const cornerstone: Cornerstone;
  export default cornerstone;
}
