// Sluice console: plain script, no framework. Every action is a call to the admin endpoints that bin/ scripts use too.
// The credentials typed in stay in this tab's sessionStorage and go out only as the Authorization header to this
// server; nothing from the server is ever inserted as HTML (textContent only).
'use strict';

const AUTH_KEY = 'sluice.console.auth';
const REFRESH_MS = 1500;
let timer = null;
let previous = {}; // destination -> {rows, at}: rows/s from two polls

function auth() { return sessionStorage.getItem(AUTH_KEY); }

async function api(path, body) {
  const headers = { 'Authorization': auth() || '', 'X-Sluice-Console': '1' };
  const init = { headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    init.method = 'POST';
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text.trim() }; }
  if (r.status === 401 || r.status === 429) {
    logout(data && data.message ? data.message : text.trim());
    throw new Error('not logged in');
  }
  return { status: r.status, ok: r.ok, data: data || {} };
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'onclick') e.addEventListener('click', v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function table(id, headings, rows) {
  const t = el('table', { id });
  t.append(el('thead', {}, el('tr', {}, ...headings.map(h => el('th', {}, h)))));
  const body = el('tbody');
  rows.forEach(r => body.append(r));
  t.append(body);
  return t;
}

function num(v, cls) { return el('td', { class: 'num' + (cls ? ' ' + cls : '') }, v); }
function ms(v) { return v >= 60000 ? (v / 60000).toFixed(1) + ' min' : v >= 1000 ? (v / 1000).toFixed(1) + ' s' : v + ' ms'; }
function duration(s) {
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm ' + (s % 60) + 's';
}
function fill(used, capacity) {
  const pct = capacity > 0 ? Math.min(100, Math.round(used * 100 / capacity)) : 0;
  const bar = el('span', { class: 'bar' }, el('span', { style: null }));
  bar.firstChild.style.width = pct + '%';
  return el('td', { class: 'fill' }, bar, pct + '% (' + used + ')');
}

function notice(text, isError) {
  const n = document.getElementById('notice');
  n.textContent = text || '';
  n.className = 'notice ' + (isError ? 'error' : 'ok');
}

// --- login ---------------------------------------------------------------------------------------------------

function showLogin(message) {
  stopRefresh();
  document.getElementById('app').hidden = true;
  document.getElementById('nav').hidden = true;
  document.getElementById('view').replaceChildren();
  document.getElementById('login').hidden = false;
  document.getElementById('login-error').textContent = message || '';
}

function logout(message) {
  sessionStorage.removeItem(AUTH_KEY);
  showLogin(message);
}

async function login(event) {
  event.preventDefault();
  const user = document.getElementById('login-user').value;
  const password = document.getElementById('login-password').value;
  const token = document.getElementById('login-token').value.trim();
  const header = token ? 'Bearer ' + token
    : 'Basic ' + btoa(String.fromCharCode(...new TextEncoder().encode(user + ':' + password)));
  const r = await fetch('/status', { headers: { 'Authorization': header, 'X-Sluice-Console': '1' }, cache: 'no-store' });
  if (!r.ok) {
    document.getElementById('login-error').textContent = r.status === 401 ? 'Wrong credentials.'
      : (await r.text()).trim() || ('refused: HTTP ' + r.status);
    return;
  }
  sessionStorage.setItem(AUTH_KEY, header);
  document.getElementById('login-password').value = '';
  document.getElementById('login-token').value = '';
  start();
}

function start() {
  document.getElementById('login').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('nav').hidden = false;
  if (!location.hash || location.hash === '#') location.hash = '#/overview';
  else route();
}

// --- routing -------------------------------------------------------------------------------------------------

function stopRefresh() { if (timer) { clearInterval(timer); timer = null; } }

function route() {
  if (!auth()) { showLogin(); return; }
  stopRefresh();
  notice('');
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('current', a.id === 'nav-' + parts[0]));
  const view = document.getElementById('view');
  view.replaceChildren();
  let render;
  if (parts[0] === 'destination' && parts[1]) render = () => destinationPage(parts[1]);
  else if (parts[0] === 'config') { configPage(parts[1]); return; }
  else if (parts[0] === 'ha') render = haPage;
  else render = overviewPage;
  const guarded = () => render().catch(e => { if (e.message !== 'not logged in') notice(e.message, true); });
  guarded();
  timer = setInterval(guarded, REFRESH_MS);
}

// --- overview ------------------------------------------------------------------------------------------------

