// dockerera web UI: one ES module, no framework, no build step. Everything it shows comes from /api with the
// browser session (HttpOnly cookie) and, for changes, the X-CSRF-Token header; the token itself is only ever sent
// in the body of POST /api/session. The DOM is built with text nodes only (names, images and log lines are data,
// never markup).

const EVENT_TYPES = [
  'host.added', 'host.removed', 'host.up', 'host.down', 'host.cordoned', 'host.uncordoned', 'host.draining',
  'host.drained', 'container.died', 'app.created', 'app.updated', 'app.removed', 'deploy.queued', 'deploy.started',
  'image.pulled', 'deploy.progress', 'instance.started', 'instance.healthy', 'instance.unhealthy', 'instance.failed',
  'instance.rescheduled', 'instance.draining', 'instance.stopped', 'routes.changed', 'release.active',
  'release.failed', 'deploy.succeeded', 'deploy.failed',
];

const state = { csrf: null, session: null, events: null, onEvent: null, cleanup: [], refreshTimer: null };
const $ = (sel) => document.querySelector(sel);

// ---- DOM -------------------------------------------------------------------------------------------------------

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat()) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

function status(s) {
  return h('span', { class: 'status-' + String(s || '').toLowerCase() }, s || '');
}

function table(id, headers, rows, empty) {
  if (!rows.length) return h('p', { id, class: 'muted' }, empty);
  return h('table', { id },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows));
}

function bytes(b) {
  if (!b) return '';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
  return (b >= 10 || i === 0 ? b.toFixed(0) : b.toFixed(1)) + ' ' + u[i];
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.floor(s / 60) + 'm ago';
  if (s < 86400) return Math.floor(s / 3600) + 'h ago';
  return Math.floor(s / 86400) + 'd ago';
}

function clock(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '' : d.toTimeString().slice(0, 8); // 24-hour HH:MM:SS, local time
}

function showError(message) {
  const e = $('#error');
  if (!message) { e.hidden = true; e.textContent = ''; return; }
  e.textContent = message;
  e.hidden = false;
}

function confirmDialog(text) {
  const d = $('#confirm');
  $('#confirm-text').textContent = text;
  d.returnValue = '';
  d.showModal();
  return new Promise((resolve) => d.addEventListener('close', () => resolve(d.returnValue === 'yes'), { once: true }));
}

// ---- API -------------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) ? (problem.detail || problem.title) : 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { detail: 'the controller cannot be reached (' + e.message + ')' });
  }
  const text = await res.text();
  let json = null;
  if (text) { try { json = JSON.parse(text); } catch (e) { json = { detail: text }; } }
  if (res.status === 401 && path !== '/api/session') {
    loggedOut('Your session ended: log in again.');
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

const enc = encodeURIComponent;

// ---- session ---------------------------------------------------------------------------------------------------

async function boot() {
  window.addEventListener('hashchange', route);
  $('#logout').addEventListener('click', logout);
  try {
    const s = await api('GET', '/api/session');
    loggedIn(s);
  } catch (e) {
    if (e.status === 401) showLogin();
    else showError(e.message);
  }
}

function showLogin(message) {
  $('#nav').hidden = true;
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'current-password',
    placeholder: 'dke_…', 'aria-label': 'API token', required: true });
  const err = h('p', { id: 'login-error', class: 'error', hidden: !message }, message || '');
  const form = h('form', { id: 'login', class: 'login', onsubmit: async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    try {
      const s = await api('POST', '/api/session', { token: input.value.trim() });
      input.value = '';
      loggedIn(s);
    } catch (e) {
      err.textContent = e.status === 401 ? 'That token was refused: check it, or create one with'
        + ' `dockerera tokens:create`.' : e.message;
      err.hidden = false;
    }
  } },
  h('h1', {}, 'Log in'),
  h('p', { class: 'muted' }, 'Paste an API token (admin, deploy or read). It is exchanged for a session cookie'
    + ' and is not stored by this page.'),
  input, err, h('button', { id: 'login-button', class: 'primary', type: 'submit' }, 'Log in'));
  setMain(form);
  input.focus();
}

