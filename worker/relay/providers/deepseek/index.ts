/**
 * DeepSeek's API (api.deepseek.com): OpenAI's chat completions without the `/v1` prefix, the key
 * as a bearer token. Anthropic Messages, Responses and Gemini calls reach it through the hub.
 */
import { openAiCompatible } from '../openai';

export const deepseek = openAiCompatible({
  type: 'deepseek',
  versionPrefix: '',
  auth: (key) => ({ authorization: `Bearer ${key}` }),
  serves: { chat: 'native', messages: 'hub', responses: 'hub', gemini: 'hub' },
});
