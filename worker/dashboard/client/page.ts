/** The page's settings and strings, the API call every change makes, and the toast that reports it. */
import type { ClientConfig, ClientStrings } from './shared';

const body = document.body;
export const CFG: ClientConfig = JSON.parse(body.dataset.cfg ?? '{}');
export const STR: ClientStrings = JSON.parse(body.dataset.str ?? '{}');

/** `{name}` placeholders filled from `vars`. */
export function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export const all = <E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E[] =>
  Array.from(root.querySelectorAll<E>(selector));

/** The field's name as the user reads it, for error messages. */
export const labelOf = (el: Element & { name?: string }) => el.getAttribute('data-label') ?? el.name ?? '';

/** A JSON API call with the CSRF header cookie sessions need; an error answer throws its message. */
export async function api<T = unknown>(method: string, path: string, payload?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-relay-csrf': '1', accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(payload);
  }
  const res = await fetch(path, init);
  if (res.status === 204) return null as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401) location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
    const message = (data as { error?: { message?: string } } | null)?.error?.message;
    throw new Error(message ?? `HTTP ${res.status}`);
  }
  return data as T;
}

let toastEl: HTMLDivElement | null = null;
let toastTimer = 0;
export function toast(message: string, isError: boolean): void {
  if (!toastEl) {
    toastEl = document.createElement('div');
    toastEl.className = 'toast';
    toastEl.setAttribute('role', 'status');
    body.appendChild(toastEl);
  }
  const el = toastEl;
  el.textContent = message;
  el.className = `toast show${isError ? ' err' : ''}`;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (el.className = 'toast'), isError ? 6000 : 3000);
}

const FLASH_KEY = 'relay-flash';
/** Reloads the page and shows `message` on the new one. */
export function flashThenReload(message: string): void {
  try {
    sessionStorage.setItem(FLASH_KEY, message);
  } catch {
    // private mode: the reload still happens
  }
  location.reload();
}

export function showFlash(): void {
  try {
    const pending = sessionStorage.getItem(FLASH_KEY);
    if (pending) {
      sessionStorage.removeItem(FLASH_KEY);
      toast(pending, false);
    }
  } catch {
    // private mode
  }
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
