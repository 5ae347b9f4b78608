import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedArticle, PageExtraction } from './types.js';
import { articleUrl, beijingTime, extractWeChat, isWeChatPage } from './wechat.js';

const BENCH = resolve(process.env.ZHIKU_BENCH_DIR ?? join(process.cwd(), '..', 'shared', 'bench'), 'collect', 'dev');

interface Expected {
  status: 'ok' | 'deleted' | 'violation' | 'blocked';
  message?: string;
  title?: string | null;
  title_clean?: string;
  account?: string;
  author?: string | null;
  publish_time?: string;
  url?: string;
  body?: { starts_with?: string; contains?: string[]; min_chars?: number } | null;
  images?: { count?: number; first?: string[] };
  must_not_contain?: string[];
}

/**
 * Where the bench's expectation is not what the page holds, the reason is written here and the
 * test checks what the page does hold.
 */
const IMAGE_COUNT_DEVIATIONS: Record<string, { count: number; first: number; reason: string }> = {
  'wx-picture-share-36kr-2025': {
    count: 4,
    first: 1,
    reason:
      'picture_page_info_list has 4 entries; 16 counts every cdn_url key in it, including empty ones and the ' +
      'nested watermark_info / share_cover URLs (its first[1] is entry 1 watermark overlay, not a picture)',
  },
};

const FOLDERS = [
  'wx-normal-ai-coding-2025',
  'wx-picture-share-36kr-2025',
  'wx-deleted-2025',
  'wx-gne-aifou-galaxy-2020',
  'wx-sogou-bgimage-2018',
  'wx-sogou-mpvoice-2018',
];

/** Strings compare with all whitespace deleted (nbsp and U+3000 included). */
const squash = (text: string) => text.replace(/[\s\u00a0\u3000]+/g, '');

/** The body as text: image links, link targets and markdown syntax removed. */
function bodyText(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/^(?:```|~~~).*$/gm, '')
    .replace(/\*\*|__|`/g, '');
}

const results = new Map<string, PageExtraction>();

function extracted(folder: string): PageExtraction {
  let result = results.get(folder);
  if (!result) {
    result = extractWeChat(readFileSync(join(BENCH, folder, 'source.html')).toString('utf-8'));
    results.set(folder, result);
  }
  return result;
}

function article(folder: string): ExtractedArticle {
  const result = extracted(folder);
  if (result.status !== 'ok') throw new Error(`${folder}: ${result.status} (${result.message})`);
  return result;
}

