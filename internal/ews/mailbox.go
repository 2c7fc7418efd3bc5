package ews

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// Listing the messages of the whole mailbox (GET messages).
//
// FindItem cannot traverse folders deeply (ref/finditem: Shallow,
// SoftDeleted or Associated), so the mailbox is searched by giving FindItem
// its mail folders as ParentFolderIds. It then searches each folder on its
// own: the answer holds one FindItemResponseMessage per parent folder, in
// their order, each sorted and paged by the one view on its own (the EWS
// Managed API expects as many response messages as parent folders:
// Core/Requests/FindRequest.cs, GetExpectedResponseMessageCount), so no
// single view pages the mailbox. Graph's listing is one sequence sorted
// across folders, and so is this one: a page is a merge of the folders'
// sorted candidates, and the next link keeps, for each folder, how many of
// its items the pages before took. Every folder is paged by the server at
// exact offsets, so nothing is lost or repeated (apart from what changes
// while the listing runs, as with any paged listing); the merge compares
// the sort keys' values as the server returned them, so where its order
// differs from the server's collation (text) only the order of items from
// different folders can differ.

// maxMergeCandidates bounds the items one FindItem of a merged page may
// return (folders asked at once times the page size), so that an answer
// stays small whatever the number of folders.
const maxMergeCandidates = 10_000

// candidate is an item a folder offers a merged page: its EWS id and the
// text of each sort key (nil when the item has none).
type candidate struct {
	id   string
	vals [][]byte
}

// mergeFolder is a mail folder of a merged listing: how many of its items
// earlier pages took, the candidates it offers this one, and whether it has
// items after them.
type mergeFolder struct {
	ref   folderRef
	taken int
	cands []candidate
	head  int
	more  bool
}

// keyKind is how a sort key's values compare.
type keyKind uint8

const (
	keyText keyKind = iota
	keyTime
	keyNumber
	keyBool
	keyEnum
)

// mailboxPage serves one page of a listing of the whole mailbox.
func (c *call) mailboxPage(s *odata.Schema, st *listState) (*http.Response, error) {
	want := st.View.Top + st.View.Offset // $skip applies to the first page
	if want > maxTop {
		return nil, errNotSupported(fmt.Sprintf("$skip and $top together beyond %d in a listing of the whole mailbox", maxTop))
	}
	kinds, err := sortKinds(s, st.Sort)
	if err != nil {
		return nil, err
	}
	refs, err := c.mailFolders()
	if err != nil {
		return nil, err
	}
	folders := make([]*mergeFolder, 0, len(refs))
	for _, r := range refs {
		f := &mergeFolder{ref: r, taken: st.Taken[r.id]}
		if r.count == 0 && f.taken == 0 {
			continue // empty when listed, and never taken from
		}
		folders = append(folders, f)
	}
	// One FindItem per offset (the view is the request's, not the
	// folder's), with as many folders as keep the answer bounded.
	byOffset := map[int][]*mergeFolder{}
	for _, f := range folders {
		byOffset[f.taken] = append(byOffset[f.taken], f)
	}
	offsets := slices.Sorted(func(yield func(int) bool) {
		for o := range byOffset {
			if !yield(o) {
				return
			}
		}
	})
	perRequest := max(1, maxMergeCandidates/want)
	total := 0
	for _, off := range offsets {
		group := byOffset[off]
		for len(group) > 0 {
			chunk := group[:min(len(group), perRequest)]
			group = group[len(chunk):]
			n, err := c.findCandidates(st, chunk, view{Top: want, Offset: off})
			if err != nil {
				return nil, err
			}
			total += n
		}
	}
	// The merge: the smallest head among the folders, for as long as every
	// folder that has more items still offers one.
	var page []*mergeFolder
	for len(page) < want {
		var best *mergeFolder
		stalled := false
		for _, f := range folders {
			if f.head == len(f.cands) {
				if f.more {
					stalled = true
				}
				continue
			}
			if best == nil || compareCandidates(&f.cands[f.head], &best.cands[best.head], st.Sort, kinds) < 0 {
				best = f
			}
		}
		if best == nil || stalled {
			break
		}
		page = append(page, best)
		best.head++
	}
	last := true
	for _, f := range folders {
		if f.head < len(f.cands) || f.more {
			last = false
		}
	}
	if len(page) == 0 && !last {
		return nil, fmt.Errorf("%w: FindItem offered no item of a folder it says has more", errXML)
	}
	ids := make([]string, 0, len(page))
	seen := map[*mergeFolder]int{}
	for _, f := range page {
		ids = append(ids, f.cands[seen[f]].id)
		seen[f]++
	}
	ids = ids[min(len(ids), st.View.Offset):]
	out := make([]byte, 0, 4096)
	out = append(out, `{"value":[`...)
	if len(ids) > 0 {
		if out, err = c.getItems(out, s, st.Shape, ids, true); err != nil {
			return nil, err
		}
	}
	out = append(out, ']')
	if st.View.Count {
		out = member(out, "@odata.count")
		out = strconv.AppendInt(out, int64(total), 10)
	}
	if !last {
		next := *st
		next.View.Offset = 0
		next.Taken = map[string]int{}
		for _, f := range folders {
			if n := f.taken + f.head; n > 0 {
				next.Taken[f.ref.id] = n
			}
		}
		out = member(out, "@odata.nextLink")
		out = appendString(out, makeLink(c.b.root, &next))
	}
	out = append(out, '}')
	return jsonResponse(http.StatusOK, out), nil
}

