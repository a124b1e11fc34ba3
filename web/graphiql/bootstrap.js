// Mounts GraphiQL into #graphiql. Loaded after React, ReactDOM, GraphiQL's
// and its explorer plugin's UMD bundles (globals React, ReactDOM, GraphiQL,
// GraphiQLPluginExplorer); the page has no inline script, so everything the
// page needs to know comes from data- attributes.
(function () {
  'use strict';

  // Radix UI (inside GraphiQL) injects a <style> element when a dialog opens.
  // It tags it with __webpack_nonce__, so hand it the per-response nonce the
  // server put on this script tag and allowed in style-src.
  var script = document.currentScript;
  if (script && script.nonce) {
    window.__webpack_nonce__ = script.nonce;
  }

  var root = document.getElementById('graphiql');

  function fail(message) {
    root.textContent = '';
    var p = document.createElement('p');
    p.className = 'castgraph-graphiql-message castgraph-graphiql-error';
    p.textContent = message;
    root.appendChild(p);
  }

  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    fail('GraphiQL could not start: its scripts did not load. Reload the page; if it persists, check the server log.');
    return;
  }

  var endpoint = new URL(root.getAttribute('data-endpoint') || 'graphql', window.location.href).href;

  // The document of named examples the server embeds (examples.graphql):
  // the editor's text when the browser has stored none.
  var defaultQuery = root.getAttribute('data-default-query') || '{\n  __typename\n}\n';

  // A link may bring a query: ?query=…&variables=…&operationName=… (the
  // graph explorer's "open in GraphiQL" does). It replaces the editor's text.
  var params = new URLSearchParams(window.location.search);
  var props = {
    fetcher: window.GraphiQL.createFetcher({ url: endpoint }),
    defaultQuery: defaultQuery,
    defaultEditorToolsVisibility: true,
    plugins: []
  };
  if (params.get('query')) {
    props.query = params.get('query');
    props.variables = params.get('variables') || undefined;
    props.operationName = params.get('operationName') || undefined;
  }

  // The explorer plugin (compass icon) builds queries by ticking fields. The
  // page works without it, should its script not load.
  if (window.GraphiQLPluginExplorer && window.GraphiQLPluginExplorer.explorerPlugin) {
    props.plugins.push(window.GraphiQLPluginExplorer.explorerPlugin());
  }

  try {
    window.ReactDOM.createRoot(root).render(
      window.React.createElement(window.GraphiQL, props)
    );
  } catch (err) {
    fail('GraphiQL could not start: ' + (err && err.message ? err.message : err));
    throw err;
  }
})();
