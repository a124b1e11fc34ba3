package castgraph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
)

// MaxDatasetEntryBytes bounds one entry of a streamed dataset: a node or a
// relationship as JSON, or the top-level source. The decoder holds one entry
// at a time, so this bounds its buffer whatever the input. A node's own
// fields are bounded far lower (a description is at most MaxTextLen
// characters, 50 aliases of MaxNameLen), but the provenance a dump writes
// grows with every source that asserted the node: 4 MiB holds tens of
// thousands of them.
const MaxDatasetEntryBytes = 4 << 20

// StreamDataset reads a dataset in the format of ReadDataset from r as a
// stream and yields it in parts of at most partRows nodes and relationships
// (partRows < 1 means 1), in the order of the file. It holds one part and one
// entry at a time, so its memory is bounded by the part size, not by the
// file: a dump of millions of rows streams in the memory of a few thousand.
// It is as strict as ReadDataset: every node and relationship is decoded on
// its own with unknown fields refused and numbers kept as json.Number; an
// unknown or repeated top-level key, a value of the wrong type, an entry
// larger than MaxDatasetEntryBytes, JSON nested deeper than encoding/json
// allows and anything after the dataset's closing brace are errors. Top-level
// keys are matched exactly ("nodes", not "Nodes"). Every error is an
// EINVALID *Error whose field names the file and the entry, e.g.
// "backup.json: nodes[523]". The stream ends with it: the parts before it
// have been yielded, the rows read since the last part are dropped.
//
// The top-level keys may come in any order. Each part carries the dataset's
// source once it has been read. A consumer that writes parts as they come
// (store.LoadBatches) needs a relationship's nodes in the same part, an
// earlier one or the graph: a file with "relationships" before "nodes" (a
// dump writes nodes first) loads only if its nodes fit in the same batch or
// are in the graph already, and otherwise fails with an error naming the
// relationship.
//
// The stream reads r once: range over it once.
func StreamDataset(r io.Reader, name string, partRows int) iter.Seq2[*Dataset, error] {
	partRows = max(partRows, 1)
	return func(yield func(*Dataset, error) bool) {
		s := &datasetStream{in: &boundedReader{r: r}, name: name}
		s.dec = json.NewDecoder(s.in)
		s.dec.DisallowUnknownFields()
		s.dec.UseNumber()
		part := &Dataset{}
		// emit yields the part, if it has rows, and starts a new one.
		emit := func() bool {
			if part.Rows() == 0 {
				return true
			}
			ok := yield(part, nil)
			part = &Dataset{Source: s.source}
			return ok
		}
		err := s.read(func(n *DatasetNode, r *DatasetRelship) bool {
			if n != nil {
				part.Nodes = append(part.Nodes, *n)
			} else {
				part.Relationships = append(part.Relationships, *r)
			}
			part.Source = s.source
			if part.Rows() >= partRows {
				return emit()
			}
			return true
		})
		if errors.Is(err, errStopped) {
			return
		}
		if err != nil {
			yield(nil, err)
			return
		}
		emit()
	}
}

// errStopped ends a read whose consumer stopped ranging.
var errStopped = errors.New("the consumer stopped")

// datasetStream walks one dataset's JSON with the decoder's tokens.
type datasetStream struct {
	in     *boundedReader
	dec    *json.Decoder
	name   string
	source string
}

