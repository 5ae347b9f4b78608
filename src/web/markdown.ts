/**
 * @module web/markdown
 * Untrusted markdown (articles, corpus entries, uploads) to safe HTML: parsed to mdast, written as
 * HTML with raw HTML passed through, then cleaned by sanitize-html, which keeps text formatting,
 * tables, http(s) links and images, and drops scripts, event handlers and other URL schemes.
 */
import type { Nodes, Parents } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import sanitizeHtml from 'sanitize-html';

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's', 'sub', 'sup',
    'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'figure', 'figcaption', 'span', 'div',
  ],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // Dropped with their content: what is inside a script or style is never text for the reader.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
};

/** Cleans untrusted HTML with the UI's allow-list. */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

/**
 * Markdown to sanitized HTML.
 * @example renderMarkdown('**DeepSeek** <img src=x onerror=alert(1)>') // '<p><strong>DeepSeek</strong> <img src="x" /></p>'
 */
export function renderMarkdown(markdown: string): string {
  const tree = fromMarkdown(markdown, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
  return sanitize(toHtml(tree));
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// ---------------------------------------------------------------------------

function children(node: Parents): string {
  return node.children.map((child) => toHtml(child as Nodes)).join('');
}

function toHtml(node: Nodes): string {
  switch (node.type) {
    case 'root':
      return children(node);
    case 'paragraph':
      return `<p>${children(node)}</p>\n`;
    case 'heading':
      return `<h${node.depth}>${children(node)}</h${node.depth}>\n`;
    case 'text':
      return escapeHtml(node.value);
    case 'emphasis':
      return `<em>${children(node)}</em>`;
    case 'strong':
      return `<strong>${children(node)}</strong>`;
    case 'delete':
      return `<del>${children(node)}</del>`;
    case 'inlineCode':
      return `<code>${escapeHtml(node.value)}</code>`;
    case 'code':
      return `<pre><code>${escapeHtml(node.value)}</code></pre>\n`;
    case 'blockquote':
      return `<blockquote>${children(node)}</blockquote>\n`;
    case 'list':
      return node.ordered ? `<ol>${children(node)}</ol>\n` : `<ul>${children(node)}</ul>\n`;
    case 'listItem':
      return `<li>${children(node)}</li>`;
    case 'thematicBreak':
      return '<hr>\n';
    case 'break':
      return '<br>';
    case 'link':
      return `<a href="${escapeHtml(node.url)}"${node.title ? ` title="${escapeHtml(node.title)}"` : ''}>${children(node)}</a>`;
    case 'image':
      return `<img src="${escapeHtml(node.url)}" alt="${escapeHtml(node.alt ?? '')}">`;
    case 'html':
      // Raw HTML from the source goes to the sanitizer, which decides what survives.
      return node.value;
    case 'table': {
      const [head, ...rows] = node.children;
      const cell = (tag: 'th' | 'td', c: Parents) => `<${tag}>${children(c)}</${tag}>`;
      const headHtml = head ? `<thead><tr>${head.children.map((c) => cell('th', c)).join('')}</tr></thead>` : '';
      return `<table>${headHtml}<tbody>${rows.map((row) => `<tr>${row.children.map((c) => cell('td', c)).join('')}</tr>`).join('')}</tbody></table>\n`;
    }
    default:
      // Definitions, footnotes and other nodes carry nothing a reader needs here.
      return 'children' in node ? children(node as Parents) : 'value' in node ? escapeHtml(String((node as { value: unknown }).value)) : '';
  }
}
