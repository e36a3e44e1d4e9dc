// jixiao's form page: the form in its official layout, every cell editable, scored by the
// server (POST /api/score) as the user types.
//
// The page keeps the form as a JSON model (the TOML file's tables and keys, every value a
// string) and writes it back to TOML text for each request, remembering on which line each
// value and table landed: an error or finding the server places on a line maps back to the
// input that wrote it.
'use strict';

const state = {
  model: null,        // the form being edited
  name: 'form.toml',  // what messages call it
  map: null,          // {lines: path -> line, tables: [{path, from, to}]} of the last text sent
  sheet: null,        // the last score sheet
  seq: 0,             // requests sent; a late answer to an older one is dropped
  timer: null,
  rulesets: [],
  savingEnabled: false,
  batchFiles: [],
};

const DEBOUNCE_MS = 250;

// ---------------------------------------------------------------- small helpers

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function byId(id) { return document.getElementById(id); }

function getPath(obj, path) {
  let cur = obj;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[part];
  }
  return cur;
}

function setPath(obj, path, value) {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (cur[part] === undefined || cur[part] === null) cur[part] = {};
    cur = cur[part];
  }
  cur[parts[parts.length - 1]] = value;
}

function setStatus(text, bad) {
  const s = byId('status');
  s.textContent = text;
  s.classList.toggle('bad', !!bad);
}

