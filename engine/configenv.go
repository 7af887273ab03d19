package engine

// shellVars are environment variables that shells, logins and terminals
// set without being asked: nearly every environment pipe runs in holds
// them. A config key of one of these names reads the environment's value
// over the default written in the file (see ConfigSources.Environ), which
// nobody meant who wrote `PWD: data` as a default.
var shellVars = map[string]bool{
	"HOME": true, "HOSTNAME": true, "LANG": true, "LOGNAME": true,
	"MAIL": true, "OLDPWD": true, "PATH": true, "PWD": true, "SHELL": true,
	"SHLVL": true, "TERM": true, "TMPDIR": true, "USER": true, "_": true,
}

// checkConfigEnv warns of config keys named as variables a shell sets:
// pipe run takes the environment's value, silently otherwise. Only the
// pipeline that is run reads the environment, not a sub-pipeline.
func (c *compiler) checkConfigEnv() {
	for _, cv := range c.p.Config {
		if shellVars[cv.Key] {
			c.warnf(cv.Pos, "rename the key (APP_"+cv.Key+", say): every config key reads the environment variable of its name",
				"config key %s is also an environment variable that shells set: pipe run takes $%s, where it is set, over this default", cv.Key, cv.Key)
		}
	}
}
