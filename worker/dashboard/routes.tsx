import { Hono } from 'hono';
import type { AppEnv } from '../app-types';

/** Placeholder until the dashboard lands: the API docs are the way in. */
export const dashboardRoutes = new Hono<AppEnv>();

dashboardRoutes.get('/', (c) =>
  c.html(
    <html lang="en">
      <head><meta charset="utf-8" /><title>LLM Relay</title></head>
      <body>
        <h1>LLM Relay</h1>
        <form method="post" action="/login">
          <input name="username" autocomplete="username" />
          <input name="password" type="password" autocomplete="current-password" />
          <button type="submit">Log in</button>
        </form>
        <p><a href="/api/docs">API documentation</a></p>
      </body>
    </html>,
  ),
);