function loggedIn(session) {
  state.session = session;
  state.csrf = session.csrfToken;
  $('#nav').hidden = false;
  $('#who').textContent = session.tokenName + ' (' + session.scope + ')';
  showError(null);
  openEvents();
  route();
}

function loggedOut(message) {
  state.csrf = null;
  state.session = null;
  if (state.events) { state.events.close(); state.events = null; }
  pageCleanup();
  showLogin(message);
}

async function logout() {
  try { await api('DELETE', '/api/session'); } catch (e) { /* the cookie is gone either way */ }
  loggedOut();
}

// ---- live events -----------------------------------------------------------------------------------------------

function openEvents() {
  if (state.events) return;
  const es = new EventSource('/api/events');
  es.onopen = () => $('#live').classList.add('on');
  es.onerror = () => $('#live').classList.remove('on');
  for (const type of EVENT_TYPES) {
    es.addEventListener(type, (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch (x) { return; }
      if (state.onEvent) state.onEvent(e);
    });
  }
  state.events = es;
}

/** Re-reads the page's data at most every 250 ms while events arrive (no page reloads). */
function scheduleRefresh(fn) {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => { state.refreshTimer = null; fn().catch((e) => showError(e.message)); }, 250);
}

// ---- pages -----------------------------------------------------------------------------------------------------

function setMain(node) {
  const main = $('#main');
  main.replaceChildren(node);
}

function pageCleanup() {
  for (const f of state.cleanup) f();
  state.cleanup = [];
  state.onEvent = null;
  if (state.refreshTimer) { clearTimeout(state.refreshTimer); state.refreshTimer = null; }
}

