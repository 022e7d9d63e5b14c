/**
 * The dashboard's only script, served at /assets/app.js (the pages' CSP allows no inline script).
 * Plain ES2017 in a string: the pages work by data attributes, so no page needs its own script.
 * Every change goes to the JSON API with the x-relay-csrf header that cookie sessions require.
 * (No backticks or template placeholders below: this text lives inside a template literal.)
 */
export const CLIENT_JS = String.raw`(function () {
  'use strict';
  var body = document.body;
  var CFG = JSON.parse(body.getAttribute('data-cfg') || '{}');
  var STR = JSON.parse(body.getAttribute('data-str') || '{}');
  var QUOTA_PER_USD = 500000;

  function fill(text, vars) {
    return String(text || '').replace(/\{(\w+)\}/g, function (m, k) { return vars && k in vars ? String(vars[k]) : m; });
  }

  function api(method, path, payload) {
    var init = { method: method, credentials: 'same-origin', headers: { 'x-relay-csrf': '1', 'accept': 'application/json' } };
    if (payload !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }
    return fetch(path, init).then(function (res) {
      if (res.status === 204) return null;
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var msg = data && data.error && data.error.message ? data.error.message : ('HTTP ' + res.status);
          if (res.status === 401) { location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search); }
          throw new Error(msg);
        }
        return data;
      });
    });
  }

  var toastEl = null, toastTimer = 0;
  function toast(msg, isError) {
    if (!toastEl) {
      toastEl = document.createElement('div');
      toastEl.className = 'toast';
      toastEl.setAttribute('role', 'status');
      body.appendChild(toastEl);
    }
    toastEl.textContent = msg;
    toastEl.className = 'toast show' + (isError ? ' err' : '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toastEl.className = 'toast'; }, isError ? 6000 : 3000);
  }
  function flashThenReload(msg) {
    try { sessionStorage.setItem('relay-flash', msg); } catch (e) { /* private mode */ }
    location.reload();
  }
  try {
    var pending = sessionStorage.getItem('relay-flash');
    if (pending) { sessionStorage.removeItem('relay-flash'); toast(pending, false); }
  } catch (e) { /* private mode */ }

  // Times arrive in UTC; show them in the viewer's zone.
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function localTime(d) {
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  Array.prototype.forEach.call(document.querySelectorAll('time[datetime]'), function (el) {
    var d = new Date(el.getAttribute('datetime'));
    if (isNaN(d.getTime())) return;
    el.title = el.textContent;
    el.textContent = el.hasAttribute('data-date') ? localTime(d).slice(0, 10) : localTime(d);
  });

  var currencyRate = CFG.currency === 'CNY' ? Number(CFG.rate) : 1;
  function toMoneyInput(units) {
    if (units === null || units === undefined || units === '') return '';
    return String(Math.round(units / QUOTA_PER_USD * currencyRate * 1e6) / 1e6);
  }
  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  function toLocalInput(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + 'T' + pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }

  // ---- dialogs -------------------------------------------------------------------------------
  function fillForm(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values)) return;
      var v = values[el.name];
      var type = el.getAttribute('data-type') || '';
      if (el.type === 'checkbox') { el.checked = Array.isArray(v) ? v.indexOf(el.value) >= 0 : !!v; return; }
      if (v === null || v === undefined) el.value = '';
      else if (type === 'list') el.value = Array.isArray(v) ? v.join('\n') : String(v);
      else if (type === 'json') el.value = typeof v === 'string' ? v : JSON.stringify(v);
      else if (type === 'money') el.value = toMoneyInput(v);
      else if (type === 'datetime') el.value = toLocalInput(v);
      else el.value = String(v);
      el.setAttribute('data-orig', el.value);
    });
  }

  function openDialog(opener) {
    var dialog = document.getElementById(opener.getAttribute('data-open'));
    if (!dialog) return;
    var form = dialog.querySelector('form');
    if (form) {
      form.reset();
      Array.prototype.forEach.call(form.querySelectorAll('[data-orig]'), function (el) { el.removeAttribute('data-orig'); });
      var err = form.querySelector('.form-error');
      if (err) err.textContent = '';
      ['method', 'path', 'mode', 'then'].forEach(function (k) {
        var v = opener.getAttribute('data-form-' + k);
        if (v !== null) form.setAttribute('data-' + k, v);
      });
      // Fields of the other mode are disabled: neither validated nor sent.
      var mode = form.getAttribute('data-mode');
      Array.prototype.forEach.call(form.elements, function (el) {
        var only = el.closest('.only-create') ? 'create' : el.closest('.only-edit') ? 'edit' : null;
        if (only) el.disabled = !!mode && only !== mode;
      });
      var values = opener.getAttribute('data-fill');
      if (values) fillForm(form, JSON.parse(values));
    }
    Array.prototype.forEach.call(dialog.querySelectorAll('[data-slot]'), function (slot) {
      var v = opener.getAttribute('data-' + slot.getAttribute('data-slot'));
      if (v !== null) slot.textContent = v;
    });
    dialog.showModal();
    var first = dialog.querySelector('input:not([type=hidden]):not([type=checkbox]),textarea,select');
    if (first) first.focus();
  }

  // ---- the key shown once --------------------------------------------------------------------
  function showKey(key) {
    var dialog = document.getElementById('key-dialog');
    var open = document.querySelector('dialog[open]');
    if (open && open !== dialog) open.close();
    document.getElementById('new-key').textContent = key;
    dialog.showModal();
  }

  function copyText(text, button) {
    function done() {
      if (!button) return;
      var label = button.getAttribute('data-label') || button.textContent;
      button.setAttribute('data-label', label);
      button.textContent = STR.copied || 'Copied';
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    function fallback() {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      (button && button.closest('dialog') || body).appendChild(area);
      area.select();
      try { document.execCommand('copy'); } catch (e) { /* nothing more to try */ }
      area.remove();
      done();
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }

  // ---- forms that talk to the API ---------------------------------------------------------------
  function readField(form, el, out) {
    var type = el.getAttribute('data-type') || 'text';
    var empty = el.getAttribute('data-empty') || 'null';
    var raw = el.value.trim();
    if (type === 'checks') {
      if (el.name in out) return;
      var picked = Array.prototype.filter.call(form.querySelectorAll('input[name="' + el.name + '"]'), function (x) { return x.checked; })
        .map(function (x) { return x.value; });
      if (picked.length) out[el.name] = picked;
      return;
    }
    if (raw === '') {
      if (empty === 'null') out[el.name] = null;
      return;
    }
    var value = raw;
    if (type === 'int' || type === 'number') {
      value = Number(raw);
      if (!isFinite(value) || (type === 'int' && Math.floor(value) !== value)) throw new Error(fill(STR.badNumber, { field: el.getAttribute('data-label') || el.name }));
    } else if (type === 'money') {
      var amount = Number(raw);
      if (!isFinite(amount)) throw new Error(fill(STR.badNumber, { field: el.getAttribute('data-label') || el.name }));
      value = Math.round(amount / currencyRate * QUOTA_PER_USD);
    } else if (type === 'list') {
      value = raw.split(/[\s,]+/).filter(Boolean);
    } else if (type === 'json') {
      try { value = JSON.parse(raw); } catch (e) { throw new Error(fill(STR.badJson, { field: el.getAttribute('data-label') || el.name })); }
    } else if (type === 'datetime') {
      var d = new Date(raw);
      if (isNaN(d.getTime())) throw new Error(fill(STR.badDate, { field: el.getAttribute('data-label') || el.name }));
      value = d.toISOString();
    }
    out[el.name] = value;
  }

  function collect(form) {
    var out = {};
    var mode = form.getAttribute('data-mode');
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) return;
      var only = el.closest('.only-create') ? 'create' : el.closest('.only-edit') ? 'edit' : null;
      if (only && mode && only !== mode) return;
      var match = el.getAttribute('data-match');
      if (match && form.elements[match] && form.elements[match].value !== el.value) throw new Error(STR.mismatch);
      if (el.hasAttribute('data-exclude')) return;
      // An edit sends only what changed, so an untouched field (a past expiry, say) is not re-checked.
      if (mode === 'edit' && el.hasAttribute('data-orig') && el.getAttribute('data-orig') === el.value) return;
      readField(form, el, out);
    });
    var extra = form.getAttribute('data-extra');
    if (extra) { var more = JSON.parse(extra); for (var k in more) out[k] = more[k]; }
    return out;
  }

  // Answers other scripts handle (the top-up page's), by the form's data-then.
  var handlers = {};
  function after(then, result, form) {
    if (handlers[then]) return handlers[then](result, form);
    if (then === 'showkey' && result && result.key) return showKey(result.key);
    if (then === 'message') {
      if (form) form.reset();
      var d = form && form.closest('dialog');
      if (d) d.close();
      return toast(form.getAttribute('data-ok') || STR.done, false);
    }
    return flashThenReload((form && form.getAttribute('data-ok')) || STR.saved);
  }

  function showError(slot, message) {
    if (!slot) return toast(message, true);
    slot.textContent = message;
    if (slot.scrollIntoView) slot.scrollIntoView({ block: 'nearest' });
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.hasAttribute('data-api')) return;
    ev.preventDefault();
    var err = form.querySelector('.form-error');
    if (err) err.textContent = '';
    var payload;
    try { payload = collect(form); } catch (e) {
      showError(err, e.message);
      return;
    }
    if (form.getAttribute('data-mode') === 'edit' && Object.keys(payload).length === 0) {
      var openDialogEl = form.closest('dialog');
      if (openDialogEl) openDialogEl.close();
      return;
    }
    var buttons = form.querySelectorAll('button[type=submit]');
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    api(form.getAttribute('data-method') || 'POST', form.getAttribute('data-path'), payload)
      .then(function (res) { after(form.getAttribute('data-then') || 'reload', res, form); })
      .catch(function (e) { showError(err, e.message); })
      .then(function () { Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; }); });
  });

  // ---- buttons ---------------------------------------------------------------------------------
  function callButton(btn) {
    var question = btn.getAttribute('data-confirm');
    if (question && !window.confirm(question)) return;
    var then = btn.getAttribute('data-then') || 'reload';
    var payload = btn.hasAttribute('data-body') ? JSON.parse(btn.getAttribute('data-body')) : undefined;
    var slot = btn.getAttribute('data-result') ? document.getElementById(btn.getAttribute('data-result')) : null;
    if (slot) { slot.textContent = STR.testing; slot.className = 'cell-sub'; }
    btn.disabled = true;
    api(btn.getAttribute('data-method') || 'POST', btn.getAttribute('data-call'), payload)
      .then(function (res) {
        if (then === 'test') {
          var ok = res && res.ok;
          slot.textContent = ok ? fill(STR.testOk, { ms: res.latency_ms }) : fill(STR.testFail, { error: (res && res.error) || '?' });
          slot.className = 'badge ' + (ok ? 'b-green' : 'b-red');
          slot.setAttribute('data-outcome', ok ? 'ok' : 'failed');
          return;
        }
        if (then === 'showkey') return showKey(res.key);
        flashThenReload(btn.getAttribute('data-ok') || STR.done);
      })
      .catch(function (e) { if (slot) slot.textContent = e.message; toast(e.message, true); })
      .then(function () { btn.disabled = false; });
  }

  document.addEventListener('click', function (ev) {
    var el = ev.target.closest('[data-open],[data-close],[data-call],[data-copy],[data-add-row],[data-remove-row],[data-save-pricing]');
    if (!el) return;
    if (el.hasAttribute('data-open')) { ev.preventDefault(); openDialog(el); }
    else if (el.hasAttribute('data-close')) { ev.preventDefault(); el.closest('dialog').close(); }
    else if (el.hasAttribute('data-call')) { ev.preventDefault(); callButton(el); }
    else if (el.hasAttribute('data-copy')) { ev.preventDefault(); copyText(document.querySelector(el.getAttribute('data-copy')).textContent, el); }
    else if (el.hasAttribute('data-add-row')) { ev.preventDefault(); addRow(el.getAttribute('data-add-row')); }
    else if (el.hasAttribute('data-remove-row')) { ev.preventDefault(); el.closest('tr').remove(); }
    else if (el.hasAttribute('data-save-pricing')) { ev.preventDefault(); savePricing(el); }
  });

  // A dialog that shows a key forgets it on close, and the page reloads to show the masked key.
  var keyDialog = document.getElementById('key-dialog');
  if (keyDialog) keyDialog.addEventListener('close', function () {
    document.getElementById('new-key').textContent = '';
    location.reload();
  });

  // ---- price editor ----------------------------------------------------------------------------
  function addRow(templateId) {
    var tpl = document.getElementById(templateId);
    var target = document.getElementById(tpl.getAttribute('data-into'));
    var row = tpl.content.firstElementChild.cloneNode(true);
    target.appendChild(row);
    var first = row.querySelector('input');
    if (first) first.focus();
  }

  function num(input) {
    var raw = input ? input.value.trim() : '';
    if (raw === '') return null;
    var n = Number(raw);
    if (!isFinite(n) || n < 0) throw new Error(fill(STR.badNumber, { field: input.getAttribute('data-label') || input.name }));
    return n;
  }

  function usdText(v) {
    var amount = v * currencyRate;
    var digits = amount >= 1 || amount === 0 ? 2 : amount >= 0.01 ? 4 : 6;
    return (CFG.currency === 'CNY' ? '\u00a5' : '$') + amount.toFixed(digits).replace(/(\.\d\d\d*?)0+$/, '$1');
  }

  function preview(row) {
    var out = row.querySelector('[data-preview]');
    if (!out) return;
    try {
      var call = num(row.querySelector('[name=price_per_call]'));
      var mr = num(row.querySelector('[name=model_ratio]'));
      var cr = num(row.querySelector('[name=completion_ratio]'));
      if (call !== null) out.textContent = usdText(call) + ' ' + STR.perCall;
      else if (mr !== null) out.textContent = usdText(mr * 2) + ' / ' + usdText(mr * 2 * (cr === null ? 1 : cr));
      else out.textContent = '\u2014';
    } catch (e) { out.textContent = '?'; }
  }

  document.addEventListener('input', function (ev) {
    var row = ev.target.closest && ev.target.closest('tr[data-model-row]');
    if (row) preview(row);
  });

  function savePricing(btn) {
    var root = document.querySelector('[data-pricing-editor]');
    var original = JSON.parse(root.getAttribute('data-original'));
    var err = root.querySelector('.form-error');
    err.textContent = '';
    var payload = { models: {}, groups: {} };
    try {
      Array.prototype.forEach.call(root.querySelectorAll('tr[data-model-row]'), function (row) {
        var name = row.querySelector('[name=model]').value.trim();
        if (!name) return;
        payload.models[name] = {
          model_ratio: num(row.querySelector('[name=model_ratio]')),
          completion_ratio: num(row.querySelector('[name=completion_ratio]')),
          cache_ratio: num(row.querySelector('[name=cache_ratio]')),
          price_per_call: num(row.querySelector('[name=price_per_call]')),
          max_output_tokens: num(row.querySelector('[name=max_output_tokens]'))
        };
      });
      Array.prototype.forEach.call(root.querySelectorAll('tr[data-group-row]'), function (row) {
        var name = row.querySelector('[name=group]').value.trim();
        if (!name) return;
        var ratio = num(row.querySelector('[name=ratio]'));
        if (ratio === null) throw new Error(fill(STR.badNumber, { field: name }));
        payload.groups[name] = ratio;
      });
    } catch (e) { err.textContent = e.message; return; }
    original.models.forEach(function (m) { if (!(m in payload.models)) payload.models[m] = null; });
    original.groups.forEach(function (g) { if (!(g in payload.groups)) payload.groups[g] = null; });
    btn.disabled = true;
    api('PUT', '/api/pricing', payload)
      .then(function () { flashThenReload(STR.saved); })
      .catch(function (e) { err.textContent = e.message; toast(e.message, true); })
      .then(function () { btn.disabled = false; });
  }
  Array.prototype.forEach.call(document.querySelectorAll('tr[data-model-row]'), preview);
  window.relayUi = { api: api, toast: toast, fill: fill, STR: STR, usdText: usdText, QUOTA_PER_USD: QUOTA_PER_USD, handlers: handlers };
})();
`;