async function overviewPage() {
  const r = await api('/cluster');
  if (!r.ok) { notice(r.data.message, true); return; }
  const c = r.data;
  const now = Date.now();
  const servers = c.servers.map(s => el('tr', { 'data-server': s.address },
    el('td', {}, s.address === c.self ? s.address + ' (this server)' : consoleLink(s)),
    el('td', {}, s.version), el('td', {}, duration(s.uptimeSeconds || 0)),
    el('td', { class: 'active' }, (s.active || []).join(', ')),
    el('td', { class: 'standby' }, (s.standby || []).join(', '))));
  const destinations = c.destinations.map(d => {
    const last = previous[d.destination];
    let rate = '';
    if (last && now > last.at && d.rowsParsed >= last.rows) rate = ((d.rowsParsed - last.rows) * 1000 / (now - last.at)).toFixed(1);
    if (!last || now - last.at > 900) previous[d.destination] = { rows: d.rowsParsed, at: now };
    return el('tr', { 'data-destination': d.destination },
      el('td', {}, el('a', { href: '#/destination/' + encodeURIComponent(d.destination) }, d.destination)),
      el('td', { class: 'state state-' + d.state }, d.state),
      el('td', { class: 'master' }, d.runningOn || ''),
      el('td', { class: 'position' }, d.position),
      num(ms(d.delayMillis), 'delay'), num(d.rowsParsed, 'rows'), num(rate, 'rate'),
      fill(d.storeEntries, d.storeCapacityEntries), num(d.clients, 'clients'),
      el('td', { class: 'error' }, d.lastError));
  });
  const view = document.getElementById('view');
  view.replaceChildren(el('h1', {}, 'Overview'),
    el('h2', {}, c.clustered ? 'Servers (ZooKeeper cluster)' : 'Server'),
    table('servers', ['Server', 'Version', 'Uptime', 'Active for', 'Standby for'], servers),
    el('h2', {}, 'Destinations'),
    table('destinations', ['Destination', 'State', 'Runs on', 'Position', 'Delay', 'Rows', 'Rows/s', 'Store fill',
      'Clients', 'Last error'], destinations),
    el('p', {}, el('small', {}, 'Refreshed every ' + REFRESH_MS / 1000 + ' s from GET /cluster.')));
}

/** Another server's own console (its admin port on the host of its cluster address); it asks for a login itself. */
function consoleLink(s) {
  const host = s.address.replace(/:[0-9]+$/, '');
  if (!s.adminPort || !/^[0-9a-zA-Z.\-\[\]:]+$/.test(host)) return s.address;
  return el('a', { href: 'http://' + host + ':' + s.adminPort + '/console/', rel: 'noopener noreferrer' }, s.address);
}

// --- destination ---------------------------------------------------------------------------------------------

