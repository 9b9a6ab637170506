# SPDX-License-Identifier: GPL-2.0-only
# bash completion for steerctl: commands, subcommands, options, and the
# names of groups and interfaces the running steerd has (asked with
# `steerctl -j group list` and `steerctl -j iface show`, through the same
# binary and --socket as the line being completed). Installed by
# `make install` as share/bash-completion/completions/steerctl.

# Names ("name" fields) from the JSON of a steerctl query; nothing when
# steerd is not reachable.
_steerctl_names()
{
	local cmd=$1
	shift
	"$cmd" "${_steerctl_global[@]}" -j "$@" 2>/dev/null |
		grep -oE '"name": ?"[^"]*"' | sed -E 's/.*"([^"]*)"$/\1/'
}

_steerctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local bin=${COMP_WORDS[0]} i word cmd='' sub='' words=''
	local commands='iface group drain stats status apply doctor shutdown
		hash version help'
	local -a _steerctl_global=()

	# The global options before the command, and the command and its
	# subcommand: the first and second words that are not options.
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [[ -z $cmd ]]; then
			case $word in
			--socket)
				_steerctl_global+=(--socket "${COMP_WORDS[i+1]}")
				((i++))
				continue ;;
			-*) continue ;;
			esac
			cmd=$word
		elif [[ -z $sub && $word != -* ]]; then
			sub=$word
		fi
	done

	case $prev in
	--socket|-f|--file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--mode) COMPREPLY=($(compgen -W 'native skb' -- "$cur")); return ;;
	--steer) COMPREPLY=($(compgen -W 'rss cpu' -- "$cur")); return ;;
	--kind) COMPREPLY=($(compgen -W 'reuseport xsk' -- "$cur")); return ;;
	--proto) COMPREPLY=($(compgen -W 'tcp udp' -- "$cur")); return ;;
	--iface)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" \
			-- "$cur"))
		return ;;
	--listen|--cpus|--slot|--pid|--timeout|--watch|--count|--key|\
	--rss-key|--indir|--queue-cpus)
		return ;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			words='-j --json -p --pretty --socket -h --help -V
				--version'
		else
			words=$commands
		fi
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi

	case $cmd in
	iface)
		case $sub in
		'') words='attach detach show' ;;
		attach)
			if [[ $cur == -* ]]; then
				words='--mode --steer --cpus --force --verify-rss
					--xps --rss-key --indir --queue-cpus'
			else
				words=$(ls /sys/class/net 2>/dev/null)
			fi ;;
		detach|show) words=$(_steerctl_names "$bin" iface show) ;;
		esac ;;
	group)
		case $sub in
		'') words='add del list show adopt' ;;
		add) words='--listen --kind --proto --adopt' ;;
		adopt)
			if [[ $cur == -* ]]; then
				words='--pid'
			else
				words=$(_steerctl_names "$bin" group list)
			fi ;;
		del|show) words=$(_steerctl_names "$bin" group list) ;;
		esac ;;
	drain)
		if [[ $cur == -* || -n $sub ]]; then
			words='--slot --pid --wait --timeout'
		else
			words=$(_steerctl_names "$bin" group list)
		fi ;;
	stats) words='--watch --count' ;;
	apply) words='-f --file --dry-run' ;;
	doctor) words='--iface' ;;
	shutdown) words='--detach' ;;
	hash) words='--key --l3 --iface' ;;
	help) [[ -z $sub ]] && words=$commands ;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -F _steerctl steerctl
