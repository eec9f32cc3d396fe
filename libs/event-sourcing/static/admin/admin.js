// The admin page of nest-event-sourcing: a plain ES module, no build step, no framework.
// The admin token lives in this tab's sessionStorage and travels only in the
// Authorization header of calls to the operator routes; never in a URL.
// Every value from the server reaches the page as text (textContent), never as HTML.

const TOKEN_KEY = 'nest-event-sourcing.admin-token';
const POLL_MS = 2000;
/** The app's root: the page is at <root>admin, its script at <root>admin/admin.js. */
const ROOT = new URL('../', import.meta.url);

const $ = (id) => document.getElementById(id);
let pollTimer;
let lastEventsQuery;

class Unauthorized extends Error {}

async function call(method, path, query) {
  const url = new URL(path, ROOT);
  for (const [key, value] of query ?? []) url.searchParams.append(key, value);
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`, Accept: 'application/json' },
    cache: 'no-store',
  });
  if (response.status === 401) throw new Unauthorized('The admin token was refused.');
  if (response.status === 204) return undefined;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${body.code ?? response.status}: ${body.detail ?? response.statusText}`);
  return body;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  row.append(td);
  return td;
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function say(text, isError = false) {
  const message = $('message');
  message.textContent = text;
  message.className = isError ? 'error' : '';
}

/** Runs an action of the page: a refused token signs out, other errors are shown. */
async function act(work) {
  try {
    await work();
  } catch (error) {
    if (error instanceof Unauthorized) signOut(error.message);
    else say(error.message, true);
  }
}

// Sign in and out

async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    await call('GET', 'admin/subscriptions');
  } catch (error) {
    signOut(error instanceof Unauthorized ? 'Wrong token: the server refused it.' : error.message);
    return;
  }
  $('sign-in').hidden = true;
  $('signed-in').hidden = false;
  $('sign-out').hidden = false;
  $('sign-in-error').textContent = '';
  showTab('subscribers');
}

function signOut(reason = '') {
  sessionStorage.removeItem(TOKEN_KEY);
  clearTimeout(pollTimer);
  $('signed-in').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('token').value = '';
  $('sign-in-error').textContent = reason;
}

function showTab(name) {
  for (const tab of document.querySelectorAll('.tab')) tab.hidden = tab.id !== `tab-${name}`;
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.tab === name);
  clearTimeout(pollTimer);
  say('');
  if (name === 'subscribers') void pollSubscribers();
  if (name === 'parked') void act(loadParked);
}

// Subscribers, refreshed every POLL_MS while their tab shows

async function pollSubscribers() {
  await act(loadSubscribers);
  if (!$('tab-subscribers').hidden && !$('signed-in').hidden) pollTimer = setTimeout(pollSubscribers, POLL_MS);
}

async function loadSubscribers() {
  const { subscribers } = await call('GET', 'admin/subscriptions');
  const body = $('subscribers');
  body.replaceChildren();
  for (const s of subscribers) {
    const row = document.createElement('tr');
    row.dataset.name = s.name;
    row.className = s.state;
    cell(row, s.name);
    cell(row, s.kind);
    cell(row, s.state, 'state');
    cell(row, s.position);
    cell(row, s.head);
    cell(row, String(s.lag), 'lag');
    cell(row, String(s.parked), 'parked');
    cell(
      row,
      s.heldBackBy
        ? `transaction ${s.heldBackBy.transactionId} (pid ${s.heldBackBy.pid ?? '?'}, ${s.heldBackBy.applicationName ?? ''}) since ${s.heldBackBy.since ?? '?'}`
        : '',
    );
    const rebuild = cell(row, '');
    if (s.rebuild) {
      const bar = document.createElement('progress');
      bar.max = 100;
      bar.value = s.rebuild.percent;
      rebuild.append(bar, ` ${s.rebuild.done}/${s.rebuild.total}, ${Math.round(s.rebuild.eventsPerSecond)}/s`);
    }
    cell(row, instanceText(s.instance));
    cell(row, s.partitions ? String(s.partitions.length) : '', 'partitions');
    const actions = cell(row, '');
    if (s.kind === 'projection') {
      actions.append(
        button('Rebuild', () =>
          act(async () => {
            await call('POST', `admin/subscriptions/${encodeURIComponent(s.name)}/rebuild`);
            say(`${s.name}: rebuilding.`);
            await loadSubscribers();
          }),
        ),
      );
    }
    if (s.lastError) row.title = s.lastError.message;
    body.append(row);
    for (const p of s.partitions ?? []) body.append(partitionRow(s, p));
  }
  $('refreshed').textContent = `refreshed ${new Date().toLocaleTimeString()}`;
}

function instanceText(instance) {
  if (!instance) return 'none';
  const name = instance.id ?? `pid ${instance.pid ?? '?'}`;
  return instance.local ? `this one (${name})` : name;
}

// One row per partition of a partitioned subscriber, under its own.
function partitionRow(s, p) {
  const row = document.createElement('tr');
  row.dataset.name = s.name;
  row.dataset.partition = String(p.partition);
  row.className = `partition ${p.state}`;
  cell(row, `${s.name} #${p.partition}`);
  cell(row, 'partition');
  cell(row, p.state, 'state');
  cell(row, p.position);
  cell(row, '');
  cell(row, String(p.lag), 'lag');
  cell(row, String(p.parked), 'parked');
  cell(row, '');
  cell(row, p.rebuild ? `${p.rebuild.done}/${p.rebuild.total}` : '');
  cell(row, instanceText(p.instance), 'instance');
  cell(row, `${p.partition + 1} of ${s.partitions.length}`);
  cell(row, '');
  if (p.lastError) row.title = p.lastError.message;
  return row;
}

