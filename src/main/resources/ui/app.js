// voiceagent dashboard: plain JavaScript, no build step, talks only to this service's API.
// Live updates come from GET /api/events (Server-Sent Events) read with fetch, so that the API
// token travels in the Authorization header like every other request, never in a URL.
'use strict';

const TOKEN_KEY = 'voiceagent.api_token';
const FINAL = new Set(['completed', 'failed', 'busy', 'no_answer', 'canceled']);
const RECONNECT_MS = 2000;
const HEALTH_EVERY_MS = 5000;
const PAGE_SIZE = 50;
// G.711 at 8 kHz: 8000 bytes of audio per second each way at full flow.
const LINE_BYTES_PER_S = 8000;

const state = {
  calls: new Map(),        // id -> call record (summary fields, transcript, latest media rates)
  lastEventId: null,
  nextCursor: null,
  streamAbort: null,
  openDetails: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

// ---- the API ----------------------------------------------------------------------------------

class Unauthorized extends Error {}

function authHeaders(extra) {
  const headers = Object.assign({Accept: 'application/json'}, extra || {});
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  return headers;
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = authHeaders(opts.body ? {'Content-Type': 'application/json'} : {});
  const response = await fetch(path, opts);
  if (response.status === 401) throw new Unauthorized('the API token is missing or wrong');
  let body = {};
  const text = await response.text();
  if (text) {
    try { body = JSON.parse(text); } catch (e) { body = {message: text}; }
  }
  if (!response.ok) {
    const error = new Error(body.message || ('HTTP ' + response.status));
    error.status = response.status;
    error.retryAfter = response.headers.get('Retry-After');
    throw error;
  }
  return body;
}

// ---- login ------------------------------------------------------------------------------------

function showLogin(message) {
  stopStream();
  $('app').hidden = true;
  $('login').hidden = false;
  $('logout').hidden = true;
  $('login-error').textContent = message || '';
  $('token').focus();
}

async function boot() {
  $('login').hidden = true;
  try {
    await loadCalls(false);
  } catch (e) {
    if (e instanceof Unauthorized) {
      showLogin(sessionStorage.getItem(TOKEN_KEY) ? 'That token was refused.' : '');
      return;
    }
    throw e;
  }
  $('app').hidden = false;
  $('logout').hidden = !sessionStorage.getItem(TOKEN_KEY);
  startStream();
}

// ---- calls: the list, the live cards, the details -----------------------------------------------

function mergeCall(summary) {
  const known = state.calls.get(summary.id) || {transcript: []};
  const merged = Object.assign({}, known, summary);
  if (Array.isArray(summary.transcript)) merged.transcript = summary.transcript.slice();
  else merged.transcript = known.transcript || [];
  state.calls.set(summary.id, merged);
  return merged;
}

async function loadCalls(append) {
  const params = new URLSearchParams({limit: String(PAGE_SIZE)});
  const status = $('filter-status').value;
  if (status) params.set('status', status);
  if (append && state.nextCursor) params.set('cursor', state.nextCursor);
  const page = await api('/api/calls?' + params);
  if (!append) {
    for (const [id, call] of state.calls) {
      if (FINAL.has(call.status)) state.calls.delete(id);
    }
  }
  for (const call of page.calls) mergeCall(call);
  state.nextCursor = page.next_cursor || null;
  render();
}

function render() {
  renderLive();
  renderRecent();
  if (state.openDetails) renderDetails(state.openDetails);
}

function byNewest(a, b) {
  return a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0;
}

function renderLive() {
  const live = [...state.calls.values()].filter((c) => !FINAL.has(c.status)).sort(byNewest);
  $('live-count').textContent = String(live.length);
  $('no-live').hidden = live.length > 0;
  const container = $('live-calls');
  const keep = new Set(live.map((c) => c.id));
  for (const card of [...container.children]) {
    if (!keep.has(card.dataset.callId)) card.remove();
  }
  for (const call of live) {
    let card = container.querySelector(`[data-call-id="${CSS.escape(call.id)}"]`);
    if (!card) {
      card = liveCard(call);
      container.prepend(card);
    }
    updateLiveCard(card, call);
  }
}

function liveCard(call) {
  const dtmfInput = el('input', {class: 'dtmf-digits', placeholder: '0-9 * # A-D', maxlength: '64',
    autocomplete: 'off', 'aria-label': 'DTMF digits'});
  const card = el('article', {class: 'live-call', dataset: {callId: call.id}},
    el('header', {},
      el('strong', {class: 'number'}, '+' + call.phone_number),
      el('span', {class: 'status'}),
      el('span', {class: 'duration'})),
    el('div', {class: 'meters'},
      meter('Phone → RTP in', 'in'), meter('RTP out → phone', 'out'), meter('Agent speaking', 'agent')),
    el('ol', {class: 'transcript'}),
    el('form', {class: 'actions', onsubmit: (e) => { e.preventDefault(); sendDtmf(call.id, dtmfInput); }},
      dtmfInput,
      el('button', {type: 'submit', class: 'dtmf'}, 'Send DTMF'),
      el('button', {type: 'button', class: 'hangup', onclick: () => hangup(call.id)}, 'Hang up'),
      el('button', {type: 'button', class: 'details-link', onclick: () => openDetails(call.id)}, 'Details')),
    el('p', {class: 'card-message', role: 'status'}));
  return card;
}

function meter(label, kind) {
  return el('label', {class: 'meter'}, label,
    el('meter', {class: 'meter-' + kind, min: '0', max: '1', value: '0',
      title: 'share of full flow over the last second'}));
}

function updateLiveCard(card, call) {
  const status = card.querySelector('.status');
  status.textContent = call.status;
  status.className = 'status status-' + call.status;
  card.querySelector('.duration').textContent = liveDuration(call);
  const list = card.querySelector('.transcript');
  const lines = call.transcript || [];
  while (list.children.length > lines.length) list.lastChild.remove();
  lines.forEach((line, i) => {
    if (!line) return;
    let item = list.children[i];
    if (!item) {
      item = el('li', {});
      list.append(item);
    }
    item.className = 'line role-' + line.role;
    item.textContent = line.role + ': ' + line.text;
  });
  const levels = call.levels || {in: 0, out: 0, agent: 0};
  card.querySelector('.meter-in').value = levels.in;
  card.querySelector('.meter-out').value = levels.out;
  card.querySelector('.meter-agent').value = levels.agent;
  card.querySelector('.dtmf').disabled = call.status !== 'answered';
}

function liveDuration(call) {
  const since = call.answered_at || call.created_at;
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  return (call.answered_at ? 'talking ' : 'for ') + formatSeconds(seconds);
}

function formatSeconds(total) {
  const s = Math.round(total);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

function renderRecent() {
  const status = $('filter-status').value;
  const number = $('filter-number').value.replace(/\D/g, '');
  const rows = [...state.calls.values()]
    .filter((c) => !status || c.status === status)
    .filter((c) => !number || String(c.phone_number).includes(number))
    .sort(byNewest);
  const body = $('recent-calls');
  body.replaceChildren(...rows.map((c) => el('tr', {class: 'recent-call', dataset: {callId: c.id},
    tabindex: '0', onclick: () => openDetails(c.id), onkeydown: (e) => { if (e.key === 'Enter') openDetails(c.id); }},
  el('td', {}, new Date(c.created_at).toLocaleString()),
  el('td', {}, '+' + c.phone_number),
  el('td', {}, el('span', {class: 'status status-' + c.status}, c.status)),
  el('td', {}, FINAL.has(c.status) ? formatSeconds(c.duration_s || 0) : liveDuration(c)),
  el('td', {}, outcome(c)))));
  const empty = $('no-recent');
  empty.hidden = rows.length > 0;
  empty.textContent = status || number
    ? 'No calls match these filters.' : 'No calls yet: start one with the form.';
  $('more').hidden = !state.nextCursor;
}

function outcome(call) {
  if (!FINAL.has(call.status)) return '';
  const parts = [];
  if (call.hangup_cause) parts.push(call.hangup_cause);
  if (call.hangup_by) parts.push('by ' + call.hangup_by);
  if (call.sip_code) parts.push('SIP ' + call.sip_code + (call.sip_reason ? ' ' + call.sip_reason : ''));
  return parts.join(', ');
}

async function openDetails(id) {
  state.openDetails = id;
  try {
    mergeCall(await api('/api/calls/' + encodeURIComponent(id)));
  } catch (e) {
    if (e instanceof Unauthorized) return showLogin('That token was refused.');
    $('details-body').replaceChildren(el('p', {class: 'error'}, e.message));
  }
  $('details').hidden = false;
  renderDetails(id);
  $('details').scrollIntoView({block: 'nearest'});
  askAgainWhileRecordingCloses(id);
}

// A call's recording is closed by its writer a moment after the hang-up; until then the record says
// "recording" and has no URL, and nothing else would bring the player: the open details ask again.
function askAgainWhileRecordingCloses(id) {
  const call = state.calls.get(id);
  if (!call || !FINAL.has(call.status) || !call.recording || call.recording.state !== 'recording') return;
  setTimeout(async () => {
    if (state.openDetails !== id) return;
    try {
      mergeCall(await api('/api/calls/' + encodeURIComponent(id)));
    } catch (e) {
      return; // the next opening asks again
    }
    if (state.openDetails !== id) return;
    renderDetails(id);
    askAgainWhileRecordingCloses(id);
  }, 1000);
}

function renderDetails(id) {
  const call = state.calls.get(id);
  if (!call) return;
  $('details-id').textContent = id;
  const start = Date.parse(call.created_at);
  const offset = (t) => t ? '+' + ((Date.parse(t) - start) / 1000).toFixed(1) + ' s' : '';
  const timeline = el('ol', {class: 'timeline'},
    ...[['dialing', call.created_at], ['ringing', call.ringing_at], ['answered', call.answered_at],
      [FINAL.has(call.status) ? call.status : 'ended', call.ended_at]]
      .filter(([, t]) => t)
      .map(([stage, t]) => el('li', {}, el('strong', {}, stage), ' ', new Date(t).toLocaleTimeString(), ' ',
        el('span', {class: 'offset'}, offset(t)))));
  const transcript = el('ol', {class: 'transcript'},
    ...(call.transcript || []).filter(Boolean).map((l) => el('li', {class: 'line role-' + l.role},
      el('span', {class: 'offset'}, offset(l.at)), ' ', l.role + ': ' + l.text)));
  const facts = el('dl', {class: 'facts'});
  const fact = (name, value) => {
    if (value === null || value === undefined || value === '') return;
    facts.append(el('dt', {}, name), el('dd', {}, typeof value === 'object' ? JSON.stringify(value) : String(value)));
  };
  fact('number', '+' + call.phone_number);
  fact('status', call.status);
  fact('mode', call.mode);
  fact('duration', call.duration_s !== undefined ? formatSeconds(call.duration_s) : '');
  fact('outcome', outcome(call));
  fact('DTMF received', call.dtmf);
  fact('SIP Call-ID', call.sip_call_id);
  fact('Exolve call id', call.exolve_call_id);
  fact('conversation', call.conversation_id);
  if (call.request) {
    fact('first message', call.request.first_message);
    fact('prompt', call.request.prompt);
    if (call.request.dynamic_variables && Object.keys(call.request.dynamic_variables).length) {
      fact('dynamic variables', call.request.dynamic_variables);
    }
  }
  const media = el('dl', {class: 'facts'});
  const figures = FINAL.has(call.status) || !call.lastSample ? (call.media || {}) : call.lastSample.sample;
  for (const [k, v] of Object.entries(figures)) {
    if (k !== 'call_id') media.append(el('dt', {}, k), el('dd', {}, String(v)));
  }
  const events = el('ol', {class: 'events'},
    ...(call.events || []).map((e) => el('li', {}, JSON.stringify(e))));
  const recording = call.recording && call.recording.url ? recordingPlayer(call.recording) : null;
  $('details-body').replaceChildren(
    el('h3', {}, 'Timeline'), timeline,
    el('h3', {}, 'Call'), facts,
    el('h3', {}, 'Transcript'), transcript.children.length ? transcript : el('p', {class: 'empty'}, 'No transcript.'),
    el('h3', {}, 'Media and agent audio'), media.children.length ? media
      : el('p', {class: 'empty'}, 'No figures yet.'),
    ...(recording ? [el('h3', {}, 'Recording'), recording] : []),
    ...(call.events && call.events.length ? [el('h3', {}, 'Provider events'), events] : []));
}

// The recording route needs the token in a header, which an <audio src> cannot send: the file is
// fetched with it and played from a blob URL (the page's CSP allows media from blob: only).
function recordingPlayer(recording) {
  const status = el('span', {class: 'offset'}, recording.state +
    (recording.duration_s !== undefined && recording.duration_s !== null ? ', ' + formatSeconds(recording.duration_s) : '') +
    (recording.dropped_ms ? ', ' + recording.dropped_ms + ' ms dropped' : '') +
    (recording.interrupted ? ', cut short: the service stopped during the call' : ''));
  const box = el('p', {class: 'recording'});
  const load = el('button', {type: 'button', onclick: async () => {
    load.disabled = true;
    try {
      const response = await fetch(recording.url, {headers: authHeaders({Accept: 'audio/wav'})});
      if (response.status === 401) return showLogin('That token was refused.');
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const audio = el('audio', {controls: '', src: URL.createObjectURL(await response.blob())});
      box.replaceChildren(audio, ' ', status);
    } catch (e) {
      load.disabled = false;
      box.append(' ', el('span', {class: 'error'}, 'could not load the recording: ' + e.message));
    }
  }}, 'Play recording');
  box.append(load, ' ', status);
  return box;
}

// ---- actions ----------------------------------------------------------------------------------

async function hangup(id) {
  await act(id, () => api('/api/calls/hangup', {method: 'POST', body: JSON.stringify({call_id: id})}));
}

async function sendDtmf(id, input) {
  const digits = input.value.trim();
  if (!digits) return;
  const done = await act(id, () => api('/api/calls/' + encodeURIComponent(id) + '/dtmf',
    {method: 'POST', body: JSON.stringify({digits})}));
  if (done) input.value = '';
}

async function act(id, request) {
  const card = document.querySelector(`.live-call[data-call-id="${CSS.escape(id)}"]`);
  const message = card && card.querySelector('.card-message');
  try {
    mergeCall(await request());
    if (message) message.textContent = '';
    render();
    return true;
  } catch (e) {
    if (e instanceof Unauthorized) { showLogin('That token was refused.'); return false; }
    if (message) message.textContent = e.message;
    return false;
  }
}

function parseVariables(text) {
  const out = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error('dynamic variables: "' + line + '" is not name=value');
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

async function startCall(event) {
  event.preventDefault();
  const result = $('start-result');
  result.className = '';
  const body = {phone_number: $('phone').value.trim()};
  const first = $('first-message').value.trim();
  const prompt = $('prompt').value.trim();
  try {
    const variables = parseVariables($('dynamic-variables').value);
    if (first) body.first_message = first;
    if (prompt) body.prompt = prompt;
    if (Object.keys(variables).length) body.dynamic_variables = variables;
    $('start-button').disabled = true;
    const call = mergeCall(await api('/api/calls/start', {method: 'POST', body: JSON.stringify(body)}));
    result.textContent = 'Calling +' + call.phone_number + ' (' + call.id + ')';
    render();
  } catch (e) {
    if (e instanceof Unauthorized) return showLogin('That token was refused.');
    result.className = 'error';
    result.textContent = e.message + (e.retryAfter ? ' (retry in ' + e.retryAfter + ' s)' : '');
  } finally {
    $('start-button').disabled = false;
  }
}

// ---- the event stream ---------------------------------------------------------------------------

function setIndicator(id, text, level) {
  const item = $(id);
  item.textContent = text;
  item.className = level;
}

function stopStream() {
  if (state.streamAbort) state.streamAbort.abort();
  state.streamAbort = null;
}

async function startStream() {
  stopStream();
  const abort = new AbortController();
  state.streamAbort = abort;
  while (!abort.signal.aborted) {
    try {
      const headers = authHeaders({Accept: 'text/event-stream'});
      if (state.lastEventId !== null) headers['Last-Event-ID'] = state.lastEventId;
      const response = await fetch('/api/events', {headers, signal: abort.signal, cache: 'no-store'});
      if (response.status === 401) { showLogin('That token was refused.'); return; }
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      setIndicator('status-stream', 'live: connected', 'ok');
      // A fresh stream starts with the next event: read the calls now, so nothing falls in between.
      if (state.lastEventId === null) loadCalls(false).catch(() => {});
      await readEvents(response.body.getReader(), abort.signal);
    } catch (e) {
      if (abort.signal.aborted) return;
    }
    setIndicator('status-stream', 'live: reconnecting', 'warn');
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

async function readEvents(reader, signal) {
  const decoder = new TextDecoder();
  let buffer = '';
  while (!signal.aborted) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, {stream: true}).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      dispatch(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
}

function dispatch(block) {
  let type = 'message';
  let id = null;
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (id !== null) state.lastEventId = id;
  if (!data.length) return;
  const payload = JSON.parse(data.join('\n'));
  if (type === 'call') mergeCall(payload);
  else if (type === 'transcript') onTranscript(payload);
  else if (type === 'media') onMedia(payload);
  else if (type === 'reset') { loadCalls(false).catch(() => {}); return; }
  render();
}

function onTranscript(line) {
  const call = state.calls.get(line.call_id);
  if (!call) return;
  call.transcript = (call.transcript || []).slice();
  call.transcript[line.index] = {role: line.role, text: line.text, at: line.at};
}

function onMedia(sample) {
  const call = state.calls.get(sample.call_id);
  if (!call) return;
  const now = performance.now();
  const previous = call.lastSample;
  if (previous) {
    const seconds = (now - previous.time) / 1000;
    const rate = (key) => (sample[key] - previous.sample[key]) / seconds;
    const clamp = (v) => Math.max(0, Math.min(1, v || 0));
    call.levels = {
      in: clamp(rate('bytes_in') / LINE_BYTES_PER_S),
      out: clamp(rate('bytes_out') / LINE_BYTES_PER_S),
      agent: clamp(rate('agent_audio_ms_received') / 1000),
    };
  }
  call.lastSample = {time: now, sample};
}

// ---- the status bar ---------------------------------------------------------------------------

function describe(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return value.status || value.state || (value.ok === false ? 'failing' : 'ok');
  return String(value);
}

const GOOD = new Set(['ok', 'registered', 'not_used', 'reachable', 'connected', 'true', 'writable']);

async function refreshHealth() {
  try {
    const response = await fetch('/health', {headers: {Accept: 'application/json'}, cache: 'no-store'});
    const health = await response.json();
    setIndicator('status-service', 'service: ' + (health.status || response.status),
      response.ok ? 'ok' : 'bad');
    for (const [id, key, label] of [['status-sip', 'sip_registration', 'SIP'], ['status-agent', 'agent', 'agent'],
      ['status-journal', 'journal', 'journal']]) {
      const value = describe(health[key]);
      setIndicator(id, label + ': ' + (value === null ? 'not reported' : value),
        value === null || value === 'unknown' ? 'unknown' : GOOD.has(value) ? 'ok' : 'bad');
    }
  } catch (e) {
    setIndicator('status-service', 'service: unreachable', 'bad');
  }
}

// ---- start ------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    boot().catch(showError);
  });
  $('logout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin('');
  });
  $('start-form').addEventListener('submit', startCall);
  $('filter-status').addEventListener('change', () => loadCalls(false).catch(showError));
  $('filter-number').addEventListener('input', renderRecent);
  $('more').addEventListener('click', () => loadCalls(true).catch(showError));
  $('details-close').addEventListener('click', () => {
    state.openDetails = null;
    $('details').hidden = true;
  });
  setInterval(() => { renderLive(); }, 1000);
  setInterval(refreshHealth, HEALTH_EVERY_MS);
  refreshHealth();
  boot().catch(showError);
});

function showError(e) {
  if (e instanceof Unauthorized) return showLogin('That token was refused.');
  $('start-result').className = 'error';
  $('start-result').textContent = e.message;
}
