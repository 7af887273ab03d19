package cachestore

import (
	"bytes"
	"os"
	"testing"
)

// FuzzDecode: any bytes in an entry file decode to an entry whose log has
// the length its header says, or to an error; never a panic.
func FuzzDecode(f *testing.F) {
	s := Open(f.TempDir())
	log := f.TempDir() + "/n.log"
	os.WriteFile(log, []byte("a line\n"), 0o600)
	if err := s.Put(entry(key(1)), log); err != nil {
		f.Fatal(err)
	}
	path, _ := s.path(key(1))
	good, _ := os.ReadFile(path)
	f.Add(good)
	f.Add([]byte(magic + "{}\n"))
	f.Add([]byte(magic + `{"log_size": -1}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, log, err := decode(data, true)
		if err != nil {
			return
		}
		if int64(len(log)) != e.LogSize || !bytes.HasPrefix(data, []byte(magic)) {
			t.Fatalf("decoded %+v with a log of %d bytes", e, len(log))
		}
	})
}
