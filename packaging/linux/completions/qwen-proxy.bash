# bash completion for qwen-proxy and qwen-proxy-tray.
# The command list is checked against `qwen-proxy help` (tests/packaging/check-commands.sh).

_qwen_proxy()
{
    local cur prev words cword
    _init_completion || return

    local commands="serve auth provider keys usage connect purge version help"
    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi

    case $prev in
        --data-dir | --from)
            _filedir -d
            return
            ;;
        --config)
            _filedir json
            return
            ;;
        --log-level)
            COMPREPLY=($(compgen -W "off error warn info debug" -- "$cur"))
            return
            ;;
        --require-key)
            COMPREPLY=($(compgen -W "auto always" -- "$cur"))
            return
            ;;
        --host | --port | --upstream-url | --label | --reason | --days | --account | --base-url | \
            --model | --proxy | --header | --plan | --preset | --concurrency | --rpm | --name | \
            --scopes | --tpm | --daily-requests | --daily-tokens | --expires-days)
            return
            ;;
    esac

    local words_for
    case ${words[1]} in
        serve)
            words_for="--host --port --data-dir --log-level --upstream-url --api-key-stdin --config
                --require-key"
            ;;
        auth)
            if ((cword == 2)); then
                words_for="add list counts remove default disable enable import plan"
            else
                words_for="--label --default --replace --no-qr --no-browser --light-terminal
                    --reason --from --concurrency --rpm --data-dir --config"
            fi
            ;;
        provider | providers)
            if ((cword == 2)); then
                words_for="add list presets remove models test"
            else
                words_for="--preset --base-url --model --proxy --header --plan --data-dir --config"
            fi
            ;;
        keys)
            if ((cword == 2)); then
                words_for="create list set revoke usage"
            else
                words_for="--name --scopes --model --rpm --tpm --concurrency --daily-requests
                    --daily-tokens --expires-days --all-models --print-only --days --json
                    --data-dir --config"
            fi
            ;;
        usage | tokens)
            words_for="--days --account --by-model --json --data-dir --config"
            ;;
        purge)
            words_for="--yes"
            ;;
        connect)
            words_for="claude-code codex qwen-code opencode openai-sdk anthropic-sdk
                --dry-run --restore --data-dir --config"
            ;;
    esac
    COMPREPLY=($(compgen -W "$words_for" -- "$cur"))
}
complete -F _qwen_proxy qwen-proxy

_qwen_proxy_tray()
{
    local cur prev words cword
    _init_completion || return
    if [[ $prev == --autostart ]]; then
        COMPREPLY=($(compgen -W "on off status" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -W "--minimized --quit --autostart --version --help" -- "$cur"))
}
complete -F _qwen_proxy_tray qwen-proxy-tray
