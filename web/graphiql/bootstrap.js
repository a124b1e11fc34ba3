// Mounts GraphiQL into #graphiql. Loaded after React, ReactDOM and GraphiQL's
// UMD bundles (globals React, ReactDOM, GraphiQL); the page has no inline
// script, so everything the page needs to know comes from data- attributes.
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

  var defaultQuery = [
    '# Welcome to castgraph\'s GraphiQL.',
    '#',
    '# Type a GraphQL query here and run it with the \u25B6 button or Ctrl-Enter.',
    '# Ctrl-Space autocompletes; the Docs pane (book icon) shows the schema.',
    '# Reads need no sign-in. To write (or see personal fields), open Headers',
    '# below and paste {"Authorization": "Bearer cgt_..."} with your API token.',
    '',
    '{',
    '  __typename',
    '}',
    ''
  ].join('\n');

  try {
    var fetcher = window.GraphiQL.createFetcher({ url: endpoint });
    window.ReactDOM.createRoot(root).render(
      window.React.createElement(window.GraphiQL, {
        fetcher: fetcher,
        defaultQuery: defaultQuery,
        defaultEditorToolsVisibility: true
      })
    );
  } catch (err) {
    fail('GraphiQL could not start: ' + (err && err.message ? err.message : err));
    throw err;
  }
})();
