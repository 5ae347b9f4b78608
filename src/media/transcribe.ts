/**
 * @module media/transcribe
 * Speech to text through a configured OpenAI-compatible transcription endpoint (never offline
 * guesses): the audio track is cut into 20-minute mono 16 kHz MP3 pieces (about 5 MB each, under the
 * usual 25 MB upload limit), each piece is transcribed, and segment times are shifted by the piece's
 * offset.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toFile } from 'openai';
import { ZhikuError } from '../errors.js';
import { type EndpointSettings, modelClient } from '../model/client.js';

const run = promisify(execFile);
const PIECE_SECONDS = 1200;

export interface TranscribeSettings extends EndpointSettings {
  model: string;
}

export interface TranscriptSegment {
  /** Seconds from the start of the video. */
  start: number;
  text: string;
}

export interface Transcript {
  model: string;
  segments: TranscriptSegment[];
}

/** The transcribe settings from the `llm` config, or undefined when no transcription model is set. */
export function transcribeSettings(llm: { transcribeModel?: string; baseUrl?: string; apiKey?: string }): TranscribeSettings | undefined {
  return llm.transcribeModel ? { model: llm.transcribeModel, baseUrl: llm.baseUrl, apiKey: llm.apiKey } : undefined;
}

interface VerboseTranscription {
  text?: string;
  segments?: { start: number; text: string }[];
}

export async function transcribeAudio(path: string, settings: TranscribeSettings): Promise<Transcript> {
  const dir = await mkdtemp(join(tmpdir(), 'zhiku-audio-'));
  try {
    try {
      await run('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', path, '-vn', '-ac', '1', '-ar', '16000', '-b:a', '32k', '-f', 'segment', '-segment_time', String(PIECE_SECONDS), join(dir, 'piece-%03d.mp3')]);
    } catch (error) {
      throw new ZhikuError('E_PARSE', `cannot extract the audio track (${((error as { stderr?: string }).stderr ?? '').trim().split('\n').at(-1) || (error as Error).message})`, { item: path, cause: error });
    }
    const client = modelClient(settings, 300_000);
    const segments: TranscriptSegment[] = [];
    const pieces = (await readdir(dir)).filter((file) => file.endsWith('.mp3')).sort();
    for (const [index, piece] of pieces.entries()) {
      const offset = index * PIECE_SECONDS;
      let result: VerboseTranscription;
      try {
        result = (await client.audio.transcriptions.create({
          file: await toFile(await readFile(join(dir, piece)), piece, { type: 'audio/mpeg' }),
          model: settings.model,
          response_format: 'verbose_json',
        })) as VerboseTranscription;
      } catch (error) {
        throw new ZhikuError('E_NEEDS_MODEL', `transcription model ${settings.model} failed: ${(error as Error).message}`, { item: path, cause: error });
      }
      if (result.segments?.length) segments.push(...result.segments.map((segment) => ({ start: offset + segment.start, text: segment.text.trim() })).filter((segment) => segment.text));
      else if (result.text?.trim()) segments.push({ start: offset, text: result.text.trim() });
    }
    return { model: settings.model, segments };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
