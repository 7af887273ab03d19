//go:build unix

package watchdog

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// msgs writes messages as Conn.send does: op, pgid, op, pgid...
func msgs(ops ...any) string {
	var b strings.Builder
	for k := 0; k < len(ops); k += 2 {
		fmt.Fprintf(&b, "%c %d e\n", ops[k].(byte), ops[k+1].(int))
	}
	return b.String()
}

var serveTests = []struct {
	name   string
	stream string
	killed []int
}{
	{"nothing", "", nil},
	{"one running", msgs(byte(opAdd), 10), []int{10}},
	{"ended", msgs(byte(opAdd), 10, byte(opRemove), 10), nil},
	{"some ended", msgs(byte(opAdd), 10, byte(opAdd), 11, byte(opAdd), 12, byte(opRemove), 11), []int{10, 12}},
	{"id given again", msgs(byte(opAdd), 10, byte(opRemove), 10, byte(opAdd), 10), []int{10}},
	{"listed twice", msgs(byte(opAdd), 10, byte(opAdd), 10, byte(opRemove), 10), []int{10}},
	{"torn last message", msgs(byte(opAdd), 10) + "- 10", []int{10}},
	{"torn id", msgs(byte(opAdd), 10) + "+ 1", []int{10}},
	// kill(-1) reaches every process, kill(0) the watchdog's own group.
	{"group 1 or less", "+ 1 e\n+ 0 e\n+ -5 e\n+ 1e3 e\n+ x e\n", nil},
	{"removing what is not listed", msgs(byte(opRemove), 10, byte(opAdd), 11), []int{11}},
	{"garbage", "hello\n+ 12 e extra\n++ 13 e\n", nil},
}

func TestServe(t *testing.T) {
	for _, tt := range serveTests {
		t.Run(tt.name, func(t *testing.T) {
			var killed []int
			serve(strings.NewReader(tt.stream), func(pgid int) { killed = append(killed, pgid) })
			slices.Sort(killed)
			if !slices.Equal(killed, tt.killed) {
				t.Errorf("killed %v, want %v", killed, tt.killed)
			}
		})
	}
}

// The awk watchdog reads the messages as serve does. Its kill commands go
// to cat here, to be read back, never to a shell.
func TestAwkProgram(t *testing.T) {
	argv := shellWatchdog()
	if argv == nil {
		t.Skip("no sh or awk here: the Go watchdog stands in")
	}
	for _, tt := range serveTests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(argv[3], awkProgram("cat"))
			cmd.Stdin = strings.NewReader(tt.stream)
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			var killed []int
			for line := range strings.Lines(string(out)) {
				var pgid int
				if _, err := fmt.Sscanf(line, "kill -s KILL -- -%d 2>/dev/null\n", &pgid); err != nil {
					t.Fatalf("awk printed %q", line)
				}
				killed = append(killed, pgid)
			}
			slices.Sort(killed)
			if !slices.Equal(killed, tt.killed) {
				t.Errorf("killed %v, want %v", killed, tt.killed)
			}
		})
	}
}

// Conn sends what parse reads back.
func TestSendParse(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c := &Conn{w: w}
	if err := c.Add(4242); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []int{-3, 0, 1, 1 << 31} {
		if err := c.Add(bad); err == nil {
			t.Errorf("Add(%d) sent", bad)
		}
	}
	w.Close()
	var buf [64]byte
	n, _ := r.Read(buf[:])
	op, pgid, ok := parse(strings.TrimSuffix(string(buf[:n]), "\n"))
	if !ok || op != opAdd || pgid != 4242 || strconv.Itoa(pgid)+" e\n" != string(buf[2:n]) {
		t.Errorf("sent %q, read %c %d %v", buf[:n], op, pgid, ok)
	}
}

// sleeper starts a sleep in a process group of its own.
func sleeper(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// hasExited reports whether cmd's process has ended (reaping it if so). A
// process that is no child any more (ECHILD: reaped already) has ended.
func hasExited(cmd *exec.Cmd) bool {
	var status syscall.WaitStatus
	pid, err := syscall.Wait4(cmd.Process.Pid, &status, syscall.WNOHANG, nil)
	return pid == cmd.Process.Pid || errors.Is(err, syscall.ECHILD)
}

// procState is what /proc says of pid (its stat line), for a failure's
// message: running, stopped, a zombie, or gone.
func procState(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "gone"
	}
	return strings.TrimSpace(string(b))
}

// The watchdog, a process of its own, kills the groups still listed when
// its pipe closes (here by Close; when pipe dies, by the kernel): the awk
// one under sh, and pipe's executable run again where they are missing.
func TestWatchdogProcess(t *testing.T) {
	eachWatchdog(t, func(t *testing.T) {
		exited := make(chan struct{})
		dog, err := Start(func(*Conn) { close(exited) })
		if err != nil {
			t.Fatal(err)
		}
		listed, ended := sleeper(t), sleeper(t)
		for _, err := range []error{dog.Add(listed.Process.Pid), dog.Add(ended.Process.Pid), dog.Remove(ended.Process.Pid)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		dog.Close()
		deadline := time.Now().Add(10 * time.Second)
		for !hasExited(listed) {
			if time.Now().After(deadline) {
				t.Fatal("the listed group outlived the watchdog's pipe")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if hasExited(ended) {
			t.Error("the watchdog killed a group taken off its list")
		}
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Error("the watchdog did not exit")
		}
	})
}

// eachWatchdog runs test for both kinds of watchdog: awk under sh, and
// this executable run again.
func eachWatchdog(t *testing.T, test func(t *testing.T)) {
	for _, self := range []bool{false, true} {
		t.Run(map[bool]string{false: "sh and awk", true: "this executable"}[self], func(t *testing.T) {
			if !self && shellWatchdog() == nil {
				t.Skip("no sh or awk here")
			}
			useSelf = self
			t.Cleanup(func() { useSelf = false })
			test(t)
		})
	}
}

// Groups given to Start reach the watchdog, those written before it runs
// and those past the first preListed, written after: its pipe closed at
// once after Start takes them all along. (That the first are in the pipe
// before the process exists, so that pipe killed in between leaves none
// behind, is what cmd/pipe's TestWatchdogKilledFirstIsReplaced met.)
func TestWatchdogStartsWithItsGroups(t *testing.T) {
	eachWatchdog(t, func(t *testing.T) {
		first, last := sleeper(t), sleeper(t)
		groups := []int{first.Process.Pid}
		for g := 2; len(groups) < preListed; g++ {
			groups = append(groups, 1<<30+g) // no such group: kill fails quietly
		}
		groups = append(groups, last.Process.Pid)
		dog, err := Start(nil, groups...)
		if err != nil {
			t.Fatal(err)
		}
		dog.Close()
		deadline := time.Now().Add(10 * time.Second)
		for !hasExited(first) || !hasExited(last) {
			if time.Now().After(deadline) {
				t.Fatalf("a group given to Start outlived the watchdog's pipe: first (listed before the watchdog ran) %s; last (after) %s",
					procState(first.Process.Pid), procState(last.Process.Pid))
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}
