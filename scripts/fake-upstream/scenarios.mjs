// Scenario state for the fake upstream: per-scenario config and recorded requests,
// bounded (oldest scenarios evicted, records capped).

const MAX_SCENARIOS = 10_000;
const MAX_RECORDS_PER_SCENARIO = 1_000;
export const DEFAULT_SCENARIO = 'default';
// cut_stream: streams `cut_after` chunks, then drops the connection without the closing event.
// error_stream: streams `error_after` chunks (default 0), then an error event, then ends.
// reset_body: a non-streamed answer whose connection is reset half-way through the body.
export const MODES = new Set([
  'ok',
  'error',
  'reset',
  'hang',
  'delay',
  'no_usage',
  'slow_stream',
  'fail_then_ok',
  'cut_stream',
  'error_stream',
  'reset_body',
]);
const RECORDED_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key', 'anthropic-version', 'content-type'];

function newScenario() {
  return { config: { mode: 'ok' }, requests: [], apiCount: 0 };
}

export function createScenarioStore() {
  const scenarios = new Map();
  return {
    peek: (id) => scenarios.get(id),
    get(id) {
      let s = scenarios.get(id);
      if (!s) {
        if (scenarios.size >= MAX_SCENARIOS) scenarios.delete(scenarios.keys().next().value);
        s = newScenario();
        scenarios.set(id, s);
      }
      return s;
    },
    configure(id, config) {
      const s = this.get(id);
      s.config = config;
      s.apiCount = 0;
    },
    reset: (id) => scenarios.delete(id),
  };
}

export function recordRequest(scenario, req, apiPath, body) {
  const headers = {};
  for (const name of RECORDED_HEADERS) {
    if (req.headers[name] !== undefined) headers[name] = req.headers[name];
  }
  const record = {
    method: req.method,
    path: apiPath,
    url: req.url,
    headers,
    all_headers: { ...req.headers },
    body,
    aborted: false,
    at: Date.now(),
  };
  scenario.requests.push(record);
  if (scenario.requests.length > MAX_RECORDS_PER_SCENARIO) scenario.requests.shift();
  return record;
}
