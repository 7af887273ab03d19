package main

import (
	"fmt"
	"strings"
)

// completionCmd prints a shell's completion script. The scripts are thin:
// each asks `pipe __complete WORDS...` (complete.go) for the candidates,
// so commands, flags, pipeline files, run ids, node ids and a pipeline's
// own parameters complete the same way in every shell.
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

func (c *completionCmd) Help() string {
	return `Load the completion in the running shell, or for good from its start-up file:

  bash:  source <(pipe completion bash)         # in ~/.bashrc
  zsh:   source <(pipe completion zsh)          # in ~/.zshrc, after compinit
  fish:  pipe completion fish | source          # or > ~/.config/fish/completions/pipe.fish`
}

func (c *completionCmd) Run(e *env) error {
	script := map[string]string{"bash": bashCompletion, "zsh": zshCompletion, "fish": fishCompletion}[c.Shell]
	_, err := fmt.Fprint(e.stdout, strings.ReplaceAll(script, "__COMPLETE__", completeCommand))
	return err
}

// bashCompletion: bash splits words at = and : (COMP_WORDBREAKS); with
// bash-completion's _get_comp_words_by_ref, or the line split at blanks
// without it, the words are whole again, and the part of each candidate
// bash will not replace (up to the last = or : of the word) is cut off.
const bashCompletion = `# bash completion for pipe: source <(pipe completion bash)
_pipe() {
	local cur words cword
	if declare -F _get_comp_words_by_ref >/dev/null; then
		_get_comp_words_by_ref -n =: cur words cword
	else
		# Without bash-completion: the line up to the cursor, split at blanks
		# outside quotes and not escaped ("my dir", my\ dir: one word each),
		# the words as typed.
		local typed=${COMP_LINE:0:COMP_POINT} w= q= i c
		words=()
		for ((i = 0; i < ${#typed}; i++)); do
			c=${typed:i:1}
			if [[ -n $q ]]; then
				w+=$c
				[[ $c == "$q" ]] && q=
			elif [[ $c == [\"\'] ]]; then
				w+=$c q=$c
			elif [[ $c == \\ ]]; then
				w+=$c${typed:i+1:1}
				((++i))
			elif [[ $c == [[:blank:]] ]]; then
				[[ -n $w ]] && words+=("$w")
				w=
			else
				w+=$c
			fi
		done
		words+=("$w")
		cword=$((${#words[@]} - 1)) cur=${words[cword]}
	fi
	# pipe gets the words as the command will: without their quotes, or
	# their backslash escapes outside quotes.
	local -a args
	local w q i c out
	for w in "${words[@]:1:cword}"; do
		q=${w:0:1}
		if [[ $q == [\"\'] ]]; then
			w=${w:1}
			[[ $w == *"$q" ]] && w=${w%"$q"}
		else
			out=
			for ((i = 0; i < ${#w}; i++)); do
				c=${w:i:1}
				[[ $c == \\ ]] && ((++i)) && c=${w:i:1}
				out+=$c
			done
			w=$out
		fi
		args+=("$w")
	done
	local IFS=$'\n' line out
	out=$("${words[0]}" __COMPLETE__ "${args[@]}" 2>/dev/null) || return 0
	COMPREPLY=()
	local keep=${cur%"${cur##*[=:]}"}
	for line in $out; do
		line=${line%%$'\t'*}
		[[ -n $keep && $line == "$keep"* ]] && line=${line#"$keep"}
		# Quoted for the line (my\ dir/), or inside the quote the word
		# opened ("my dir/).
		if [[ $cur == [\"\']* ]]; then line=${cur:0:1}$line; else printf -v line %q "$line"; line=${line//\\,/,}; fi
		COMPREPLY+=("$line")
	done
	if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[/=,] ]]; then
		compopt -o nospace 2>/dev/null
	fi
	return 0
}
complete -F _pipe pipe
`

const zshCompletion = `#compdef pipe
# zsh completion for pipe: source <(pipe completion zsh) (after compinit)
_pipe() {
	local -a lines more done descs more_descs
	local line text
	# pipe gets the words unquoted (my\ dir, 'my dir'); zsh quotes what
	# it inserts (compadd without -Q).
	lines=("${(@f)$("${words[1]}" __COMPLETE__ "${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
	for line in $lines; do
		[[ -z $line ]] && continue
		text=${line%%$'\t'*}
		if [[ $text == *[/=,] ]]; then
			more+=("$text"); more_descs+=("${line/$'\t'/  -- }")
		else
			done+=("$text"); descs+=("${line/$'\t'/  -- }")
		fi
	done
	(( ${#done} )) && compadd -l -d descs -a done
	(( ${#more} )) && compadd -l -S '' -d more_descs -a more
	return 0
}
if (( $+functions[compdef] )); then
	compdef _pipe pipe
fi
`

const fishCompletion = `# fish completion for pipe: pipe completion fish | source
function __pipe_complete
	# "$cur": the word being typed is one even when it is empty.
	set -l cur (commandline -ct)
	set -l words (commandline -opc) "$cur"
	$words[1] __COMPLETE__ $words[2..-1] 2>/dev/null
end
complete -c pipe -f -a '(__pipe_complete)'
`
