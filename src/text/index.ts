export { normalizeText, normalizeWithOffsets, toOriginalRange, toSimplified, toTraditional } from './normalize.js';
export type { NormalizedText } from './normalize.js';
export { countUnits, guessLanguage, hasCjk } from './measure.js';
export { createSegmenter, getSegmenter, type Segmenter } from './segment.js';
