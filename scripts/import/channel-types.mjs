// Channel type numbers of one-api (relay/channeltype) and new-api (constant/channel.go), with the
// default base URL each uses when the channel's own is empty. Only types whose upstream speaks
// the OpenAI, Anthropic or Gemini API map to a relay type; the rest are named so the
// summary can say what was imported disabled.

/** @typedef {{ name: string, relay: 'openai' | 'anthropic' | null, base: string }} ChannelType */

/** @type {(name: string, relay: ChannelType['relay'], base?: string) => ChannelType} */
const t = (name, relay, base = '') => ({ name, relay, base });

/** Numbers 0..24 are the same in both. */
const shared = {
  0: t('Unknown', null),
  1: t('OpenAI', 'openai', 'https://api.openai.com'),
  3: t('Azure', null),
  6: t('OpenAIMax', 'openai', 'https://api.openaimax.com'),
  7: t('OhMyGPT', 'openai', 'https://api.ohmygpt.com'),
  8: t('Custom', 'openai'),
  9: t('AILS', 'openai', 'https://api.caipacity.com'),
  10: t('AIProxy', 'openai', 'https://api.aiproxy.io'),
  11: t('PaLM', null),
  12: t('API2GPT', 'openai', 'https://api.api2gpt.com'),
  13: t('AIGC2D', 'openai', 'https://api.aigc2d.com'),
  14: t('Anthropic', 'anthropic', 'https://api.anthropic.com'),
  15: t('Baidu', null),
  16: t('Zhipu', null),
  17: t('Ali', null),
  18: t('Xunfei', null),
  19: t('360', null),
  20: t('OpenRouter', 'openai', 'https://openrouter.ai/api'),
  21: t('AIProxyLibrary', null),
  22: t('FastGPT', null),
  23: t('Tencent', null),
  24: t('Gemini', 'gemini', 'https://generativelanguage.googleapis.com'),
};

/** @type {Record<number, ChannelType>} */
const oneApi = {
  ...shared,
  2: t('API2D', 'openai', 'https://oa.api2d.net'),
  4: t('CloseAI', 'openai', 'https://api.closeai-proxy.xyz'),
  5: t('OpenAISB', 'openai', 'https://api.openai-sb.com'),
  25: t('Moonshot', 'openai', 'https://api.moonshot.cn'),
  26: t('Baichuan', null),
  27: t('Minimax', null),
  28: t('Mistral', 'openai', 'https://api.mistral.ai'),
  29: t('Groq', 'openai', 'https://api.groq.com/openai'),
  30: t('Ollama', null),
  31: t('LingYiWanWu', 'openai', 'https://api.lingyiwanwu.com'),
  32: t('StepFun', 'openai', 'https://api.stepfun.com'),
  33: t('AwsClaude', null),
  34: t('Coze', null),
  35: t('Cohere', null),
  36: t('DeepSeek', 'openai', 'https://api.deepseek.com'),
  37: t('Cloudflare', null),
  38: t('DeepL', null),
  39: t('TogetherAI', 'openai', 'https://api.together.xyz'),
  40: t('Doubao', null),
  41: t('Novita', null),
  42: t('VertexAI', null),
  43: t('Proxy', null),
  44: t('SiliconFlow', 'openai', 'https://api.siliconflow.cn'),
};

/** @type {Record<number, ChannelType>} */
const newApi = {
  ...shared,
  2: t('Midjourney', null),
  4: t('Ollama', null),
  5: t('MidjourneyPlus', null),
  25: t('Moonshot', 'openai', 'https://api.moonshot.cn'),
  26: t('ZhipuV4', null),
  27: t('Perplexity', null),
  31: t('LingYiWanWu', 'openai', 'https://api.lingyiwanwu.com'),
  33: t('AWS', null),
  34: t('Cohere', null),
  35: t('MiniMax', null),
  36: t('SunoAPI', null),
  37: t('Dify', null),
  38: t('Jina', null),
  39: t('Cloudflare', null),
  40: t('SiliconFlow', 'openai', 'https://api.siliconflow.cn'),
  41: t('VertexAI', null),
  42: t('Mistral', 'openai', 'https://api.mistral.ai'),
  43: t('DeepSeek', 'openai', 'https://api.deepseek.com'),
  44: t('MokaAI', null),
  45: t('VolcEngine', null),
  46: t('BaiduV2', null),
  47: t('Xinference', null),
  48: t('xAI', 'openai', 'https://api.x.ai'),
  49: t('Coze', null),
};

/**
 * @param {'one-api' | 'new-api'} flavor
 * @param {number} type
 * @returns {ChannelType}
 */
export function channelType(flavor, type) {
  return (flavor === 'one-api' ? oneApi : newApi)[type] ?? t(`type ${type}`, null);
}