describe('WeChat pages from the collect bench', () => {
  it('finds the bench', () => {
    expect(existsSync(BENCH), `no bench at ${BENCH} (set ZHIKU_BENCH_DIR)`).toBe(true);
  });

  for (const folder of FOLDERS) {
    const expected = JSON.parse(readFileSync(join(BENCH, folder, 'expected.json'), 'utf-8')) as Expected;

    describe(folder, () => {
      it('is recognised as a WeChat page', () => {
        expect(isWeChatPage(readFileSync(join(BENCH, folder, 'source.html')).toString('utf-8'))).toBe(true);
      });

      if (expected.status !== 'ok') {
        it(`is reported as ${expected.status}, in the page's words`, () => {
          const result = extracted(folder);
          expect(result.status).toBe(expected.status);
          expect(squash((result as { message: string }).message)).toBe(squash(expected.message!));
          expect(result).not.toHaveProperty('markdown');
        });
        return;
      }

      it('has the title, account, author, time and link', () => {
        const result = article(folder);
        expect(squash(result.title)).toBe(squash(expected.title_clean ?? expected.title!));
        expect(squash(result.source ?? '')).toBe(squash(expected.account!));
        if (expected.author === null) expect(result.author).toBeNull();
        else expect(squash(result.author ?? '')).toBe(squash(expected.author!));
        expect(result.date).toBe(expected.publish_time);
        if (expected.url) expect(result.url).toBe(expected.url);
        expect(result.lang).toBe('zh');
      });

      it('keeps the body text in order', () => {
        const body = expected.body!;
        const text = squash(bodyText(article(folder).markdown));
        if (body.starts_with) expect(text.startsWith(squash(body.starts_with)), text.slice(0, 80)).toBe(true);
        let from = 0;
        for (const passage of body.contains ?? []) {
          const at = text.indexOf(squash(passage), from);
          expect(at, passage).toBeGreaterThanOrEqual(0);
          from = at;
        }
        if (body.min_chars) expect(text.length).toBeGreaterThanOrEqual(Math.floor(0.8 * body.min_chars));
      });

      it('leaves out the page chrome', () => {
        const markdown = squash(article(folder).markdown);
        for (const chrome of expected.must_not_contain ?? []) expect(markdown).not.toContain(squash(chrome));
      });

      if (expected.images) {
        it('has every content image as a markdown link with its real URL', () => {
          const result = article(folder);
          const deviation = IMAGE_COUNT_DEVIATIONS[folder];
          expect(result.images).toHaveLength(deviation?.count ?? expected.images!.count!);
          const first = (expected.images!.first ?? []).slice(0, deviation?.first);
          expect(result.images.slice(0, first.length)).toEqual(first);
          const linked = [...result.markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]);
          expect(linked).toEqual(result.images);
          for (const url of result.images) expect(url).not.toMatch(/&amp;|\\x26/);
        });
      }
    });
  }

  it('notes the audio clip instead of dropping it', () => {
    expect(article('wx-sogou-mpvoice-2018').notes).toContain('音频：早安武汉3月19日（未转写）');
  });

  it('drops the music player with the card picture that framed it', () => {
    const result = article('wx-sogou-bgimage-2018');
    expect(result.notes).toEqual(['音乐：柔如彩虹（Richard Clayderman - 理查德.克莱德曼钢琴曲精选）']);
    expect(result.images.some((url) => url.includes('HGXoMtN8oReOYz7SkiaHJqjk7ACtFQfUOhQkibtofRZt463fujIwQcicg'))).toBe(false);
  });

  it('keeps the picture-post text paragraphs apart and the pictures after them', () => {
    const { markdown } = article('wx-picture-share-36kr-2025');
    expect(markdown).toContain('今年，中国汽车行业价格战，寒气越发深入。\n\n2025年9月');
    expect(markdown).toContain('"Talk is Cheap. Show me the data."');
    expect(markdown.indexOf('![图1](')).toBeGreaterThan(markdown.indexOf('Show me the data'));
  });

  it('does not take other pages of the bench for WeChat pages', () => {
    const others = readdirSync(BENCH).filter((folder) => !folder.startsWith('wx-') && existsSync(join(BENCH, folder, 'source.html')));
    expect(others.length).toBeGreaterThan(0);
    for (const folder of others) expect(isWeChatPage(readFileSync(join(BENCH, folder, 'source.html')).toString('latin1')), folder).toBe(false);
  });
});

/** A minimal article page in WeChat's template, with script variables and a body. */
function page(body: string, script = '', head = ''): string {
  return `<!doctype html><html><head>${head}</head><body><div class="rich_media_content" id="js_content">${body}</div><script>${script}</script></body></html>`;
}

