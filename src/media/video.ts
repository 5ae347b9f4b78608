/**
 * @module media/video
 * A video as a library document: its metadata (ffprobe), a keyframe at the start and at every scene
 * change (ffmpeg's scene score), and the text OCR reads on each keyframe, with its time. ffmpeg comes
 * from the Debian package; without it videos are refused with that named.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { ZhikuError } from '../errors.js';
import type { DocumentInput } from '../library/prepare.js';
import { type OcrLine, recognize } from '../image/ocr.js';
import { type TranscribeSettings, type Transcript, transcribeAudio } from './transcribe.js';

const run = promisify(execFile);

/**
 * ffmpeg's scene score above which a frame starts a new scene. 0.3 suits film cuts; a slide that only
 * changes its text scores 0.08–0.15, and talks and screen recordings are what readers here attach.
 * Pixel noise scores below 0.001. A second between keyframes keeps camera motion from flooding.
 */
const SCENE_THRESHOLD = 0.05;
const MIN_SCENE_SECONDS = 1;
/** Keyframes kept at most: a long video's slides, not every cut of a film. */
const MAX_KEYFRAMES = 40;
const MIN_CONFIDENCE = 0.6;

export interface Keyframe {
  /** Seconds from the start. */
  time: number;
  lines: OcrLine[];
}

export interface VideoAnalysis {
  duration: number;
  width: number;
  height: number;
  codec: string;
  fps: number | null;
  hasAudio: boolean;
  keyframes: Keyframe[];
  /** Speech in the audio track, when a transcription model is configured. */
  transcript?: Transcript;
  /** Why the transcription model gave no transcript, when it was asked and failed. */
  transcriptError?: string;
}

export interface AnalyzeVideoOptions {
  transcribe?: TranscribeSettings;
}

interface ProbeOutput {
  format?: { duration?: string };
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string }[];
}

export async function analyzeVideo(path: string, options: AnalyzeVideoOptions = {}): Promise<VideoAnalysis> {
  let probe: ProbeOutput;
  try {
    const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { maxBuffer: 16 * 1024 * 1024 });
    probe = JSON.parse(stdout) as ProbeOutput;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ZhikuError('E_UNSUPPORTED', 'videos need ffmpeg (Debian package "ffmpeg"), which is not installed', { item: path });
    throw new ZhikuError('E_PARSE', `not a readable video (${firstLine((error as { stderr?: string }).stderr) || (error as Error).message})`, { item: path, cause: error });
  }
  const video = probe.streams?.find((stream) => stream.codec_type === 'video');
  if (!video) throw new ZhikuError('E_PARSE', 'no video stream', { item: path });
  const [num, den] = (video.avg_frame_rate ?? '0/0').split('/').map(Number);
  const analysis: VideoAnalysis = {
    duration: Number(probe.format?.duration ?? 0),
    width: video.width ?? 0,
    height: video.height ?? 0,
    codec: video.codec_name ?? 'unknown',
    fps: num && den ? Math.round((num / den) * 100) / 100 : null,
    hasAudio: Boolean(probe.streams?.some((stream) => stream.codec_type === 'audio')),
    keyframes: [],
  };
  const dir = await mkdtemp(join(tmpdir(), 'zhiku-frames-'));
  try {
    const times = await extractKeyframes(path, dir);
    const files = (await readdir(dir)).filter((file) => file.endsWith('.png')).sort();
    for (const [index, file] of files.entries()) {
      const lines = (await recognize(await readFile(join(dir, file)))).filter((line) => line.confidence >= MIN_CONFIDENCE);
      analysis.keyframes.push({ time: times[index] ?? 0, lines });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (options.transcribe && analysis.hasAudio) {
    // The video still becomes a document without the transcript; the reason is kept with it.
    try {
      analysis.transcript = await transcribeAudio(path, options.transcribe);
    } catch (error) {
      analysis.transcriptError = (error as Error).message;
    }
  }
  return analysis;
}

/** Writes the first frame and each scene change as PNG (long side ≤ 1280 px); returns their times. */
async function extractKeyframes(path: string, dir: string): Promise<number[]> {
  const filter = `select='eq(n,0)+gt(scene,${SCENE_THRESHOLD})*gte(t-prev_selected_t,${MIN_SCENE_SECONDS})',scale='if(gt(iw,ih),min(1280,iw),-2)':'if(gt(iw,ih),-2,min(1280,ih))',showinfo`;
  let stderr: string;
  try {
    ({ stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-i', path, '-vf', filter, '-fps_mode', 'vfr', '-frames:v', String(MAX_KEYFRAMES), join(dir, 'frame-%04d.png')], {
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    throw new ZhikuError('E_PARSE', `cannot decode the video (${lastLine((error as { stderr?: string }).stderr) || (error as Error).message})`, { item: path, cause: error });
  }
  return [...stderr.matchAll(/\] n:\s*\d+ pts:\s*\d+ pts_time:([\d.]+)/g)].map((match) => Number(match[1]));
}

/** mm:ss, or h:mm:ss past an hour. */
export function timestamp(seconds: number): string {
  const s = Math.floor(seconds);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${String(mm).padStart(2, '0')}:${ss}`;
}

/** The document a video becomes: metadata, then each keyframe's time and text. */
export function videoDocument(analysis: VideoAnalysis, path: string, context: { description?: string } = {}): DocumentInput {
  const file = basename(path);
  const parts = [
    `# 视频：${file}`,
    '',
    `时长 ${timestamp(analysis.duration)}，${analysis.width}×${analysis.height}，${analysis.codec}${analysis.fps ? `，${analysis.fps} 帧/秒` : ''}，${analysis.hasAudio ? '有' : '无'}音轨。引用：[视频: ${file}]`,
  ];
  if (context.description) parts.push('', '## 任务给出的视频说明', '', context.description.trim());
  parts.push('', `## 关键帧文字（OCR，${analysis.keyframes.length} 个场景）`);
  for (const frame of analysis.keyframes) {
    parts.push('', `### ${timestamp(frame.time)}`, '', frame.lines.length ? frame.lines.map((line) => line.text).join('\n') : '（无文字）');
  }
  if (analysis.transcript) {
    parts.push('', `## 音频转写（${analysis.transcript.model}）`, '', ...analysis.transcript.segments.map((segment) => `[${timestamp(segment.start)}] ${segment.text}`));
  }
  return {
    title: file,
    body: `${parts.join('\n')}\n`,
    origin: path,
    frontmatter: {
      format: 'video',
      duration: analysis.duration,
      width: analysis.width,
      height: analysis.height,
      codec: analysis.codec,
      keyframes: analysis.keyframes.length,
      audio: analysis.hasAudio,
      ...(analysis.transcript ? { transcribeModel: analysis.transcript.model } : {}),
      ...(analysis.transcriptError ? { transcriptError: analysis.transcriptError } : {}),
    },
  };
}

const firstLine = (text: string | undefined) => text?.trim().split('\n')[0] ?? '';
const lastLine = (text: string | undefined) => text?.trim().split('\n').at(-1) ?? '';
