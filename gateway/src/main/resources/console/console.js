// Herald's operator console. Plain browser JavaScript (no build step), served from the jar with the chart library's
// WebJar. Every call is same-origin with the key in the Authorization header; the key itself lives only in this
// tab's sessionStorage. Data from the server is put in the page as text (textContent), never as HTML.
'use strict';

(() => {
  const KEY_STORE = 'herald.console.key';
  const POLL_MS = 4000;
  const VIEWS = ['overview', 'egress', 'messages', 'config', 'export'];
  const $ = (id) => document.getElementById(id);

  let key = null;
  let lastLookup = null; // {by, value}: the messages view refreshes it while shown
  let pollTimer = null;
  let pollGeneration = 0;
  let chart = null;
  const replayed = new Map(); // delivery id -> {dispatch_id, channel, recipient}

  // ---- the key: from the URL fragment once, then from this tab's session storage --------------------------------

  function takeKeyFromFragment() {
    const hash = location.hash.startsWith('#') ? location.hash.substring(1) : '';
    const params = new URLSearchParams(hash);
    const fromUrl = params.get('key');
    if (fromUrl) {
      sessionStorage.setItem(KEY_STORE, fromUrl);
      // The key leaves the address bar (and so the history and any screen share) at once; a view named beside it
      // (#key=...&view=egress) stays.
      const view = VIEWS.includes(params.get('view')) ? params.get('view') : 'overview';
      history.replaceState(null, '', location.pathname + location.search + '#' + view);
    }
    return sessionStorage.getItem(KEY_STORE);
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY_STORE);
    key = null;
    stopPolling();
    $('nav').hidden = true;
    $('logout').hidden = true;
    $('workspace').textContent = '';
    VIEWS.forEach((v) => { $('view-' + v).hidden = true; });
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    setStatus('');
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function call(method, path, body) {
    const headers = { Authorization: 'Bearer ' + key, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (r.status === 401 || r.status === 403) {
      signOut(r.status === 401 ? 'That key is not known to this Herald.'
        : 'That key lacks the herald.admin permission.');
      throw new ApiError(r.status, 'signed out');
    }
    if (!r.ok) throw new ApiError(r.status, (json && json.message) || ('HTTP ' + r.status));
    return { json, headers: r.headers };
  }

  // ---- small DOM helpers ---------------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    });
    children.flat(Infinity).forEach((c) => {
      if (c === null || c === undefined) return;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    });
    return e;
  }

  function table(target, headings, rows) {
    const t = typeof target === 'string' ? $(target) : target;
    t.replaceChildren(el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.length ? rows
        : [el('tr', {}, el('td', { colspan: headings.length, class: 'empty' }, 'Nothing here.'))]));
    return t;
  }

  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  function badge(text, kind) { return el('span', { class: 'badge ' + (kind || text) }, text); }

  function setStatus(text, isError) {
    $('status').textContent = text;
    $('status').className = 'status' + (isError ? ' error' : '');
  }

  function dispatchLink(id) {
    return el('a', { href: '#messages', class: 'mono', 'data-dispatch': id, onclick: (ev) => {
      ev.preventDefault();
      lookup('dispatch_id', id);
    } }, id);
  }

  // ---- routing and polling -------------------------------------------------------------------------------------

  function currentView() {
    const v = location.hash.replace(/^#/, '').split('&')[0];
    return VIEWS.includes(v) ? v : 'overview';
  }

  function show() {
    if (!key) return;
    const view = currentView();
    VIEWS.forEach((v) => { $('view-' + v).hidden = v !== view; });
    document.querySelectorAll('#nav a').forEach((a) => {
      a.classList.toggle('active', a.dataset.view === view);
      if (a.dataset.view === view) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    stopPolling();
    const generation = ++pollGeneration; // a tick of an earlier view or lookup never schedules another
    const refresh = { overview: loadOverview, egress: loadEgress, config: loadConfig,
      messages: lastLookup ? () => runLookup(null, true) : null }[view];
    if (refresh) {
      const tick = async () => {
        try { await refresh(); if (key) setStatus('Updated ' + new Date().toLocaleTimeString()); } catch (e) {
          if (e.status !== 401 && e.status !== 403) setStatus(e.message, true);
        }
        if (key && generation === pollGeneration && view !== 'config') pollTimer = setTimeout(tick, POLL_MS);
      };
      tick();
    }
    if (view === 'export') prefillExport();
  }

  function stopPolling() { if (pollTimer) clearTimeout(pollTimer); pollTimer = null; pollGeneration++; }

  // ---- overview ------------------------------------------------------------------------------------------------

  async function loadOverview() {
    const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
    const [overview, usage] = await Promise.all([
      call('GET', '/herald/v1/admin/overview'),
      call('GET', '/herald/v1/usage?from=' + encodeURIComponent(since)),
    ]);
    const o = overview.json;
    showWorkspace(o);
    renderCards(o, overview.headers);
    renderUsage(usage.json.usage || []);
    renderDead(o.recent_dead_letters || []);
    await renderReplayed();
  }

  function showWorkspace(o) {
    $('workspace').replaceChildren(...[el('span', {}, o.workspace), o.sandbox ? badge('sandbox', 'info') : null]
      .filter(Boolean));
  }

  function card(label, value, note) {
    return el('div', { class: 'card' }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value),
      note ? el('div', { class: 'note' }, note) : null);
  }

  function queueText(n, cap) { return n > cap ? 'more than ' + cap.toLocaleString() : n.toLocaleString(); }

  function renderCards(o, headers) {
    const cap = o.queue_count_cap;
    const cards = [
      card('Queued · transactional', queueText(o.queues.transactional, cap)),
      card('Queued · standard', queueText(o.queues.standard, cap)),
      card('Queued · bulk', queueText(o.queues.bulk, cap)),
      card('Store writer queue', o.store_write_queue.toLocaleString(), 'writes waiting'),
      card('Sends in flight', o.in_flight.toLocaleString(), 'all workspaces'),
    ];
    limits(headers).forEach((l) => {
      const used = l.quota - l.remaining;
      const pct = l.quota ? Math.round(100 * used / l.quota) : 0;
      cards.push(el('div', { class: 'card' }, el('div', { class: 'label' }, 'Ingress limit · ' + l.name),
        el('div', { class: 'value' }, pct + ' %'),
        el('meter', { min: 0, max: l.quota, value: used, 'aria-label': l.name + ' limit used' }),
        el('div', { class: 'note' }, used.toLocaleString() + ' of ' + l.quota.toLocaleString() + ' per '
          + l.window + ' s')));
    });
    $('cards').replaceChildren(...cards);
  }

  // The ingress limit's state as the API reports it on every answer: RateLimit-Policy and RateLimit headers.
  function limits(headers) {
    const policy = headers.get('RateLimit-Policy');
    const state = headers.get('RateLimit');
    if (!policy || !state) return [];
    const parse = (h) => h.split(',').map((item) => {
      const parts = item.trim().split(';');
      const out = { name: parts[0].replace(/"/g, '') };
      parts.slice(1).forEach((p) => { const [k, v] = p.split('='); out[k] = Number(v); });
      return out;
    });
    const states = new Map(parse(state).map((s) => [s.name, s]));
    return parse(policy).map((p) => ({ name: p.name, quota: p.q, window: p.w,
      remaining: states.has(p.name) ? states.get(p.name).r : p.q }));
  }

  const COLUMNS = ['accepted', 'sent', 'delivered', 'failed', 'bounced', 'expired'];

  function renderUsage(rows) {
    const hourAgo = Date.now() - 3600 * 1000;
    const byChannel = new Map();
    rows.forEach((r) => {
      const c = byChannel.get(r.channel) || { hour: {}, day: {} };
      COLUMNS.forEach((k) => {
        c.day[k] = (c.day[k] || 0) + r[k];
        // An hour row counts in "last hour" when its hour started less than an hour ago or is the current one.
        if (new Date(r.hour).getTime() + 3600 * 1000 > hourAgo) c.hour[k] = (c.hour[k] || 0) + r[k];
      });
      byChannel.set(r.channel, c);
    });
    const body = [];
    [...byChannel.keys()].sort().forEach((ch) => {
      const c = byChannel.get(ch);
      [['last hour', c.hour], ['last 24 h', c.day]].forEach(([label, counts], i) => {
        body.push(el('tr', { class: i ? 'day' : '' }, i ? null : el('th', { scope: 'row', rowspan: 2 }, ch),
          el('td', { class: 'nowrap' }, label),
          COLUMNS.map((k) => el('td', { class: 'num' }, (counts[k] || 0).toLocaleString()))));
      });
    });
    table('usage-table', ['channel', 'window', ...COLUMNS], body).setAttribute('data-testid', 'usage');
    renderChart(rows);
  }

  function renderChart(rows) {
    if (!window.echarts) return; // the page still works without the chart
    const hours = [];
    const start = Math.floor((Date.now() - 23 * 3600 * 1000) / 3600000) * 3600000;
    for (let t = start; t <= Date.now(); t += 3600000) hours.push(t);
    const series = ['accepted', 'delivered', 'failed'].map((k) => ({
      name: k, type: 'bar', stack: k === 'accepted' ? 'a' : 'b',
      data: hours.map((h) => rows.filter((r) => new Date(r.hour).getTime() === h)
        .reduce((n, r) => n + r[k] + (k === 'failed' ? r.bounced + r.expired : 0), 0)),
    }));
    if (!chart) chart = window.echarts.init($('usage-chart'), null, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      color: ['#5b8ff9', '#2f9e44', '#e03131'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 12, top: 30, bottom: 30 },
      xAxis: { type: 'category', data: hours.map((h) => new Date(h).toISOString().substring(11, 16)) },
      yAxis: { type: 'value', minInterval: 1 },
      series,
    });
    chart.resize();
  }

  function renderDead(list) {
    table('dead-table', ['ended', 'dispatch', 'channel', 'recipient', 'status', 'attempts', 'last error', ''],
      list.map((d) => el('tr', { 'data-delivery': d.delivery_id },
        el('td', { class: 'nowrap' }, time(d.ended_at)),
        el('td', {}, dispatchLink(d.dispatch_id)),
        el('td', {}, d.channel), el('td', { class: 'mono' }, d.recipient),
        el('td', {}, badge(d.status)), el('td', { class: 'num' }, d.attempts),
        el('td', { class: 'err' }, d.last_error || ''),
        el('td', {}, el('button', { type: 'button', class: 'replay', 'data-replay': d.delivery_id,
          onclick: (ev) => replayOne(ev.target, d) }, 'Replay')))));
  }

  async function replayOne(button, d) {
    button.disabled = true;
    try {
      await call('POST', '/herald/v1/dead_letters/' + encodeURIComponent(d.delivery_id) + '/replay');
      replayed.set(d.delivery_id, d);
      button.textContent = 'Replayed';
      await loadOverview();
    } catch (e) {
      button.disabled = false;
      if (e.status !== 401 && e.status !== 403) setStatus('Replay failed: ' + e.message, true);
    }
  }

  // What became of the deliveries replayed from this tab, from the status API.
  async function renderReplayed() {
    if (!replayed.size) { $('replayed-panel').hidden = true; return; }
    const byDispatch = new Map();
    for (const d of replayed.values()) byDispatch.set(d.dispatch_id, true);
    const statuses = new Map();
    await Promise.all([...byDispatch.keys()].map(async (id) => {
      try {
        const s = await call('GET', '/herald/v1/dispatches/' + encodeURIComponent(id));
        (s.json.deliveries || []).forEach((x) => statuses.set(x.id, x));
      } catch (e) { /* purged or gone: shown as unknown */ }
    }));
    $('replayed-panel').hidden = false;
    table('replayed-table', ['dispatch', 'channel', 'recipient', 'status now', 'attempts', 'last error'],
      [...replayed.entries()].map(([id, d]) => {
        const now = statuses.get(id);
        return el('tr', { 'data-replayed': id }, el('td', {}, dispatchLink(d.dispatch_id)), el('td', {}, d.channel),
          el('td', { class: 'mono' }, d.recipient), el('td', {}, badge(now ? now.status : 'unknown')),
          el('td', { class: 'num' }, now ? now.attempts : ''), el('td', { class: 'err' }, now && now.last_error || ''));
      }));
  }

  async function replayMatching(ev) {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const body = {};
    for (const [k, v] of form.entries()) if (v) body[k] = v;
    try {
      const r = await call('POST', '/herald/v1/dead_letters/replay', body);
      $('replay-result').textContent = 'Replayed ' + r.json.replayed + (r.json.more ? ' (more match: replay again)' : '');
      await loadOverview();
    } catch (e) {
      if (e.status !== 401 && e.status !== 403) $('replay-result').textContent = 'Not replayed: ' + e.message;
    }
  }

  // ---- egress --------------------------------------------------------------------------------------------------

  async function loadEgress() {
    const r = await call('GET', '/herald/v1/admin/egress');
    table('egress-table', ['egress key', 'breaker', 'paused until', 'why', 'in flight', 'last error', 'when'],
      r.json.egress.map((k) => el('tr', {},
        el('td', { class: 'mono' }, k.egress_key), el('td', {}, badge(k.breaker)),
        el('td', { class: 'nowrap' }, time(k.paused_until)), el('td', {}, k.pause_reason || ''),
        el('td', { class: 'num' }, k.in_flight + ' / ' + k.concurrency),
        el('td', { class: 'err' }, k.last_error || ''), el('td', { class: 'nowrap' }, time(k.last_error_at)))));
  }

  // ---- messages ------------------------------------------------------------------------------------------------

  function lookup(by, value) {
    const form = $('lookup-form');
    form.elements.by.value = by;
    form.elements.value.value = value;
    if (location.hash !== '#messages') location.hash = '#messages';
    runLookup();
  }

  async function runLookup(ev, quietly) {
    if (ev) ev.preventDefault();
    const form = $('lookup-form');
    const by = quietly && lastLookup ? lastLookup.by : form.elements.by.value;
    const value = quietly && lastLookup ? lastLookup.value : form.elements.value.value.trim();
    if (!value) return;
    const fresh = !lastLookup || lastLookup.by !== by || lastLookup.value !== value;
    lastLookup = { by, value };
    const out = $('lookup-results');
    if (!quietly) out.replaceChildren(el('p', { class: 'hint' }, 'Looking up…'));
    if (fresh && !quietly && currentView() === 'messages') setTimeout(show, 0); // start refreshing this lookup
    try {
      const r = await call('GET', '/herald/v1/admin/messages?' + new URLSearchParams({ [by]: value }));
      const found = (r.json.dispatches || []).slice(0, 20);
      if (!found.length) {
        out.replaceChildren(el('p', { class: 'panel' }, 'No messages found for ' + by + ' ' + value + '.'));
        return;
      }
      // Each dispatch's whole state comes from the status API, as a client would read it.
      const states = await Promise.all(found.map((d) => call('GET', '/herald/v1/dispatches/'
        + encodeURIComponent(d.dispatch_id)).then((s) => s.json, () => null)));
      out.replaceChildren(...found.map((d, i) => renderDispatch(d, states[i])));
    } catch (e) {
      if (e.status !== 401 && e.status !== 403) out.replaceChildren(el('p', { class: 'panel error' }, e.message));
    }
  }

  function renderDispatch(d, state) {
    const matched = new Set((d.matched || []).map((m) => m.delivery_id));
    const deliveries = state ? state.deliveries : d.matched;
    const about = ['created ' + time(d.created_at), d.kind];
    if (d.campaign_id) about.push('campaign ' + d.campaign_id);
    if (d.canvas_id) about.push('Canvas ' + d.canvas_id);
    if (d.send_id) about.push('send_id ' + d.send_id);
    if (d.external_send_id) about.push('external_send_id ' + d.external_send_id);
    if (state && state.counts) about.push(Object.entries(state.counts).map(([k, n]) => n + ' ' + k).join(', '));
    return el('div', { class: 'panel', 'data-dispatch-result': d.dispatch_id },
      el('h3', {}, 'Dispatch ', el('span', { class: 'mono' }, d.dispatch_id), ' ', state ? badge(state.status) : null),
      el('p', { class: 'hint' }, about.filter(Boolean).join(' · ')),
      el('div', { class: 'scroll' }, table(el('table', { class: 'grid' }),
        ['channel', 'recipient', 'address', 'status', 'attempts', 'last error', 'updated'],
        deliveries.map((x) => el('tr', { 'data-delivery': x.id || x.delivery_id,
          class: matched.has(x.id || x.delivery_id) ? 'matched' : '' },
        el('td', {}, x.channel), el('td', { class: 'mono' }, x.recipient), el('td', { class: 'mono' }, x.address),
        el('td', {}, badge(x.status)), el('td', { class: 'num' }, x.attempts),
        el('td', { class: 'err' }, x.last_error || ''), el('td', { class: 'nowrap' }, time(x.updated_at)))))),
      state && state.next_after ? el('p', { class: 'hint' }, 'The first 1,000 deliveries are shown.') : null);
  }

  // ---- configuration -------------------------------------------------------------------------------------------

  async function loadConfig() {
    const r = await call('GET', '/herald/v1/admin/config');
    $('reload').disabled = !r.json.reloadable;
    $('reload').title = r.json.reloadable ? '' : 'Herald runs on the embedded default: there is no file to reload';
    $('config-body').replaceChildren(...Object.entries(r.json.config).map(([section, value]) =>
      el('section', { class: 'cfg-section', 'data-section': section }, el('h3', {}, section), renderValue(value))));
  }

  // Nested objects as definition lists, arrays of scalars inline: the structure of the YAML file.
  function renderValue(v) {
    if (v === null || v === undefined) return el('span', { class: 'muted' }, '—');
    if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== 'object')) return el('span', {}, v.join(', ') || '—');
      return el('ol', { class: 'cfg' }, v.map((x) => el('li', {}, renderValue(x))));
    }
    if (typeof v === 'object') {
      if (v.secret !== undefined && Object.keys(v).length === 1) return badge(v.secret, v.secret === 'set' ? 'ok' : 'muted');
      return el('dl', { class: 'cfg' }, Object.entries(v).map(([k, x]) => [el('dt', {}, k), el('dd', {}, renderValue(x))]));
    }
    return el('span', {}, String(v));
  }

  async function reload() {
    $('reload').disabled = true;
    try {
      const r = await call('POST', '/herald/v1/admin/reload');
      const applied = r.json.applied || [];
      const restart = r.json.restart_required || [];
      $('reload-result').replaceChildren(el('span', {}, 'applied: ' + (applied.join(', ') || 'nothing changed')),
        restart.length ? el('span', { class: 'warn' }, ' · restart_required: ' + restart.join(', ')) : '');
      await loadConfig();
    } catch (e) {
      if (e.status !== 401 && e.status !== 403) $('reload-result').replaceChildren(el('span', { class: 'error' }, e.message));
    } finally {
      $('reload').disabled = false;
    }
  }

  // ---- export --------------------------------------------------------------------------------------------------

  function prefillExport() {
    const f = $('export-form');
    const today = new Date().toISOString().substring(0, 10);
    if (!f.elements.to.value) f.elements.to.value = today;
    if (!f.elements.from.value) f.elements.from.value = new Date(Date.now() - 6 * 86400000).toISOString().substring(0, 10);
  }

  // The key goes in a header, so a plain link cannot download: fetch, then hand the file to the browser.
  async function exportCsv(ev) {
    ev.preventDefault();
    const what = ev.submitter ? ev.submitter.value : 'usage';
    const f = ev.target;
    const q = new URLSearchParams({ from: f.elements.from.value, to: f.elements.to.value });
    $('export-result').textContent = 'Exporting…';
    try {
      const r = await fetch('/herald/v1/admin/export/' + what + '.csv?' + q, {
        headers: { Authorization: 'Bearer ' + key }, cache: 'no-store', credentials: 'omit' });
      if (!r.ok) {
        let message = 'HTTP ' + r.status;
        try { message = (await r.json()).message; } catch (e) { /* not JSON */ }
        $('export-result').textContent = 'Not exported: ' + message;
        return;
      }
      const blob = await r.blob();
      const a = el('a', { href: URL.createObjectURL(blob), download: 'herald-' + what + '-' + q.get('from') + '-' + q.get('to') + '.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      $('export-result').textContent = 'Exported ' + blob.size.toLocaleString() + ' bytes.';
    } catch (e) {
      $('export-result').textContent = 'Not exported: ' + e.message;
    }
  }

  // ---- start ---------------------------------------------------------------------------------------------------

  function signIn(k) {
    key = k;
    $('login').hidden = true;
    $('nav').hidden = false;
    $('logout').hidden = false;
    show();
    // Whichever view opened first, the bar names the workspace the key belongs to.
    call('GET', '/herald/v1/admin/overview').then((r) => showWorkspace(r.json), () => {});
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const k = $('login-key').value.trim();
      $('login-key').value = '';
      if (!k) return;
      sessionStorage.setItem(KEY_STORE, k);
      if (!VIEWS.includes(location.hash.substring(1))) history.replaceState(null, '', location.pathname + '#overview');
      signIn(k);
    });
    $('logout').addEventListener('click', () => signOut('Signed out.'));
    $('replay-form').addEventListener('submit', replayMatching);
    $('lookup-form').addEventListener('submit', runLookup);
    $('reload').addEventListener('click', reload);
    $('export-form').addEventListener('submit', exportCsv);
    window.addEventListener('hashchange', () => {
      if (location.hash.includes('key=')) { const k = takeKeyFromFragment(); if (k) signIn(k); return; }
      show();
    });
    window.addEventListener('resize', () => { if (chart) chart.resize(); });
    const k = takeKeyFromFragment();
    if (k) signIn(k); else signOut('');
  });
})();