async function destinationPage(name) {
  const q = encodeURIComponent(name);
  const [d, clients, snapshot] = await Promise.all([api('/destination?name=' + q), api('/clients?destination=' + q),
    api('/snapshot?destination=' + q)]);
  const view = document.getElementById('view');
  if (!d.ok) { view.replaceChildren(el('h1', {}, name), el('p', { class: 'error' }, d.data.message)); return; }
  const s = d.data.stats || {};
  const keepInput = document.getElementById('snapshot-table');
  const typed = keepInput ? keepInput.value : '';
  const focused = document.activeElement && document.activeElement.id === 'snapshot-table';
  const parts = [el('h1', {}, 'Destination ' + name)];
  parts.push(el('p', { id: 'summary' }, el('span', { class: 'state state-' + s.state }, s.state || ''), ' · position ',
    el('span', { id: 'position' }, s.position || ''), ' · delay ', el('span', { id: 'delay' }, ms(s.delayMillis || 0)),
    ' · rows ', el('span', { id: 'rows' }, s.rowsParsed || 0), ' · store ', (s.storeEntries || 0) + ' / ' + (s.storeCapacityEntries || 0)));
  if (!d.data.runningHere) {
    parts.push(el('p', { class: 'notice' }, 'Not running on this server' + (s.activeServer ? ': it runs on ' + s.activeServer
      + '; its clients and snapshots are on that server\'s console.' : '.')));
  }
  parts.push(el('h2', {}, 'Clients'));
  if (clients.ok) {
    parts.push(table('clients', ['Client id', 'Kind', 'Acked position', 'Lag (entries)', 'Lag (s)', 'Last request', ''],
      clients.data.clients.map(c => el('tr', { 'data-client': c.clientId },
        el('td', {}, c.clientId), el('td', {}, c.kind), el('td', {}, c.ackedPosition),
        num(c.lagEntries), num(c.lagSeconds), el('td', {}, c.lastRequest),
        el('td', {}, el('button', { type: 'button', class: 'drop', 'data-client': c.clientId,
          onclick: () => dropClient(name, c.clientId) }, 'Drop'))))));
  } else {
    parts.push(el('p', {}, clients.data.message));
  }
  parts.push(el('h2', {}, 'Snapshots'));
  const input = el('input', { id: 'snapshot-table', placeholder: 'schema.table' });
  input.value = typed;
  parts.push(el('div', { class: 'actions' }, input,
    el('button', { type: 'button', id: 'snapshot-request', onclick: () => requestSnapshot(name) }, 'Re-read table')));
  const snaps = snapshot.ok && Array.isArray(snapshot.data) ? snapshot.data : [];
  parts.push(table('snapshots', ['State', 'Rows emitted', 'Pending tables', 'Rows of current', 'After key', 'Last error'],
    snaps.map(x => el('tr', {}, el('td', { class: 'snapshot-state' }, x.state), num(x.rowsEmitted, 'snapshot-rows'),
      el('td', { class: 'snapshot-pending' }, (x.pending || []).join(', ')), num(x.rowsOfCurrent || 0),
      el('td', {}, (x.after || []).join(', ')), el('td', { class: 'error' }, x.lastError || '')))));
  parts.push(el('h2', {}, 'Filter'));
  parts.push(el('p', { id: 'filter' }, 'include: ', el('code', { class: 'include' }, d.data.filter.include || '(all)'),
    ' exclude: ', el('code', { class: 'exclude' }, d.data.filter.exclude || '(none)')));
  parts.push(el('h2', {}, 'Last errors'));
  parts.push(el('ul', { id: 'errors' }, ...(d.data.lastErrors || []).map(e => el('li', {}, el('small', {}, e.at), ' ',
    el('span', { class: 'error' }, e.error))),
    (d.data.lastErrors || []).length ? null : el('li', {}, 'none')));
  parts.push(el('h2', {}, 'Schema history'));
  parts.push(table('schema', ['Table', 'Since', 'DDL'], d.data.schemaHistory.map(t =>
    el('tr', {}, el('td', {}, t.table), el('td', {}, t.position), el('td', {}, el('code', {}, t.ddl))))));
  parts.push(el('h2', {}, 'Settings'));
  parts.push(table('settings', ['Key', 'Value'], Object.entries(d.data.settings).map(([k, v]) =>
    el('tr', {}, el('td', {}, k), el('td', {}, v)))));
  view.replaceChildren(...parts);
  if (focused) { const i = document.getElementById('snapshot-table'); i.focus(); }
}

async function dropClient(destination, clientId) {
  if (!confirm('Drop client id ' + clientId + ' of ' + destination + '? Its position is forgotten.')) return;
  const r = await api('/clients/drop', { destination, clientId });
  notice(r.data.message, !r.ok);
}

async function requestSnapshot(destination) {
  const table = document.getElementById('snapshot-table').value.trim();
  const r = await api('/snapshot', { destination, table });
  notice(r.data.message, !r.ok);
}

// --- configuration -------------------------------------------------------------------------------------------

async function configPage(name) {
  const view = document.getElementById('view');
  if (!name) {
    const r = await api('/config');
    view.replaceChildren(el('h1', {}, 'Configuration'),
      el('p', {}, r.data.mode === 'zookeeper' ? 'Kept in ZooKeeper: edit, check, save, roll back.'
        : 'Read from files (sluice.config.source = file): read-only here.'),
      table('config-list', ['Destination', 'Version', 'Modified'], (r.data.destinations || []).map(d =>
        el('tr', {}, el('td', {}, el('a', { href: '#/config/' + encodeURIComponent(d.destination) }, d.destination)),
          el('td', {}, d.version === undefined ? '' : d.version), el('td', {}, d.modified || '')))));
    return;
  }
  const q = encodeURIComponent(name);
  const [c, h] = await Promise.all([api('/config?destination=' + q), api('/config/history?destination=' + q)]);
  if (!c.ok) { view.replaceChildren(el('h1', {}, name), el('p', { class: 'error' }, c.data.message)); return; }
  const text = el('textarea', { id: 'config-text', spellcheck: 'false' });
  text.value = c.data.text;
  if (!c.data.editable) text.readOnly = true;
  const message = el('p', { id: 'config-message', role: 'status' });
  const diff = el('pre', { id: 'config-diff' });
  if (c.data.diffToRunning.length === 0) diff.textContent = 'The stored version is the one running.';
  c.data.diffToRunning.forEach(l => diff.append(el('span', { class: l[0] === '+' ? 'add' : 'del' }, l), '\n'));
  const parts = [el('h1', {}, 'Configuration of ' + name),
    el('p', {}, c.data.mode === 'zookeeper' ? 'Version ' + c.data.version + ', modified ' + c.data.modified
      + '. Secret values show as ****; leave them so to keep them.' : 'Read from conf/' + name + '/instance.properties (read-only).'),
    text];
  if (c.data.editable) {
    parts.push(el('div', { class: 'actions' },
      el('button', { type: 'button', id: 'config-check', onclick: () => saveConfig(name, c.data.version, false) }, 'Check'),
      el('button', { type: 'button', id: 'config-save', onclick: () => saveConfig(name, c.data.version, true) }, 'Save')));
  }
  parts.push(message, el('h2', {}, 'Running version vs stored (- running, + stored)'), diff);
  if (h.ok) {
    parts.push(el('h2', {}, 'History'), table('config-history', ['Version', 'Replaced', 'Text', ''],
      h.data.versions.map(v => el('tr', { 'data-version': v.version }, el('td', {}, v.version), el('td', {}, v.replaced),
        el('td', {}, el('details', {}, el('summary', {}, 'show'), el('pre', {}, v.text))),
        el('td', {}, el('button', { type: 'button', class: 'rollback', onclick: () => rollback(name, v.version) },
          'Roll back to this'))))));
  }
  view.replaceChildren(...parts);
}

