import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAi } from '../../test/fake-openai.js';
import { tempDir } from '../../test/helpers.js';
import { isZhikuError } from '../errors.js';
import { analyzeVideo, timestamp, videoDocument } from './video.js';

function slide(path: string, text: string, ground: string): void {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="100%" height="100%" fill="${ground}"/><text x="40" y="190" font-size="40" font-family="Noto Sans CJK SC">${text}</text></svg>`;
  writeFileSync(path, new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' } }).render().asPng());
}

/** Three slides of 2 s each, encoded as H.264 with a silent audio track. */
function slideshow(dir: string): string {
  const slides = [
    ['智谱发布新一代旗舰模型', '#ffffff'],
    ['上下文窗口扩展到二十万', '#fff4d6'],
    ['开源模型正在缩小差距', '#e8f4ea'],
  ] as const;
  const inputs: string[] = [];
  slides.forEach(([text, ground], i) => {
    slide(join(dir, `s${i}.png`), text, ground);
    inputs.push('-loop', '1', '-t', '2', '-i', join(dir, `s${i}.png`));
  });
  const out = join(dir, 'talk.mp4');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...inputs, '-f', 'lavfi', '-t', '6', '-i', 'anullsrc=r=16000:cl=mono', '-filter_complex', '[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v]', '-map', '[v]', '-map', '3:a', '-r', '10', '-c:v', 'libx264', '-c:a', 'aac', '-shortest', out]);
  return out;
}

describe('video', () => {
  it('reads metadata, one keyframe per scene with its time, and the text on each', async () => {
    const dir = tempDir();
    const path = slideshow(dir);
    const analysis = await analyzeVideo(path);
    expect(analysis).toMatchObject({ width: 640, height: 360, codec: 'h264', fps: 10, hasAudio: true });
    expect(analysis.duration).toBeCloseTo(6, 0);
    expect(analysis.keyframes.map((frame) => Math.round(frame.time))).toEqual([0, 2, 4]);
    expect(analysis.keyframes.map((frame) => frame.lines.map((line) => line.text).join(''))).toEqual(['智谱发布新一代旗舰模型', '上下文窗口扩展到二十万', '开源模型正在缩小差距']);
    const body = videoDocument(analysis, path).body;
    expect(body).toContain('### 00:02\n\n上下文窗口扩展到二十万');
    expect(body).toContain('引用：[视频: talk.mp4]');
  }, 60_000);

  it('transcribes the audio only through a configured endpoint, with segment times', async () => {
    const path = slideshow(tempDir());
    const server = await startFakeOpenAi((request) => ({
      content: '',
      json: { text: '大家好。今天讲三件事。', segments: [{ start: 0.4, end: 2, text: ' 大家好。' }, { start: 3.1, end: 5, text: '今天讲三件事。' }] },
      ...(request.body.model === 'broken' ? { status: 400, content: 'no such model' } : {}),
    }));
    try {
      const analysis = await analyzeVideo(path, { transcribe: { model: 'fake-whisper', baseUrl: server.baseUrl } });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]).toMatchObject({ path: '/v1/audio/transcriptions', body: { model: 'fake-whisper', response_format: 'verbose_json' } });
      expect(server.requests[0]!.fileBytes).toBeGreaterThan(1000);
      expect(analysis.transcript).toEqual({ model: 'fake-whisper', segments: [{ start: 0.4, text: '大家好。' }, { start: 3.1, text: '今天讲三件事。' }] });
      expect(videoDocument(analysis, path).body).toContain('## 音频转写（fake-whisper）\n\n[00:00] 大家好。\n[00:03] 今天讲三件事。');
      const failed = await analyzeVideo(path, { transcribe: { model: 'broken', baseUrl: server.baseUrl } });
      expect(failed.transcript).toBeUndefined();
      expect(failed.transcriptError).toMatch(/^transcription model broken failed: 400/);
      expect(failed.keyframes).toHaveLength(3);
    } finally {
      await server.close();
    }
    expect((await analyzeVideo(path)).transcript).toBeUndefined();
  }, 90_000);

  it('refuses a file that is not a decodable video with a one-line reason', async () => {
    const path = join(tempDir(), 'broken.mp4');
    writeFileSync(path, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64)]));
    const error = await analyzeVideo(path).catch((e: unknown) => e);
    expect(isZhikuError(error) && error.code).toBe('E_PARSE');
    expect((error as Error).message).not.toContain('\n');
  });

  it('formats times as mm:ss and h:mm:ss', () => {
    expect(timestamp(65.4)).toBe('01:05');
    expect(timestamp(3725)).toBe('1:02:05');
  });
});