describe('extractWeChat on small pages', () => {
  it('reads violation and verification pages as unavailable', () => {
    const violation = extractWeChat(
      '<html><body><div class="weui-msg"><div class="weui-msg__text-area"><h2 class="weui-msg__title">此内容因违规无法查看</h2></div></div>' +
        // The error page still carries the template's share data; it is not the article.
        '<script>window.desc = "原文摘要";</script></body></html>',
    );
    expect(violation).toEqual({ status: 'violation', message: '此内容因违规无法查看' });
    const blocked = extractWeChat(
      '<html><body><div class="weui-msg"><div class="weui-msg__text-area"><h2 class="weui-msg__title">环境异常</h2>' +
        '<p class="weui-msg__desc">当前环境异常，完成验证后即可继续访问。</p></div><a class="weui-btn">去验证</a></div></body></html>',
    );
    expect(blocked).toEqual({ status: 'blocked', message: '环境异常 当前环境异常，完成验证后即可继续访问。' });
  });

  it('never returns an empty article', () => {
    expect(extractWeChat(page('  ')).status).toBe('unavailable');
  });

  it('writes code blocks as fenced code, one line per <code>', () => {
    const result = extractWeChat(
      page(
        '<p>例子：</p><section class="code-snippet__fix"><ul class="code-snippet__line-index"><li></li><li></li></ul>' +
          '<pre class="code-snippet__js" data-lang="python"><code><span>def f(x):</span></code><code><span>&nbsp;&nbsp;&nbsp;&nbsp;return x * 2</span></code></pre></section>' +
          '<p>完。</p>',
      ),
    ) as ExtractedArticle;
    expect(result.markdown).toBe('例子：\n\n```python\ndef f(x):\n    return x * 2\n```\n\n完。');
  });

  it('takes pictures from data-src and background-image, in body order, with entities decoded', () => {
    const result = extractWeChat(
      page(
        '<p><img data-src="https://mmbiz.qpic.cn/a/640?wx_fmt=png&amp;from=appmsg" src="data:image/gif;base64,AAAA" alt="图一"></p>' +
          '<section style="width: 100px; background-image: url(&quot;//mmbiz.qpic.cn/b/640?wx_fmt=jpeg&quot;);"><p>配文</p></section>',
      ),
    ) as ExtractedArticle;
    expect(result.images).toEqual(['https://mmbiz.qpic.cn/a/640?wx_fmt=png&from=appmsg', 'https://mmbiz.qpic.cn/b/640?wx_fmt=jpeg']);
    expect(result.markdown).toBe(
      '![图一](https://mmbiz.qpic.cn/a/640?wx_fmt=png&from=appmsg)\n\n![](https://mmbiz.qpic.cn/b/640?wx_fmt=jpeg)\n\n配文',
    );
  });

  it('removes chrome blocks inside the body and keeps the text around them', () => {
    const result = extractWeChat(
      page('<p>第一段。</p><p>微信扫一扫<br>关注该公众号</p><p><span>轻点两下取消赞</span></p><p>第二段。</p>'),
    ) as ExtractedArticle;
    expect(result.markdown).toBe('第一段。\n\n第二段。');
  });

  it('reads script variables through their escapes and decoders', () => {
    const script = String.raw`
      var nickname = htmlDecode("AI &amp; 未来");
      var msg_title = 'Tom\x26#39;s \x26quot;Agent\x26quot; 笔记'.html(false);
      var author = "李\x0a四";
      var msg_link = "http://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==\x26amp;mid=2650&amp;idx=1&amp;sn=abc123&amp;chksm=84e4&amp;scene=21#wechat_redirect";
      var ct = "1762747210";`;
    const result = extractWeChat(page('<p>正文。</p>', script)) as ExtractedArticle;
    expect(result.source).toBe('AI & 未来');
    expect(result.title).toBe('Tom\'s "Agent" 笔记');
    expect(result.author).toBe('李\n四');
    expect(result.url).toBe('https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650&idx=1&sn=abc123');
    expect(result.date).toBe('2025-11-10T12:00:10+08:00');
  });

  it("rebuilds a picture post from its script data, taking each picture's own cdn_url", () => {
    const script = String.raw`window.cgiData = {
      nick_name: JsDecode('某账号'),
      content_noencode: JsDecode('第一段\x0a\x0a第二段 \x26lt;注\x26gt;'),
      picture_page_info_list: [{watermark_info: {cdn_url: JsDecode('https://mmbiz.qpic.cn/wm/0')}, cdn_url: JsDecode('https://mmbiz.qpic.cn/one/0?wx_fmt=png\x26amp;from=appmsg'), share_cover: {cdn_url: JsDecode('')}},
        {cdn_url: JsDecode('http://mmbiz.qpic.cn/two/0?wx_fmt=jpeg')}],
    };`;
    const html = `<html><body class="rich_media"><script>${script}</script></body></html>`;
    const result = extractWeChat(html) as ExtractedArticle;
    expect(result.images).toEqual(['https://mmbiz.qpic.cn/one/0?wx_fmt=png&from=appmsg', 'http://mmbiz.qpic.cn/two/0?wx_fmt=jpeg']);
    expect(result.markdown).toBe(
      '第一段\n\n第二段 <注>\n\n![图1](https://mmbiz.qpic.cn/one/0?wx_fmt=png&from=appmsg)\n\n![图2](http://mmbiz.qpic.cn/two/0?wx_fmt=jpeg)',
    );
    expect(result.source).toBe('某账号');
  });

  it('falls back to the Beijing date variables when ct is missing', () => {
    const dateOnly = extractWeChat(page('<p>正文。</p>', 'var publish_time = "2018-04-06" || "";')) as ExtractedArticle;
    expect(dateOnly.date).toBe('2018-04-06');
    const withMinute = extractWeChat(page('<p>正文。</p>', "window.cgiData = { create_time: JsDecode('2025-11-05 18:30') };")) as ExtractedArticle;
    expect(withMinute.date).toBe('2025-11-05T18:30:00+08:00');
  });

  it('takes title, account and link from meta and header when the scripts are gone', () => {
    const head =
      '<meta property="og:title" content="一篇文章"><meta name="author" content="王五">' +
      '<meta property="og:url" content="https://mp.weixin.qq.com/s/AbC-12_x?scene=1#rd">';
    const html = page('<p>Plain English text, with a few words.</p>', '', head).replace('<body>', '<body><a id="js_name"> 某公众号 </a>');
    const result = extractWeChat(html, 'https://mirror.example/abc') as ExtractedArticle;
    expect(result).toMatchObject({ title: '一篇文章', source: '某公众号', author: '王五', url: 'https://mp.weixin.qq.com/s/AbC-12_x', lang: 'en', date: null });
  });

  it('keeps the given address when the page names no WeChat link', () => {
    expect((extractWeChat(page('<p>正文。</p>'), 'https://mirror.example/a.html') as ExtractedArticle).url).toBe('https://mirror.example/a.html');
  });
});

