// The Gemini format through Google's official client (@google/genai), on a gemini channel and,
// converted, on an anthropic one: text, streaming, usage and the charge.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import {
  FAKE_CONTENT,
  FAKE_USAGE,
  RELAY_URL,
  balance,
  expectBalance,
  expectedCharge,
  setupCustomer,
} from './helpers.mjs';

const client = (key) => new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: RELAY_URL } });

describe('gemini (@google/genai)', () => {
  test('generateContent on a gemini channel: text, usageMetadata, the charge of the contract formula', async () => {
    const price = { model_ratio: 2.5, completion_ratio: 3 };
    const { model, user, token } = await setupCustomer({ type: 'gemini', price });
    const before = await balance(user.id);
    const answer = await client(token.key).models.generateContent({
      model,
      contents: 'Say hello.',
      config: { systemInstruction: 'Be brief.', temperature: 0.2 },
    });
    assert.equal(answer.text, FAKE_CONTENT);
    assert.equal(answer.usageMetadata.promptTokenCount, FAKE_USAGE.prompt);
    await expectBalance(user.id, before - expectedCharge(FAKE_USAGE, price));
  });

  test('generateContentStream on an anthropic channel: the text arrives in pieces, billed once', async () => {
    const { model, user, token } = await setupCustomer({ type: 'anthropic' });
    const before = await balance(user.id);
    const stream = await client(token.key).models.generateContentStream({ model, contents: 'Say hello.' });
    let text = '';
    let usage = null;
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      if (chunk.usageMetadata) usage = chunk.usageMetadata;
    }
    assert.ok(text.length > 0);
    assert.ok(usage && usage.promptTokenCount > 0);
    await expectBalance(user.id, before - (usage.promptTokenCount + usage.candidatesTokenCount));
  });
});