async function saveConfig(name, version, save) {
  const text = document.getElementById('config-text').value;
  const r = await api(save ? '/config/save' : '/config/check', save ? { destination: name, text, version } : { destination: name, text });
  const m = document.getElementById('config-message');
  m.textContent = r.data.message;
  m.className = r.ok ? 'ok' : 'error';
  if (r.ok && save) setTimeout(() => configPage(name).then(() => {
    const again = document.getElementById('config-message');
    again.textContent = r.data.message; again.className = 'ok';
  }), 300);
}

async function rollback(name, version) {
  if (!confirm('Store version ' + version + ' of ' + name + ' again? The servers restart it with it.')) return;
  const r = await api('/config/rollback', { destination: name, version });
  await configPage(name);
  const m = document.getElementById('config-message');
  m.textContent = r.data.message;
  m.className = r.ok ? 'ok' : 'error';
}

// --- HA ------------------------------------------------------------------------------------------------------

async function haPage() {
  const r = await api('/cluster');
  const c = r.data;
  const view = document.getElementById('view');
  const chosen = {};
  document.querySelectorAll('select.move-to').forEach(s => { chosen[s.dataset.destination] = s.value; });
  const rows = c.destinations.map(d => {
    const others = (d.members || []).filter(m => m !== d.runningOn);
    const select = el('select', { class: 'move-to', 'data-destination': d.destination },
      ...others.map(m => el('option', { value: m }, m)));
    if (chosen[d.destination] && others.includes(chosen[d.destination])) select.value = chosen[d.destination];
    return el('tr', { 'data-destination': d.destination }, el('td', {}, d.destination),
      el('td', { class: 'holder' }, d.runningOn || '(nobody)'), el('td', { class: 'pinned' }, d.pinnedTo || ''),
      el('td', { class: 'members' }, (d.members || []).join(', ')),
      el('td', {}, c.clustered && others.length ? el('span', {}, select, ' ',
        el('button', { type: 'button', class: 'move', 'data-destination': d.destination,
          onclick: () => move(d.destination, select.value) }, 'Move')) : el('small', {}, c.clustered ? 'no other server' : 'no HA')));
  });
  view.replaceChildren(el('h1', {}, 'High availability'),
    el('p', {}, c.clustered ? 'Which server holds each destination; a move is a graceful handover (clients acknowledge '
      + 'what they hold, the target starts from the final cursors, then the clients follow) and pins the destination '
      + 'there, so that spreading destinations over the servers leaves it on that server while it is live.' : 'This server runs without ZooKeeper: no HA.'),
    table('ha', ['Destination', 'Held by', 'Pinned to', 'Servers', 'Move to'], rows));
}

async function move(destination, to) {
  if (!to || !confirm('Move ' + destination + ' to ' + to + '?')) return;
  const r = await api('/cluster/move', { destination, to });
  notice(r.data.message, !r.ok);
}

// --- start ---------------------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('login-form').addEventListener('submit', e => login(e).catch(err =>
    { document.getElementById('login-error').textContent = err.message; }));
  document.getElementById('logout').addEventListener('click', () => logout('Logged out.'));
  window.addEventListener('hashchange', route);
  if (auth()) start(); else showLogin();
});
