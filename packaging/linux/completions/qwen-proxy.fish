# fish completion for qwen-proxy.
# The command list is checked against `qwen-proxy help` (tests/packaging/check-commands.sh).

set -l commands serve auth provider providers keys usage tokens connect purge version help
complete -c qwen-proxy -f
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a serve -d 'Run the proxy server in the foreground'
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a auth -d 'Log Qwen accounts in and manage them'
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a provider -d 'Manage API-key providers'
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a keys -d 'Client keys for callers from other machines'
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a usage -d 'Requests, errors, tokens and quota windows'
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a connect -d 'Point coding tools and SDKs at this proxy'
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a purge -d 'Delete all accounts, secrets, usage history and settings'
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a version -d 'Print the version'
complete -c qwen-proxy -n "not __fish_seen_subcommand_from $commands" -a help -d 'Show the help'

complete -c qwen-proxy -n "__fish_seen_subcommand_from serve" -l host -x -d 'Address to listen on'
complete -c qwen-proxy -n "__fish_seen_subcommand_from serve" -l port -x -d 'Port'
complete -c qwen-proxy -n "__fish_seen_subcommand_from serve" -l log-level -x -a 'off error warn info debug'
complete -c qwen-proxy -n "__fish_seen_subcommand_from serve" -l upstream-url -x -d 'OpenAI-compatible upstream'
complete -c qwen-proxy -n "__fish_seen_subcommand_from serve" -l api-key-stdin -d 'Read the upstream key from standard input'
complete -c qwen-proxy -n "__fish_seen_subcommand_from serve" -l require-key -x -a 'auto always'
complete -c qwen-proxy -n "__fish_seen_subcommand_from serve auth provider providers keys usage tokens connect" -l data-dir -r -a '(__fish_complete_directories)'
complete -c qwen-proxy -n "__fish_seen_subcommand_from serve auth provider providers keys usage tokens connect" -l config -r -F

set -l auth_verbs add list counts remove default disable enable import plan
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth; and not __fish_seen_subcommand_from $auth_verbs" -a "$auth_verbs"
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l label -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l default
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l replace
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l no-qr
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l no-browser
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l light-terminal
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l reason -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l from -r -a '(__fish_complete_directories)'
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l concurrency -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from auth" -l rpm -x

set -l provider_verbs add list presets remove models test
complete -c qwen-proxy -n "__fish_seen_subcommand_from provider providers; and not __fish_seen_subcommand_from $provider_verbs" -a "$provider_verbs"
complete -c qwen-proxy -n "__fish_seen_subcommand_from provider providers" -l preset -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from provider providers" -l base-url -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from provider providers" -l model -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from provider providers" -l proxy -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from provider providers" -l header -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from provider providers" -l plan -x

set -l keys_verbs create list set revoke usage
complete -c qwen-proxy -n "__fish_seen_subcommand_from keys; and not __fish_seen_subcommand_from $keys_verbs" -a "$keys_verbs"
for opt in name scopes model rpm tpm concurrency daily-requests daily-tokens expires-days days
    complete -c qwen-proxy -n "__fish_seen_subcommand_from keys" -l $opt -x
end
for opt in all-models print-only json
    complete -c qwen-proxy -n "__fish_seen_subcommand_from keys" -l $opt
end

complete -c qwen-proxy -n "__fish_seen_subcommand_from usage tokens" -l days -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from usage tokens" -l account -x
complete -c qwen-proxy -n "__fish_seen_subcommand_from usage tokens" -l by-model
complete -c qwen-proxy -n "__fish_seen_subcommand_from usage tokens" -l json

complete -c qwen-proxy -n "__fish_seen_subcommand_from connect" -a 'claude-code codex qwen-code opencode openai-sdk anthropic-sdk'
complete -c qwen-proxy -n "__fish_seen_subcommand_from connect" -l dry-run
complete -c qwen-proxy -n "__fish_seen_subcommand_from connect" -l restore

complete -c qwen-proxy -n "__fish_seen_subcommand_from purge" -l yes -d 'Really delete everything'
