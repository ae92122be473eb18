# fish completion for qwen-proxy-tray.
complete -c qwen-proxy-tray -f
complete -c qwen-proxy-tray -l quit -d 'Ask the running instance to quit'
complete -c qwen-proxy-tray -l version -d 'Print the version'
complete -c qwen-proxy-tray -l help -s h -d 'Show the help'
