/**
 * The drawing pad: a canvas that takes strokes from a mouse, a finger or a pen (pointer events, with the
 * coalesced points of fast strokes) and from the keyboard (arrow keys move a pen, Space lifts or lowers it,
 * Delete/Backspace/Escape clear). Ink is drawn in one colour on a transparent canvas, so its alpha channel is
 * the ink coverage whatever the theme; the canvas's bitmap has a fixed size so preprocessing sees the same
 * pixels at any zoom.
 */
import { inkFromRgba, MNIST_SIZE, type InkBitmap } from './preprocess';

export type PadChange = 'stroke' | 'end' | 'clear' | 'image';

export interface DrawPadOptions {
  /** Width and height of the bitmap in pixels (default 280, ten pixels per MNIST pixel). */
  size?: number;
  /** Accessible name of the pad. */
  label: string;
  /** The canvas's class (default `playground-pad-canvas`): a second pad on the page has its own. */
  className?: string;
  onChange(change: PadChange): void;
}

/** Stroke width as a fraction of the pad: a digit drawn across most of the pad gets MNIST's 2–3 px strokes. */
const STROKE = 1 / 12;
const KEY_STEP = 1 / MNIST_SIZE;

export class DrawPad {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly size: number;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cursor: HTMLElement;
  private last?: { x: number; y: number };
  private activePointer?: number;
  private keyPen = { x: 0.5, y: 0.5, down: false };
  private blank = true;

  constructor(private readonly options: DrawPadOptions) {
    this.size = options.size ?? MNIST_SIZE * 10;
    this.canvas = document.createElement('canvas');
    this.canvas.width = this.canvas.height = this.size;
    this.canvas.className = options.className ?? 'playground-pad-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-label', options.label);
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this webview has no 2D canvas');
    this.ctx = ctx;
    this.cursor = document.createElement('div');
    this.cursor.className = 'playground-pen-cursor';
    this.cursor.hidden = true;
    this.element = document.createElement('div');
    this.element.className = 'playground-pad';
    this.element.append(this.canvas, this.cursor);
    this.listen();
  }

  get isBlank(): boolean {
    return this.blank;
  }

  /** The ink coverage (0–255) of every pixel. */
  ink(): InkBitmap {
    return inkFromRgba(this.ctx.getImageData(0, 0, this.size, this.size).data, this.size, this.size);
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.size, this.size);
    this.blank = true;
    this.last = undefined;
    this.options.onChange('clear');
  }

  /**
   * Replaces the drawing with an image whose alpha is the ink (e.g. a test digit), stretched over the pad;
   * `smooth` false keeps hard pixel edges.
   */
  showImage(source: CanvasImageSource, smooth: boolean): void {
    this.ctx.clearRect(0, 0, this.size, this.size);
    this.ctx.imageSmoothingEnabled = smooth;
    this.ctx.drawImage(source, 0, 0, this.size, this.size);
    this.ctx.imageSmoothingEnabled = true;
    // Keep the image's alpha (the ink), in the pad's ink colour.
    this.inkStyle();
    this.ctx.globalCompositeOperation = 'source-in';
    this.ctx.fillRect(0, 0, this.size, this.size);
    this.ctx.globalCompositeOperation = 'source-over';
    this.blank = false;
    this.options.onChange('image');
  }

  /** Shows 28x28 grey bytes (an MNIST image, 0–255) on the pad, ten pad pixels per image pixel. */
  showDigit(pixels: Uint8Array): void {
    const side = Math.round(Math.sqrt(pixels.length));
    const small = document.createElement('canvas');
    small.width = small.height = side;
    const image = new ImageData(side, side);
    for (let i = 0; i < pixels.length; i++) {
      image.data.set([255, 255, 255, pixels[i]], i * 4);
    }
    small.getContext('2d')!.putImageData(image, 0, 0);
    this.showImage(small, false);
  }

  private inkStyle(): void {
    const colour = getComputedStyle(this.canvas).color || '#000';
    this.ctx.strokeStyle = colour;
    this.ctx.fillStyle = colour;
    this.ctx.lineWidth = this.size * STROKE;
    this.ctx.lineCap = 'round';
    this.ctx.lineJoin = 'round';
  }

  /** Starts a stroke at (x, y), in bitmap pixels. */
  beginStroke(x: number, y: number): void {
    this.inkStyle();
    this.ctx.beginPath();
    this.ctx.arc(x, y, (this.size * STROKE) / 2, 0, Math.PI * 2);
    this.ctx.fill();
    this.last = { x, y };
    this.blank = false;
    this.options.onChange('stroke');
  }

  strokeTo(points: readonly { x: number; y: number }[]): void {
    if (!this.last || points.length === 0) return;
    this.inkStyle();
    this.ctx.beginPath();
    this.ctx.moveTo(this.last.x, this.last.y);
    for (const p of points) this.ctx.lineTo(p.x, p.y);
    this.ctx.stroke();
    this.last = points[points.length - 1];
    this.options.onChange('stroke');
  }

  endStroke(): void {
    if (!this.last) return;
    this.last = undefined;
    this.options.onChange('end');
  }

  private toBitmap(e: { clientX: number; clientY: number }): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) / Math.max(1, r.width)) * this.size,
      y: ((e.clientY - r.top) / Math.max(1, r.height)) * this.size,
    };
  }

  private listen(): void {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (this.activePointer !== undefined || (e.pointerType === 'mouse' && e.button !== 0)) return;
      e.preventDefault();
      c.focus();
      this.activePointer = e.pointerId;
      try {
        c.setPointerCapture(e.pointerId);
      } catch {
        // A pointer the browser no longer tracks (or a synthetic one): the stroke works without capture.
      }
      const p = this.toBitmap(e);
      this.beginStroke(p.x, p.y);
    });
    c.addEventListener('pointermove', (e) => {
      if (e.pointerId !== this.activePointer) return;
      e.preventDefault();
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      this.strokeTo((events.length ? events : [e]).map((ev) => this.toBitmap(ev)));
    });
    const end = (e: PointerEvent) => {
      if (e.pointerId !== this.activePointer) return;
      this.activePointer = undefined;
      this.endStroke();
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('lostpointercapture', end);
    c.addEventListener('keydown', (e) => this.onKey(e));
    c.addEventListener('blur', () => {
      this.cursor.hidden = true;
      if (this.keyPen.down) {
        this.keyPen.down = false;
        this.endStroke();
      }
    });
  }

  private onKey(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
    };
    const pen = this.keyPen;
    if (e.key in moves) {
      const [dx, dy] = moves[e.key];
      const step = e.shiftKey ? KEY_STEP / 4 : KEY_STEP;
      pen.x = Math.min(1, Math.max(0, pen.x + dx * step));
      pen.y = Math.min(1, Math.max(0, pen.y + dy * step));
      if (pen.down) this.strokeTo([{ x: pen.x * this.size, y: pen.y * this.size }]);
    } else if (e.key === ' ' || e.key === 'Enter') {
      pen.down = !pen.down;
      if (pen.down) this.beginStroke(pen.x * this.size, pen.y * this.size);
      else this.endStroke();
    } else if (e.key === 'Delete' || e.key === 'Backspace' || e.key === 'Escape') {
      pen.down = false;
      this.clear();
    } else {
      return;
    }
    e.preventDefault();
    this.cursor.hidden = false;
    this.cursor.classList.toggle('down', pen.down);
    this.cursor.style.left = `${pen.x * 100}%`;
    this.cursor.style.top = `${pen.y * 100}%`;
  }
}
