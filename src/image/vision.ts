/**
 * @module image/vision
 * A description of an image by a vision model on an OpenAI-compatible endpoint, used only when one is
 * configured (`llm.visionModel` / ZHIKU_VISION_MODEL). The image is scaled to at most 1024 px on its
 * long side first: detail beyond that costs tokens and adds nothing to a paragraph of description.
 */
import type OpenAI from 'openai';
import sharp from 'sharp';
import { ZhikuError } from '../errors.js';
import { type EndpointSettings, modelClient } from '../model/client.js';

export interface VisionSettings extends EndpointSettings {
  model: string;
}

export interface ImageDescription {
  text: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/** The vision settings from the `llm` config, or undefined when no vision model is set. */
export function visionSettings(llm: { visionModel?: string; baseUrl?: string; apiKey?: string }): VisionSettings | undefined {
  return llm.visionModel ? { model: llm.visionModel, baseUrl: llm.baseUrl, apiKey: llm.apiKey } : undefined;
}

const LONG_SIDE = 1024;
const PROMPT =
  '请用中文客观描述这张图片，200字以内：画面主体、可见文字、表格或图表的内容、出现的品牌标识。只写能从图中确认的内容，不要推测。';

export async function describeImage(image: Buffer, settings: VisionSettings, path: string): Promise<ImageDescription> {
  const scaled = await sharp(image).resize(LONG_SIDE, LONG_SIDE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
  const client = modelClient(settings);
  let response: OpenAI.Chat.Completions.ChatCompletion;
  try {
    response = await client.chat.completions.create({
      model: settings.model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: PROMPT },
            { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${scaled.toString('base64')}` } },
          ],
        },
      ],
      max_tokens: 600,
    });
  } catch (error) {
    throw new ZhikuError('E_NEEDS_MODEL', `vision model ${settings.model} failed: ${(error as Error).message}`, { item: path, cause: error });
  }
  const text = response.choices[0]?.message?.content?.trim();
  if (!text) throw new ZhikuError('E_NEEDS_MODEL', `vision model ${settings.model} returned no description (finish_reason ${response.choices[0]?.finish_reason ?? 'none'})`, { item: path });
  return { text, model: response.model || settings.model, promptTokens: response.usage?.prompt_tokens ?? 0, completionTokens: response.usage?.completion_tokens ?? 0 };
}
