package main

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
