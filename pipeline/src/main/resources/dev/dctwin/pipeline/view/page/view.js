// dctwin operator view. Plain JavaScript, no library. Every string from the fleet (ids, contexts,
// reasons) is put on the page with textContent or as an attribute value, never parsed as HTML.
'use strict';
(function () {
  const SEVERITIES = ['WARNING', 'MAJOR', 'CRITICAL'];
  const TIMELINE_ROWS = 300;
  const HOUR_MS = 3600 * 1000;

  // Read by the tests and shown in the footer. Times are ms since the page's navigation started.
  const metrics = {
    renders: 0, racks: 0, snapshotBytes: 0,
    // firstLoadMs, lastLoadMs: snapshot fetched, parsed, rendered and laid out; lastRenderMs: the
    // rendering and layout alone; firstFrameMs: the first frame with the fleet, from navigation.
    firstLoadMs: null, firstRenderMs: null, firstFrameMs: null, lastRenderMs: null, lastLoadMs: null,
  };
  window.dctwinView = metrics;

  const state = {
    instance: null, seq: -1, serverOffsetMs: 0, caughtUp: false, connected: false,
    datacenterIncidents: new Map(),
    timeline: new Map(),
    selected: null, // {kind: 'rack', dc, rack} or {kind: 'incident', id}
    refreshTimer: 0, timelineTimer: 0, detailTimer: 0, inFlight: false, again: false, hellos: 0,
    typesFilled: false, firstLoadStarted: false, fallbackTimer: 0,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function now() { return Date.now() + state.serverOffsetMs; }

  function clock(ms) { return new Date(ms).toISOString().slice(11, 19); }

  function ago(ms) {
    const s = Math.max(0, Math.round((now() - ms) / 1000));
    if (s < 120) return s + ' s ago';
    if (s < 7200) return Math.round(s / 60) + ' min ago';
    return Math.round(s / 3600) + ' h ago';
  }

  function span(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 120) return s + ' s';
    if (s < 7200) return Math.round(s / 60) + ' min';
    return Math.round(s / 3600) + ' h';
  }

  // ---- a server's row of server_status: texts that age with the clock ----

  function reportText(at, staleAfterMs) {
    if (at === null || at === undefined) return 'no report yet';
    return 'last report ' + ago(at) + (now() - at > staleAfterMs ? ', not reporting' : '');
  }

  function baselineText(status) {
    if (status.baselineReady === null || status.baselineReady === undefined) return 'no learned baseline';
    if (status.baselineReady) return 'ready';
    const at = status.baselineExpectedReadyAt;
    if (at === null || at === undefined) return 'learning';
    return at > now() ? 'learning, ready in ~' + span(at - now()) : 'learning, was due ' + ago(at);
  }

  // Re-reads the times kept in data attributes, so that "12 s ago" keeps counting between fetches.
  function ageStatuses() {
    for (const row of document.querySelectorAll('#detail tr[data-status]')) {
      const status = JSON.parse(row.dataset.status);
      const staleAfterMs = Number(row.dataset.staleAfter);
      const stale = status.lastReportAt !== null && now() - status.lastReportAt > staleAfterMs;
      row.classList.toggle('stale', stale);
      row.querySelector('.last-report').textContent = reportText(status.lastReportAt, staleAfterMs);
      row.querySelector('.baseline').textContent = baselineText(status);
    }
  }

  function number(n, digits) {
    return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: 'no-store' });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(url + ' answered ' + response.status);
    return response.json();
  }

  // ---- the fleet ----

  async function refresh() {
    if (state.inFlight) { state.again = true; return; }
    state.inFlight = true;
    try {
      const t0 = performance.now();
      const response = await fetch('api/snapshot', { cache: 'no-store' });
      if (!response.ok) throw new Error('snapshot answered ' + response.status);
      const text = await response.text();
      const snapshot = JSON.parse(text);
      const t1 = performance.now();
      renderFleet(snapshot);
      void document.body.offsetHeight; // lay out now, so that the time includes layout
      const t2 = performance.now();
      metrics.renders++;
      metrics.lastRenderMs = t2 - t1;
      metrics.lastLoadMs = t2 - t0;
      metrics.snapshotBytes = text.length;
      if (metrics.firstRenderMs === null) {
        metrics.firstRenderMs = t2;
        metrics.firstLoadMs = t2 - t0;
        requestAnimationFrame(() => setTimeout(() => {
          metrics.firstFrameMs = performance.now();
          showPerf();
        }, 0));
      }
      showPerf();
      await refreshDetail();
    } catch (error) {
      setConn('down', 'cannot load the fleet: ' + error.message);
    } finally {
      state.inFlight = false;
      if (state.again) { state.again = false; schedule(0); }
    }
  }

  // A changed server_status row: only the open rack's detail shows it.
  function scheduleDetail() {
    if (!state.selected || state.selected.kind !== 'rack' || state.detailTimer) return;
    state.detailTimer = setTimeout(() => {
      state.detailTimer = 0;
      refreshDetail().catch((error) => setConn('down', error.message));
    }, 150);
  }

  function schedule(delay) {
    if (state.refreshTimer) return;
    state.refreshTimer = setTimeout(() => { state.refreshTimer = 0; refresh(); },
      delay === undefined ? 150 : delay);
  }

  function renderFleet(snapshot) {
    state.instance = snapshot.instance;
    state.seq = snapshot.seq;
    state.caughtUp = snapshot.caughtUp;
    state.serverOffsetMs = snapshot.now - Date.now();
    renderStats(snapshot.stats);
    fillTypes(snapshot.types);
    state.datacenterIncidents = new Map();
    const fragment = document.createDocumentFragment();
    let racks = 0;
    if (snapshot.datacenters.length === 0) {
      fragment.append(el('p', 'hint', snapshot.caughtUp
        ? 'No datacenter yet: nothing commissioned and no alert on the topics.'
        : 'Reading the topics from the beginning…'));
    }
    for (const dc of snapshot.datacenters) {
      const section = el('section', 'dc');
      section.dataset.dc = dc.id;
      const head = el('div', 'dc-head');
      head.append(el('h2', null, dc.id));
      const rackIncidents = dc.racks.reduce((n, rack) => n + rack[5], 0);
      head.append(el('span', 'muted', dc.racks.length + ' racks · ' + dc.servers + ' servers · '
        + dc.unhealthy + ' unhealthy · ' + rackIncidents + ' rack incidents · '
        + dc.incidents.length + ' datacenter incidents'));
      section.append(head);
      for (const w of dc.maintenance) section.append(windowLine(w, 'dc-windows'));
      if (dc.incidents.length > 0) {
        const list = el('ul', 'incidents dc-incidents');
        for (const incident of dc.incidents) {
          state.datacenterIncidents.set(incident.id, incident);
          list.append(incidentItem(incident, null));
        }
        section.append(list);
      }
      const grid = el('div', 'grid');
      for (const rack of dc.racks) {
        grid.append(rackCell(dc.id, rack));
        racks++;
      }
      section.append(grid);
      fragment.append(section);
    }
    $('fleet').replaceChildren(fragment);
    metrics.racks = racks;
    if (state.connected) setConn(snapshot.caughtUp ? 'live' : 'wait', snapshot.caughtUp ? 'live' : 'catching up');
  }

  // rack: [id, servers, worst severity, worst rack-level severity, unhealthy, rack incidents, maintenance]
  // One element and one text node per rack: a big fleet is thousands of them.
  function rackCell(dcId, rack) {
    const [id, servers, worst, worstOwn, unhealthy, own, maintenance] = rack;
    const severity = worst >= 0 ? SEVERITIES[worst] : 'none';
    const cell = document.createElement('div');
    let className = 'rack sev-' + severity;
    if (worstOwn >= 0 && worstOwn === worst) className += ' own';
    if (maintenance & 1) className += ' maint';
    const selected = state.selected;
    if (selected && selected.kind === 'rack' && selected.dc === dcId && selected.rack === id) {
      className += ' selected';
    }
    cell.className = className;
    cell.tabIndex = 0;
    cell.setAttribute('role', 'button');
    cell.dataset.dc = dcId;
    cell.dataset.rack = id;
    cell.dataset.severity = severity;
    cell.dataset.unhealthy = unhealthy;
    cell.dataset.rackIncidents = own;
    if (own > 0) cell.dataset.inc = '▲' + own;
    cell.title = id + ': ' + servers + ' servers, ' + unhealthy + ' unhealthy, ' + own
      + ' rack incidents' + (maintenance & 1 ? ', in maintenance' : '')
      + (maintenance & 2 ? ', incidents in maintenance' : '');
    const prefix = dcId + '-';
    cell.textContent = (id.startsWith(prefix) ? id.slice(prefix.length) : id) + '\n'
      + (unhealthy > 0 ? unhealthy + '/' + servers : servers);
    return cell;
  }

  function windowLine(w, className) {
    const line = el('div', className);
    line.append(el('span', 'badge maint-badge', w.active ? 'maintenance' : 'maintenance window'));
    const when = clock(w.start) + '–' + clock(w.end) + ' UTC'
      + (w.active ? '' : w.start > now() ? ' (scheduled)' : ' (ended)');
    const why = [w.reason, w.by ? 'by ' + w.by : null].filter(Boolean).join(', ');
    line.append(document.createTextNode(' ' + w.level.toLowerCase() + ' ' + w.entity
      + ' ' + when + (why ? ' — ' + why : '')));
    return line;
  }

  // explainers: a Map of incident id to incident, to name what explains an incident.
  function incidentItem(incident, explainers) {
    const item = el('li', 'incident sev-' + incident.severity + (incident.inMaintenance ? ' in-maint' : ''));
    item.dataset.incident = incident.id;
    item.tabIndex = 0;
    item.append(el('span', 'badge sev-' + incident.severity, incident.severity));
    item.append(el('span', 'what', incident.type + ' on ' + incident.entity));
    const where = el('span', 'where', 'opened ' + clock(incident.openedAt) + ' UTC, ' + ago(incident.openedAt));
    if (incident.inMaintenance) {
      where.append(' ');
      where.append(el('span', 'badge maint-badge', 'in maintenance'));
    }
    item.append(where);
    if (incident.explainedBy) {
      item.classList.add('explained');
      item.dataset.explainedBy = incident.explainedBy;
      const by = (explainers && explainers.get(incident.explainedBy))
        || state.datacenterIncidents.get(incident.explainedBy);
      item.append(el('span', 'why explained-by', 'explained by '
        + (by ? by.type + ' on ' + by.entity : 'incident ' + incident.explainedBy)));
    } else if (incident.rootCause && incident.level !== 'SERVER') {
      item.append(el('span', 'why', 'root cause: ' + incident.rootCause));
    }
    if (incident.explains > 0) {
      item.append(el('span', 'why', 'explains ' + incident.explains + ' incidents below it'));
    }
    if (incident.context) item.append(el('span', 'why', incident.context));
    return item;
  }

  // ---- detail: a rack or an incident ----

  async function refreshDetail() {
    const selected = state.selected;
    if (!selected) return;
    if (selected.kind === 'rack') await showRack(selected.dc, selected.rack);
    else await showIncident(selected.id);
  }

  function select(selection) {
    state.selected = selection;
    for (const cell of document.querySelectorAll('.rack.selected')) cell.classList.remove('selected');
    if (selection.kind === 'rack') {
      for (const cell of document.querySelectorAll('.rack')) {
        if (cell.dataset.dc === selection.dc && cell.dataset.rack === selection.rack) cell.classList.add('selected');
      }
    }
    refreshDetail().catch((error) => setConn('down', error.message));
  }

  async function showRack(dcId, rackId) {
    const data = await getJson('api/rack?dc=' + encodeURIComponent(dcId) + '&rack=' + encodeURIComponent(rackId));
    const box = document.createDocumentFragment();
    if (!data) {
      box.append(el('p', 'hint', 'Rack ' + rackId + ' is not known (any more).'));
      $('detail').replaceChildren(box);
      return;
    }
    const title = el('h3', null, 'Rack ' + data.rack);
    title.dataset.rack = data.rack;
    box.append(title);
    box.append(el('div', 'muted', 'in datacenter ' + data.datacenter));
    for (const w of data.maintenance) box.append(windowLine(w, 'dc-windows'));
    const explainers = new Map();
    for (const incident of data.incidents) explainers.set(incident.id, incident);
    box.append(el('h4', null, 'Rack incidents (' + data.incidents.length + ')'));
    if (data.incidents.length === 0) box.append(el('p', 'muted', 'none open'));
    const rackList = el('ul', 'incidents rack-incidents');
    for (const incident of data.incidents) {
      const item = incidentItem(Object.assign({}, incident, { explains: incident.explainsIncidents.length }), explainers);
      rackList.append(item);
    }
    box.append(rackList);
    const unhealthy = data.servers.filter((server) => server.incidents.length > 0);
    box.append(el('h4', null, 'Servers (' + data.servers.length + ', ' + unhealthy.length + ' with open incidents)'));
    const grid = el('div', 'servers');
    for (const server of data.servers) {
      const worst = server.incidents.filter((i) => !i.inMaintenance)
        .reduce((w, i) => Math.max(w, SEVERITIES.indexOf(i.severity)), -1);
      const cell = el('div', 'server sev-' + (worst >= 0 ? SEVERITIES[worst] : 'none'));
      if (worst >= 0 && server.incidents.some((i) => !i.explainedBy)) cell.classList.add('own');
      if (server.maintenance && server.maintenance.active) cell.classList.add('maint');
      cell.dataset.server = server.id;
      cell.dataset.severity = worst >= 0 ? SEVERITIES[worst] : 'none';
      cell.title = server.id + (server.incidents.length ? ': ' + server.incidents.map((i) => i.type).join(', ') : '');
      if (server.status) {
        cell.title += ' · ' + reportText(server.status.lastReportAt, data.reportStaleAfterMs)
          + ' · baseline ' + baselineText(server.status);
        const last = server.status.lastReportAt;
        if (last !== null && now() - last > data.reportStaleAfterMs) cell.classList.add('stale');
      }
      const prefix = data.rack + '-';
      cell.textContent = server.id.startsWith(prefix) ? server.id.slice(prefix.length) : server.id;
      grid.append(cell);
    }
    box.append(grid);
    const list = el('ul', 'server-list');
    for (const server of unhealthy) {
      const item = el('li', 'server-entry');
      item.dataset.server = server.id;
      item.append(el('span', 'server-name', server.id));
      if (server.maintenance) {
        item.append(' ');
        item.append(windowLine(server.maintenance, 'server-window'));
      }
      const incidents = el('ul', 'incidents');
      for (const incident of server.incidents) incidents.append(incidentItem(incident, explainers));
      item.append(incidents);
      list.append(item);
    }
    box.append(list);
    if (data.database && data.database.configured) box.append(statusTable(data));
    $('detail').replaceChildren(box);
    ageStatuses();
  }

  // Every server's row of server_status: lifecycle, last report, baseline.
  function statusTable(data) {
    const part = document.createDocumentFragment();
    part.append(el('h4', null, 'Server status (database)'));
    const db = data.database;
    if (!db.reachable) {
      part.append(el('p', 'muted', db.polledAt < 0 ? 'The database has not answered yet.'
        : 'The database does not answer since ' + clock(db.unreachableSince) + ' UTC; as of '
          + clock(db.polledAt) + ' UTC:'));
    }
    const table = el('table', 'server-status');
    const head = el('tr');
    for (const name of ['server', 'lifecycle', 'last report', 'baseline']) head.append(el('th', null, name));
    table.append(head);
    for (const server of data.servers) {
      const row = el('tr');
      row.dataset.server = server.id;
      row.append(el('td', 'server-name', server.id));
      if (!server.status) {
        row.append(el('td', 'lifecycle', 'no row'), el('td', 'last-report', '–'), el('td', 'baseline', '–'));
        table.append(row);
        continue;
      }
      const status = server.status;
      row.dataset.status = JSON.stringify(status);
      row.dataset.staleAfter = String(data.reportStaleAfterMs);
      if (status.lifecycle !== 'COMMISSIONED') row.classList.add('left');
      row.append(el('td', 'lifecycle', status.lifecycle.toLowerCase()),
        el('td', 'last-report'), el('td', 'baseline'));
      table.append(row);
    }
    part.append(table);
    return part;
  }

  async function showIncident(id) {
    const data = await getJson('api/incident?id=' + encodeURIComponent(id));
    const box = document.createDocumentFragment();
    if (!data) {
      box.append(el('p', 'hint', 'Incident ' + id + ' is not known (any more).'));
      $('detail').replaceChildren(box);
      return;
    }
    const incident = data.incident;
    const title = el('h3', null, incident.type + ' on ' + incident.entity);
    title.dataset.incident = incident.id;
    box.append(title);
    const status = el('div');
    status.append(el('span', 'badge sev-' + incident.severity, incident.severity));
    status.append(' ');
    status.append(el('span', 'badge', incident.status === 'OPENED' ? 'open' : 'resolved'));
    if (incident.inMaintenance) {
      status.append(' ');
      status.append(el('span', 'badge maint-badge', 'in maintenance: recorded, not paged'));
    }
    box.append(status);
    const fields = el('dl', 'fields');
    const field = (name, value) => {
      if (value === null || value === undefined || value === '') return;
      fields.append(el('dt', null, name));
      fields.append(el('dd', null, value));
    };
    field('level', incident.level);
    field('entity', incident.entity);
    field('datacenter', incident.datacenter);
    field('rack', incident.level === 'DATACENTER' ? null : incident.rack);
    field('category', incident.category);
    field('opened', clock(incident.openedAt) + ' UTC (' + ago(incident.openedAt) + ')');
    field(incident.status === 'OPENED' ? 'last evidence' : 'resolved', clock(incident.eventTime) + ' UTC');
    field('root cause', incident.rootCause);
    field('context', incident.context);
    field('incident id', incident.id);
    box.append(fields);
    if (incident.evidence.length > 0) {
      box.append(el('h4', null, 'Evidence'));
      const table = el('table', 'evidence');
      const head = el('tr');
      for (const name of ['metric', 'observed', 'expected']) head.append(el('th', null, name));
      table.append(head);
      for (const metric of incident.evidence) {
        const row = el('tr');
        row.append(el('td', null, metric.metric));
        row.append(el('td', null, number(metric.observed, 4)));
        row.append(el('td', null, number(metric.expected, 4)));
        table.append(row);
      }
      box.append(table);
    }
    box.append(el('h4', null, 'Explained by'));
    if (data.explainedBy) {
      const list = el('ul', 'incidents explained-by-list');
      list.append(incidentItem(data.explainedBy, null));
      box.append(list);
    } else if (incident.explainedBy) {
      box.append(el('p', 'muted', 'incident ' + incident.explainedBy + ' (no longer open)'));
    } else {
      box.append(el('p', 'muted', 'nothing: this incident is a page of its own'));
    }
    box.append(el('h4', null, 'Explains (' + data.explains.length + ')'));
    const explains = el('ul', 'incidents explains-list');
    const self = new Map([[incident.id, incident]]);
    for (const child of data.explains) explains.append(incidentItem(child, self));
    box.append(explains);
    if (incident.level !== 'DATACENTER' && incident.rack) {
      const back = el('button', 'link', 'rack ' + incident.rack);
      back.type = 'button';
      back.dataset.dc = incident.datacenter;
      back.dataset.openRack = incident.rack;
      const p = el('p');
      p.append('Open ');
      p.append(back);
      box.append(p);
    }
    $('detail').replaceChildren(box);
  }

  // ---- timeline ----

  async function loadTimeline() {
    const data = await getJson('api/timeline');
    if (!data) return;
    state.timeline = new Map();
    for (const alert of data.alerts) state.timeline.set(alert.alertId, alert);
    renderTimeline();
  }

  function scheduleTimeline() {
    if (state.timelineTimer) return;
    state.timelineTimer = setTimeout(() => { state.timelineTimer = 0; renderTimeline(); }, 100);
  }

  function fillTypes(types) {
    if (state.typesFilled) return;
    state.typesFilled = true;
    const select = $('f-type');
    for (const type of types) select.append(el('option', null, type));
  }

  function renderTimeline() {
    const level = $('f-level').value;
    const type = $('f-type').value;
    const maintenance = $('f-maint').checked;
    const cutoff = now() - HOUR_MS;
    const rows = [];
    for (const [id, alert] of state.timeline) {
      if (alert.eventTime < cutoff) { state.timeline.delete(id); continue; }
      if (level && alert.level !== level) continue;
      if (type && alert.type !== type) continue;
      if (!maintenance && alert.inMaintenance) continue;
      rows.push(alert);
    }
    rows.sort((a, b) => b.eventTime - a.eventTime || a.alertId.localeCompare(b.alertId));
    const byIncident = new Map();
    for (const alert of state.timeline.values()) byIncident.set(alert.id, alert);
    const fragment = document.createDocumentFragment();
    for (const alert of rows.slice(0, TIMELINE_ROWS)) {
      const item = el('li', alert.inMaintenance ? 'in-maint' : null);
      item.dataset.incident = alert.id;
      item.dataset.status = alert.status;
      item.append(el('span', null, clock(alert.eventTime)));
      item.append(el('span', alert.status, alert.status));
      item.append(el('span', null, alert.level));
      item.append(el('span', null, alert.entity));
      item.append(el('span', null, alert.type + ' ' + alert.severity.toLowerCase()));
      const by = alert.explainedBy && byIncident.get(alert.explainedBy);
      item.append(el('span', 'muted', alert.inMaintenance ? 'in maintenance'
        : by ? 'explained by ' + by.type + ' on ' + by.entity
          : alert.explainedBy ? 'explained by incident ' + alert.explainedBy
            : alert.context || ''));
      fragment.append(item);
    }
    $('timeline').replaceChildren(fragment);
    $('timeline-count').textContent = 'showing ' + Math.min(rows.length, TIMELINE_ROWS) + ' of ' + rows.length;
  }

  // ---- header ----

  function renderStats(stats) {
    if (!stats) return;
    const stale = stats.inputSampledAt && stats.now - stats.inputSampledAt > 10000;
    $('stat-rate').textContent = stale ? 'no answer from Kafka since ' + clock(stats.inputSampledAt)
      : stats.inputRate === undefined ? 'measuring…' : number(stats.inputRate, 1) + ' msg/s';
    $('stat-backlog').textContent = stats.backlog < 0 ? 'unknown (no committed offsets)'
      : number(stats.backlog) + ' messages';
    $('stat-newest').textContent = stats.newestAlertEventTime < 0 ? 'none yet'
      : 'event time ' + clock(stats.newestAlertEventTime) + ' UTC, ' + ago(stats.newestAlertEventTime);
    $('stat-open').textContent = number(stats.openIncidents);
    const reasons = Object.entries(stats.deadLetters.byReason)
      .map(([reason, count]) => reason + ' ' + number(count)).join(', ');
    $('stat-dead').textContent = number(stats.deadLetters.total) + (reasons ? ' (' + reasons + ')' : '');
    const db = stats.database;
    $('stat-db-box').hidden = !(db && db.configured);
    if (db && db.configured) {
      const down = !db.reachable;
      $('stat-db').classList.toggle('db-down', down);
      $('stat-db').textContent = !down ? number(db.servers) + ' servers'
        : db.unreachableSince < 0 ? 'connecting…'
          : 'unreachable since ' + clock(db.unreachableSince) + ' UTC'
            + (db.polledAt < 0 ? '' : ', showing the state of ' + clock(db.polledAt) + ' UTC');
    }
  }

  function setConn(kind, text) {
    const conn = $('conn');
    conn.className = 'conn conn-' + kind;
    conn.textContent = text;
  }

  function showPerf() {
    const parts = [number(metrics.racks) + ' racks rendered in ' + number(metrics.lastRenderMs, 1) + ' ms',
      'snapshot loaded and rendered in ' + number(metrics.lastLoadMs, 1) + ' ms'];
    if (metrics.firstFrameMs !== null) parts.push('first frame ' + number(metrics.firstFrameMs, 0) + ' ms after navigation');
    $('perf').textContent = parts.join(' · ');
  }

  // ---- live ----

  async function firstLoad() {
    if (state.firstLoadStarted) return;
    state.firstLoadStarted = true;
    await refresh();
    loadTimeline().catch((error) => setConn('down', error.message));
  }

  function reloadAll() {
    loadTimeline().catch((error) => setConn('down', error.message));
    schedule(0);
  }

  function connect() {
    const source = new EventSource('api/events');
    source.addEventListener('hello', (event) => {
      const hello = JSON.parse(event.data);
      state.connected = true;
      state.hellos++;
      setConn(state.caughtUp ? 'live' : 'wait', state.caughtUp ? 'live' : 'catching up');
      // A reconnect may have missed events (and a restarted service is another instance): load
      // everything again.
      // The first snapshot is asked for once the stream is open, so that no event falls between.
      if (state.hellos === 1) {
        clearTimeout(state.fallbackTimer);
        firstLoad();
      } else {
        reloadAll();
      }
    });
    source.addEventListener('alert', (event) => {
      const alert = JSON.parse(event.data);
      state.timeline.set(alert.alertId, alert);
      scheduleTimeline();
      schedule();
    });
    source.addEventListener('changed', () => schedule());
    source.addEventListener('reset', () => reloadAll());
    source.addEventListener('status', () => scheduleDetail());
    source.addEventListener('stats', (event) => renderStats(JSON.parse(event.data)));
    source.onerror = () => {
      state.connected = false;
      setConn('down', 'reconnecting');
      if (source.readyState === EventSource.CLOSED) { // an HTTP error: EventSource gives up
        setTimeout(connect, 2000);
      }
    };
  }

  function onClick(event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const openRack = target.closest('[data-open-rack]');
    if (openRack) { select({ kind: 'rack', dc: openRack.dataset.dc, rack: openRack.dataset.openRack }); return; }
    const incident = target.closest('[data-incident]');
    if (incident && !incident.matches('h3')) { select({ kind: 'incident', id: incident.dataset.incident }); return; }
    const rack = target.closest('.rack');
    if (rack) select({ kind: 'rack', dc: rack.dataset.dc, rack: rack.dataset.rack });
  }

  function onKey(event) {
    if (event.key === 'Enter' && event.target instanceof Element && event.target.matches('.incident, .rack')) onClick(event);
  }

  document.addEventListener('click', onClick);
  document.addEventListener('keydown', onKey);
  for (const id of ['f-level', 'f-type', 'f-maint']) $(id).addEventListener('change', renderTimeline);
  setInterval(() => { if (state.timeline.size > 0) renderTimeline(); }, 30000);
  setInterval(ageStatuses, 1000);
  connect();
  // Should the stream not open (too many pages), the page still loads, and retries the stream.
  state.fallbackTimer = setTimeout(firstLoad, 2000);
})();
