# fish completion for qwen-proxy-tray.
complete -c qwen-proxy-tray -f
complete -c qwen-proxy-tray -l minimized -d 'Start in the tray without opening the window'
complete -c qwen-proxy-tray -l autostart -x -a 'on off status' -d 'Start at login'
complete -c qwen-proxy-tray -l quit -d 'Ask the running instance to quit'
complete -c qwen-proxy-tray -l version -d 'Print the version'
complete -c qwen-proxy-tray -l help -s h -d 'Show the help'
