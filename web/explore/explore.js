// castgraph's graph explorer. Loaded after cytoscape's build (global
// cytoscape); the page has no inline script, so what it needs to know comes
// from data- attributes of #explorer and from registry.json, which the server
// builds from the domain registry (kinds, relationship types, properties and
// their Chinese and English names). Nothing here names a kind or a type:
// they all come from the registry.
(function () {
  'use strict';

  var root = document.getElementById('explorer');
  var $ = function (id) { return document.getElementById(id); };

  // The interface's own words. The names of kinds, relationship types and
  // properties are not here: they come from registry.json.
  var words = {
    zh: {
      title: '科协知识图谱浏览器',
      searchPlaceholder: '搜索名称，如 王建华、生命健康',
      search: '搜索',
      depth: '深度',
      openGraphiQL: '在 GraphiQL 中打开查询',
      results: '搜索结果',
      kinds: '类型（图例）',
      relations: '关系类型',
      paths: '最短路径',
      from: '起点',
      to: '终点',
      maxHops: '最多步数',
      findPaths: '查找路径',
      clearPaths: '清除高亮',
      hint: '搜索一个名称，点击结果绘制它的关系网络；点击节点展开。',
      noSelection: '点击图中的节点查看详情。',
      licences: '第三方许可',
      signinTitle: '需要登录',
      signinText: '此服务器不允许匿名访问。请粘贴您的 API 令牌（cgt_…）；令牌只保存在此页面的内存中。',
      signin: '登录',
      signinBad: '令牌被拒绝（无效、已吊销或已过期），请重试。',
      setFrom: '设为起点',
      setTo: '设为终点',
      properties: '属性',
      relationships: '关系',
      provenance: '来源',
      sources: '来源',
      assertedBy: '录入',
      createdAt: '创建时间',
      updatedAt: '更新时间',
      noResults: '没有找到“{0}”。',
      searching: '正在搜索“{0}”…',
      loading: '正在加载…',
      drawn: '图中有 {0} 个节点、{1} 条关系。',
      truncated: '关系较多，只显示了一部分。',
      noPath: '{0} 步之内没有路径。',
      pathsFound: '找到 {0} 条最短路径，每条 {1} 步。',
      error: '出错：{0}',
      yes: '是',
      no: '否',
      other: 'English',
      open: '（',
      close: '）',
      colon: '：',
      comma: '，',
      moreRels: '另有关系未显示（已截断）。'
    },
    en: {
      title: 'castgraph explorer',
      searchPlaceholder: 'Search names, e.g. 王建华, 生命健康',
      search: 'Search',
      depth: 'Depth',
      openGraphiQL: 'Open the query in GraphiQL',
      results: 'Search results',
      kinds: 'Kinds (legend)',
      relations: 'Relationship types',
      paths: 'Shortest paths',
      from: 'From',
      to: 'To',
      maxHops: 'Max hops',
      findPaths: 'Find paths',
      clearPaths: 'Clear highlight',
      hint: 'Search a name and pick a result to draw its neighbourhood; click a node to expand it.',
      noSelection: 'Click a node to see its details.',
      licences: 'Third-party licences',
      signinTitle: 'Sign-in needed',
      signinText: 'This server refuses anonymous requests. Paste your API token (cgt_…); it is kept in this page\'s memory only.',
      signin: 'Sign in',
      signinBad: 'The token was refused (unknown, revoked or expired); try again.',
      setFrom: 'Set as start',
      setTo: 'Set as end',
      properties: 'Properties',
      relationships: 'Relationships',
      provenance: 'Provenance',
      sources: 'Sources',
      assertedBy: 'Asserted by',
      createdAt: 'Created',
      updatedAt: 'Updated',
      noResults: 'Nothing found for “{0}”.',
      searching: 'Searching for “{0}”…',
      loading: 'Loading…',
      drawn: '{0} nodes and {1} relationships drawn.',
      truncated: 'Too many relationships: only some are drawn.',
      noPath: 'No path within {0} hops.',
      pathsFound: '{0} shortest paths of {1} hops found.',
      error: 'Error: {0}',
      yes: 'yes',
      no: 'no',
      other: '中文',
      open: ' (',
      close: ')',
      colon: ': ',
      comma: ', ',
      moreRels: 'Some relationships are not shown (cut short).'
    }
  };

  // One colour per kind, by the kind's place in the registry. Picked to be
  // told apart on white and under dark labels.
  var palette = ['#8c564b', '#7f7f7f', '#bcbd22', '#17becf', '#1f77b4', '#d62728', '#ff7f0e',
    '#2ca02c', '#9467bd', '#e377c2', '#393b79', '#637939', '#8c6d31', '#843c39', '#5254a3', '#6b6ecf'];

  var state = {
    lang: new URLSearchParams(window.location.search).get('lang') === 'en' ? 'en' : 'zh',
    registry: null,
    kinds: {}, // name → {label, props, color}
    rels: {}, // type → {label, props}
    hiddenKinds: {},
    hiddenRels: {},
    token: '', // an API token, in memory only
    details: {}, // node id → the node as the API gave it
    edgesOf: {}, // node id → its relationships as last read, and whether they were cut
    expanded: {}, // node id → true once its neighbourhood was drawn
    selected: '',
    pathFrom: '',
    pathTo: '',
    busy: 0, // requests and layouts under way (the e2e test waits for 0)
    lastResults: null,
    pathNote: null // what the path search found: [word key, arguments…]
  };

  var endpoint = new URL(root.getAttribute('data-endpoint') || '/graphql', window.location.href).href;
  var graphiqlURL = new URL(root.getAttribute('data-graphiql') || '/', window.location.href);

  function t(key) {
    var s = (words[state.lang] && words[state.lang][key]) || words.zh[key] || key;
    for (var i = 1; i < arguments.length; i++) {
      s = s.split('{' + (i - 1) + '}').join(String(arguments[i]));
    }
    return s;
  }

  function label(l) {
    return l ? (l[state.lang] || l.zh) : '';
  }

  function kindLabel(kind) {
    return state.kinds[kind] ? label(state.kinds[kind].label) : kind;
  }

  function relLabel(type) {
    return state.rels[type] ? label(state.rels[type].label) : type;
  }

  function propLabel(name, props) {
    for (var i = 0; props && i < props.length; i++) {
      if (props[i].name === name) return label(props[i].label);
    }
    return name;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function status(text, isError) {
    var s = $('status');
    s.textContent = text || '';
    s.className = isError ? 'error' : '';
  }

  // ---- Talking to the API ----

  var signinWaiters = [];

  // askToken shows the sign-in dialog and resolves with the token typed.
  function askToken(message) {
    $('signin-error').textContent = message || '';
    var dialog = $('signin');
    if (!dialog.open) dialog.showModal();
    $('signin-token').focus();
    return new Promise(function (resolve) { signinWaiters.push(resolve); });
  }

  // gql sends one operation and returns its data. A 401 (credentials needed
  // or refused) asks for a token and sends the operation again. Unless
  // quiet, the operation also becomes the GraphiQL link's query.
  function gql(query, variables, quiet) {
    if (!quiet) setGraphiQLLink(query, variables);
    state.busy++;
    var attempt = function (refused) {
      var headers = {
        'Content-Type': 'application/json',
        'Accept': 'application/graphql-response+json, application/json'
      };
      if (state.token) headers.Authorization = 'Bearer ' + state.token;
      return fetch(endpoint, {
        method: 'POST',
        headers: headers,
        credentials: 'same-origin',
        body: JSON.stringify({ query: query, variables: variables || {} })
      }).then(function (resp) {
        if (resp.status === 401) {
          return askToken(refused || state.token ? t('signinBad') : '').then(function (token) {
            state.token = token;
            return attempt(true);
          });
        }
        return resp.json().catch(function () {
          throw new Error('HTTP ' + resp.status);
        }).then(function (body) {
          if (body.errors && body.errors.length) {
            var msg = body.errors.map(function (e) { return e.message; }).join('; ');
            if (!body.data) throw new Error(msg);
            status(t('error', msg), true);
          }
          return body.data;
        });
      });
    };
    return attempt(false).finally(function () { state.busy--; });
  }

  function setGraphiQLLink(query, variables) {
    var u = new URL(graphiqlURL.href);
    u.searchParams.set('query', query);
    if (variables && Object.keys(variables).length) {
      u.searchParams.set('variables', JSON.stringify(variables, null, 2));
    } else {
      u.searchParams.delete('variables');
    }
    $('graphiql-link').href = u.href;
  }

  // The queries are built from the registry: a node's own properties are
  // asked with one inline fragment per kind that has any, and a
  // relationship's with the properties any type has.
  var queries = {};

  function buildQueries() {
    // Kinds may give one property name different types (Association.level
    // is an enum, Park.level text), which GraphQL refuses to merge: each
    // kind's properties get aliases of their own (Park_level: level).
    var fragments = state.registry.kinds.filter(function (k) { return k.props.length > 0; }).map(function (k) {
      return '    ... on ' + k.name + ' { ' + k.props.map(function (p) { return k.name + '_' + p.name + ': ' + p.name; }).join(' ') + ' }';
    });
    var edgeProps = [];
    state.registry.relations.forEach(function (r) {
      r.props.forEach(function (p) {
        if (edgeProps.indexOf(p.name) < 0) edgeProps.push(p.name);
      });
    });
    queries.search = [
      'query ExplorerSearch($text: String!, $kinds: [NodeKind!]) {',
      '  search(text: $text, kinds: $kinds, first: 20) {',
      '    score',
      '    node { __typename id name }',
      '  }',
      '}'
    ].join('\n');
    queries.node = [
      'query ExplorerNode($id: ID!, $depth: Int!, $limit: Int!) {',
      '  node(id: $id) {',
      '    __typename id name aliases description',
      '    provenance { sources assertedBy { source actor } createdAt updatedAt }'
    ].concat(fragments, [
      '  }',
      '  neighborhood(id: $id, depth: $depth, limit: $limit) {',
      '    truncated',
      '    nodes { id kind label depth }',
      '    edges { id source target type ' + edgeProps.join(' ') + ' provenance { sources } }',
      '  }',
      '}'
    ]).join('\n');
    queries.paths = [
      'query ExplorerPaths($from: ID!, $to: ID!, $maxHops: Int!, $types: [RelationType!]) {',
      '  paths(from: $from, to: $to, maxHops: $maxHops, relationshipTypes: $types, first: 10) {',
      '    length',
      '    nodes { __typename id name }',
      '    relationships { type from to forward ' + edgeProps.join(' ') + ' }',
      '  }',
      '}'
    ].join('\n');
  }

  // ---- The drawing ----

  var cy = null;

  function nodeStyleColor(kind) {
    return state.kinds[kind] ? state.kinds[kind].color : '#999999';
  }

  function startGraph() {
    var font = getComputedStyle(document.body).fontFamily;
    cy = window.cytoscape({
      container: $('graph'),
      minZoom: 0.2,
      maxZoom: 3,
      style: [
        { selector: 'node', style: {
          'background-color': 'data(color)',
          'label': 'data(label)',
          'font-family': font,
          'font-size': 16,
          'color': '#1d2430',
          'text-valign': 'bottom',
          'text-margin-y': 4,
          'text-wrap': 'ellipsis',
          'text-max-width': '200px',
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.75,
          'text-background-padding': '1px',
          'width': 26,
          'height': 26,
          'border-width': 1,
          'border-color': '#ffffff'
        } },
        { selector: 'node.centre', style: { 'width': 34, 'height': 34 } },
        { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#111111' } },
        { selector: 'edge', style: {
          'curve-style': 'bezier',
          'target-arrow-shape': 'triangle',
          'arrow-scale': 0.8,
          'width': 1.5,
          'line-color': '#a7afba',
          'target-arrow-color': '#a7afba',
          'label': 'data(label)',
          'font-family': font,
          'font-size': 12,
          'color': '#5f6b7a',
          'text-rotation': 'autorotate',
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.8
        } },
        { selector: '.filtered', style: { 'display': 'none' } },
        { selector: '.faded', style: { 'opacity': 0.3 } },
        { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d62728' } },
        { selector: 'edge.path', style: {
          'width': 4, 'line-color': '#d62728', 'target-arrow-color': '#d62728', 'color': '#d62728', 'z-index': 10
        } }
      ]
    });
    cy.on('tap', 'node', function (ev) {
      openNode(ev.target.id(), { expand: true });
    });
  }

  function edgeData(e) {
    return { id: e.id, source: e.source, target: e.target, type: e.type, label: relLabel(e.type) };
  }

  // addElements merges nodes and edges into the drawing; new nodes start on
  // a ring around `around` (a node id), so that a layout seeded with the
  // current positions keeps the picture steady. It returns how many nodes
  // were new.
  function addElements(nodes, edges, around) {
    var centre = around && cy.getElementById(around).nonempty() ? cy.getElementById(around).position() : { x: 0, y: 0 };
    var seen = {};
    var fresh = nodes.filter(function (n) {
      if (seen[n.id] || cy.getElementById(n.id).nonempty()) return false;
      seen[n.id] = true;
      return true;
    });
    cy.batch(function () {
      fresh.forEach(function (n, i) {
        var angle = 2 * Math.PI * i / fresh.length;
        var r = 120 + 6 * fresh.length;
        cy.add({
          group: 'nodes',
          data: { id: n.id, label: n.label, kind: n.kind, color: nodeStyleColor(n.kind) },
          position: { x: centre.x + r * Math.cos(angle), y: centre.y + r * Math.sin(angle) }
        });
      });
      // An answer's edges join nodes of the same answer, so both ends are
      // drawn by now; the check only guards against a malformed answer.
      edges.forEach(function (e) {
        if (cy.getElementById(e.id).empty() && cy.getElementById(e.source).nonempty() && cy.getElementById(e.target).nonempty()) {
          cy.add({ group: 'edges', data: edgeData(e) });
        }
      });
    });
    applyFilters();
    return fresh.length;
  }

  function layout(randomize) {
    state.busy++;
    // Labels count as part of a node's size, so that names do not overlap;
    // the forces are cytoscape's demo values for graphs of this size.
    var l = cy.layout({
      name: 'cose',
      animate: false,
      randomize: randomize,
      fit: true,
      padding: 30,
      nodeDimensionsIncludeLabels: true,
      nodeRepulsion: function () { return 60000; },
      nodeOverlap: 20,
      idealEdgeLength: function () { return 60; },
      edgeElasticity: function () { return 100; },
      gravity: 80,
      numIter: 1000,
      initialTemp: 200,
      coolingFactor: 0.95,
      minTemp: 1.0
    });
    l.one('layoutstop', function () {
      // A small graph fitted to the window would be drawn huge.
      if (cy.zoom() > 1.5) {
        cy.zoom(1.5);
        cy.center();
      }
      state.busy--;
    });
    l.run();
  }

  function applyFilters() {
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        n.toggleClass('filtered', !!state.hiddenKinds[n.data('kind')]);
      });
      cy.edges().forEach(function (e) {
        e.toggleClass('filtered', !!state.hiddenRels[e.data('type')]);
      });
    });
    updateCounts();
  }

  function updateCounts() {
    var counts = {};
    if (cy) {
      cy.nodes().forEach(function (n) { counts[n.data('kind')] = (counts[n.data('kind')] || 0) + 1; });
      cy.edges().forEach(function (e) { counts['rel:' + e.data('type')] = (counts['rel:' + e.data('type')] || 0) + 1; });
    }
    document.querySelectorAll('[data-count]').forEach(function (c) {
      var n = counts[c.getAttribute('data-count')] || 0;
      c.textContent = n ? String(n) : '';
    });
    if (cy && cy.nodes().length) {
      $('graph-hint').classList.add('hidden');
      status(t('drawn', cy.nodes().length, cy.edges().length));
    }
  }

  // ---- Nodes: drawing, expanding, details ----

  // openNode reads a node and its neighbourhood: with fresh, the drawing
  // starts over from it; with expand, its neighbourhood joins the drawing.
  // Either way the node is selected and its details shown.
  function openNode(id, opts) {
    opts = opts || {};
    var depth = opts.fresh ? parseInt($('depth').value, 10) : 1;
    selectNode(id);
    if (!opts.fresh && state.expanded[id] && state.details[id]) {
      return Promise.resolve();
    }
    status(t('loading'));
    return gql(queries.node, { id: id, depth: depth, limit: 100 }).then(function (data) {
      if (!data || !data.node) {
        status(t('error', id), true);
        return;
      }
      state.details[id] = data.node;
      var hood = data.neighborhood;
      state.edgesOf[id] = { edges: hood.edges, nodes: hood.nodes, truncated: hood.truncated };
      if (opts.fresh) {
        cy.elements().remove();
        state.expanded = {};
        clearPaths();
      }
      var fresh = addElements(hood.nodes, hood.edges, id);
      state.expanded[id] = true;
      cy.nodes().removeClass('centre');
      cy.getElementById(id).addClass('centre');
      if (opts.fresh || fresh > 0) layout(!!opts.fresh);
      selectNode(id);
      if (hood.truncated) status(t('truncated'));
    }).catch(function (err) {
      status(t('error', err.message), true);
    });
  }

  function selectNode(id) {
    state.selected = id;
    if (cy) {
      cy.nodes(':selected').unselect();
      cy.getElementById(id).select();
    }
    renderDetails();
  }

  function swatch(kind) {
    var s = el('span', 'swatch');
    s.style.backgroundColor = nodeStyleColor(kind); // CSSOM, which the CSP allows
    return s;
  }

  function formatValue(v) {
    if (v === true) return t('yes');
    if (v === false) return t('no');
    if (Array.isArray(v)) return v.join('、');
    return String(v);
  }

  function renderDetails() {
    var panel = $('details');
    panel.textContent = '';
    var id = state.selected;
    var node = state.details[id];
    if (!id) {
      panel.appendChild(el('p', 'note', t('noSelection')));
      return;
    }
    if (!node) {
      panel.appendChild(el('p', 'note', t('loading')));
      return;
    }
    var kind = node.__typename;
    var h = el('h2', 'node-name');
    h.appendChild(swatch(kind));
    h.appendChild(document.createTextNode(' ' + node.name));
    panel.appendChild(h);
    panel.appendChild(el('p', 'kind-tag', kindLabel(kind)));

    var buttons = el('div', 'buttons');
    var fromBtn = el('button', '', t('setFrom'));
    fromBtn.type = 'button';
    fromBtn.id = 'set-from';
    fromBtn.addEventListener('click', function () { setPathEnd('from', id); });
    var toBtn = el('button', '', t('setTo'));
    toBtn.type = 'button';
    toBtn.id = 'set-to';
    toBtn.addEventListener('click', function () { setPathEnd('to', id); });
    buttons.appendChild(fromBtn);
    buttons.appendChild(toBtn);
    panel.appendChild(buttons);

    // Properties: the fields every node has, then the kind's own.
    panel.appendChild(el('h3', '', t('properties')));
    var dl = el('dl', 'props');
    dl.id = 'node-props';
    var add = function (name, value, props) {
      if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return;
      dl.appendChild(el('dt', '', propLabel(name, props)));
      dl.appendChild(el('dd', '', formatValue(value)));
    };
    state.registry.fields.forEach(function (f) {
      if (f.name !== 'name') add(f.name, node[f.name], state.registry.fields);
    });
    var spec = state.kinds[kind];
    (spec ? spec.props : []).forEach(function (p) { add(p.name, node[kind + '_' + p.name], spec.props); });
    panel.appendChild(dl);

    // Relationships: those of the node among what was last read for it.
    var rels = state.edgesOf[id];
    if (rels) {
      var mine = rels.edges.filter(function (e) { return e.source === id || e.target === id; });
      panel.appendChild(el('h3', '', t('relationships') + t('open') + mine.length + t('close')));
      var names = {};
      rels.nodes.forEach(function (n) { names[n.id] = n; });
      var ul = el('ul', 'rels');
      ul.id = 'node-rels';
      mine.forEach(function (e) {
        var out = e.source === id;
        var other = names[out ? e.target : e.source] || { id: out ? e.target : e.source, label: out ? e.target : e.source };
        var li = el('li');
        li.appendChild(el('span', 'type', (out ? '→ ' : '← ') + relLabel(e.type) + ' '));
        li.appendChild(swatch(other.kind));
        var link = el('button', 'link', ' ' + other.label);
        link.type = 'button';
        link.addEventListener('click', function () { openNode(other.id, { expand: true }); });
        li.appendChild(link);
        var extra = [];
        var relSpec = state.rels[e.type];
        (relSpec ? relSpec.props : []).forEach(function (p) {
          if (e[p.name] !== null && e[p.name] !== undefined) extra.push(label(p.label) + t('colon') + formatValue(e[p.name]));
        });
        if (extra.length) li.appendChild(el('span', 'type', t('open') + extra.join(t('comma')) + t('close')));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
      if (rels.truncated) panel.appendChild(el('p', 'note', t('moreRels')));
    }

    // Provenance: who asserted the node, from which sources, and when.
    panel.appendChild(el('h3', '', t('provenance')));
    var prov = node.provenance || { sources: [], assertedBy: [] };
    var pdl = el('dl', 'props');
    pdl.id = 'node-provenance';
    pdl.appendChild(el('dt', '', t('sources')));
    var dd = el('dd');
    var ol = el('ul', 'provenance');
    prov.sources.forEach(function (s) { ol.appendChild(el('li', '', s)); });
    dd.appendChild(ol);
    pdl.appendChild(dd);
    if (prov.assertedBy && prov.assertedBy.length) {
      pdl.appendChild(el('dt', '', t('assertedBy')));
      var ad = el('dd');
      var al = el('ul', 'provenance');
      prov.assertedBy.forEach(function (a) { al.appendChild(el('li', '', a.actor + ' · ' + a.source)); });
      ad.appendChild(al);
      pdl.appendChild(ad);
    }
    pdl.appendChild(el('dt', '', t('createdAt')));
    pdl.appendChild(el('dd', '', prov.createdAt));
    pdl.appendChild(el('dt', '', t('updatedAt')));
    pdl.appendChild(el('dd', '', prov.updatedAt));
    panel.appendChild(pdl);
  }

  // ---- Search ----

  function searchKinds() {
    var hidden = Object.keys(state.hiddenKinds).filter(function (k) { return state.hiddenKinds[k]; });
    if (!hidden.length) return null;
    return state.registry.kinds.map(function (k) { return k.name; }).filter(function (k) { return !state.hiddenKinds[k]; });
  }

  function runSearch(text) {
    text = text.trim();
    if (!text) return Promise.resolve();
    status(t('searching', text));
    var vars = { text: text };
    var kinds = searchKinds();
    if (kinds && !kinds.length) {
      // Every kind is filtered out: nothing could be shown.
      state.lastResults = { text: text, hits: [] };
      renderResults();
      return Promise.resolve();
    }
    if (kinds) vars.kinds = kinds;
    return gql(queries.search, vars).then(function (data) {
      state.lastResults = { text: text, hits: (data && data.search) || [] };
      renderResults();
      status(state.lastResults.hits.length ? '' : t('noResults', text));
    }).catch(function (err) {
      status(t('error', err.message), true);
    });
  }

  function renderResults() {
    var ol = $('results');
    ol.textContent = '';
    if (!state.lastResults) return;
    state.lastResults.hits.forEach(function (hit) {
      var li = el('li');
      li.appendChild(swatch(hit.node.__typename));
      var b = el('button', '', ' ' + hit.node.name);
      b.type = 'button';
      b.setAttribute('data-id', hit.node.id);
      b.addEventListener('click', function () { openNode(hit.node.id, { fresh: true }); });
      li.appendChild(b);
      li.appendChild(el('span', 'kind-tag', ' ' + kindLabel(hit.node.__typename)));
      ol.appendChild(li);
    });
    if (!state.lastResults.hits.length) ol.appendChild(el('li', 'note', t('noResults', state.lastResults.text)));
  }

  // ---- Paths ----

  function setPathEnd(which, id) {
    if (which === 'from') state.pathFrom = id; else state.pathTo = id;
    renderPathEnds();
  }

  function nodeName(id) {
    if (state.details[id]) return state.details[id].name;
    var n = cy && cy.getElementById(id);
    return n && n.nonempty() ? n.data('label') : id;
  }

  function renderPathEnds() {
    [['path-from', state.pathFrom], ['path-to', state.pathTo]].forEach(function (p) {
      var dd = $(p[0]);
      dd.textContent = p[1] ? nodeName(p[1]) : '—';
      dd.className = p[1] ? '' : 'empty';
    });
    $('find-paths').disabled = !(state.pathFrom && state.pathTo);
  }

  function clearPaths() {
    if (cy) cy.elements().removeClass('path faded');
    setPathNote(null);
  }

  // setPathNote says what the path search found, in the page's language
  // now and after a switch.
  function setPathNote(note) {
    state.pathNote = note;
    $('path-result').textContent = note ? t.apply(null, note) : '';
  }

  function findPaths() {
    if (!state.pathFrom || !state.pathTo) return Promise.resolve();
    var hops = parseInt($('max-hops').value, 10);
    var vars = { from: state.pathFrom, to: state.pathTo, maxHops: hops };
    // Hidden relationship types are not walked either.
    var hiddenRels = Object.keys(state.hiddenRels).filter(function (r) { return state.hiddenRels[r]; });
    if (hiddenRels.length) {
      vars.types = state.registry.relations.map(function (r) { return r.type; }).filter(function (r) { return !state.hiddenRels[r]; });
    }
    clearPaths();
    return gql(queries.paths, vars).then(function (data) {
      var paths = (data && data.paths) || [];
      if (!paths.length) {
        setPathNote(['noPath', hops]);
        return;
      }
      var nodes = [];
      var edges = [];
      paths.forEach(function (p) {
        p.nodes.forEach(function (n) { nodes.push({ id: n.id, kind: n.__typename, label: n.name }); });
        p.relationships.forEach(function (r) {
          edges.push({ id: r.type + ':' + r.from + '->' + r.to, source: r.from, target: r.to, type: r.type });
        });
      });
      var fresh = addElements(nodes, edges, state.pathFrom);
      if (fresh > 0) layout(false);
      cy.batch(function () {
        cy.elements().addClass('faded');
        nodes.forEach(function (n) { cy.getElementById(n.id).removeClass('faded').addClass('path'); });
        edges.forEach(function (e) { cy.getElementById(e.id).removeClass('faded').addClass('path'); });
      });
      setPathNote(['pathsFound', paths.length, paths[0].length]);
    }).catch(function (err) {
      status(t('error', err.message), true);
    });
  }

  // ---- Filters, legend, language ----

  function renderFilters() {
    var kinds = $('kind-filters');
    kinds.textContent = '';
    state.registry.kinds.forEach(function (k) {
      var li = el('li');
      var box = el('input');
      box.type = 'checkbox';
      box.checked = !state.hiddenKinds[k.name];
      box.setAttribute('data-kind', k.name);
      box.id = 'kind-' + k.name;
      box.addEventListener('change', function () {
        state.hiddenKinds[k.name] = !box.checked;
        applyFilters();
      });
      var lab = el('label');
      lab.htmlFor = box.id;
      lab.appendChild(swatch(k.name));
      lab.appendChild(document.createTextNode(' ' + label(k.label)));
      li.appendChild(box);
      li.appendChild(lab);
      var count = el('span', 'count');
      count.setAttribute('data-count', k.name);
      li.appendChild(count);
      kinds.appendChild(li);
    });
    var rels = $('rel-filters');
    rels.textContent = '';
    state.registry.relations.forEach(function (r) {
      var li = el('li');
      var box = el('input');
      box.type = 'checkbox';
      box.checked = !state.hiddenRels[r.type];
      box.setAttribute('data-rel', r.type);
      box.id = 'rel-' + r.type;
      box.addEventListener('change', function () {
        state.hiddenRels[r.type] = !box.checked;
        applyFilters();
      });
      var lab = el('label', '', label(r.label));
      lab.htmlFor = box.id;
      lab.title = r.type;
      li.appendChild(box);
      li.appendChild(lab);
      var count = el('span', 'count');
      count.setAttribute('data-count', 'rel:' + r.type);
      li.appendChild(count);
      rels.appendChild(li);
    });
    updateCounts();
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('title');
    document.querySelectorAll('[data-i18n]').forEach(function (e) {
      e.textContent = t(e.getAttribute('data-i18n'));
    });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (e) {
      e.placeholder = t(e.getAttribute('data-i18n-placeholder'));
    });
    $('lang-switch').textContent = t('other');
    renderFilters();
    renderResults();
    renderPathEnds();
    setPathNote(state.pathNote);
    renderDetails();
    if (cy) {
      cy.edges().forEach(function (e) { e.data('label', relLabel(e.data('type'))); });
    }
  }

  // ---- Start ----

  function wire() {
    $('search-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      runSearch($('search-input').value);
    });
    $('lang-switch').addEventListener('click', function () {
      state.lang = state.lang === 'zh' ? 'en' : 'zh';
      applyLanguage();
    });
    $('find-paths').addEventListener('click', findPaths);
    $('clear-paths').addEventListener('click', clearPaths);
    $('signin-form').addEventListener('submit', function () {
      var token = $('signin-token').value.trim();
      $('signin-token').value = '';
      var waiters = signinWaiters;
      signinWaiters = [];
      waiters.forEach(function (resolve) { resolve(token); });
    });
    // Without a token nothing works: the dialog stays until one is given.
    $('signin').addEventListener('cancel', function (ev) { ev.preventDefault(); });
  }

  function start(registry) {
    state.registry = registry;
    registry.kinds.forEach(function (k, i) {
      state.kinds[k.name] = { label: k.label, props: k.props, color: palette[i % palette.length] };
    });
    registry.relations.forEach(function (r) {
      state.rels[r.type] = { label: r.label, props: r.props };
    });
    buildQueries();
    startGraph();
    wire();
    applyLanguage();
    // A first, empty operation: where anonymous reads are off, it brings up
    // the sign-in dialog before the user types anything.
    var params = new URLSearchParams(window.location.search);
    return gql('query ExplorerHello { __typename }', {}, true).then(function () {
      if (params.get('id')) return openNode(params.get('id'), { fresh: true });
      if (params.get('q')) {
        $('search-input').value = params.get('q');
        return runSearch(params.get('q'));
      }
    });
  }

  // The e2e test reads the drawing and the state through this.
  window.castgraphExplorer = {
    state: state,
    graph: function () { return cy; }
  };

  state.busy++;
  fetch(new URL(root.getAttribute('data-registry'), window.location.href).href, { credentials: 'same-origin' })
    .then(function (resp) {
      if (!resp.ok) throw new Error('registry.json: HTTP ' + resp.status);
      return resp.json();
    })
    .then(start)
    .catch(function (err) {
      status(t('error', err.message), true);
    })
    .finally(function () { state.busy--; });
})();
