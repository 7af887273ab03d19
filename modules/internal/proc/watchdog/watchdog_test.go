//go:build unix

package watchdog

import (
	"bytes"
	"encoding/binary"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"
)

func msgs(ops ...any) []byte {
	var b bytes.Buffer
	for k := 0; k < len(ops); k += 2 {
		var m [msgLen]byte
		m[0] = ops[k].(byte)
		binary.LittleEndian.PutUint32(m[1:], uint32(ops[k+1].(int)))
		b.Write(m[:])
	}
	return b.Bytes()
}

func TestServe(t *testing.T) {
	tests := []struct {
		name   string
		stream []byte
		killed []int
	}{
		{"nothing", nil, nil},
		{"one running", msgs(byte(opAdd), 10), []int{10}},
		{"ended", msgs(byte(opAdd), 10, byte(opRemove), 10), nil},
		{"some ended", msgs(byte(opAdd), 10, byte(opAdd), 11, byte(opAdd), 12, byte(opRemove), 11), []int{10, 12}},
		{"id given again", msgs(byte(opAdd), 10, byte(opRemove), 10, byte(opAdd), 10), []int{10}},
		{"torn last message", append(msgs(byte(opAdd), 10), opRemove, 10), []int{10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var killed []int
			serve(bytes.NewReader(tt.stream), func(pgid int) { killed = append(killed, pgid) })
			slices.Sort(killed)
			if !slices.Equal(killed, tt.killed) {
				t.Errorf("killed %v, want %v", killed, tt.killed)
			}
		})
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

// exited reports whether cmd's process has ended (reaping it if so).
func exited(cmd *exec.Cmd) bool {
	var status syscall.WaitStatus
	pid, _ := syscall.Wait4(cmd.Process.Pid, &status, syscall.WNOHANG, nil)
	return pid == cmd.Process.Pid
}

// The watchdog, a process of its own, kills the groups still listed when
// its pipe closes (here by Close; when pipe dies, by the kernel).
func TestWatchdogProcess(t *testing.T) {
	dog, err := Start(nil)
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
	for !exited(listed) {
		if time.Now().After(deadline) {
			t.Fatal("the listed group outlived the watchdog's pipe")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if exited(ended) {
		t.Error("the watchdog killed a group taken off its list")
	}
}
