<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AddProviderDialog</name>
    <message>
        <source>Add provider</source>
        <translation>Add provider</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>Preset:</translation>
    </message>
    <message>
        <source>Id:</source>
        <translation>Id:</translation>
    </message>
    <message>
        <source>Base URL:</source>
        <translation>Base URL:</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API key:</translation>
    </message>
    <message>
        <source>Paste the API key</source>
        <translation>Paste the API key</translation>
    </message>
    <message>
        <source>Models:</source>
        <translation>Models:</translation>
    </message>
    <message>
        <source>The preset&apos;s models (or a comma-separated list)</source>
        <translation>The preset&apos;s models (or a comma-separated list)</translation>
    </message>
    <message>
        <source>Egress proxy:</source>
        <translation>Egress proxy:</translation>
    </message>
    <message>
        <source>System proxy (or “direct”, http://…, socks5://…)</source>
        <translation>System proxy (or “direct”, http://…, socks5://…)</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy the base URL</source>
        <translation>Copy the base URL</translation>
    </message>
</context>
<context>
    <name>qp::AccountsModel</name>
    <message>
        <source>The default account: tried first while it can serve</source>
        <translation>The default account: tried first while it can serve</translation>
    </message>
    <message>
        <source>The access token is refreshed before it expires</source>
        <translation>The access token is refreshed before it expires</translation>
    </message>
    <message>
        <source>API keys do not expire</source>
        <translation>API keys do not expire</translation>
    </message>
    <message>
        <source>Qwen OAuth</source>
        <translation>Qwen OAuth</translation>
    </message>
    <message>
        <source>API key · %1</source>
        <translation>API key · %1</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API key</translation>
    </message>
    <message>
        <source>expired (refreshed on use)</source>
        <translation>expired (refreshed on use)</translation>
    </message>
    <message>
        <source>unmetered</source>
        <translation>unmetered</translation>
    </message>
    <message>
        <source>The default account</source>
        <translation>The default account</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Token expires</source>
        <translation>Token expires</translation>
    </message>
    <message>
        <source>Quota windows</source>
        <translation>Quota windows</translation>
    </message>
    <message>
        <source>Requests
today</source>
        <translation>Requests
today</translation>
    </message>
    <message>
        <source>Tokens
today</source>
        <translation>Tokens
today</translation>
    </message>
</context>
<context>
    <name>qp::AccountsPage</name>
    <message>
        <source>Log in…</source>
        <translation>Log in…</translation>
    </message>
    <message>
        <source>Add a Qwen account by scanning a QR code</source>
        <translation>Add a Qwen account by scanning a QR code</translation>
    </message>
    <message>
        <source>Add provider…</source>
        <translation>Add provider…</translation>
    </message>
    <message>
        <source>Set default</source>
        <translation>Set default</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Disable</translation>
    </message>
    <message>
        <source>Log in again…</source>
        <translation>Log in again…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Remove…</translation>
    </message>
    <message>
        <source>No accounts yet — add a provider or log in.</source>
        <translation>No accounts yet — add a provider or log in.</translation>
    </message>
    <message>
        <source>Secrets are not in the system keychain: %1</source>
        <translation>Secrets are not in the system keychain: %1</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Enable</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Failed: %1</translation>
    </message>
    <message>
        <source>“%1” is the default account now.</source>
        <translation>“%1” is the default account now.</translation>
    </message>
    <message>
        <source>“%1” is enabled.</source>
        <translation>“%1” is enabled.</translation>
    </message>
    <message>
        <source>“%1” is disabled; the pool will not use it.</source>
        <translation>“%1” is disabled; the pool will not use it.</translation>
    </message>
    <message>
        <source>Remove the account “%1”? Its login is deleted from this computer.</source>
        <translation>Remove the account “%1”? Its login is deleted from this computer.</translation>
    </message>
    <message>
        <source>Remove the provider “%1”? Its key is deleted from this computer.</source>
        <translation>Remove the provider “%1”? Its key is deleted from this computer.</translation>
    </message>
    <message>
        <source>Remove account</source>
        <translation>Remove account</translation>
    </message>
    <message>
        <source>“%1” was removed.</source>
        <translation>“%1” was removed.</translation>
    </message>
</context>
<context>
    <name>qp::AddProviderDialog</name>
    <message>
        <source>Add</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Key: %1</source>
        <translation>Key: %1</translation>
    </message>
    <message>
        <source>Models: %1</source>
        <translation>Models: %1</translation>
    </message>
    <message>
        <source>Quota: not metered</source>
        <translation>Quota: not metered</translation>
    </message>
    <message>
        <source>Quota windows: %1</source>
        <translation>Quota windows: %1</translation>
    </message>
    <message>
        <source>Required: the server&apos;s base URL</source>
        <translation>Required: the server&apos;s base URL</translation>
    </message>
    <message>
        <source>Paste the API key</source>
        <translation>Paste the API key</translation>
    </message>
    <message>
        <source>Optional for this provider</source>
        <translation>Optional for this provider</translation>
    </message>
    <message>
        <source>Give the provider an id.</source>
        <translation>Give the provider an id.</translation>
    </message>
    <message>
        <source>This preset needs a base URL.</source>
        <translation>This preset needs a base URL.</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>Adding…</translation>
    </message>
</context>
<context>
    <name>qp::ClientsPage</name>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy these settings to the clipboard</source>
        <translation>Copy these settings to the clipboard</translation>
    </message>
    <message>
        <source>Restore backup</source>
        <translation>Restore backup</translation>
    </message>
    <message>
        <source>Or, for one shell session (nothing is written):</source>
        <translation>Or, for one shell session (nothing is written):</translation>
    </message>
    <message>
        <source>Copy these lines to the clipboard</source>
        <translation>Copy these lines to the clipboard</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>Copied.</translation>
    </message>
    <message>
        <source>Set these environment variables where your program runs; the Anthropic SDKs read them. Pass the model name in your code.</source>
        <translation>Set these environment variables where your program runs; the Anthropic SDKs read them. Pass the model name in your code.</translation>
    </message>
    <message>
        <source>Set these environment variables where your program runs; the OpenAI SDKs read them. Pass the model name in your code.</source>
        <translation>Set these environment variables where your program runs; the OpenAI SDKs read them. Pass the model name in your code.</translation>
    </message>
    <message>
        <source>Settings for %1, merged into %2 (your other settings stay):</source>
        <translation>Settings for %1, merged into %2 (your other settings stay):</translation>
    </message>
    <message>
        <source>Codex releases from February 2026 on accept only wire_api = &quot;responses&quot;, which this proxy does not serve yet: use a release from before then.</source>
        <translation>Codex releases from February 2026 on accept only wire_api = &quot;responses&quot;, which this proxy does not serve yet: use a release from before then.</translation>
    </message>
    <message>
        <source>Restart %1 after writing: it reads its settings at start.</source>
        <translation>Restart %1 after writing: it reads its settings at start.</translation>
    </message>
    <message>
        <source>Write to %1</source>
        <translation>Write to %1</translation>
    </message>
    <message>
        <source>Write the Qwen Proxy settings into %1?

Its current content is first copied to %2 next to it; &quot;Restore backup&quot; puts it back. Your other settings stay.</source>
        <translation>Write the Qwen Proxy settings into %1?

Its current content is first copied to %2 next to it; &quot;Restore backup&quot; puts it back. Your other settings stay.</translation>
    </message>
    <message>
        <source>Create %1 with the Qwen Proxy settings?

It does not exist yet; &quot;Restore backup&quot; removes it again.</source>
        <translation>Create %1 with the Qwen Proxy settings?

It does not exist yet; &quot;Restore backup&quot; removes it again.</translation>
    </message>
    <message>
        <source>Write %1 settings</source>
        <translation>Write %1 settings</translation>
    </message>
    <message>
        <source>Nothing was written: %1</source>
        <translation>Nothing was written: %1</translation>
    </message>
    <message>
        <source>%1 already points at this proxy; nothing changed.</source>
        <translation>%1 already points at this proxy; nothing changed.</translation>
    </message>
    <message>
        <source>Wrote %1. Backup: %2</source>
        <translation>Wrote %1. Backup: %2</translation>
    </message>
    <message>
        <source>Remove %1? It did not exist before Qwen Proxy wrote it.</source>
        <translation>Remove %1? It did not exist before Qwen Proxy wrote it.</translation>
    </message>
    <message>
        <source>Replace %1 with its backup %2?</source>
        <translation>Replace %1 with its backup %2?</translation>
    </message>
    <message>
        <source>Restore %1 settings</source>
        <translation>Restore %1 settings</translation>
    </message>
    <message>
        <source>Nothing was restored: %1</source>
        <translation>Nothing was restored: %1</translation>
    </message>
    <message>
        <source>Removed %1.</source>
        <translation>Removed %1.</translation>
    </message>
    <message>
        <source>Restored %1 from %2.</source>
        <translation>Restored %1 from %2.</translation>
    </message>
    <message>
        <source>Settings for %1, merged into %2 (the folder %3 names; your other settings stay):</source>
        <translation>Settings for %1, merged into %2 (the folder %3 names; your other settings stay):</translation>
    </message>
</context>
<context>
    <name>qp::DisplayFormat</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
</context>
<context>
    <name>qp::LoginMessages</name>
    <message>
        <source>The code expired</source>
        <translation>The code expired</translation>
    </message>
    <message>
        <source>The login was not approved in time. Try again to get a new code.</source>
        <translation>The login was not approved in time. Try again to get a new code.</translation>
    </message>
    <message>
        <source>The login was denied</source>
        <translation>The login was denied</translation>
    </message>
    <message>
        <source>The authorization was refused in the browser. If that was a mistake, try again and approve it.</source>
        <translation>The authorization was refused in the browser. If that was a mistake, try again and approve it.</translation>
    </message>
    <message>
        <source>Cannot reach Qwen</source>
        <translation>Cannot reach Qwen</translation>
    </message>
    <message>
        <source>Check your internet connection and proxy settings, then try again.</source>
        <translation>Check your internet connection and proxy settings, then try again.</translation>
    </message>
    <message>
        <source>Qwen&apos;s free OAuth tier has ended</source>
        <translation>Qwen&apos;s free OAuth tier has ended</translation>
    </message>
    <message>
        <source>Qwen stopped free access through OAuth logins on 2026-04-15, so a new login cannot serve requests. Add a Coding Plan or Model Studio API key instead.</source>
        <translation>Qwen stopped free access through OAuth logins on 2026-04-15, so a new login cannot serve requests. Add a Coding Plan or Model Studio API key instead.</translation>
    </message>
    <message>
        <source>Too many login attempts</source>
        <translation>Too many login attempts</translation>
    </message>
    <message>
        <source>Qwen is limiting login requests. Wait a minute, then try again.</source>
        <translation>Qwen is limiting login requests. Wait a minute, then try again.</translation>
    </message>
    <message>
        <source>The login failed</source>
        <translation>The login failed</translation>
    </message>
    <message>
        <source>Qwen did not complete the login. Try again; if it keeps failing, the details below help with a bug report.</source>
        <translation>Qwen did not complete the login. Try again; if it keeps failing, the details below help with a bug report.</translation>
    </message>
</context>
<context>
    <name>qp::LoginWindow</name>
    <message>
        <source>Copied</source>
        <translation>Copied</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Copy code</translation>
    </message>
    <message>
        <source>Log in with Qwen</source>
        <translation>Log in with Qwen</translation>
    </message>
    <message>
        <source>Asking Qwen for a login code…</source>
        <translation>Asking Qwen for a login code…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Scan the code with your phone, or open the login page in a browser and check that it shows the code below.</source>
        <translation>Scan the code with your phone, or open the login page in a browser and check that it shows the code below.</translation>
    </message>
    <message>
        <source>Your code</source>
        <translation>Your code</translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation>Open in browser</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>Add an API key…</source>
        <translation>Add an API key…</translation>
    </message>
    <message>
        <source>You are logged in</source>
        <translation>You are logged in</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Expires in %1</source>
        <translation>Expires in %1</translation>
    </message>
    <message>
        <source>Login page: %1</source>
        <translation>Login page: %1</translation>
    </message>
    <message>
        <source>Account %1 is ready; requests can use it now.</source>
        <translation>Account %1 is ready; requests can use it now.</translation>
    </message>
</context>
<context>
    <name>qp::LogsPage</name>
    <message>
        <source>Filter: model, client, account…</source>
        <translation>Filter: model, client, account…</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>Successful (2xx)</source>
        <translation>Successful (2xx)</translation>
    </message>
    <message>
        <source>Errors (4xx and 5xx)</source>
        <translation>Errors (4xx and 5xx)</translation>
    </message>
    <message>
        <source>Client errors (4xx)</source>
        <translation>Client errors (4xx)</translation>
    </message>
    <message>
        <source>Server errors (5xx)</source>
        <translation>Server errors (5xx)</translation>
    </message>
    <message>
        <source>All accounts</source>
        <translation>All accounts</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Stop adding new requests while you read</source>
        <translation>Stop adding new requests while you read</translation>
    </message>
    <message>
        <source>Select a request to see all it recorded.</source>
        <translation>Select a request to see all it recorded.</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Requests</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Show:</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errors</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnings and errors</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Information</translation>
    </message>
    <message>
        <source>Everything (debug)</source>
        <translation>Everything (debug)</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>Console</translation>
    </message>
</context>
<context>
    <name>qp::MainWindow</name>
    <message>
        <source>Qwen Proxy</source>
        <translation>Qwen Proxy</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starting…</translation>
    </message>
    <message>
        <source>Unlocking the keychain…</source>
        <translation>Unlocking the keychain…</translation>
    </message>
    <message>
        <source>The server could not start: %1</source>
        <translation>The server could not start: %1</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Stopped</translation>
    </message>
    <message>
        <source>OpenAI:</source>
        <translation>OpenAI:</translation>
    </message>
    <message>
        <source>Anthropic:</source>
        <translation>Anthropic:</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Providers</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Usage</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Logs</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Serving on port %1</source>
        <translation>Serving on port %1</translation>
    </message>
    <message>
        <source>no account yet: add a provider or log in</source>
        <translation>no account yet: add a provider or log in</translation>
    </message>
    <message>
        <source>%1 of %2 accounts ready</source>
        <translation>%1 of %2 accounts ready</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Stopping…</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
</context>
<context>
    <name>qp::Notifier</name>
    <message>
        <source>%1 used 80 % of a quota window</source>
        <translation>%1 used 80 % of a quota window</translation>
    </message>
    <message>
        <source>%1 reached its %2 limit</source>
        <translation>%1 reached its %2 limit</translation>
    </message>
    <message>
        <source>%1 reached a quota limit</source>
        <translation>%1 reached a quota limit</translation>
    </message>
    <message>
        <source>Requests go to the other accounts until it frees up.</source>
        <translation>Requests go to the other accounts until it frees up.</translation>
    </message>
    <message>
        <source>Switched away from %1</source>
        <translation>Switched away from %1</translation>
    </message>
    <message>
        <source>It rests for %1: %2</source>
        <translation>It rests for %1: %2</translation>
    </message>
    <message>
        <source>%1 needs a new login</source>
        <translation>%1 needs a new login</translation>
    </message>
    <message>
        <source>Its sign-in is no longer valid. Log in again from the tray menu; the other accounts serve meanwhile.</source>
        <translation>Its sign-in is no longer valid. Log in again from the tray menu; the other accounts serve meanwhile.</translation>
    </message>
    <message>
        <source>Qwen&apos;s free OAuth tier has ended</source>
        <translation>Qwen&apos;s free OAuth tier has ended</translation>
    </message>
    <message>
        <source>%1 can no longer serve: Qwen stopped free OAuth access on 2026-04-15. Add a Coding Plan or Model Studio key to keep going.</source>
        <translation>%1 can no longer serve: Qwen stopped free OAuth access on 2026-04-15. Add a Coding Plan or Model Studio key to keep going.</translation>
    </message>
    <message>
        <source>%1 was taken out of rotation</source>
        <translation>%1 was taken out of rotation</translation>
    </message>
    <message>
        <source>The upstream said: %1</source>
        <translation>The upstream said: %1</translation>
    </message>
    <message>
        <source>No account can serve requests</source>
        <translation>No account can serve requests</translation>
    </message>
    <message>
        <source>Requests fail until an account recovers or you add one.</source>
        <translation>Requests fail until an account recovers or you add one.</translation>
    </message>
    <message>
        <source>%1 can take requests again</source>
        <translation>%1 can take requests again</translation>
    </message>
    <message>
        <source>Qwen Proxy could not start its server</source>
        <translation>Qwen Proxy could not start its server</translation>
    </message>
    <message numerus="yes">
        <source>(%n earlier notification(s) held back)</source>
        <translation>
            <numerusform>(%n earlier notification held back)</numerusform>
            <numerusform>(%n earlier notifications held back)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qp::ProvidersPage</name>
    <message>
        <source>Add provider…</source>
        <translation>Add provider…</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Send one tiny chat request and show the answer</source>
        <translation>Send one tiny chat request and show the answer</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Models</translation>
    </message>
    <message>
        <source>Ask the provider which chat models it serves</source>
        <translation>Ask the provider which chat models it serves</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Remove…</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Preset</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Base URL</translation>
    </message>
    <message>
        <source>Egress proxy</source>
        <translation>Egress proxy</translation>
    </message>
    <message>
        <source>No providers yet. Add one from a preset: Coding Plan, Model Studio, or any OpenAI-compatible server.</source>
        <translation>No providers yet. Add one from a preset: Coding Plan, Model Studio, or any OpenAI-compatible server.</translation>
    </message>
    <message>
        <source>Anthropic</source>
        <translation>Anthropic</translation>
    </message>
    <message>
        <source>OpenAI</source>
        <translation>OpenAI</translation>
    </message>
    <message>
        <source>system</source>
        <translation>system</translation>
    </message>
    <message>
        <source>Defined by %1: change it there</source>
        <translation>Defined by %1: change it there</translation>
    </message>
    <message>
        <source>Added “%1”. Test it to check the key.</source>
        <translation>Added “%1”. Test it to check the key.</translation>
    </message>
    <message>
        <source>Testing “%1”…</source>
        <translation>Testing “%1”…</translation>
    </message>
    <message>
        <source>“%1” works: %2 answered in %3 ms: “%4”</source>
        <translation>“%1” works: %2 answered in %3 ms: “%4”</translation>
    </message>
    <message>
        <source>“%1” failed after %2 ms: %3</source>
        <translation>“%1” failed after %2 ms: %3</translation>
    </message>
    <message>
        <source>Asking “%1” for its models…</source>
        <translation>Asking “%1” for its models…</translation>
    </message>
    <message>
        <source>“%1” lists no chat models.</source>
        <translation>“%1” lists no chat models.</translation>
    </message>
    <message>
        <source>“%1” serves: %2</source>
        <translation>“%1” serves: %2</translation>
    </message>
    <message>
        <source>Could not list the models of “%1”: %2</source>
        <translation>Could not list the models of “%1”: %2</translation>
    </message>
    <message>
        <source>Remove provider</source>
        <translation>Remove provider</translation>
    </message>
    <message>
        <source>Remove the provider “%1”? Its key is deleted from this computer.</source>
        <translation>Remove the provider “%1”? Its key is deleted from this computer.</translation>
    </message>
    <message>
        <source>“%1” was removed.</source>
        <translation>“%1” was removed.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Failed: %1</translation>
    </message>
</context>
<context>
    <name>qp::QrCodeWidget</name>
    <message>
        <source>QR code of the login page</source>
        <translation>QR code of the login page</translation>
    </message>
</context>
<context>
    <name>qp::RequestLogModel</name>
    <message>
        <source>(none)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 in / %2 out</source>
        <translation>%1 in / %2 out</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Dialect</source>
        <translation>Dialect</translation>
    </message>
    <message>
        <source>Model asked</source>
        <translation>Model asked</translation>
    </message>
    <message>
        <source>Model sent</source>
        <translation>Model sent</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latency</translation>
    </message>
    <message>
        <source>First token</source>
        <translation>First token</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Finished</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>Error class</source>
        <translation>Error class</translation>
    </message>
    <message>
        <source>Streamed</source>
        <translation>Streamed</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Attempts</translation>
    </message>
    <message>
        <source>Input tokens</source>
        <translation>Input tokens</translation>
    </message>
    <message>
        <source>Output tokens</source>
        <translation>Output tokens</translation>
    </message>
    <message>
        <source>Cached tokens</source>
        <translation>Cached tokens</translation>
    </message>
</context>
<context>
    <name>qp::SettingsPage</name>
    <message>
        <source>not a valid value</source>
        <translation>not a valid value</translation>
    </message>
    <message>
        <source>Applies after a restart of the app.</source>
        <translation>Applies after a restart of the app.</translation>
    </message>
    <message>
        <source>port</source>
        <translation>port</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>Listen on:</translation>
    </message>
    <message>
        <source>Other computers on the network will be able to use your accounts through this proxy. Keep it on 127.0.0.1 unless you mean that.</source>
        <translation>Other computers on the network will be able to use your accounts through this proxy. Keep it on 127.0.0.1 unless you mean that.</translation>
    </message>
    <message>
        <source>Round robin: each request to the next account</source>
        <translation>Round robin: each request to the next account</translation>
    </message>
    <message>
        <source>Least recently used</source>
        <translation>Least recently used</translation>
    </message>
    <message>
        <source>Least used in its windows</source>
        <translation>Least used in its windows</translation>
    </message>
    <message>
        <source>Most quota remaining</source>
        <translation>Most quota remaining</translation>
    </message>
    <message>
        <source>Fill first: one account until it is full</source>
        <translation>Fill first: one account until it is full</translation>
    </message>
    <message>
        <source>Reset first: the account whose window resets soonest</source>
        <translation>Reset first: the account whose window resets soonest</translation>
    </message>
    <message>
        <source>Applies at once.</source>
        <translation>Applies at once.</translation>
    </message>
    <message>
        <source>Pool strategy:</source>
        <translation>Pool strategy:</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>Preferred account:</source>
        <translation>Preferred account:</translation>
    </message>
    <message>
        <source>Tried first while it can serve. </source>
        <translation>Tried first while it can serve. </translation>
    </message>
    <message>
        <source>Quota reserve:</source>
        <translation>Quota reserve:</translation>
    </message>
    <message>
        <source>Stop choosing an account this close to a window&apos;s limit. </source>
        <translation>Stop choosing an account this close to a window&apos;s limit. </translation>
    </message>
    <message>
        <source>none; e.g. %1</source>
        <translation>none; e.g. %1</translation>
    </message>
    <message>
        <source>Model routes:</source>
        <translation>Model routes:</translation>
    </message>
    <message>
        <source>&apos;glob=provider[:model]|fallback; …&apos; tried in order. </source>
        <translation>&apos;glob=provider[:model]|fallback; …&apos; tried in order. </translation>
    </message>
    <message>
        <source>Console log level:</source>
        <translation>Console log level:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>System language</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Language:</translation>
    </message>
    <message>
        <source>Start when I log in</source>
        <translation>Start when I log in</translation>
    </message>
    <message>
        <source>Start in the tray, without this window</source>
        <translation>Start in the tray, without this window</translation>
    </message>
    <message>
        <source>Desktop:</source>
        <translation>Desktop:</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Revert</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Set by the environment or a command-line flag</source>
        <translation>Set by the environment or a command-line flag</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Model routes</source>
        <translation>Model routes</translation>
    </message>
    <message>
        <source>Quota reserve</source>
        <translation>Quota reserve</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Listen beyond this computer?</source>
        <translation>Listen beyond this computer?</translation>
    </message>
    <message>
        <source>With the address %1, other computers that can reach this one can send requests through your accounts. Continue?</source>
        <translation>With the address %1, other computers that can reach this one can send requests through your accounts. Continue?</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Not saved: %1</translation>
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation>Saved to %1.</translation>
    </message>
    <message>
        <source>Saved to %1. Restart the app to apply: %2.</source>
        <translation>Saved to %1. Restart the app to apply: %2.</translation>
    </message>
</context>
<context>
    <name>qp::TrayApp</name>
    <message>
        <source>Qwen Proxy</source>
        <translation>Qwen Proxy</translation>
    </message>
    <message>
        <source>No system tray on this desktop: closing this window quits Qwen Proxy.</source>
        <translation>No system tray on this desktop: closing this window quits Qwen Proxy.</translation>
    </message>
</context>
<context>
    <name>qp::TrayMenu</name>
    <message>
        <source>Resume serving</source>
        <translation>Resume serving</translation>
    </message>
    <message>
        <source>Pause serving</source>
        <translation>Pause serving</translation>
    </message>
    <message>
        <source>%1 (log in again…)</source>
        <translation>%1 (log in again…)</translation>
    </message>
    <message>
        <source>Make %1 the default account</source>
        <translation>Make %1 the default account</translation>
    </message>
    <message>
        <source>Copy OpenAI base URL</source>
        <translation>Copy OpenAI base URL</translation>
    </message>
    <message>
        <source>Copy Anthropic base URL</source>
        <translation>Copy Anthropic base URL</translation>
    </message>
    <message>
        <source>Add Qwen account…</source>
        <translation>Add Qwen account…</translation>
    </message>
    <message>
        <source>Add provider key…</source>
        <translation>Add provider key…</translation>
    </message>
    <message>
        <source>Open Qwen Proxy</source>
        <translation>Open Qwen Proxy</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>qp::TrayStatus</name>
    <message>
        <source>5 h</source>
        <translation>5 h</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 h</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 days</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 days</translation>
    </message>
    <message>
        <source>today (UTC)</source>
        <translation>today (UTC)</translation>
    </message>
    <message>
        <source>this week (UTC)</source>
        <translation>this week (UTC)</translation>
    </message>
    <message>
        <source>this month (UTC)</source>
        <translation>this month (UTC)</translation>
    </message>
    <message>
        <source>%1 / %2 requests</source>
        <translation>%1 / %2 requests</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 tokens</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>frees up in %1</source>
        <translation>frees up in %1</translation>
    </message>
    <message>
        <source>resets in %1</source>
        <translation>resets in %1</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>ready</translation>
    </message>
    <message>
        <source>%1 limit reached, frees up in %2</source>
        <translation>%1 limit reached, frees up in %2</translation>
    </message>
    <message>
        <source>%1 limit reached</source>
        <translation>%1 limit reached</translation>
    </message>
    <message>
        <source>cooling down, back in %1</source>
        <translation>cooling down, back in %1</translation>
    </message>
    <message>
        <source>cooling down</source>
        <translation>cooling down</translation>
    </message>
    <message>
        <source>needs login</source>
        <translation>needs login</translation>
    </message>
    <message>
        <source>parked: Qwen&apos;s free OAuth tier ended</source>
        <translation>parked: Qwen&apos;s free OAuth tier ended</translation>
    </message>
    <message>
        <source>parked</source>
        <translation>parked</translation>
    </message>
    <message>
        <source>parked: %1</source>
        <translation>parked: %1</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>disabled</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Serving on %1</source>
        <translation>Serving on %1</translation>
    </message>
    <message>
        <source>serving</source>
        <translation>serving</translation>
    </message>
    <message numerus="yes">
        <source>Serving on %1 · %n account(s) need attention</source>
        <translation>
            <numerusform>Serving on %1 · %n account needs attention</numerusform>
            <numerusform>Serving on %1 · %n accounts need attention</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s) need attention</source>
        <translation>
            <numerusform>%n account needs attention</numerusform>
            <numerusform>%n accounts need attention</numerusform>
        </translation>
    </message>
    <message>
        <source>Listening on %1 · add an account to serve</source>
        <translation>Listening on %1 · add an account to serve</translation>
    </message>
    <message>
        <source>no account yet</source>
        <translation>no account yet</translation>
    </message>
    <message>
        <source>Listening on %1 · no account can serve now</source>
        <translation>Listening on %1 · no account can serve now</translation>
    </message>
    <message>
        <source>no usable account</source>
        <translation>no usable account</translation>
    </message>
    <message>
        <source>Server failed: %1</source>
        <translation>Server failed: %1</translation>
    </message>
    <message>
        <source>server failed</source>
        <translation>server failed</translation>
    </message>
    <message>
        <source>Paused · not listening on %1</source>
        <translation>Paused · not listening on %1</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>paused</translation>
    </message>
    <message>
        <source>Today: %1 requests · %2 tokens</source>
        <translation>Today: %1 requests · %2 tokens</translation>
    </message>
    <message>
        <source>Qwen Proxy: %1</source>
        <translation>Qwen Proxy: %1</translation>
    </message>
    <message>
        <source>Accounts: none</source>
        <translation>Accounts: none</translation>
    </message>
    <message>
        <source>Accounts: %1 of %2 usable</source>
        <translation>Accounts: %1 of %2 usable</translation>
    </message>
</context>
<context>
    <name>qp::UsagePage</name>
    <message numerus="yes">
        <source>Last %n days</source>
        <translation>
            <numerusform>Last %n day</numerusform>
            <numerusform>Last %n days</numerusform>
        </translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Requests</translation>
    </message>
    <message>
        <source>Input tokens</source>
        <translation>Input tokens</translation>
    </message>
    <message>
        <source>Output tokens</source>
        <translation>Output tokens</translation>
    </message>
    <message>
        <source>Per account</source>
        <translation>Per account</translation>
    </message>
    <message>
        <source>Per model</source>
        <translation>Per model</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Window</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Used</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>Resets</source>
        <translation>Resets</translation>
    </message>
    <message>
        <source>Days are UTC days, as in “qwen-proxy usage”; reset times are local.</source>
        <translation>Days are UTC days, as in “qwen-proxy usage”; reset times are local.</translation>
    </message>
    <message>
        <source>(unknown model)</source>
        <translation>(unknown model)</translation>
    </message>
    <message>
        <source>(no account)</source>
        <translation>(no account)</translation>
    </message>
    <message>
        <source>No requests in these days.</source>
        <translation>No requests in these days.</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2 in %n days</source>
        <translation>
            <numerusform>%1 %2 in %n day</numerusform>
            <numerusform>%1 %2 in %n days</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 requests</source>
        <translation>%1 requests</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 tokens</translation>
    </message>
    <message>
        <source>No account has metered quota windows (Qwen OAuth and plain keys are unmetered unless a plan is set).</source>
        <translation>No account has metered quota windows (Qwen OAuth and plain keys are unmetered unless a plan is set).</translation>
    </message>
</context>
<context>
    <name>qp::ui</name>
    <message>
        <source>in %1m</source>
        <translation>in %1m</translation>
    </message>
    <message>
        <source>in %1h %2m</source>
        <translation>in %1h %2m</translation>
    </message>
    <message>
        <source>in %1d %2h</source>
        <translation>in %1d %2h</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source>Cooling down</source>
        <translation>Cooling down</translation>
    </message>
    <message>
        <source>Needs login</source>
        <translation>Needs login</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>Parked</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <source>%1/%2 req</source>
        <translation>%1/%2 req</translation>
    </message>
    <message>
        <source>%1/%2 tok</source>
        <translation>%1/%2 tok</translation>
    </message>
    <message>
        <source>nothing counted</source>
        <translation>nothing counted</translation>
    </message>
    <message>
        <source>resets %1 (%2)</source>
        <translation>resets %1 (%2)</translation>
    </message>
</context>
</TS>