function saveBlob(blob, name) {
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

async function readJson(response) {
  try { return await response.json(); } catch (e) { return { error: response.statusText, diagnostics: [] }; }
}

function showTab(name) {
  for (const tab of ['start', 'form', 'batch']) {
    byId('tab-' + tab).hidden = tab !== name;
  }
  for (const b of document.querySelectorAll('.tab-button')) {
    b.classList.toggle('active', b.dataset.tab === name);
  }
}

function stem(name) {
  const base = (name || 'form').replace(/#.*$/, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

// ---------------------------------------------------------------- the model as TOML

// Key order of each table, as form files write them (docs/form-format.md); other keys follow.
const ORDER = {
  '': ['kind', 'ruleset', 'year', 'title', 'project', 'department', 'unit', 'budget', 'objective',
       'tasks', 'sections', 'indicators', 'total'],
  'budget': ['initial', 'adjusted', 'executed', 'weight', 'rate', 'score', 'explanation', 'sources'],
  'budget.sources': ['name', 'initial', 'adjusted', 'executed', 'rate'],
  'objective': ['expected', 'achieved'],
  'tasks': ['name', 'content', 'achieved'],
  'sections': ['name', 'items'],
  'sections.items': ['name', 'description', 'weight', 'score', 'problems'],
  'indicators': ['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation', 'explanation'],
  'total': ['score', 'grade'],
};

function tomlString(value) {
  let out = '"';
  for (const ch of String(value)) {
    const code = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function tomlKey(key) {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

function isTable(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
function isTableArray(v) { return Array.isArray(v) && v.length > 0 && v.every(isTable); }

function tomlScalar(key, v) {
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map((x) => tomlScalar('', x)).join(', ') + ']';
  const text = String(v);
  if (key === 'year' && /^\s*-?\d{1,9}\s*$/.test(text)) return text.trim();
  return tomlString(text);
}

// The model as TOML text, with the line of each value and the lines of each table.
function emitToml(model) {
  const out = [];
  const lines = {};
  const tables = [];
  function keysOf(obj, schema) {
    const order = ORDER[schema] || [];
    const keys = Object.keys(obj);
    return order.filter((k) => k in obj).concat(keys.filter((k) => !order.includes(k)).sort());
  }
  function table(obj, path, schema, header) {
    if (header) {
      if (out.length) out.push('');
      out.push(header);
    }
    const from = header ? out.length : 1;
    const keys = keysOf(obj, schema);
    for (const k of keys) {
      const v = obj[k];
      if (v === null || v === undefined || isTable(v) || isTableArray(v)) continue;
      out.push(tomlKey(k) + ' = ' + tomlScalar(k, v));
      lines[path ? path + '.' + k : k] = out.length;
    }
    for (const k of keys) {
      const v = obj[k];
      const sub = path ? path + '.' + k : k;
      const subSchema = schema ? schema + '.' + k : k;
      const headerPath = subSchema.split('.').map(tomlKey).join('.');
      if (isTable(v)) table(v, sub, subSchema, '[' + headerPath + ']');
      else if (isTableArray(v)) v.forEach((item, i) => table(item, sub + '.' + i, subSchema, '[[' + headerPath + ']]'));
    }
    tables.push({ path, from, to: out.length });
  }
  table(model, '', '', null);
  return { text: out.join('\n') + '\n', lines, tables };
}

// The value or table written on a line: an exact value first, else the innermost table.
function pathAtLine(line) {
  if (!state.map || !line) return null;
  for (const [path, l] of Object.entries(state.map.lines)) {
    if (l === line) return path;
  }
  let best = null;
  for (const t of state.map.tables) {
    if (t.path && t.from <= line && line <= t.to && (!best || t.to - t.from < best.to - best.from)) best = t;
  }
  return best ? best.path : null;
}

// The table (row) a line belongs to: `indicators.3` for a line inside it.
function rowAtLine(line) {
  const path = pathAtLine(line);
  if (path === null) return null;
  const m = /^(indicators\.\d+|sections\.\d+\.items\.\d+|budget\.sources\.\d+|tasks\.\d+|budget|objective|total)/.exec(path);
  return m ? m[1] : path;
}

// ---------------------------------------------------------------- scoring

function schedule() {
  clearTimeout(state.timer);
  setStatus('…');
  state.timer = setTimeout(scoreNow, DEBOUNCE_MS);
}

async function scoreNow() {
  clearTimeout(state.timer);
  if (!state.model) return;
  const emitted = emitToml(state.model);
  const seq = ++state.seq;
  setStatus('计算中…');
  let response;
  let data;
  try {
    response = await fetch('/api/score?name=' + encodeURIComponent(state.name), {
      method: 'POST',
      headers: { 'Content-Type': 'application/toml; charset=utf-8' },
      body: emitted.text,
    });
    data = await readJson(response);
  } catch (e) {
    if (seq === state.seq) setStatus('无法连接服务器 (the server cannot be reached)', true);
    return;
  }
  if (seq !== state.seq) return;
  state.map = emitted;
  clearMarks();
  if (response.ok) {
    state.sheet = data;
    applySheet(data);
    markOddCells(data.structure);
  } else {
    applyErrors(data);
  }
  document.body.dataset.scored = String(seq);
}

function clearMarks() {
  for (const node of document.querySelectorAll('#sheet .bad')) { node.classList.remove('bad'); node.removeAttribute('title'); }
  for (const node of document.querySelectorAll('#sheet .badmsg')) node.remove();
  for (const node of document.querySelectorAll('#sheet .differs')) { node.classList.remove('differs'); node.removeAttribute('title'); }
  for (const node of document.querySelectorAll('#sheet .missing')) { node.classList.remove('missing'); node.removeAttribute('title'); }
  for (const node of document.querySelectorAll('#sheet tr.bad-row, #sheet tr.unmet, #sheet tr.needs-reason')) {
    node.classList.remove('bad-row', 'unmet', 'needs-reason');
  }
  byId('errors').hidden = true;
  byId('errors').replaceChildren();
}

function input(path) {
  return document.querySelector('#sheet [data-path="' + CSS.escape(path) + '"]');
}

function setCalc(path, field, text, trace, differs) {
  const node = byId('calc-' + path + '-' + field);
  if (!node) return;
  node.textContent = text === null || text === undefined ? '' : text;
  node.classList.toggle('differs', !!differs);
  node._trace = trace || null;
}

function pct(value) {
  return value === null || value === undefined ? '-' : value + '%';
}

function applySheetQuietly(sheet) {
  state.redrawing = true;
  try { clearMarks(); applySheet(sheet); } finally { state.redrawing = false; }
}

function applySheet(sheet) {
  byId('sheet').classList.remove('stale');
  const mismatched = new Map();
  for (const m of sheet.mismatches || []) {
    const path = pathAtLine(m.line);
    if (path) mismatched.set(path, m);
    const node = path && input(path);
    if (node) {
      node.classList.add('differs');
      node.title = '申报 ' + m.claimed + '，按评分规则计算为 ' + m.computed;
    }
  }
  const e = sheet.execution;
  setCalc('budget', 'rate', pct(e.rate_percent), { title: '执行率', trace: e.rate_trace }, mismatched.has('budget.rate'));
  setCalc('budget', 'score', e.score, { title: '执行率得分', trace: e.trace }, mismatched.has('budget.score'));
  // The row for a reason of the execution rate is there when the rules ask for one (or one is
  // written): adding or removing it changes the layout, so the form is drawn again.
  const wanted = !!(e.explanation_required || (state.model.budget && state.model.budget.explanation));
  if (!state.redrawing && wanted !== !!byId('budget-explanation-row')) {
    state.executionExplanation = wanted;
    rerender();
  }
  const explanation = byId('budget-explanation-row');
  if (explanation) {
    const required = e.explanation_required && !e.has_explanation;
    explanation.querySelector('td.expl').classList.toggle('missing', required);
  }
  for (const s of sheet.sources || []) {
    const row = rowAtLine(s.line);
    if (row) setCalc(row, 'rate', s.rate_percent === null ? '-' : pct(s.rate_percent), null, mismatched.has(row + '.rate'));
  }
  for (const section of sheet.sections || []) {
    for (const item of section.items) {
      const row = rowAtLine(item.line);
      if (row) setCalc(row, 'score', item.score, { title: item.name + ' 得分', note: item.note }, mismatched.has(row + '.score'));
    }
  }
  for (const ind of sheet.indicators || []) {
    const row = rowAtLine(ind.line);
    if (!row) continue;
    const na = ind.status === 'not-applicable';
    setCalc(row, 'score', na ? '不适用' : ind.score, { title: ind.name + ' 得分', trace: ind.score_trace, status: ind.status, tier: ind.tier }, mismatched.has(row + '.score'));
    setCalc(row, 'deviation', pct(ind.deviation_percent), { title: ind.name + ' 偏差度', trace: ind.deviation_trace }, mismatched.has(row + '.deviation'));
    const tr = document.querySelector('#sheet tr[data-path="' + row + '"]');
    if (tr) {
      tr.classList.toggle('unmet', ind.status === 'unmet');
      const missing = ind.explanation_required && !ind.has_explanation;
      tr.classList.toggle('needs-reason', missing);
      const td = tr.querySelector('td.expl');
      if (td) {
        td.classList.toggle('missing', missing);
        if (missing) td.title = '未达成：按评分规则须填写偏差原因分析及改进措施 (the rules ask for a reason here)';
        else td.removeAttribute('title');
      }
    }
  }
  setCalc('total', 'score', sheet.total, { title: '自评得分', trace: sheet.total_trace }, mismatched.has('total.score'));
  setCalc('total', 'grade', sheet.grade, { title: '等级', note: '等级按自评得分所在区间确定' }, mismatched.has('total.grade'));
  renderResult(sheet);
  renderSubtotals(sheet);
  renderFindings(sheet.findings || [], sheet.structure || []);
  const n = (sheet.mismatches || []).length;
  setStatus('已计算 · 自评得分 ' + sheet.total + ' ' + sheet.grade + (n ? ' · ' + n + ' 处申报数不符' : ''), false);
}

// Cells the form reads but the rules cannot check as printed (an unreadable target, a blank where
// a figure belongs …): underlined with the command line's message, while the form still scores.
function markOddCells(structure) {
  for (const d of structure || []) {
    if (!d.line) continue;
    const path = pathAtLine(d.line);
    const node = path && input(path);
    if (!node) continue;
    node.classList.add('bad');
    node.title = d.message + (d.label ? '：' + d.label : '');
    const cell = node.closest('td');
    if (cell && !cell.querySelector('.badmsg')) {
      cell.append(h('span', { class: 'badmsg', text: (d.label || d.message) }));
    }
  }
}

function applyErrors(data) {
  byId('sheet').classList.add('stale');
  const diagnostics = data.diagnostics || [];
  const box = byId('errors');
  box.replaceChildren(h('h4', { text: '无法计算：' + diagnostics.length + ' 处错误' }));
  if (!diagnostics.length) box.append(h('pre', { text: data.error || '错误' }));
  for (const d of diagnostics) {
    const path = d.line ? pathAtLine(d.line) : null;
    const node = path && input(path);
    if (node) {
      node.classList.add('bad');
      node.title = d.message + (d.label ? '：' + d.label : '');
      const cell = node.closest('td');
      if (cell && !cell.querySelector('.badmsg')) {
        cell.append(h('span', { class: 'badmsg', text: (d.label || d.message) }));
      }
    } else if (path) {
      const tr = document.querySelector('#sheet tr[data-path="' + rowAtLine(d.line) + '"]');
      if (tr) tr.classList.add('bad-row');
    }
    box.append(h('pre', {
      text: d.rendered || d.message,
      onclick: () => { if (node) { node.focus(); } else if (path) { flashRow(rowAtLine(d.line)); } },
    }));
  }
  box.hidden = false;
  setStatus('有 ' + Math.max(diagnostics.length, 1) + ' 处错误，未计算 (errors: not scored)', true);
}

function renderResult(sheet) {
  const n = (sheet.mismatches || []).length;
  byId('result').replaceChildren(
    h('h4', { text: '自评得分' }),
    h('div', {}, h('span', { class: 'big', id: 'side-total', text: sheet.total }), h('span', { class: 'grade', id: 'side-grade', text: sheet.grade })),
    h('div', { class: n ? 'no' : 'ok', text: n ? n + ' 处申报数与计算结果不符（红色标出）' : '申报数与计算结果一致' }),
    h('div', { class: 'hint', text: '评分规则 ' + sheet.ruleset + '；点击计算出的数字查看计算过程。' }),
  );
}

function renderSubtotals(sheet) {
  const rows = [h('tr', {}, h('th', { text: '项目' }), h('th', { text: '分值' }), h('th', { text: '得分' }))];
  const line = (name, weight, score) => h('tr', {}, h('td', { text: name }), h('td', { class: 'num', text: weight }), h('td', { class: 'num', text: score }));
  rows.push(line('预算执行', sheet.execution.weight, sheet.execution.score));
  for (const s of sheet.sections || []) rows.push(line(s.name, s.weight, s.score));
  for (const l of sheet.level1 || []) rows.push(line(l.name, l.rule_weight || l.weight, l.score));
  rows.push(line('合计', '', sheet.total));
  byId('subtotals').replaceChildren(h('h4', { text: '小计' }), h('table', {}, rows));
}

function renderFindings(findings, structure) {
  const box = byId('findings');
  const all = findings.slice();
  for (const d of structure) {
    if (!all.some((f) => f.message === d.message)) all.push({ severity: d.severity, code: d.code, message: d.message, line: d.line, row: '', field: '' });
  }
  if (!all.length) {
    box.replaceChildren(h('h4', { text: '审核发现' }), h('div', { class: 'hint', text: '未发现问题' }));
    return;
  }
  const items = all.map((f) => h('li', {
    class: f.severity,
    onclick: () => { if (f.line) flashRow(rowAtLine(f.line), fieldKey(f.field)); },
  }, f.row ? h('b', { text: f.row + ' ' }) : null, f.message, ' ', h('span', { class: 'code', text: '[' + f.code + ']' })));
  box.replaceChildren(h('h4', { text: '审核发现 (' + all.length + ')' }), h('ol', {}, items));
}

const FIELDS = {
  '得分': 'score', '偏差度': 'deviation', '实际完成值': 'actual', '年度指标值': 'target', '分值': 'weight',
  '偏差原因': 'explanation', '偏差原因分析及改进措施': 'explanation', '执行率': 'rate', '三级指标': 'name',
  '全年执行数': 'executed', '全年预算数': 'adjusted', '年初预算数': 'initial', '等级': 'grade', '自评得分': 'score',
  '实际完成情况': 'achieved', '预期目标': 'expected',
};

function fieldKey(field) { return FIELDS[field] || null; }

function flashRow(row, field) {
  if (!row) return;
  const target = (field && input(row + '.' + field)) || document.querySelector('#sheet [data-path="' + row + '"]') || input(row);
  if (!target) return;
  const tr = target.closest('tr') || target;
  tr.scrollIntoView({ block: 'center', behavior: 'smooth' });
  tr.classList.remove('flash');
  void tr.offsetWidth;
  tr.classList.add('flash');
  if (target.matches('input, textarea')) target.focus({ preventScroll: true });
}

function showTrace(info) {
  const box = byId('trace');
  if (!info) { box.hidden = true; return; }
  const parts = [h('h4', { text: '计算过程 · ' + info.title })];
  const dl = h('dl');
  const row = (k, v) => { if (v !== null && v !== undefined && v !== '') dl.append(h('dt', { text: k }), h('dd', { text: v })); };
  const t = info.trace;
  if (t) {
    row('规则', t.rule + (t.source ? '（' + t.source + '）' : ''));
    row('公式', t.formula);
    row('输入', (t.inputs || []).map((i) => i.name + ' = ' + i.value).join('，'));
    row('结果', t.result + (t.raw !== t.result ? '（计算值 ' + t.raw + '）' : ''));
    for (const n of t.notes || []) row('舍入', n);
  }
  if (info.status) row('状态', { met: '达成', unmet: '未达成', 'not-applicable': '不适用' }[info.status] || info.status);
  if (info.tier) row('档次', info.tier);
  if (info.note) row('说明', info.note);
  if (!t && !info.note) row('说明', '（无计算过程：按申报数或模板计）');
  parts.push(dl);
  box.replaceChildren(...parts);
  box.hidden = false;
}

// ---------------------------------------------------------------- the form in its layout

const LEVEL_FIELDS = ['level1', 'level2'];

function cellInput(path, opts) {
  const o = opts || {};
  const value = getPath(state.model, path);
  const attrs = { class: 'cell' + (o.cls ? ' ' + o.cls : ''), 'data-path': path, 'aria-label': o.label || path, placeholder: o.placeholder || null };
  let node;
  if (o.area) {
    node = h('textarea', attrs);
    node.value = value === undefined ? '' : String(value);
    node.rows = 2;
  } else {
    node = h('input', attrs);
    node.value = value === undefined ? '' : String(value);
  }
  return node;
}

function td(attrs, ...children) { return h('td', attrs, ...children); }
function th(text, colspan) { return h('th', { colspan: colspan > 1 ? colspan : null, text }); }
function labelTd(text, rowspan, colspan) {
  return h('td', { class: 'label', rowspan: rowspan > 1 ? rowspan : null, colspan: colspan > 1 ? colspan : null, text });
}

// A figure's cell: the claim as an input, the computed figure (a button: its trace) beside it.
function figureCell(path, field, label, attrs) {
  return td(Object.assign({ class: 'num' }, attrs || {}), h('div', { class: 'fig' },
    cellInput(path ? path + '.' + field : field, { cls: 'claim', label: label + '（申报）', placeholder: '申报' }),
    h('button', { type: 'button', class: 'calc', id: 'calc-' + (path || field) + '-' + field, title: '计算结果：点击查看计算过程' })));
}

function runs(indicators, level) {
  const key = (r) => level === 1 ? r.level1 : r.level1 + '\u0000' + r.level2;
  const out = [];
  indicators.forEach((r, i) => {
    const last = out[out.length - 1];
    if (last && key(indicators[last.start]) === key(r)) last.len += 1;
    else out.push({ start: i, len: 1 });
  });
  return out;
}

function renderForm() {
  const m = state.model;
  const kind = m.kind === '部门整体' ? '部门整体' : '项目';
  m.budget = m.budget || {};
  const sources = Array.isArray(m.budget.sources) ? m.budget.sources : [];
  const sections = Array.isArray(m.sections) ? m.sections : [];
  const tasks = Array.isArray(m.tasks) ? m.tasks : [];
  const indicators = Array.isArray(m.indicators) ? m.indicators : [];
  m.total = m.total || {};
  const sheet = byId('sheet');
  const kindSelect = h('select', { 'data-path': 'kind', 'data-structural': '1', 'aria-label': '表类型' },
    ['项目', '部门整体'].map((k) => h('option', { value: k, selected: k === m.kind }, k)));
  const meta = h('p', { class: 'meta' }, '表类型 ', kindSelect, '　评分规则 ',
    h('input', { class: 'cell-inline', 'data-path': 'ruleset', size: 16, value: m.ruleset || '', 'aria-label': '评分规则' }),
    '　', h('span', { class: 'hint', text: state.name }));
  const title = h('h2', {}, cellInput('title', { label: '表头标题', placeholder: kind === '项目' ? '项目支出绩效自评表' : '部门整体支出绩效自评表' }));
  const year = h('p', { class: 'year' }, '（', cellInput('year', { label: '年度' }), '年度）');
  const table = h('table', { class: 'official' });
  table.append(h('colgroup', {}, [9, 9, 10, 14, 10, 9, 6, 10, 10, 13].map((w) => h('col', { style: 'width:' + w + '%' }))));
  // Heads.
  if (kind === '项目') {
    table.append(h('tr', {}, labelTd('项目名称'), td({ colspan: 9 }, cellInput('project', { label: '项目名称' }))));
    table.append(h('tr', {}, labelTd('主管部门'), td({ colspan: 4 }, cellInput('department', { label: '主管部门' })),
      labelTd('实施单位'), td({ colspan: 4 }, cellInput('unit', { label: '实施单位' }))));
  } else {
    table.append(h('tr', {}, labelTd('部门（单位）名称'), td({ colspan: 9 }, cellInput('department', { label: '部门（单位）名称' }))));
  }
  // Budget.
  const executionExplanation = !!(state.executionExplanation || m.budget.explanation);
  const budgetRows = sources.length + 2 + (executionExplanation ? 1 : 0);
  table.append(h('tr', {}, labelTd(kind === '项目' ? '项目资金（万元）' : '部门整体支出情况（万元）', budgetRows),
    th(''), th('年初预算数'), th('全年预算数'), th('全年执行数'), th('分值'), th('执行率'), th('得分', 3)));
  table.append(h('tr', { 'data-path': 'budget' },
    td({ text: kind === '项目' ? '年度资金总额（万元）' : '部门预算总额（万元）' }),
    td({ class: 'num' }, cellInput('budget.initial', { label: '年初预算数' })),
    td({ class: 'num' }, cellInput('budget.adjusted', { label: '全年预算数' })),
    td({ class: 'num' }, cellInput('budget.executed', { label: '全年执行数' })),
    td({ class: 'num' }, cellInput('budget.weight', { label: '分值' })),
    figureCell('budget', 'rate', '执行率'),
    figureCell('budget', 'score', '执行率得分', { colspan: 3 })));
  sources.forEach((s, i) => {
    const p = 'budget.sources.' + i;
    table.append(h('tr', { 'data-path': p },
      td({}, cellInput(p + '.name', { label: '资金来源' })),
      td({ class: 'num' }, cellInput(p + '.initial', { label: '年初预算数' })),
      td({ class: 'num' }, cellInput(p + '.adjusted', { label: '全年预算数' })),
      td({ class: 'num' }, cellInput(p + '.executed', { label: '全年执行数' })),
      td({ class: 'num', text: '-' }),
      figureCell(p, 'rate', '执行率'),
      td({ class: 'num', colspan: 3, text: '-' })));
  });
  if (executionExplanation) {
    table.append(h('tr', { id: 'budget-explanation-row' },
      td({ text: '执行偏差原因' }), td({ colspan: 8, class: 'expl' }, cellInput('budget.explanation', { area: true, label: '执行率偏差原因' }))));
  }
  // Sections.
  sections.forEach((section, si) => {
    const items = Array.isArray(section.items) ? section.items : [];
    table.append(h('tr', {}, labelTd(section.name || '', items.length + 1), th(''), th('情况说明', 3), th('分值'), th('得分'), th('存在问题和改进措施', 3)));
    items.forEach((item, ii) => {
      const p = 'sections.' + si + '.items.' + ii;
      table.append(h('tr', { 'data-path': p },
        td({}, cellInput(p + '.name', { label: '项目' })),
        td({ colspan: 3 }, cellInput(p + '.description', { area: true, label: '情况说明' })),
        td({ class: 'num' }, cellInput(p + '.weight', { label: '分值' })),
        figureCell(p, 'score', '得分'),
        td({ colspan: 3 }, cellInput(p + '.problems', { area: true, label: '存在问题和改进措施' }))));
    });
  });
  // Objective and tasks.
  m.objective = m.objective || {};
  table.append(h('tr', {}, labelTd(kind === '项目' ? '年度总体目标' : '年度履职目标', 2), th('预期目标', 4), th('实际完成情况', 5)));
  table.append(h('tr', { 'data-path': 'objective' },
    td({ colspan: 4 }, cellInput('objective.expected', { area: true, label: '预期目标' })),
    td({ colspan: 5 }, cellInput('objective.achieved', { area: true, label: '实际完成情况' }))));
  if (tasks.length) {
    table.append(h('tr', {}, labelTd('年度主要任务', tasks.length + 1), th('任务名称'), th('主要内容', 4), th('实际完成情况', 4)));
    tasks.forEach((t, i) => {
      const p = 'tasks.' + i;
      table.append(h('tr', { 'data-path': p },
        td({}, cellInput(p + '.name', { area: true, label: '任务名称' })),
        td({ colspan: 4 }, cellInput(p + '.content', { area: true, label: '主要内容' })),
        td({ colspan: 4 }, cellInput(p + '.achieved', { area: true, label: '实际完成情况' }))));
    });
  }
  // Indicators, 一级/二级 merged over their rows.
  table.append(h('tr', {}, labelTd('绩效指标', indicators.length + 1), th('一级指标'), th('二级指标'), th('三级指标'),
    th('年度指标值'), th('实际完成值'), th('分值'), th('得分'), th('偏差度'), th('偏差原因分析及改进措施')));
  const runs1 = runs(indicators, 1);
  const runs2 = runs(indicators, 2);
  indicators.forEach((row, i) => {
    const p = 'indicators.' + i;
    const tr = h('tr', { 'data-path': p });
    const r1 = runs1.find((r) => r.start === i);
    if (r1) tr.append(td({ class: 'c', rowspan: r1.len > 1 ? r1.len : null }, levelInput(i, r1, 'level1', '一级指标')));
    const r2 = runs2.find((r) => r.start === i);
    if (r2) tr.append(td({ class: 'c', rowspan: r2.len > 1 ? r2.len : null }, levelInput(i, r2, 'level2', '二级指标')));
    const tools = h('span', { class: 'rowtools' },
      h('button', { type: 'button', title: '在下方添加一行指标', onclick: () => addIndicator(i) }, '+'),
      h('button', { type: 'button', title: '删除这一行', onclick: () => removeIndicator(i) }, '×'));
    if (!('name' in row)) {
      tr.append(td({ colspan: 7, class: 'emptycat' }, '（本二级指标未设三级指标）', tools));
    } else {
      tr.append(td({ class: 'status-cell' }, cellInput(p + '.name', { area: true, label: '三级指标' }), tools),
        td({ class: 'c' }, cellInput(p + '.target', { label: '年度指标值', placeholder: '≥95%' })),
        td({ class: 'c' }, cellInput(p + '.actual', { label: '实际完成值', placeholder: '96%' })),
        td({ class: 'num' }, cellInput(p + '.weight', { label: '分值' })),
        figureCell(p, 'score', '得分'),
        figureCell(p, 'deviation', '偏差度'),
        td({ class: 'expl' }, cellInput(p + '.explanation', { area: true, label: '偏差原因分析及改进措施' })));
    }
    table.append(tr);
  });
  // Total.
  table.append(h('tr', { 'data-path': 'total' }, labelTd('总分', 1, 6), td({ class: 'num', id: 'total-weight' }),
    figureCell('total', 'score', '自评得分'), labelTd('等级'), figureCell('total', 'grade', '等级', { class: 'c' })));
  sheet.replaceChildren(meta, title, year, table);
  for (const area of sheet.querySelectorAll('textarea')) fit(area);
  byId('form-name').textContent = state.name;
  updateTotalWeight();
}

// Draw the form again, keeping the focus and the caret where they were.
function rerender() {
  const active = document.activeElement;
  const path = active && active.dataset ? active.dataset.path : null;
  const caret = path && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd] : null;
  const scroll = window.scrollY;
  renderForm();
  if (state.sheet && state.map) applySheetQuietly(state.sheet);
  const again = path && input(path);
  if (again) {
    again.focus({ preventScroll: true });
    if (caret && typeof again.setSelectionRange === 'function') again.setSelectionRange(caret[0], caret[1]);
  }
  window.scrollTo(0, scroll);
}

function levelInput(index, run, field, label) {
  const node = h('input', {
    class: 'cell', 'data-level': field, 'data-start': run.start, 'data-len': run.len,
    'data-path': 'indicators.' + index + '.' + field, 'aria-label': label,
  });
  node.value = state.model.indicators[index][field] || '';
  return node;
}

function updateTotalWeight() {
  const node = byId('total-weight');
  if (!node) return;
  const num = (v) => { const x = parseFloat(String(v === undefined ? '' : v).replace(/,/g, '')); return Number.isFinite(x) ? x : 0; };
  const m = state.model;
  let sum = num(m.budget && m.budget.weight);
  for (const s of m.sections || []) for (const it of s.items || []) sum += num(it.weight);
  for (const r of m.indicators || []) sum += num(r.weight);
  node.textContent = String(Math.round(sum * 100) / 100);
}

function fit(area) {
  area.style.height = 'auto';
  area.style.height = Math.max(area.scrollHeight + 2, 30) + 'px';
}

function addIndicator(i) {
  const rows = state.model.indicators;
  const at = rows[i];
  const fresh = { level1: at.level1, level2: at.level2, name: '', target: '', actual: '', weight: '', score: '', deviation: '', explanation: '' };
  if (!('name' in at)) rows.splice(i, 1, fresh);
  else rows.splice(i + 1, 0, fresh);
  renderForm();
  scoreNow();
}

function removeIndicator(i) {
  const rows = state.model.indicators;
  const at = rows[i];
  const siblings = rows.filter((r) => r.level1 === at.level1 && r.level2 === at.level2).length;
  if (siblings <= 1 && 'name' in at) rows.splice(i, 1, { level1: at.level1, level2: at.level2 });
  else rows.splice(i, 1);
  renderForm();
  scoreNow();
}

function onInput(event) {
  const node = event.target;
  if (!state.model || !node.dataset || !node.dataset.path) return;
  if (node.dataset.level) {
    const start = Number(node.dataset.start);
    const len = Number(node.dataset.len);
    for (let i = start; i < start + len; i++) state.model.indicators[i][node.dataset.level] = node.value;
  } else {
    setPath(state.model, node.dataset.path, node.value);
  }
  if (node.tagName === 'TEXTAREA') fit(node);
  if (/\.weight$/.test(node.dataset.path)) updateTotalWeight();
  if (node.dataset.structural) { rerender(); scoreNow(); return; }
  schedule();
}

function onChange(event) {
  const node = event.target;
  // A level renamed may merge with, or split from, its neighbours.
  if (node.dataset && node.dataset.level) { rerender(); scoreNow(); }
}

function onClick(event) {
  const calc = event.target.closest('button.calc');
  if (calc) showTrace(calc._trace);
}

// ---------------------------------------------------------------- opening forms

async function openText(text, name) {
  const response = await fetch('/api/score?model=1&name=' + encodeURIComponent(name), {
    method: 'POST',
    headers: { 'Content-Type': 'application/toml; charset=utf-8' },
    body: text,
  });
  const data = await readJson(response);
  if (!data.model) {
    startErrors(data, name);
    return false;
  }
  state.model = data.model;
  state.name = name;
  state.sheet = null;
  state.map = null;
  state.executionExplanation = false;
  byId('start-errors').replaceChildren();
  byId('tab-form-button').disabled = false;
  byId('save-name').value = stem(name) + '.toml';
  showTab('form');
  renderForm();
  showTrace(null);
  await scoreNow();
  return true;
}

function startErrors(data, name) {
  const box = byId('start-errors');
  box.replaceChildren(h('h4', { text: (name ? name + '：' : '') + (data.error || '无法打开') }));
  for (const d of data.diagnostics || []) box.append(h('pre', { text: d.rendered || d.message }));
}

async function openFile(file) {
  const isWorkbook = /\.(xlsx|xlsm)$/i.test(file.name);
  if (!isWorkbook && /\.toml$/i.test(file.name)) {
    await openText(await file.text(), file.name);
    return;
  }
  const response = await fetch('/api/import?name=' + encodeURIComponent(file.name), {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: file,
  });
  const data = await readJson(response);
  const choices = byId('open-choices');
  choices.replaceChildren();
  if (!response.ok) { startErrors(data, file.name); return; }
  if (data.forms.length === 1) {
    await openText(data.forms[0].toml, data.forms[0].source_name);
    return;
  }
  choices.append(h('p', { class: 'hint', text: file.name + ' 中有 ' + data.forms.length + ' 张表：' }),
    h('ul', { class: 'links' }, data.forms.map((f) => h('li', {}, h('button', {
      type: 'button', class: 'link', onclick: () => openText(f.toml, f.source_name),
    }, f.name + '（' + f.kind + '，' + f.place + '）')))));
  showTab('start');
}

async function loadStart() {
  const [rulesets, examples, saved] = await Promise.all([
    fetch('/api/rulesets').then(readJson),
    fetch('/api/examples').then(readJson),
    fetch('/api/saved').then(readJson),
  ]);
  state.rulesets = Array.isArray(rulesets) ? rulesets : [];
  const select = byId('new-ruleset');
  select.replaceChildren(...state.rulesets.map((r) => h('option', { value: r.id }, r.id + ' — ' + r.title)));
  const kinds = () => {
    const r = state.rulesets.find((x) => x.id === select.value);
    byId('new-kind').replaceChildren(...(r ? r.kinds : []).map((k) => h('option', { value: k }, k)));
    if (r) byId('new-year').value = r.years.from;
  };
  select.addEventListener('change', kinds);
  kinds();
  byId('examples').replaceChildren(...(Array.isArray(examples) ? examples : []).map((e) => h('li', {},
    h('button', { type: 'button', class: 'link', 'data-example': e.id, onclick: () => openExample(e) }, e.name + '（' + e.kind + '）'))));
  renderSaved(saved);
}

function renderSaved(saved) {
  state.savingEnabled = !!(saved && saved.enabled);
  byId('saved-card').hidden = !state.savingEnabled;
  byId('server-save').hidden = !state.savingEnabled;
  if (!state.savingEnabled) return;
  byId('saved').replaceChildren(...saved.files.map((f) => h('li', {}, h('button', {
    type: 'button', class: 'link', onclick: async () => {
      const response = await fetch('/api/saved/' + encodeURIComponent(f.name));
      if (response.ok) await openText(await response.text(), f.name);
      else startErrors(await readJson(response), f.name);
    },
  }, f.name))));
  if (!saved.files.length) byId('saved').append(h('li', { class: 'hint', text: '（还没有保存的表）' }));
}

async function openExample(example) {
  const text = await (await fetch('/api/examples/' + encodeURIComponent(example.id))).text();
  await openText(text, example.file.split('/').pop());
}

async function newForm() {
  const q = new URLSearchParams({ ruleset: byId('new-ruleset').value, kind: byId('new-kind').value });
  if (byId('new-year').value.trim()) q.set('year', byId('new-year').value.trim());
  const response = await fetch('/api/template?' + q.toString());
  if (!response.ok) { startErrors(await readJson(response), ''); return; }
  await openText(await response.text(), '新建' + byId('new-kind').value + '自评表.toml');
}

// ---------------------------------------------------------------- saving

function saveMessage(text, bad) {
  const node = byId('save-message');
  node.textContent = text;
  node.classList.toggle('bad', !!bad);
}

async function exportAs(format) {
  const text = emitToml(state.model).text;
  const response = await fetch('/api/export?format=' + format + '&name=' + encodeURIComponent(state.name), {
    method: 'POST', headers: { 'Content-Type': 'application/toml; charset=utf-8' }, body: text,
  });
  if (!response.ok) {
    const data = await readJson(response);
    saveMessage('无法导出：' + (data.error || response.status) + '（先改正表中标出的错误）', true);
    return;
  }
  saveBlob(await response.blob(), stem(state.name) + '.' + format);
  saveMessage('已导出 ' + stem(state.name) + '.' + format);
}

async function saveToServer() {
  const name = byId('save-name').value.trim();
  const overwrite = byId('save-overwrite').checked ? '?overwrite=true' : '';
  const response = await fetch('/api/saved/' + encodeURIComponent(name) + overwrite, {
    method: 'POST', headers: { 'Content-Type': 'application/toml; charset=utf-8' }, body: emitToml(state.model).text,
  });
  const data = await readJson(response);
  if (response.status === 409) { saveMessage(name + ' 已存在：勾选“覆盖”后再保存', true); return; }
  if (!response.ok) { saveMessage(data.error || String(response.status), true); return; }
  saveMessage('已保存到服务器：' + data.saved);
  renderSaved(await fetch('/api/saved').then(readJson));
}

// ---------------------------------------------------------------- batch

function batchBody() {
  const body = new FormData();
  for (const f of state.batchFiles) body.append('file', f, f.name);
  return body;
}

async function runBatch() {
  state.batchFiles = Array.from(byId('batch-files').files);
  const out = byId('batch-out');
  if (!state.batchFiles.length) { out.replaceChildren(h('p', { class: 'hint', text: '请先选择文件' })); return; }
  out.replaceChildren(h('p', { class: 'hint', text: '审核中…' }));
  const response = await fetch('/api/review', { method: 'POST', body: batchBody() });
  const data = await readJson(response);
  if (!response.ok) {
    out.replaceChildren(h('h4', { text: data.error || '无法审核' }), h('div', { class: 'errors' }, (data.diagnostics || []).map((d) => h('pre', { text: d.rendered }))));
    byId('batch-csv').disabled = true;
    return;
  }
  byId('batch-csv').disabled = false;
  const s = data.summary;
  const formRows = data.forms.map((f) => h('tr', {},
    td({}, h('button', { type: 'button', class: 'link', onclick: () => openBatchForm(f.file) }, f.name)),
    td({ text: f.file }), td({ class: 'c', text: [f.claimed.total, f.claimed.grade].filter(Boolean).join(' ') || '—' }),
    td({ class: 'c', text: f.recomputed.total + ' ' + f.recomputed.grade }),
    td({ class: 'num', text: f.errors }), td({ class: 'num', text: f.warnings })));
  out.replaceChildren(
    h('p', {}, '共 ' + s.files + ' 个文件，审核 ' + s.reviewed + ' 张表；错误 ' + s.errors + ' 处，提示 ' + s.warnings + ' 处；无法读取 ' + s.input_errors + ' 处。'),
    h('h4', { text: '各表' }),
    h('table', {}, h('tr', {}, th('名称'), th('文件'), th('申报'), th('重算'), th('错误'), th('提示')), formRows),
    h('h4', { text: '等级：申报 → 重算' }),
    h('table', {}, h('tr', {}, th('申报等级'), th('重算等级'), th('表数')), s.grades.map((g) => h('tr', {}, td({ class: 'c', text: g.claimed }), td({ class: 'c', text: g.recomputed }), td({ class: 'num', text: g.count })))),
    h('h4', { text: '审核发现（按检查项）' }),
    h('table', {}, h('tr', {}, th('检查项'), th('级别'), th('次数')), s.by_code.map((c) => h('tr', {}, td({ text: c.code }), td({ class: 'c', text: c.severity === 'error' ? '错误' : '提示' }), td({ class: 'num', text: c.count })))),
    data.errors.length ? h('div', { class: 'errors' }, h('h4', { text: '无法读取' }), data.errors.map((d) => h('pre', { text: d.rendered }))) : null,
  );
}

async function openBatchForm(file) {
  const name = String(file).replace(/#.*$/, '');
  const f = state.batchFiles.find((x) => x.name === name);
  if (f) await openFile(f);
}

async function batchCsv() {
  const response = await fetch('/api/review?format=csv&bom=1', { method: 'POST', body: batchBody() });
  if (response.ok) saveBlob(await response.blob(), 'findings.csv');
}

// ---------------------------------------------------------------- start

function start() {
  for (const b of document.querySelectorAll('.tab-button')) b.addEventListener('click', () => showTab(b.dataset.tab));
  const sheet = byId('sheet');
  sheet.addEventListener('input', onInput);
  sheet.addEventListener('change', onChange);
  sheet.addEventListener('click', onClick);
  byId('new-go').addEventListener('click', newForm);
  byId('open-file').addEventListener('change', (e) => { if (e.target.files[0]) openFile(e.target.files[0]); });
  byId('save-toml').addEventListener('click', () => saveBlob(new Blob([emitToml(state.model).text], { type: 'application/toml' }), stem(state.name) + '.toml'));
  byId('save-xlsx').addEventListener('click', () => exportAs('xlsx'));
  byId('save-html').addEventListener('click', () => exportAs('html'));
  byId('save-server').addEventListener('click', saveToServer);
  byId('batch-go').addEventListener('click', runBatch);
  byId('batch-csv').addEventListener('click', batchCsv);
  showTab('start');
  loadStart().then(async () => {
    // `#example=ID` and `#new=项目` open a form at once (links, and a look without clicks).
    const example = /^#example=([\w-]+)$/.exec(location.hash);
    const fresh = /^#new=(.+)$/.exec(location.hash);
    if (example) await openExample({ id: example[1], file: example[1] + '.toml' });
    else if (fresh) { byId('new-kind').value = decodeURIComponent(fresh[1]); await newForm(); }
    document.body.dataset.ready = '1';
  }, (e) => setStatus('无法连接服务器：' + e, true));
}

start();