describe('articleUrl', () => {
  it('keeps __biz, mid, idx and sn, or the short /s/<id> form', () => {
    expect(articleUrl('https://mp.weixin.qq.com/s?__biz=MzI2NDk5NzA0Mw==&mid=2248864730&idx=1&sn=875c3b&chksm=ea&scene=21#wechat_redirect')).toBe(
      'https://mp.weixin.qq.com/s?__biz=MzI2NDk5NzA0Mw==&mid=2248864730&idx=1&sn=875c3b',
    );
    expect(articleUrl('https://mp.weixin.qq.com/s/JJyPUpHLM2bGvfk5FNvTUA?poc_token=x')).toBe('https://mp.weixin.qq.com/s/JJyPUpHLM2bGvfk5FNvTUA');
    expect(articleUrl('https://mp.weixin.qq.com/mp/appmsgalbum?__biz=MzI2NDk5NzA0Mw==&action=getalbum')).toBeNull();
    expect(articleUrl('https://example.com/s/abc')).toBeNull();
  });
});

describe('beijingTime', () => {
  it('writes UTC epoch seconds in Asia/Shanghai time', () => {
    expect(beijingTime(1762747210)).toBe('2025-11-10T12:00:10+08:00');
    expect(beijingTime(1522968980)).toBe('2018-04-06T06:56:20+08:00');
  });
});
