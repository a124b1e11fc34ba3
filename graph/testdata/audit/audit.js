// Runs the graphql-http server audits (GraphQL over HTTP conformance) against
// the URL given as the first argument and prints the results as one JSON
// array on stdout, for graph/audit_test.go to judge. A failed audit carries
// its reason, the HTTP status and the start of the body it got.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.js URL');
  process.exit(2);
}

const results = await auditServer({ url });
const out = [];
for (const r of results) {
  const row = { id: r.id, name: r.name, status: r.status };
  if (r.status !== 'ok') {
    row.reason = r.reason;
    if (r.response) {
      row.httpStatus = r.response.status;
      row.contentType = r.response.headers.get('content-type');
      try {
        row.body = (await r.response.clone().text()).slice(0, 500);
      } catch {
        // The audit read the body already; the reason says enough.
      }
    }
  }
  out.push(row);
}
process.stdout.write(JSON.stringify(out) + '\n');
