package graph

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
)

// BookmarkHeader carries Neo4j bookmarks both ways (store/bookmarks.go):
// a response to a request that wrote has the bookmarks of its writes; a
// request that brings them back reads those writes through any castgraph
// process and any cluster member. Several bookmarks are separated by commas.
const BookmarkHeader = "Castgraph-Bookmark"

// maxBookmarkBytes bounds the header a request may bring.
const maxBookmarkBytes = 4096

// withBookmarks hands a request's bookmarks to its transactions and puts
// the bookmarks of its writes on the response, before its first byte.
func withBookmarks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var brought []string
		size := 0
		for _, h := range r.Header.Values(BookmarkHeader) {
			size += len(h)
			for _, b := range strings.Split(h, ",") {
				if b = strings.TrimSpace(b); b != "" {
					brought = append(brought, b)
				}
			}
		}
		if size > maxBookmarkBytes || len(brought) > store.MaxBookmarks {
			refuse(w, r, http.StatusBadRequest, castgraph.EINVALID,
				fmt.Sprintf("%s: a request brings at most %d bookmarks in %d bytes", BookmarkHeader, store.MaxBookmarks, maxBookmarkBytes))
			return
		}
		ctx, marks := store.WithBookmarks(r.Context(), brought)
		next.ServeHTTP(&bookmarkWriter{ResponseWriter: w, marks: marks}, r.WithContext(ctx))
	})
}

// bookmarkWriter adds the written bookmarks to the response's headers when
// it starts.
type bookmarkWriter struct {
	http.ResponseWriter
	marks   *store.Bookmarks
	started bool
}

func (w *bookmarkWriter) WriteHeader(status int) {
	if !w.started {
		w.started = true
		if written := w.marks.Written(); len(written) > 0 {
			w.Header().Set(BookmarkHeader, strings.Join(written, ","))
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *bookmarkWriter) Write(b []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes, deadlines).
func (w *bookmarkWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
