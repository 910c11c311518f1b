// conformance.html's script, inlined by reporters/html.ts. Plain browser JavaScript, no libraries: the page
// must open from a file with no network. Everything from the report is inserted as text (textContent),
// never as markup: vendors' answers are untrusted.
(() => {
  'use strict';
  const report = JSON.parse(document.getElementById('report-data').textContent);
  document.documentElement.classList.add('js');

  const NOTABLE = new Set(['fail', 'error', 'undocumented', 'known', 'fixed', 'skip']);
  const PAGE = 200;
  const state = { vendor: 'all', outcome: 'all', area: 'all', text: '', cell: null, shown: PAGE };
  const areaOf = (ruleId) => ruleId.split('.')[0];
  const specOf = (vendor) => report.specs.find((s) => s.vendor === vendor);

  /** Builds an element; children are nodes or strings (inserted as text). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  const json = (value) => {
    try {
      return JSON.stringify(value, null, 2);
    } catch {
      return String(value);
    }
  };
  /** A body as sent or received: indented when it is JSON. */
  const bodyText = (body) => {
    if (!body) return '(empty)';
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      return body;
    }
  };
  const observed = (entry) => entry.observed || (entry.message ? entry.message.split('\n')[0] : 'no answer');
  // The finding in one plain sentence (expected against observed), as the check that failed wrote it.
  const headline = (entry) => entry.headline || observed(entry);
  const headersText = (headers) => Object.entries(headers || {}).map(([k, v]) => `${k}: ${v}`).join('\n');

  // ---- the matrix -----------------------------------------------------------------------------------

  const rows = [...document.querySelectorAll('#matrix tbody tr')];
  // The targets side by side (reporters/vendor-comparison-html.ts) follow the vendor filter too.
  const columns = [...document.querySelectorAll('#matrix [data-vendor], #vendor-comparison [data-vendor]')];

  function applyMatrix() {
    for (const node of columns) node.hidden = state.vendor !== 'all' && node.dataset.vendor !== state.vendor;
    for (const row of rows) {
      let hasOutcome = state.outcome === 'all';
      for (const td of row.querySelectorAll('td')) {
        for (const badge of td.querySelectorAll('.badge')) {
          badge.hidden = state.outcome !== 'all' && badge.dataset.outcome !== state.outcome;
          if (!td.hidden && !badge.hidden) hasOutcome = true;
        }
      }
      const rule = row.dataset.rule;
      row.hidden = !hasOutcome
        || (state.area !== 'all' && row.dataset.area !== state.area)
        || (state.text !== '' && !rule.toLowerCase().includes(state.text));
    }
    for (const button of document.querySelectorAll('#matrix .cell')) {
      const selected = state.cell !== null && button.dataset.rule === state.cell.rule && button.dataset.target === state.cell.target;
      button.setAttribute('aria-pressed', String(selected));
    }
  }

  // ---- the findings ---------------------------------------------------------------------------------

  // Worst first (the order of the outcome filters), then in the report's order: rule, target, case.
  const RANK = new Map([...document.querySelectorAll('#filters button[data-filter="outcome"]')].map((b, i) => [b.dataset.value, i]));
  const byRank = (a, b) => (RANK.get(a.outcome) ?? 99) - (RANK.get(b.outcome) ?? 99);

  function selectedEntries() {
    return report.results.filter((e) => {
      if (state.cell) return e.ruleId === state.cell.rule && e.target === state.cell.target && (state.outcome === 'all' || e.outcome === state.outcome);
      if (state.vendor !== 'all' && e.vendor !== state.vendor) return false;
      if (state.area !== 'all' && areaOf(e.ruleId) !== state.area) return false;
      if (state.text !== '' && !e.ruleId.toLowerCase().includes(state.text)) return false;
      return state.outcome === 'all' ? NOTABLE.has(e.outcome) : e.outcome === state.outcome;
    }).sort(byRank);
  }

  function sources(entry) {
    const refs = entry.expectation.source === undefined ? [] : [].concat(entry.expectation.source);
    if (refs.length === 0) return null;
    const docs = (specOf(entry.vendor) || { sources: {} }).sources;
    return el('ul', { class: 'sources' }, refs.map((ref) => {
      const doc = docs[ref.doc];
      const name = doc ? `${doc.title} (${ref.doc})` : ref.doc;
      return el('li', {},
        doc && doc.url ? el('a', { href: doc.url, rel: 'noreferrer noopener', target: '_blank' }, name) : name,
        ` § ${ref.section}`,
        ref.quote ? el('blockquote', {}, ref.quote) : null);
    }));
  }

  function replay(command) {
    const code = el('code', {}, command);
    const button = el('button', { type: 'button', title: 'copy the command' }, 'copy');
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(command);
        button.textContent = 'copied';
      } catch {
        // file:// pages may not reach the clipboard: select the text for a manual copy instead
        const range = document.createRange();
        range.selectNodeContents(code);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
    });
    return el('div', { class: 'replay' }, code, button);
  }

  function transcript(t) {
    return el('div', {},
      el('div', {}, el('strong', {}, 'Request')),
      el('pre', {}, `${t.request.method} ${t.request.url}\n${headersText(t.request.headers)}\n\n${bodyText(t.request.body)}`),
      el('div', {}, el('strong', {}, 'Response')),
      el('pre', {}, `HTTP ${t.response.status}\n${headersText(t.response.headers)}\n\n${bodyText(t.response.body)}`));
  }

  function detail(entry) {
    const items = [];
    const add = (term, ...value) => items.push(el('dt', {}, term), el('dd', {}, ...value));
    add('case', entry.title);
    if (entry.baseline) {
      const b = entry.baseline;
      add('baseline', b.reason, b.source ? ` (${b.source})` : '', b.link ? ` · ${b.link}` : '',
        b.expired ? el('strong', {}, ` · expired ${b.expires || ''}: excuses nothing any more`) : b.expires ? ` · until ${b.expires}` : '');
    }
    add('expected', entry.expectation.text, ' ', el('span', { class: 'tag' }, entry.expectation.inferred ? 'inferred' : 'documented'));
    // Why this case is not a fail: the documents do not state what the failed assertion expected.
    if (entry.undocumented) add('undocumented', entry.undocumented, ' ', el('span', { class: 'tag' }, 'not failing unless --fail-on inferred'));
    const refs = sources(entry);
    if (refs) add('source', refs);
    add('observed', observed(entry));
    if (entry.variantSeen) add('variant seen', entry.variantSeen);
    if (entry.wire) add('wire', `signed ${entry.wire.signature}, answers asked in ${entry.wire.format}`);
    // The message's first line is most often the headline itself, shown above.
    if (entry.message && entry.message !== entry.headline) add('message', el('pre', {}, entry.message));
    if (entry.skipReason) add('skip reason', entry.skipReason);
    if (entry.counterexample !== undefined) add('counterexample', el('pre', {}, json(entry.counterexample)));
    if (entry.seed !== undefined) add('seed', `${entry.seed}${entry.path ? `, path ${entry.path}` : ''}`);
    if (entry.replay) add('replay', replay(entry.replay));
    add('time', `${entry.durationMs} ms`);
    if (entry.transcript) add('transcript', transcript(entry.transcript));
    return el('div', { class: 'detail' }, el('dl', {}, items));
  }

  function finding(entry) {
    const summary = el('summary', {},
      el('span', { class: `badge o-${entry.outcome}` }, entry.outcome),
      el('code', {}, entry.ruleId),
      el('span', {}, entry.caseId),
      el('span', { class: 'tag' }, entry.target),
      el('span', { class: 'obs' }, entry.outcome === 'skip' ? entry.skipReason || '' : headline(entry)));
    const node = el('details', { class: 'finding', 'data-outcome': entry.outcome }, summary);
    // Bodies (transcripts above all) are built when opened: a run holds hundreds of entries.
    node.addEventListener('toggle', () => {
      if (node.open && node.children.length === 1) node.append(detail(entry));
    });
    return node;
  }

  function applyFindings() {
    const list = document.getElementById('finding-list');
    const entries = selectedEntries();
    list.replaceChildren(...entries.slice(0, state.shown).map(finding));
    if (entries.length > state.shown) {
      const more = el('button', { type: 'button', class: 'more' }, `show ${Math.min(PAGE, entries.length - state.shown)} more of ${entries.length - state.shown}`);
      more.addEventListener('click', () => { state.shown += PAGE; applyFindings(); });
      list.append(more);
    }
    if (entries.length === 0) list.append(el('p', { class: 'empty' }, 'No entries match the filters.'));
    const scope = state.cell
      ? `the cases of ${state.cell.rule} on ${state.cell.target}`
      : state.outcome === 'all' ? 'every entry that did not simply pass (choose an outcome to list others)' : `${state.outcome} entries`;
    const hint = document.getElementById('finding-hint');
    hint.replaceChildren(`${entries.length} shown: ${scope}. `);
    if (state.cell) {
      const clear = el('button', { type: 'button', class: 'more' }, 'show all findings');
      clear.addEventListener('click', () => { state.cell = null; apply(); });
      hint.append(clear);
    }
  }

  function apply() {
    state.shown = PAGE;
    applyMatrix();
    applyFindings();
  }

  // ---- wiring ---------------------------------------------------------------------------------------

  for (const button of document.querySelectorAll('#filters button[data-filter]')) {
    button.addEventListener('click', () => {
      const group = button.dataset.filter;
      state[group] = button.dataset.value;
      for (const other of document.querySelectorAll(`#filters button[data-filter="${group}"]`)) other.setAttribute('aria-pressed', String(other === button));
      state.cell = null;
      apply();
    });
  }
  document.getElementById('rule-search').addEventListener('input', (event) => {
    state.text = event.target.value.trim().toLowerCase();
    state.cell = null;
    apply();
  });
  document.getElementById('matrix').addEventListener('click', (event) => {
    const button = event.target.closest('.cell');
    if (!button) return;
    const same = state.cell && state.cell.rule === button.dataset.rule && state.cell.target === button.dataset.target;
    state.cell = same ? null : { rule: button.dataset.rule, target: button.dataset.target };
    apply();
    if (state.cell) document.getElementById('findings').scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  apply();
})();
