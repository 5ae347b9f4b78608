export { type ArticleMeta, type AssembledTranslation, type SourceArticle, assembleTranslation, describeTranslation } from './article.js';
export { compareShapes, looksUntranslated, markdownShape } from './check.js';
export { type Glossary, type GlossaryEntry, loadGlossary, parseGlossary } from './glossary.js';
export { saveImages } from './images.js';
export { type ResolvedSource, resolveSource } from './source.js';
export { type StoredTranslation, storeTranslation } from './save.js';
export { type BodyTranslation, type ChatFunction, type TargetLanguage, type TranslationFlag, assertTargetLanguage, translateBody } from './translate.js';
export { type TranslateOutcome, type TranslateRequest, translateDocument } from './pipeline.js';