// read walks the whole dataset and hands each node or relationship to add,
// which returns false to stop.
func (s *datasetStream) read(add func(*DatasetNode, *DatasetRelship) bool) error {
	s.allow()
	tok, err := s.dec.Token()
	if err == io.EOF {
		return s.errorf("", "the file is empty: a dataset is a JSON object")
	}
	if err != nil {
		return s.readError("", err)
	}
	if tok != json.Delim('{') {
		return s.errorf("", "a dataset is a JSON object, not %s", describe(tok))
	}
	seen := map[string]bool{}
	for {
		s.allow()
		tok, err := s.dec.Token()
		if err != nil {
			return s.readError("", err)
		}
		if tok == json.Delim('}') {
			break
		}
		key, _ := tok.(string) // inside an object the decoder gives keys or '}'
		if seen[key] {
			return s.errorf(key, "%q appears twice", key)
		}
		seen[key] = true
		switch key {
		case "source":
			s.allow()
			if err := s.dec.Decode(&s.source); err != nil {
				return s.readError("source", err)
			}
		case "nodes":
			err = s.array("nodes", func() (bool, error) {
				var n DatasetNode
				err := s.dec.Decode(&n)
				return err == nil && add(&n, nil), err
			})
		case "relationships":
			err = s.array("relationships", func() (bool, error) {
				var r DatasetRelship
				err := s.dec.Decode(&r)
				return err == nil && add(nil, &r), err
			})
		default:
			return s.errorf(key, "unknown field %q: a dataset has source, nodes and relationships", key)
		}
		if err != nil {
			return err
		}
	}
	s.allow()
	end := s.dec.InputOffset()
	if _, err := s.dec.Token(); err != io.EOF {
		return s.errorf("", "the file goes on after the dataset's closing brace at byte %d", end)
	}
	return nil
}

// array reads the array of key (null is an empty one), calling entry once
// for each of its values; entry decodes the value and returns false to stop.
func (s *datasetStream) array(key string, entry func() (bool, error)) error {
	s.allow()
	tok, err := s.dec.Token()
	if err != nil {
		return s.readError(key, err)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return s.errorf(key, "%s must be an array, not %s", key, describe(tok))
	}
	for i := 0; ; i++ {
		at := fmt.Sprintf("%s[%d]", key, i)
		// One allowance covers the space before an entry and the entry.
		s.allow()
		if !s.dec.More() {
			// The closing ']', or the error that ended More.
			if _, err := s.dec.Token(); err != nil {
				return s.readError(at, err)
			}
			return nil
		}
		ok, err := entry()
		if err != nil {
			return s.readError(at, err)
		}
		if !ok {
			return errStopped
		}
	}
}

// allow lets the decoder read at most MaxDatasetEntryBytes beyond where it
// stands: enough for the next token or entry, and no more.
func (s *datasetStream) allow() {
	s.in.limit = s.dec.InputOffset() + MaxDatasetEntryBytes
}

// errorf is an EINVALID error about the entry at (a key or a position such
// as nodes[523]; empty for the dataset as a whole).
func (s *datasetStream) errorf(at, format string, args ...any) error {
	field := s.name
	if at != "" {
		if field != "" {
			field += ": "
		}
		field += at
	}
	return Errorf(EINVALID, field, format, args...)
}

// readError says why the decoder failed at at, in words and with the byte
// offset where one is known.
func (s *datasetStream) readError(at string, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errEntryTooLarge):
		return s.errorf(at, "an entry is larger than %d bytes (from byte %d)", MaxDatasetEntryBytes, s.dec.InputOffset())
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return s.errorf(at, "the file ends in the middle of the dataset (truncated?)")
	case errors.As(err, &syntax):
		return s.errorf(at, "invalid JSON at byte %d: %v", syntax.Offset, err)
	case errors.As(err, &typ):
		return s.errorf(at, "a value of the wrong type: %v", err)
	}
	return s.errorf(at, "%v", err)
}

// describe names a JSON token for an error message.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", tok)
}

// errEntryTooLarge is what boundedReader answers past its limit.
var errEntryTooLarge = errors.New("entry too large")

// boundedReader hands the decoder bytes up to limit, counted from the start
// of the input, and then errEntryTooLarge. The decoder buffers what it reads,
// so this is what bounds its buffer.
type boundedReader struct {
	r     io.Reader
	read  int64
	limit int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	left := b.limit - b.read
	if left <= 0 {
		return 0, errEntryTooLarge
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}
