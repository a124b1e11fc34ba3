package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
)

// persistedDocuments is an allow-list of GraphQL documents by the sha256 (in
// lower-case hex) of their text. A front end that ships fixed queries ships
// this manifest too; with it the server runs those documents only, so a
// stranger can neither explore the schema nor send an expensive query of
// their own. nil allows every document.
type persistedDocuments map[string]string

// ReadPersistedDocuments reads a persisted-document manifest: a JSON object of
// sha256 hashes to documents ({"<64 hex>": "query …"}, as graphql-codegen's
// client preset and Relay write it, "sha256:" before the hash allowed), or
// Apollo's persisted query manifest ({"format": "apollo-persisted-query-manifest",
// "operations": [{"id", "body"}]}). Every hash must be the sha256 of its
// document: a manifest made with another hash would let nothing run, which
// is better said at start.
func ReadPersistedDocuments(r io.Reader) (map[string]string, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var apollo struct {
		Format     string `json:"format"`
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	docs := map[string]string{}
	if json.Unmarshal(raw, &apollo) == nil && apollo.Format == "apollo-persisted-query-manifest" {
		for _, op := range apollo.Operations {
			docs[op.ID] = op.Body
		}
	} else {
		if err := json.Unmarshal(raw, &docs); err != nil {
			return nil, fmt.Errorf("a persisted-document manifest is a JSON object of sha256 hashes to documents: %w", err)
		}
	}
	out := make(map[string]string, len(docs))
	for id, doc := range docs {
		hash := strings.ToLower(strings.TrimPrefix(id, "sha256:"))
		if hash != documentHash(doc) {
			return nil, fmt.Errorf("persisted document %q: the key is not the sha256 of its document", id)
		}
		out[hash] = doc
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the persisted-document manifest is empty: no operation could run")
	}
	return out, nil
}

// documentHash is the sha256 of a document's text in lower-case hex: the key
// of persisted documents and what the error log says instead of the text.
func documentHash(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

// resolve puts the allowed document in place of what the request names: by
// documentId (the GraphQL-over-HTTP persisted-documents proposal, "sha256:"
// before the hash or not), by extensions.persistedQuery.sha256Hash (Apollo's
// form), or by the text itself, when that is in the list. Anything else is
// PERSISTED_DOCUMENT_NOT_FOUND.
func (d persistedDocuments) resolve(p *graphql.RawParams, documentID string) error {
	if d == nil {
		if documentID != "" {
			return castgraph.Errorf(castgraph.EBADREQUEST, "documentId", "this server keeps no persisted documents: send the query")
		}
		return nil
	}
	hash := documentID
	if pq, ok := p.Extensions["persistedQuery"].(map[string]any); ok && hash == "" {
		hash, _ = pq["sha256Hash"].(string)
	}
	hash = strings.ToLower(strings.TrimPrefix(hash, "sha256:"))
	if hash == "" {
		hash = documentHash(p.Query)
	}
	doc, ok := d[hash]
	if !ok || p.Query != "" && p.Query != doc {
		return castgraph.Errorf(castgraph.EPERSISTED, "", "this server runs persisted documents only, and this one is not among them")
	}
	p.Query = doc
	// The document is in place; the persisted-query extension has nothing to add.
	delete(p.Extensions, "persistedQuery")
	return nil
}
