/**
 * The top-up pages' part of /assets/app.js, run after the main script and built on what it
 * exposes (`window.relayUi`): the live quote, the jump to the gateway, the return page that
 * waits for the payment, and the codes shown once with their CSV.
 * (No backticks or template placeholders below: this text lives inside a template literal.)
 */
export const TOPUP_JS = String.raw`(function () {
  'use strict';
  var ui = window.relayUi;
  if (!ui) return;
  var SYMBOLS = { CNY: '\u00a5', USD: '$', EUR: '\u20ac', GBP: '\u00a3', JPY: '\u00a5' };
  function orderMoney(amount, currency) { return (SYMBOLS[currency] || currency + ' ') + amount; }

  // ---- the live quote ----------------------------------------------------------------------
  var quoteForm = document.querySelector('form[data-quote]');
  if (quoteForm) {
    var timer = 0, asked = 0;
    var slot = function (name) { return quoteForm.querySelector('[data-quote-slot=' + name + ']'); };
    var show = function (q) {
      slot('pay_amount').textContent = q ? orderMoney(q.pay_amount, q.currency) : '\u2014';
      slot('discount').textContent = q ? (q.discount > 0 ? String(Math.round(q.discount * 1000) / 10) + '%' : '\u2014') : '\u2014';
      slot('credit').textContent = q ? ui.usdText(q.credit / ui.QUOTA_PER_USD) : '\u2014';
    };
    var ask = function () {
      var err = quoteForm.querySelector('.form-error');
      var amount = quoteForm.elements.amount.value.trim();
      var mine = ++asked;
      if (!amount) { show(null); return; }
      ui.api('GET', '/api/topup/quote?amount=' + encodeURIComponent(amount))
        .then(function (q) { if (mine === asked) { show(q); if (err) err.textContent = ''; } })
        .catch(function (e) { if (mine === asked) { show(null); if (err) err.textContent = e.message; } });
    };
    quoteForm.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
    quoteForm.addEventListener('click', function (ev) {
      var pick = ev.target.closest && ev.target.closest('[data-quick-amount]');
      if (!pick) return;
      ev.preventDefault();
      quoteForm.elements.amount.value = pick.getAttribute('data-quick-amount');
      ask();
    });
    ask();
  }
  ui.handlers.pay = function (order) {
    if (order && order.pay_url) location.href = order.pay_url;
  };

  // ---- back from the gateway: wait for the notice ------------------------------------------
  var waiting = document.querySelector('[data-poll-order]');
  if (waiting) {
    var orderNo = waiting.getAttribute('data-poll-order');
    var tries = 0;
    var poll = function () {
      if (++tries > 300) return;
      ui.api('GET', '/api/topup/orders/' + encodeURIComponent(orderNo))
        .then(function (o) { if (o && o.status !== 'pending') location.reload(); else setTimeout(poll, 2000); })
        .catch(function () { setTimeout(poll, 5000); });
    };
    setTimeout(poll, 1500);
  }

  // ---- codes, shown once -------------------------------------------------------------------
  var madeCodes = [];
  ui.handlers.showcodes = function (result, form) {
    madeCodes = (result && result.codes) || [];
    var d = form && form.closest('dialog');
    if (d) d.close();
    var box = document.getElementById('new-codes');
    box.value = madeCodes.join('\n');
    box.textContent = box.value;
    document.getElementById('codes-dialog').showModal();
  };
  document.addEventListener('click', function (ev) {
    var el = ev.target.closest && ev.target.closest('[data-download-codes],[data-close-reload]');
    if (!el) return;
    ev.preventDefault();
    if (el.hasAttribute('data-close-reload')) { location.reload(); return; }
    var csv = 'code\r\n' + madeCodes.join('\r\n') + '\r\n';
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    a.download = 'redemption-codes.csv';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
})();
`;