// findCandidates asks the folders for the items of view v, ids and sort
// keys only, and gives each its candidates; it returns the number of items
// the folders hold that match the listing (TotalItemsInView).
func (c *call) findCandidates(st *listState, folders []*mergeFolder, v view) (int, error) {
	keys := &shape{BodyType: "Text"}
	for _, k := range st.Sort {
		keys.Fields = append(keys.Fields, *k.Field)
	}
	total := 0
	var buf []byte
	refs := make([]folderRef, len(folders))
	for i, f := range folders {
		refs[i] = f.ref
	}
	err := c.send(request{op: "FindItem", idempotent: true, body: func(w *xmlWriter) {
		writeFindItem(w, st, keys, v, refs)
	}}, func(x *xmlReader, _ *[]byte) error {
		return readMessages(x, &buf, func(i int, ms *status) error {
			if !x.is("RootFolder") || !ms.ok() || i >= len(folders) {
				return x.skip()
			}
			f := folders[i]
			var pg findPage
			readRootFolder(x, &pg)
			total += pg.total
			f.more = !pg.last
			return x.children(func() error {
				if !x.is("Items") {
					return x.skip()
				}
				return x.children(func() error {
					cd, err := readCandidate(x, st.Sort)
					if err != nil {
						return err
					}
					if cd.id != "" {
						f.cands = append(f.cands, cd)
					}
					return nil
				})
			})
		}, func(i int, ms *status) error {
			switch {
			case i >= len(folders):
				return fmt.Errorf("%w: FindItem answered %d folders of %d", errXML, i+1, len(folders))
			case ms.ok():
				return nil
			case ms.code == "ErrorFolderNotFound" || ms.code == "ErrorItemNotFound":
				folders[i].more = false // deleted since it was listed
				return nil
			}
			return errorOf("FindItem", ms, false, nil)
		})
	})
	if err != nil {
		return 0, err
	}
	for _, f := range folders {
		if len(f.cands) > v.Top {
			return 0, fmt.Errorf("%w: FindItem answered %d items of a folder for a page of %d", errXML, len(f.cands), v.Top)
		}
	}
	return total, nil
}

// readCandidate reads an item element of a FindItem answer of shape IdOnly
// and the sort keys: its id and the text of each key.
func readCandidate(x *xmlReader, keys []sortKey) (candidate, error) {
	cd := candidate{vals: make([][]byte, len(keys))}
	err := x.children(func() error {
		if x.is("ItemId") {
			if id, ok := x.attr("Id"); ok {
				cd.id = string(id)
			}
			return x.skip()
		}
		for i, k := range keys {
			if k.Field.URI != "" && cd.vals[i] == nil && string(x.local) == elemName(k.Field.URI) {
				t, err := x.deepTextInto(nil)
				cd.vals[i] = bytes.TrimSpace(t)
				return err
			}
		}
		return x.skip()
	})
	return cd, err
}

// sortKinds says how each sort key's values compare; the whole mailbox is
// merged on FieldURIs only.
func sortKinds(s *odata.Schema, keys []sortKey) ([]keyKind, error) {
	kinds := make([]keyKind, len(keys))
	ix := indexOf(s)
	for i, k := range keys {
		if k.Field.URI == "" {
			return nil, errNotSupported("sorting the whole mailbox by an extended property (list it folder by folder)")
		}
		p := ix.elem[elemName(k.Field.URI)]
		if p == nil {
			continue
		}
		switch p.Kind {
		case odata.KindTime, odata.KindDate:
			kinds[i] = keyTime
		case odata.KindInt, odata.KindFloat:
			kinds[i] = keyNumber
		case odata.KindBool:
			kinds[i] = keyBool
		case odata.KindEnum:
			kinds[i] = keyEnum
		}
	}
	return kinds, nil
}

// compareCandidates orders a and b as the sort keys say; an item without a
// key's value comes before every value, as the lowest.
func compareCandidates(a, b *candidate, keys []sortKey, kinds []keyKind) int {
	for i, k := range keys {
		c := compareValues(a.vals[i], b.vals[i], kinds[i])
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func compareValues(a, b []byte, kind keyKind) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch kind {
	case keyTime:
		ta, okA := parseDateTime(a)
		tb, okB := parseDateTime(b)
		if okA && okB {
			return ta.Compare(tb)
		}
	case keyNumber:
		fa, errA := strconv.ParseFloat(string(a), 64)
		fb, errB := strconv.ParseFloat(string(b), 64)
		if errA == nil && errB == nil {
			return cmp.Compare(fa, fb)
		}
	case keyBool:
		return cmp.Compare(boolRank(a), boolRank(b))
	case keyEnum:
		if ra, rb := enumRank[string(a)], enumRank[string(b)]; ra != 0 && rb != 0 {
			return cmp.Compare(ra, rb)
		}
	}
	return strings.Compare(strings.ToLower(string(a)), strings.ToLower(string(b)))
}

func boolRank(v []byte) int {
	if string(v) == "true" || string(v) == "1" {
		return 1
	}
	return 0
}

// enumRank orders the enumerations EWS sorts by their MAPI values rather
// than their names: importance (PidTagImportance: low 0, normal 1, high 2)
// and sensitivity (PidTagSensitivity: normal 0 to confidential 3).
var enumRank = map[string]int{
	"Low": 1, "Normal": 2, "High": 3,
	"Personal": 3, "Private": 4, "Confidential": 5,
}
