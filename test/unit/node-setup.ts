// Node's WebCrypto has no MD5; workerd's has it for protocols such as Epay's signature. Under the
// plain Node config (vitest.unit.config.mts) digest('MD5') is answered the way workerd answers it.
import { createHash } from 'node:crypto';

type DigestArgs = Parameters<SubtleCrypto['digest']>;

const subtle = crypto.subtle;
const digest = subtle.digest.bind(subtle);
const nameOf = (algorithm: DigestArgs[0]) => (typeof algorithm === 'string' ? algorithm : algorithm.name);

subtle.digest = async (algorithm: DigestArgs[0], data: DigestArgs[1]): Promise<ArrayBuffer> => {
  if (nameOf(algorithm).toUpperCase() !== 'MD5') return digest(algorithm, data);
  const bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  const out = createHash('md5').update(bytes).digest();
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
};
