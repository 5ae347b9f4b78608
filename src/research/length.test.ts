import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchDir } from '../../test/helpers.js';
import { analyseLines, countLength, findCitationMarkers, isHtml, measureLength, reportBody } from './length.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []))
    .sort();
}

/** The scorer's own length of each report, computed the way `score_report` does. */
function scorerLengths(paths: string[]): Record<string, number> {
  const tools = join(benchDir(), '..', 'tools', 'dr3score');
  const script = `
import json, re, sys
sys.path.insert(0, ${JSON.stringify(tools)})
import score
out = {}
for p in json.load(sys.stdin):
    body = score.load_report(p)["body"]
    html_out = score.is_html(body)
    text = score.html_to_lines(re.sub(r"\`\`\`[a-zA-Z]*", "\\n\`\`\`\\n", body) if html_out else body)
    if not html_out:
        text = re.sub(r"(?i)<br\\s*/?>", " ", text)
    parts = []
    for ln in score.analyse_lines(text):
        if ln.get("skip") or ln["ref"]:
            continue
        t = score.strip_markers(ln["text"])
        t = re.sub(r"\\*\\*|__|\`|^\\s*#+\\s*|^\\s*[-*+]\\s+|\\|", " ", t)
        parts.append(t)
    out[p] = score.count_len("\\n".join(parts))
print(json.dumps(out))
`;
  const stdout = execFileSync('python3', ['-c', script], { input: JSON.stringify(paths), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Record<string, number>;
}

describe('report length equals the scorer’s', () => {
  it('every bench report', () => {
    const dr3 = join(benchDir(), 'dr3');
    const paths = readdirSync(dr3, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => {
        try {
          return filesUnder(join(dr3, e.name, 'reports'));
        } catch {
          return [];
        }
      });
    expect(paths.length).toBeGreaterThan(100);
    const expected = scorerLengths(paths);
    const mismatches = paths
      .map((path) => ({ path, expected: expected[path], actual: measureLength(reportBody(readFileSync(path, 'utf8'))) }))
      .filter((r) => r.expected !== r.actual);
    expect(mismatches, mismatches.map((m) => `${m.path}: scorer ${m.expected}, ours ${m.actual}`).join('\n')).toEqual([]);
  });
});

describe('what is counted', () => {
  it('counts CJK characters and Latin/number words', () => {
    expect(countLength('大模型 GPT-4o 的 context window 为 128k tokens')).toBe(5 + 5);
    expect(countLength('𠀀字')).toBe(2);
  });

  it('counts headings but not the references section', () => {
    const body = '# 报告标题\n\n正文内容。\n\n## 参考资料\n\n1. 某机构，《行业报告》，2025。\n2. Some Source, 2024.';
    expect(measureLength(body)).toBe(countLength('报告标题 正文内容'));
    expect(analyseLines(body).filter((l) => l.ref).length).toBe(4);
  });

  it('skips a one-line source note', () => {
    expect(measureLength('正文内容\n资料来源：某机构年度报告')).toBe(4);
  });

  it('drops citation markers', () => {
    const line = '结论成立[long_context: "T", chunk 3]，另见[文档: a.pdf, p. 2]与[图片: x.png]。';
    expect(findCitationMarkers(line).map((m) => m.type)).toEqual(['lc', 'file', 'file']);
    expect(findCitationMarkers(line)[0]).toMatchObject({ type: 'lc', title: 'T', chunks: [3], start: 4 });
    expect(findCitationMarkers(line)[1]).toMatchObject({ type: 'file', kind: 'doc', name: 'a.pdf' });
    expect(findCitationMarkers(line)[2]).toMatchObject({ type: 'file', kind: 'media', name: 'x.png' });
    expect(measureLength(line)).toBe(countLength('结论成立，另见与。'));
  });

  it('drops URLs and markdown markup but keeps the marked-up words', () => {
    expect(measureLength('见 https://example.com/a-long/path?q=1 与 [官网](https://example.com)。')).toBe(2);
    expect(measureLength('- **重点** 内容 `code`\n\n| 列一 | 列二 |\n| --- | --- |\n| 值 | 值 |')).toBe(4 + 1 + 4 + 2);
  });

  it('skips code fences and their contents', () => {
    expect(measureLength('正文\n```python\nprint("不计")\n```\n结尾')).toBe(4);
  });

  it('counts an HTML report like its markdown equivalent', () => {
    const html =
      '<!DOCTYPE html><html><head><title>不计</title><style>p{color:red}</style></head><body>' +
      '<h1>报告 标题</h1><p>正文 <b>加粗</b> text&nbsp;here &amp; more</p><ul><li>项目一</li><li>项目二</li></ul>' +
      '<h2>参考资料</h2><ol><li>某来源</li></ol></body></html>';
    const markdown = '# 报告 标题\n正文 **加粗** text here & more\n- 项目一\n- 项目二\n## 参考资料\n1. 某来源';
    expect(isHtml(html)).toBe(true);
    expect(isHtml(markdown)).toBe(false);
    expect(measureLength(html)).toBe(measureLength(markdown));
    expect(measureLength(html)).toBe(4 + 4 + 3 + 6);
  });
});

describe('report body', () => {
  it('takes the final report of a task-report file, up to its summary', () => {
    const file = '# Task Report\r\n\r\n## Query\r\nq\r\n## Final Report\r\n正文内容\r\n## Summary\r\n不计';
    expect(reportBody(file)).toBe('正文内容');
  });

  it('takes the \\boxed{} content and removes tool calls', () => {
    expect(reportBody('## Report\n前言 \\boxed{正文{内}容}')).toBe('正文{内}容');
    expect(reportBody('甲<use_mcp_tool>调用</use_mcp_tool>乙')).toBe('甲\n乙');
  });
});
