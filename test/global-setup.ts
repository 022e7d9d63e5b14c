import type { TestProject } from 'vitest/node';
// @ts-expect-error: plain ESM script without types
import { startFakeUpstream } from '../scripts/fake-upstream.mjs';


/** Runs in Node: one fake upstream provider for the whole run, reached by workerd over loopback. */
export default async function setup(project: TestProject) {
  const upstream: { url: string; close(): Promise<void> } = await startFakeUpstream({ port: 0 });
  project.provide('upstreamUrl', upstream.url);
  return async () => upstream.close();
}