// Events

function eventsQuery(form) {
  const query = [];
  for (const [key, raw] of new FormData(form)) {
    const value = String(raw).trim();
    if (value === '') continue;
    // Types, streams and stream types take a comma-separated list, sent as repeated parameters.
    if (key === 'type' || key === 'stream' || key === 'streamType') {
      for (const item of value.split(',').map((v) => v.trim())) if (item) query.push([key, item]);
    } else query.push([key, value]);
  }
  return query;
}

function eventRows(body, events, withStream) {
  for (const e of events) {
    const row = document.createElement('tr');
    row.dataset.eventId = e.eventId;
    if (withStream) {
      cell(row, e.position);
      const stream = cell(row, '');
      stream.append(button(e.streamId, () => void showStream(e.streamId)));
      cell(row, String(e.version));
    } else {
      cell(row, String(e.version));
    }
    cell(row, e.type, 'type');
    if (!withStream) cell(row, e.position);
    cell(row, e.createdAt);
    cell(row, JSON.stringify(e.data), 'data');
    body.append(row);
  }
}

async function loadEvents(query, append) {
  const { events } = await call('GET', 'events', query);
  const body = $('events');
  if (!append) body.replaceChildren();
  eventRows(body, events, true);
  const limit = Number(query.find(([k]) => k === 'limit')?.[1] ?? 100);
  const more = $('events-more');
  more.hidden = events.length < limit;
  const last = events.at(-1);
  if (last) {
    // The next page continues past the last event shown, in the order asked for.
    const newest = (query.find(([k]) => k === 'order')?.[1] ?? 'newest-first') === 'newest-first';
    const bound = newest ? 'toPosition' : 'fromPosition';
    const next = BigInt(last.position) + (newest ? -1n : 1n);
    lastEventsQuery = [...query.filter(([k]) => k !== bound), [bound, String(next)]];
    if (newest && next < 1n) more.hidden = true;
  }
  say(`${body.children.length} event(s).`);
}

// A stream

async function showStream(streamId) {
  showTab('stream');
  $('stream-form').elements.streamId.value = streamId;
  await act(async () => {
    const stream = await call('GET', `admin/streams/${encodeURIComponent(streamId)}`);
    const list = $('stream');
    list.replaceChildren();
    const facts = [
      ['Stream', stream.streamId],
      ['Type', stream.streamType],
      ['Version', String(stream.version)],
      ['Deleted', stream.deleted ? 'yes' : 'no'],
      ['Created', stream.createdAt],
      [
        'Snapshot',
        stream.snapshot ? `version ${stream.snapshot.version} (revision ${stream.snapshot.revision})` : 'none',
      ],
    ];
    for (const [term, value] of facts) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
    }
    const { events } = await call('GET', 'events', [
      ['stream', streamId],
      ['order', 'oldest-first'],
      ['limit', '1000'],
    ]);
    const body = $('stream-events');
    body.replaceChildren();
    eventRows(body, events, false);
  });
}

// Parked events

async function loadParked() {
  const { parked } = await call('GET', 'admin/subscriptions/parked');
  const body = $('parked');
  body.replaceChildren();
  for (const p of parked) {
    const row = document.createElement('tr');
    row.dataset.eventId = p.eventId;
    cell(row, p.subscriber);
    cell(row, p.eventId);
    cell(row, `${p.streamId} v${p.version}`);
    cell(row, p.type);
    cell(row, String(p.attempts));
    cell(row, p.error, 'error');
    cell(row, p.parkedAt);
    const path = `admin/subscriptions/${encodeURIComponent(p.subscriber)}/parked/${encodeURIComponent(p.eventId)}`;
    cell(row, '').append(
      button('Retry', () =>
        act(async () => {
          const { outcome } = await call('POST', `${path}/retry`);
          await loadParked();
          say(`Retried ${p.eventId}: ${outcome}.`);
        }),
      ),
      button('Dismiss', () =>
        act(async () => {
          if (!confirm(`Dismiss ${p.eventId} for good? ${p.subscriber} will never handle it.`)) return;
          await call('DELETE', path);
          await loadParked();
          say(`Dismissed ${p.eventId}.`);
        }),
      ),
    );
    body.append(row);
  }
  if (!parked.length) say('No parked events.');
}

// Wiring

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn($('token').value);
});
$('sign-out').addEventListener('click', () => signOut());
for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => showTab(b.dataset.tab));
$('events-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void act(() => loadEvents(eventsQuery(event.target), false));
});
$('events-more').addEventListener('click', () => void act(() => loadEvents(lastEventsQuery, true)));
$('stream-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void showStream(event.target.elements.streamId.value.trim());
});
$('rebuild-all').addEventListener('click', () =>
  act(async () => {
    const { subscribers } = await call('POST', 'admin/subscriptions/rebuild');
    say(`Rebuilding: ${subscribers.map((s) => s.name).join(', ') || 'no projections'}.`);
    await loadSubscribers();
  }),
);

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void signIn(saved);
