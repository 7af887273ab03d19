package main

import (
	"errors"
	"strings"

	"github.com/alecthomas/kong"
)

// temporalConn is how a command reaches Temporal (its flags are the same
// in a build without Temporal, which hands them over): the address comes from
// the command (--on, --temporal) or $PIPE_TEMPORAL_ADDRESS.
type temporalConn struct {
	Namespace     string `help:"Temporal namespace (default: the address's /NS, else default)." placeholder:"NS"`
	TaskQueue     string `help:"Task queue the workers poll." default:"pipe" placeholder:"Q"`
	TLS           bool   `name:"tls" help:"Reach Temporal over TLS (implied by temporals:// and the files below)."`
	TLSCA         string `name:"tls-ca" help:"PEM file of the CA that signed the server's certificate." placeholder:"FILE" type:"existingfile"`
	TLSCert       string `name:"tls-cert" help:"PEM file of this client's certificate (mTLS)." placeholder:"FILE" type:"existingfile"`
	TLSKey        string `name:"tls-key" help:"PEM file of this client's key (mTLS)." placeholder:"FILE" type:"existingfile"`
	TLSServerName string `name:"tls-server-name" help:"Name the server's certificate must carry, if not its host." placeholder:"NAME"`
}

// remoteAddr is run's --on: given empty (--on "$UNSET"), it is an error,
// not a run in this process the user did not ask for.
type remoteAddr string

func (a *remoteAddr) Decode(ctx *kong.DecodeContext) error {
	var s string
	if err := ctx.Scan.PopValueInto("URL", &s); err != nil {
		return err
	}
	if strings.TrimSpace(s) == "" {
		return errors.New("empty: give temporal://HOST:PORT/NAMESPACE, or env to read $PIPE_TEMPORAL_ADDRESS; leave --on out to run here")
	}
	*a = remoteAddr(s)
	return nil
}
