package engine

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// FollowJournal is the journal a client keeps of a run that runs
// elsewhere (on Temporal) while it follows it: the header, then each
// node's end as the client learns of it, so that pipe show of the run
// shows the nodes that ended, as for a run in pipe's process. The file
// is locked while it stays open, as a local run's journal (see
// CreateJournal).
//
// Node only queues; a goroutine of the journal's own encodes and writes,
// at most every journalFlush: the client's follow loop never waits on the
// disk.
type FollowJournal struct {
	f    *os.File
	j    *journal
	kick chan struct{} // a token once lines wait
	stop chan struct{}
	done chan struct{}
	once sync.Once
	err  error // Close's, once
}

// RemoteJournal creates, at path, the journal of run id of plan that runs
// elsewhere (at remote, started at started), for the client that follows
// it: pipe runs then lists the run as going, show shows it, and a client
// killed outright leaves it to be recovered with where the run went on.
// Close it once the record is written, and remove it (RemoveJournal).
func RemoteJournal(path string, plan *Plan, id, remote string, started time.Time) (*FollowJournal, error) {
	f, err := createRemoteJournal(path, plan, id, remote, started, false)
	if err != nil {
		return nil, err
	}
	return followJournal(f, id), nil
}

// DetachedJournal creates, at path, the journal of run id of plan started
// elsewhere (at remote) with no pipe to follow it (run --on --detach), and
// closes it: pipe runs lists the run as detached, with how to follow it,
// and no pipe command takes it for one whose pipe died (see
// ErrRunDetached). OpenFollowJournal takes it up to follow the run.
func DetachedJournal(path string, plan *Plan, id, remote string, started time.Time) error {
	f, err := createRemoteJournal(path, plan, id, remote, started, true)
	if err != nil {
		return err
	}
	return f.Close()
}

// OpenFollowJournal takes up the journal at path of a run started
// detached (DetachedJournal), for a pipe that now follows the run: it
// locks it (ErrRunLive when another pipe follows the run) and appends the
// nodes' ends to it.
func OpenFollowJournal(path, id string) (*FollowJournal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return nil, err
	}
	ok, err := tryLock(f)
	if err == nil && !ok {
		err = fmt.Errorf("%s: %w", path, ErrRunLive)
	}
	if err == nil {
		// Ended and removed between the open and the lock: not the
		// journal any more.
		err = sameFile(f, path)
	}
	if err == nil {
		err = endLine(f)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return followJournal(f, id), nil
}

// sameFile checks that f is still the file at path.
func sameFile(f *os.File, path string) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	now, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !os.SameFile(fi, now) {
		return fmt.Errorf("%s was replaced while it was opened", path)
	}
	return nil
}

// endLine ends f's last line if a pipe killed while it wrote it left it
// torn: the lines appended after it must stay lines of their own.
func endLine(f *os.File) error {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, fi.Size()-1); err != nil {
		return err
	}
	if last[0] != '\n' {
		_, err = f.Write([]byte{'\n'})
	}
	return err
}

func createRemoteJournal(path string, plan *Plan, id, remote string, started time.Time, detached bool) (*os.File, error) {
	f, err := CreateJournal(path)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	h := &JournalHeader{Version: journalVersion, Run: id, Pipeline: plan.Pipeline.Name, File: plan.Pipeline.Source.Name,
		StartedAt: started.UTC(), PID: os.Getpid(), Host: host, FileHash: plan.SourceHash(), Remote: remote, Detached: detached,
		Nodes: make([]JournalNode, len(plan.nodes))}
	for i := range plan.nodes {
		h.Nodes[i] = JournalNode{ID: plan.nodes[i].id, Module: plan.Pipeline.Nodes[i].Module}
	}
	b, err := appendJournalHeader(nil, h)
	if err == nil {
		_, err = f.Write(append(b, '\n'))
	}
	if err != nil {
		f.Close()
		RemoveJournal(path)
		return nil, fmt.Errorf("%w: %w", ErrJournal, err)
	}
	return f, nil
}

func followJournal(f *os.File, id string) *FollowJournal {
	j := newJournal(f, id)
	j.async = true
	fj := &FollowJournal{f: f, j: j, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go fj.loop()
	return fj
}

// loop writes the lines queued, at most every journalFlush, until Close.
func (fj *FollowJournal) loop() {
	defer close(fj.done)
	for {
		select {
		case <-fj.stop:
			return
		case <-fj.kick:
		}
		fj.j.flush()
		// Lines that come meanwhile wait for the next write, together.
		select {
		case <-fj.stop:
			return
		case <-time.After(journalFlush):
		}
	}
}

// Node queues node id's end, rec, as the client learned of it. Its inputs
// and outputs are left out (the client is told of nodes without them;
// the record written at the end has them): a run recovered from the
// journal runs such a node again when resumed (ResumeInfo.OutputsCut).
// Safe from one goroutine at a time.
func (fj *FollowJournal) Node(id string, rec *NodeRecord) {
	if fj == nil {
		return
	}
	n := *rec
	n.Inputs, n.Outputs = nil, nil
	r := ResumeInfo{}
	if n.Resume != nil {
		r = *n.Resume
	}
	r.OutputsCut, r.SpecialFloats = true, nil
	n.Resume = &r
	fj.j.node(id, &n)
	select {
	case fj.kick <- struct{}{}:
	default: // told already
	}
}

// Close writes what waits, closes the file (which unlocks it) and says
// what could not be written.
func (fj *FollowJournal) Close() error {
	if fj == nil {
		return nil
	}
	fj.once.Do(func() {
		close(fj.stop)
		<-fj.done
		fj.err = fj.j.close()
		if err := fj.f.Close(); fj.err == nil {
			fj.err = err
		}
	})
	return fj.err
}
