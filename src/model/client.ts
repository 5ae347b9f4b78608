/**
 * @module model/client
 * The one way Zhiku reaches a model endpoint: the `openai` client pointed at any OpenAI-compatible
 * base URL (OpenAI, DeepSeek, DashScope, Moonshot, Zhipu, Ollama, vLLM), with a timeout and retries.
 */
import OpenAI from 'openai';

export interface EndpointSettings {
  baseUrl?: string;
  apiKey?: string;
}

export function modelClient(settings: EndpointSettings, timeoutMs = 60_000): OpenAI {
  // Local servers (Ollama, vLLM) take no key, but the client insists on one.
  return new OpenAI({ baseURL: settings.baseUrl, apiKey: settings.apiKey || 'unused', timeout: timeoutMs, maxRetries: 3 });
}