function route() {
  if (!state.session) return;
  pageCleanup();
  showError(null);
  const m = location.hash.match(/^#\/apps\/([^/]+)$/);
  if (m) appPage(decodeURIComponent(m[1]));
  else dashboard();
}

async function dashboard() {
  const root = h('div', { id: 'dashboard' },
    h('section', {}, h('h2', {}, 'Hosts'), h('div', { id: 'hosts-box' }, h('p', { class: 'muted' }, 'Loading…'))),
    h('section', {}, h('h2', {}, 'Apps'), h('div', { id: 'apps-box' })),
    h('section', {}, h('h2', {}, 'Routers'), h('div', { id: 'routers-box' })));
  setMain(root);
  const load = async () => {
    const [hosts, apps, routers, routes] = await Promise.all([
      api('GET', '/api/hosts'), api('GET', '/api/apps'), api('GET', '/api/routers'), api('GET', '/api/routes')]);
    const instances = await Promise.all(apps.map((a) => api('GET', '/api/apps/' + enc(a.name) + '/instances')
      .catch(() => [])));
    const perHost = {};
    instances.flat().forEach((i) => {
      const l = perHost[i.hostId] || (perHost[i.hostId] = { n: 0, cpu: 0, mem: 0 });
      l.n++;
      if (i.stats) { l.cpu += i.stats.cpuPercent || 0; l.mem += i.stats.memoryBytes || 0; }
    });
    root.querySelector('#hosts-box').replaceChildren(table('hosts',
      ['Host', 'URL', 'Status', 'Instances', 'CPU used', 'Memory used', 'Capacity', 'Labels'],
      hosts.map((x) => {
        const l = perHost[x.id] || { n: 0, cpu: 0, mem: 0 };
        return h('tr', { dataset: { id: x.id } }, h('td', {}, x.id), h('td', {}, x.url),
          h('td', {}, status(x.status), x.schedulable === false ? ' (cordoned)' : '', x.error ? ' ' + x.error : ''),
          h('td', { class: 'num' }, l.n), h('td', { class: 'num' }, l.cpu.toFixed(1) + '%'),
          h('td', { class: 'num' }, bytes(l.mem)),
          h('td', {}, (x.cpus || 0) + ' CPU, ' + bytes(x.memoryBytes)),
          h('td', {}, Object.entries(x.labels || {}).map(([k, v]) => k + '=' + v).join(', ')));
      }), 'No hosts yet: add one with `dockerera hosts:add URL`.'));
    root.querySelector('#apps-box').replaceChildren(table('apps',
      ['App', 'Type', 'Release', 'Image', 'Healthy'],
      apps.map((a, k) => {
        const healthy = instances[k].filter((i) => i.state === 'healthy').length;
        return h('tr', { dataset: { app: a.name } },
          h('td', {}, h('a', { href: '#/apps/' + enc(a.name) }, a.name)), h('td', {}, a.type),
          h('td', { class: 'release' }, a.activeRelease ? 'v' + a.activeRelease : 'not deployed'),
          h('td', {}, a.image || ''),
          h('td', { class: 'health' }, h('span', { class: healthy === a.instances ? 'status-healthy' : 'status-starting' },
            healthy + '/' + a.instances)));
      }), 'No apps yet: create one with `dockerera apps:add NAME`.'));
    root.querySelector('#routers-box').replaceChildren(
      h('p', { class: 'muted', id: 'route-epoch' }, 'Route table epoch ' + routes.epoch + ', ' + routes.routes.length
        + ' host name(s).'),
      table('routers', ['Router', 'Type', 'URL', 'Epoch', 'Lag', 'Status'],
        routers.map((r) => h('tr', { dataset: { id: r.id } }, h('td', {}, r.id), h('td', {}, r.type),
          h('td', {}, r.url), h('td', { class: 'num epoch' }, r.epoch), h('td', { class: 'num' }, r.lagMs + ' ms'),
          h('td', {}, status(r.status)))), 'No router registered.'));
  };
  state.onEvent = () => scheduleRefresh(load);
  await load().catch((e) => showError(e.message));
}

async function appPage(name) {
  const path = '/api/apps/' + enc(name);
  const title = h('h1', { id: 'app-title' }, name);
  const summary = h('p', { id: 'app-summary', class: 'muted' }, 'Loading…');
  const image = h('input', { id: 'deploy-image', type: 'text', size: 40, placeholder: 'registry/name:tag',
    'aria-label': 'image' });
  const instancesIn = h('input', { id: 'deploy-instances', type: 'number', min: 0, placeholder: 'n',
    'aria-label': 'instances' });
  const scaleIn = h('input', { id: 'scale-n', type: 'number', min: 0, 'aria-label': 'instances' });
  const result = h('p', { id: 'action-result', class: 'muted' });
  const act = async (question, method, url, body) => {
    if (!(await confirmDialog(question))) return;
    try {
      const d = await api(method, url, body);
      result.textContent = d && d.id ? 'Deploy ' + d.id + ' (' + d.kind + ') ' + d.status + '; follow it below.'
        : 'Done.';
    } catch (e) {
      result.textContent = '';
      showError(e.message);
    }
  };
  const actions = h('section', { id: 'actions' }, h('h2', {}, 'Actions'),
    h('form', { class: 'inline', id: 'deploy-form', onsubmit: (ev) => {
      ev.preventDefault();
      const body = { image: image.value.trim() };
      if (instancesIn.value !== '') body.instances = Number(instancesIn.value);
      act('Deploy ' + body.image + ' to ' + name + '?', 'POST', path + '/deploys', body);
    } }, image, instancesIn, h('button', { id: 'deploy-button', class: 'primary', type: 'submit' }, 'Deploy')),
    h('form', { class: 'inline', id: 'scale-form', onsubmit: (ev) => {
      ev.preventDefault();
      act('Scale ' + name + ' to ' + scaleIn.value + ' instance(s)?', 'PUT', path + '/scale',
        { instances: Number(scaleIn.value) });
    } }, scaleIn, h('button', { id: 'scale-button', type: 'submit' }, 'Scale'),
    h('button', { id: 'rollback-button', type: 'button', onclick: () =>
      act('Roll ' + name + ' back to the release before the active one?', 'POST', path + '/rollback', {}) },
    'Roll back')),
    result);
  const releasesBox = h('div', { id: 'releases-box' });
  const instancesBox = h('div', { id: 'instances-box' });
  const envBox = h('div', { id: 'env-box' });
  const events = h('ol', { id: 'events', class: 'events' });
  const logs = h('pre', { id: 'logs', class: 'logs' });
  setMain(h('div', { id: 'app-page' }, h('p', {}, h('a', { href: '#/' }, '← Dashboard')), title, summary, actions,
    h('div', { class: 'grid' },
      h('section', {}, h('h2', {}, 'Releases'), releasesBox),
      h('section', {}, h('h2', {}, 'Instances'), instancesBox)),
    h('div', { class: 'grid' },
      h('section', {}, h('h2', {}, 'Events'), events),
      h('section', {}, h('h2', {}, 'Environment'), envBox)),
    h('section', {}, h('h2', {}, 'Logs'), logs)));

  const load = async () => {
    const [app, releases, instances, env] = await Promise.all([api('GET', path), api('GET', path + '/releases'),
      api('GET', path + '/instances'), api('GET', path + '/env')]);
    summary.replaceChildren(app.type + ' app, ' + instances.filter((i) => i.state === 'healthy').length + '/'
      + app.instances + ' healthy, ',
    app.activeRelease ? h('span', { id: 'active-release' }, 'release v' + app.activeRelease + ' (' + app.image + ')')
      : 'not deployed yet');
    if (scaleIn.value === '') scaleIn.value = app.instances;
    releasesBox.replaceChildren(table('releases', ['Release', 'Status', 'Image', 'Cause', 'By', 'When'],
      releases.map((r) => h('tr', { dataset: { version: r.version } }, h('td', {}, 'v' + r.version),
        h('td', { class: 'release-status' }, status(r.status)), h('td', {}, r.image), h('td', {}, r.cause),
        h('td', {}, r.token || ''), h('td', {}, ago(r.time)))), 'No release yet.'));
    instancesBox.replaceChildren(table('instances', ['Instance', 'Release', 'Host', 'Address', 'State', 'CPU', 'Memory'],
      instances.map((i) => h('tr', { dataset: { id: i.id } }, h('td', {}, i.id), h('td', {}, 'v' + i.release),
        h('td', {}, i.hostId), h('td', {}, i.address || ''), h('td', {}, status(i.state)),
        h('td', { class: 'num' }, i.stats ? i.stats.cpuPercent.toFixed(1) + '%' : ''),
        h('td', { class: 'num' }, i.stats ? bytes(i.stats.memoryBytes) : ''))), 'No instances.'));
    envBox.replaceChildren(table('env', ['Variable', 'Value'],
      env.map((v) => h('tr', {}, h('td', {}, v.key), h('td', { class: v.secret ? 'muted' : '' }, v.value))),
      'No variables.'));
  };
  state.onEvent = (e) => {
    if (e.app !== name) return;
    events.prepend(h('li', {}, h('span', { class: 'muted' }, clock(e.time) + ' '), h('strong', {}, e.type), ' ',
      (e.message || '').split('\n')[0]));
    while (events.children.length > 200) events.lastChild.remove();
    scheduleRefresh(load);
  };
  // live logs: every instance merged, following new ones
  const logSource = new EventSource(path + '/logs?follow=true&tail=200');
  logSource.addEventListener('log', (m) => {
    let l;
    try { l = JSON.parse(m.data); } catch (x) { return; }
    const atEnd = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
    logs.append(h('span', { class: l.stream === 'stderr' ? 'stderr' : '' },
      clock(l.time) + ' ' + l.instance + ': ' + l.line + '\n'));
    while (logs.childNodes.length > 2000) logs.firstChild.remove();
    if (atEnd) logs.scrollTop = logs.scrollHeight;
  });
  state.cleanup.push(() => logSource.close());
  try {
    await load();
  } catch (e) {
    showError(e.message);
  }
}

boot();
