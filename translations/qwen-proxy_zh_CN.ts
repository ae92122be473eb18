<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddProviderDialog</name>
    <message>
        <source>Add provider</source>
        <translation>添加服务商</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <source>Id:</source>
        <translation>ID：</translation>
    </message>
    <message>
        <source>Base URL:</source>
        <translation>基础 URL：</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <source>Paste the API key</source>
        <translation>粘贴 API 密钥</translation>
    </message>
    <message>
        <source>Models:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>The preset&apos;s models (or a comma-separated list)</source>
        <translation>预设的模型（或以逗号分隔的模型列表）</translation>
    </message>
    <message>
        <source>Egress proxy:</source>
        <translation>出口代理：</translation>
    </message>
    <message>
        <source>System proxy (or “direct”, http://…, socks5://…)</source>
        <translation>系统代理（也可填写“direct”、http://…、socks5://…）</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the base URL</source>
        <translation>复制基础 URL</translation>
    </message>
</context>
<context>
    <name>qp::AccountsModel</name>
    <message>
        <source>The default account: tried first while it can serve</source>
        <translation>默认账号：可用时优先使用</translation>
    </message>
    <message>
        <source>The access token is refreshed before it expires</source>
        <translation>访问令牌会在过期前自动刷新</translation>
    </message>
    <message>
        <source>API keys do not expire</source>
        <translation>API 密钥不会过期</translation>
    </message>
    <message>
        <source>Qwen OAuth</source>
        <translation>Qwen OAuth</translation>
    </message>
    <message>
        <source>API key · %1</source>
        <translation>API 密钥 · %1</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>expired (refreshed on use)</source>
        <translation>已过期（使用时自动刷新）</translation>
    </message>
    <message>
        <source>unmetered</source>
        <translation>不计量</translation>
    </message>
    <message>
        <source>The default account</source>
        <translation>默认账号</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Token expires</source>
        <translation>令牌过期时间</translation>
    </message>
    <message>
        <source>Quota windows</source>
        <translation>额度窗口</translation>
    </message>
    <message>
        <source>Requests
today</source>
        <translation>今日
请求</translation>
    </message>
    <message>
        <source>Tokens
today</source>
        <translation>今日
Token</translation>
    </message>
</context>
<context>
    <name>qp::AccountsPage</name>
    <message>
        <source>Log in…</source>
        <translation>登录…</translation>
    </message>
    <message>
        <source>Add a Qwen account by scanning a QR code</source>
        <translation>扫描二维码添加 Qwen 账号</translation>
    </message>
    <message>
        <source>Add provider…</source>
        <translation>添加服务商…</translation>
    </message>
    <message>
        <source>Set default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>禁用</translation>
    </message>
    <message>
        <source>Log in again…</source>
        <translation>重新登录…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <source>No accounts yet — add a provider or log in.</source>
        <translation>尚无账号——请添加服务商或登录。</translation>
    </message>
    <message>
        <source>Secrets are not in the system keychain: %1</source>
        <translation>凭据未保存在系统钥匙串中：%1</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>操作失败：%1</translation>
    </message>
    <message>
        <source>“%1” is the default account now.</source>
        <translation>“%1”现在是默认账号。</translation>
    </message>
    <message>
        <source>“%1” is enabled.</source>
        <translation>已启用“%1”。</translation>
    </message>
    <message>
        <source>“%1” is disabled; the pool will not use it.</source>
        <translation>已禁用“%1”，账号池将不再使用它。</translation>
    </message>
    <message>
        <source>Remove the account “%1”? Its login is deleted from this computer.</source>
        <translation>要移除账号“%1”吗？其登录信息将从这台电脑上删除。</translation>
    </message>
    <message>
        <source>Remove the provider “%1”? Its key is deleted from this computer.</source>
        <translation>要移除服务商“%1”吗？其密钥将从这台电脑上删除。</translation>
    </message>
    <message>
        <source>Remove account</source>
        <translation>移除账号</translation>
    </message>
    <message>
        <source>“%1” was removed.</source>
        <translation>已移除“%1”。</translation>
    </message>
</context>
<context>
    <name>qp::AddProviderDialog</name>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Key: %1</source>
        <translation>密钥：%1</translation>
    </message>
    <message>
        <source>Models: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>Quota: not metered</source>
        <translation>额度：不计量</translation>
    </message>
    <message>
        <source>Quota windows: %1</source>
        <translation>额度窗口：%1</translation>
    </message>
    <message>
        <source>Required: the server&apos;s base URL</source>
        <translation>必填：服务器的基础 URL</translation>
    </message>
    <message>
        <source>Paste the API key</source>
        <translation>粘贴 API 密钥</translation>
    </message>
    <message>
        <source>Optional for this provider</source>
        <translation>此服务商可不填</translation>
    </message>
    <message>
        <source>Give the provider an id.</source>
        <translation>请为服务商填写 ID。</translation>
    </message>
    <message>
        <source>This preset needs a base URL.</source>
        <translation>此预设需要填写基础 URL。</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>正在添加…</translation>
    </message>
</context>
<context>
    <name>qp::ClientsPage</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy these settings to the clipboard</source>
        <translation>把这些设置复制到剪贴板</translation>
    </message>
    <message>
        <source>Restore backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <source>Or, for one shell session (nothing is written):</source>
        <translation>或者只用于一次 shell 会话（不写入任何文件）：</translation>
    </message>
    <message>
        <source>Copy these lines to the clipboard</source>
        <translation>把这几行复制到剪贴板</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <source>Set these environment variables where your program runs; the Anthropic SDKs read them. Pass the model name in your code.</source>
        <translation>在运行你的程序的环境中设置这些环境变量，Anthropic SDK 会读取它们。模型名称请在代码中传入。</translation>
    </message>
    <message>
        <source>Set these environment variables where your program runs; the OpenAI SDKs read them. Pass the model name in your code.</source>
        <translation>在运行你的程序的环境中设置这些环境变量，OpenAI SDK 会读取它们。模型名称请在代码中传入。</translation>
    </message>
    <message>
        <source>Settings for %1, merged into %2 (your other settings stay):</source>
        <translation>%1 的设置，将合并到 %2（你的其他设置保持不变）：</translation>
    </message>
    <message>
        <source>Codex releases from February 2026 on accept only wire_api = &quot;responses&quot;, which this proxy does not serve yet: use a release from before then.</source>
        <translation>2026 年 2 月起发布的 Codex 版本只接受 wire_api = &quot;responses&quot;，本代理尚不支持：请使用此前发布的版本。</translation>
    </message>
    <message>
        <source>Restart %1 after writing: it reads its settings at start.</source>
        <translation>写入后请重启 %1：它只在启动时读取设置。</translation>
    </message>
    <message>
        <source>Write to %1</source>
        <translation>写入 %1</translation>
    </message>
    <message>
        <source>Write the Qwen Proxy settings into %1?

Its current content is first copied to %2 next to it; &quot;Restore backup&quot; puts it back. Your other settings stay.</source>
        <translation>将 Qwen Proxy 的设置写入 %1？

它现有的内容会先复制到同一目录下的 %2；“恢复备份”可将其还原。你的其他设置保持不变。</translation>
    </message>
    <message>
        <source>Create %1 with the Qwen Proxy settings?

It does not exist yet; &quot;Restore backup&quot; removes it again.</source>
        <translation>用 Qwen Proxy 的设置创建 %1？

该文件目前不存在；“恢复备份”会再将其删除。</translation>
    </message>
    <message>
        <source>Write %1 settings</source>
        <translation>写入 %1 设置</translation>
    </message>
    <message>
        <source>Nothing was written: %1</source>
        <translation>未写入任何内容：%1</translation>
    </message>
    <message>
        <source>%1 already points at this proxy; nothing changed.</source>
        <translation>%1 已指向本代理，无需更改。</translation>
    </message>
    <message>
        <source>Wrote %1. Backup: %2</source>
        <translation>已写入 %1。备份：%2</translation>
    </message>
    <message>
        <source>Remove %1? It did not exist before Qwen Proxy wrote it.</source>
        <translation>删除 %1？在 Qwen Proxy 写入之前它并不存在。</translation>
    </message>
    <message>
        <source>Replace %1 with its backup %2?</source>
        <translation>用备份 %2 替换 %1？</translation>
    </message>
    <message>
        <source>Restore %1 settings</source>
        <translation>恢复 %1 设置</translation>
    </message>
    <message>
        <source>Nothing was restored: %1</source>
        <translation>未恢复任何内容：%1</translation>
    </message>
    <message>
        <source>Removed %1.</source>
        <translation>已删除 %1。</translation>
    </message>
    <message>
        <source>Restored %1 from %2.</source>
        <translation>已从 %2 恢复 %1。</translation>
    </message>
    <message>
        <source>Settings for %1, merged into %2 (the folder %3 names; your other settings stay):</source>
        <translation>%1 的设置，将合并到 %2（该文件夹由 %3 指定；你的其他设置保持不变）：</translation>
    </message>
</context>
<context>
    <name>qp::DisplayFormat</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
</context>
<context>
    <name>qp::LoginMessages</name>
    <message>
        <source>The code expired</source>
        <translation>登录码已过期</translation>
    </message>
    <message>
        <source>The login was not approved in time. Try again to get a new code.</source>
        <translation>登录未在有效期内获得授权。请重试以获取新的登录码。</translation>
    </message>
    <message>
        <source>The login was denied</source>
        <translation>登录被拒绝</translation>
    </message>
    <message>
        <source>The authorization was refused in the browser. If that was a mistake, try again and approve it.</source>
        <translation>授权请求在浏览器中被拒绝。如果是误操作，请重试并批准授权。</translation>
    </message>
    <message>
        <source>Cannot reach Qwen</source>
        <translation>无法连接到 Qwen</translation>
    </message>
    <message>
        <source>Check your internet connection and proxy settings, then try again.</source>
        <translation>请检查网络连接和代理设置，然后重试。</translation>
    </message>
    <message>
        <source>Qwen&apos;s free OAuth tier has ended</source>
        <translation>Qwen 的免费 OAuth 服务已结束</translation>
    </message>
    <message>
        <source>Qwen stopped free access through OAuth logins on 2026-04-15, so a new login cannot serve requests. Add a Coding Plan or Model Studio API key instead.</source>
        <translation>Qwen 已于 2026-04-15 停止通过 OAuth 登录提供免费访问，新登录的账号无法处理请求。请改为添加 Coding Plan 或阿里云百炼（Model Studio）的 API 密钥。</translation>
    </message>
    <message>
        <source>Too many login attempts</source>
        <translation>登录尝试过于频繁</translation>
    </message>
    <message>
        <source>Qwen is limiting login requests. Wait a minute, then try again.</source>
        <translation>Qwen 正在限制登录请求。请等待一分钟后重试。</translation>
    </message>
    <message>
        <source>The login failed</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <source>Qwen did not complete the login. Try again; if it keeps failing, the details below help with a bug report.</source>
        <translation>Qwen 未能完成登录。请重试；如果仍然失败，可以用下方的详细信息提交问题报告。</translation>
    </message>
</context>
<context>
    <name>qp::LoginWindow</name>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制登录码</translation>
    </message>
    <message>
        <source>Log in with Qwen</source>
        <translation>使用 Qwen 登录</translation>
    </message>
    <message>
        <source>Asking Qwen for a login code…</source>
        <translation>正在向 Qwen 请求登录码…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Scan the code with your phone, or open the login page in a browser and check that it shows the code below.</source>
        <translation>用手机扫描二维码，或在浏览器中打开登录页面，并确认页面上显示的登录码与下方一致。</translation>
    </message>
    <message>
        <source>Your code</source>
        <translation>你的登录码</translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Add an API key…</source>
        <translation>添加 API 密钥…</translation>
    </message>
    <message>
        <source>You are logged in</source>
        <translation>登录成功</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Expires in %1</source>
        <translation>%1 后过期</translation>
    </message>
    <message>
        <source>Login page: %1</source>
        <translation>登录页面：%1</translation>
    </message>
    <message>
        <source>Account %1 is ready; requests can use it now.</source>
        <translation>账号 %1 已就绪，现在即可处理请求。</translation>
    </message>
</context>
<context>
    <name>qp::LogsPage</name>
    <message>
        <source>Filter: model, client, account…</source>
        <translation>筛选：模型、客户端、账号…</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Successful (2xx)</source>
        <translation>成功 (2xx)</translation>
    </message>
    <message>
        <source>Errors (4xx and 5xx)</source>
        <translation>错误 (4xx 和 5xx)</translation>
    </message>
    <message>
        <source>Client errors (4xx)</source>
        <translation>客户端错误 (4xx)</translation>
    </message>
    <message>
        <source>Server errors (5xx)</source>
        <translation>服务器错误 (5xx)</translation>
    </message>
    <message>
        <source>All accounts</source>
        <translation>全部账号</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop adding new requests while you read</source>
        <translation>查看时不再追加新请求</translation>
    </message>
    <message>
        <source>Select a request to see all it recorded.</source>
        <translation>选择一条请求以查看其全部记录。</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Everything (debug)</source>
        <translation>全部（调试）</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>控制台</translation>
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
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Unlocking the keychain…</source>
        <translation>正在解锁钥匙串…</translation>
    </message>
    <message>
        <source>The server could not start: %1</source>
        <translation>服务器无法启动：%1</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>OpenAI:</source>
        <translation>OpenAI：</translation>
    </message>
    <message>
        <source>Anthropic:</source>
        <translation>Anthropic：</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>用量</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Serving on port %1</source>
        <translation>正在端口 %1 上提供服务</translation>
    </message>
    <message>
        <source>no account yet: add a provider or log in</source>
        <translation>尚无账号：请添加服务商或登录</translation>
    </message>
    <message>
        <source>%1 of %2 accounts ready</source>
        <translation>%1 / %2 个账号可用</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
</context>
<context>
    <name>qp::Notifier</name>
    <message>
        <source>%1 used 80 % of a quota window</source>
        <translation>%1 已用掉某个额度窗口的 80%</translation>
    </message>
    <message>
        <source>%1 reached its %2 limit</source>
        <translation>%1 已达到 %2 额度上限</translation>
    </message>
    <message>
        <source>%1 reached a quota limit</source>
        <translation>%1 已达到额度上限</translation>
    </message>
    <message>
        <source>Requests go to the other accounts until it frees up.</source>
        <translation>额度释放之前，请求将转由其他账号处理。</translation>
    </message>
    <message>
        <source>Switched away from %1</source>
        <translation>已从 %1 切换到其他账号</translation>
    </message>
    <message>
        <source>It rests for %1: %2</source>
        <translation>暂停使用 %1：%2</translation>
    </message>
    <message>
        <source>%1 needs a new login</source>
        <translation>%1 需要重新登录</translation>
    </message>
    <message>
        <source>Its sign-in is no longer valid. Log in again from the tray menu; the other accounts serve meanwhile.</source>
        <translation>登录状态已失效。请从托盘菜单重新登录；在此期间由其他账号处理请求。</translation>
    </message>
    <message>
        <source>Qwen&apos;s free OAuth tier has ended</source>
        <translation>Qwen 的免费 OAuth 服务已结束</translation>
    </message>
    <message>
        <source>%1 can no longer serve: Qwen stopped free OAuth access on 2026-04-15. Add a Coding Plan or Model Studio key to keep going.</source>
        <translation>%1 已无法处理请求：Qwen 已于 2026-04-15 停止免费 OAuth 访问。请添加 Coding Plan 或阿里云百炼（Model Studio）的密钥以继续使用。</translation>
    </message>
    <message>
        <source>%1 was taken out of rotation</source>
        <translation>%1 已移出轮换</translation>
    </message>
    <message>
        <source>The upstream said: %1</source>
        <translation>上游返回：%1</translation>
    </message>
    <message>
        <source>No account can serve requests</source>
        <translation>没有可处理请求的账号</translation>
    </message>
    <message>
        <source>Requests fail until an account recovers or you add one.</source>
        <translation>在有账号恢复或添加新账号之前，所有请求都会失败。</translation>
    </message>
    <message>
        <source>%1 can take requests again</source>
        <translation>%1 可以重新处理请求</translation>
    </message>
    <message>
        <source>Qwen Proxy could not start its server</source>
        <translation>Qwen Proxy 无法启动服务</translation>
    </message>
    <message numerus="yes">
        <source>(%n earlier notification(s) held back)</source>
        <translation>
            <numerusform>（另有 %n 条通知未显示）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qp::ProvidersPage</name>
    <message>
        <source>Add provider…</source>
        <translation>添加服务商…</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Send one tiny chat request and show the answer</source>
        <translation>发送一个极简的对话请求并显示回复</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Ask the provider which chat models it serves</source>
        <translation>向服务商查询其提供的对话模型</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>Egress proxy</source>
        <translation>出口代理</translation>
    </message>
    <message>
        <source>No providers yet. Add one from a preset: Coding Plan, Model Studio, or any OpenAI-compatible server.</source>
        <translation>尚无服务商。可从预设添加：Coding Plan、阿里云百炼（Model Studio）或任意兼容 OpenAI 的服务器。</translation>
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
        <translation>系统</translation>
    </message>
    <message>
        <source>Defined by %1: change it there</source>
        <translation>由 %1 定义：请在该处修改</translation>
    </message>
    <message>
        <source>Added “%1”. Test it to check the key.</source>
        <translation>已添加“%1”。请测试一下以检查密钥。</translation>
    </message>
    <message>
        <source>Testing “%1”…</source>
        <translation>正在测试“%1”…</translation>
    </message>
    <message>
        <source>“%1” works: %2 answered in %3 ms: “%4”</source>
        <translation>“%1”工作正常：%2 在 %3 毫秒内回复：“%4”</translation>
    </message>
    <message>
        <source>“%1” failed after %2 ms: %3</source>
        <translation>“%1”在 %2 毫秒后失败：%3</translation>
    </message>
    <message>
        <source>Asking “%1” for its models…</source>
        <translation>正在向“%1”查询模型列表…</translation>
    </message>
    <message>
        <source>“%1” lists no chat models.</source>
        <translation>“%1”未列出任何对话模型。</translation>
    </message>
    <message>
        <source>“%1” serves: %2</source>
        <translation>“%1”提供的模型：%2</translation>
    </message>
    <message>
        <source>Could not list the models of “%1”: %2</source>
        <translation>无法获取“%1”的模型列表：%2</translation>
    </message>
    <message>
        <source>Remove provider</source>
        <translation>移除服务商</translation>
    </message>
    <message>
        <source>Remove the provider “%1”? Its key is deleted from this computer.</source>
        <translation>要移除服务商“%1”吗？其密钥将从这台电脑上删除。</translation>
    </message>
    <message>
        <source>“%1” was removed.</source>
        <translation>已移除“%1”。</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>操作失败：%1</translation>
    </message>
</context>
<context>
    <name>qp::QrCodeWidget</name>
    <message>
        <source>QR code of the login page</source>
        <translation>登录页面的二维码</translation>
    </message>
</context>
<context>
    <name>qp::RequestLogModel</name>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>%1 in / %2 out</source>
        <translation>输入 %1 / 输出 %2</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Dialect</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Model asked</source>
        <translation>请求的模型</translation>
    </message>
    <message>
        <source>Model sent</source>
        <translation>上游模型</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>First token</source>
        <translation>首 Token 延迟</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Error class</source>
        <translation>错误类别</translation>
    </message>
    <message>
        <source>Streamed</source>
        <translation>流式</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Input tokens</source>
        <translation>输入 Token</translation>
    </message>
    <message>
        <source>Output tokens</source>
        <translation>输出 Token</translation>
    </message>
    <message>
        <source>Cached tokens</source>
        <translation>缓存 Token</translation>
    </message>
</context>
<context>
    <name>qp::SettingsPage</name>
    <message>
        <source>not a valid value</source>
        <translation>不是有效的值</translation>
    </message>
    <message>
        <source>Applies after a restart of the app.</source>
        <translation>重启应用后生效。</translation>
    </message>
    <message>
        <source>port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>监听地址：</translation>
    </message>
    <message>
        <source>Other computers on the network will be able to use your accounts through this proxy. Keep it on 127.0.0.1 unless you mean that.</source>
        <translation>网络中的其他电脑将能通过此代理使用你的账号。除非确有此意，否则请保持为 127.0.0.1。</translation>
    </message>
    <message>
        <source>Round robin: each request to the next account</source>
        <translation>轮询：每个请求依次交给下一个账号</translation>
    </message>
    <message>
        <source>Least recently used</source>
        <translation>最久未使用</translation>
    </message>
    <message>
        <source>Least used in its windows</source>
        <translation>额度窗口内用量最少</translation>
    </message>
    <message>
        <source>Most quota remaining</source>
        <translation>剩余额度最多</translation>
    </message>
    <message>
        <source>Fill first: one account until it is full</source>
        <translation>优先用满：先用满一个账号再换下一个</translation>
    </message>
    <message>
        <source>Reset first: the account whose window resets soonest</source>
        <translation>优先重置：额度窗口最早重置的账号优先</translation>
    </message>
    <message>
        <source>Applies at once.</source>
        <translation>立即生效。</translation>
    </message>
    <message>
        <source>Pool strategy:</source>
        <translation>账号池策略：</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Preferred account:</source>
        <translation>首选账号：</translation>
    </message>
    <message>
        <source>Tried first while it can serve. </source>
        <translation>可用时优先使用。 </translation>
    </message>
    <message>
        <source>Quota reserve:</source>
        <translation>额度预留：</translation>
    </message>
    <message>
        <source>Stop choosing an account this close to a window&apos;s limit. </source>
        <translation>账号距额度窗口上限不足此比例时不再选用。 </translation>
    </message>
    <message>
        <source>none; e.g. %1</source>
        <translation>无；例如 %1</translation>
    </message>
    <message>
        <source>Model routes:</source>
        <translation>模型路由：</translation>
    </message>
    <message>
        <source>&apos;glob=provider[:model]|fallback; …&apos; tried in order. </source>
        <translation>&apos;glob=provider[:model]|fallback; …&apos; 按顺序依次尝试。 </translation>
    </message>
    <message>
        <source>Console log level:</source>
        <translation>控制台日志级别：</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Start when I log in</source>
        <translation>登录系统时启动</translation>
    </message>
    <message>
        <source>Start in the tray, without this window</source>
        <translation>启动时只显示托盘图标，不打开此窗口</translation>
    </message>
    <message>
        <source>Desktop:</source>
        <translation>桌面：</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Set by the environment or a command-line flag</source>
        <translation>由环境变量或命令行参数设置</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Model routes</source>
        <translation>模型路由</translation>
    </message>
    <message>
        <source>Quota reserve</source>
        <translation>额度预留</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Listen beyond this computer?</source>
        <translation>要允许本机以外的访问吗？</translation>
    </message>
    <message>
        <source>With the address %1, other computers that can reach this one can send requests through your accounts. Continue?</source>
        <translation>使用地址 %1 时，能访问这台电脑的其他电脑都可以通过你的账号发送请求。是否继续？</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation>已保存到 %1。</translation>
    </message>
    <message>
        <source>Saved to %1. Restart the app to apply: %2.</source>
        <translation>已保存到 %1。需重启应用才能生效：%2。</translation>
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
        <translation>当前桌面没有系统托盘：关闭此窗口将退出 Qwen Proxy。</translation>
    </message>
</context>
<context>
    <name>qp::TrayMenu</name>
    <message>
        <source>Resume serving</source>
        <translation>恢复服务</translation>
    </message>
    <message>
        <source>Pause serving</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <source>%1 (log in again…)</source>
        <translation>%1（重新登录…）</translation>
    </message>
    <message>
        <source>Make %1 the default account</source>
        <translation>将 %1 设为默认账号</translation>
    </message>
    <message>
        <source>Copy OpenAI base URL</source>
        <translation>复制 OpenAI 基础 URL</translation>
    </message>
    <message>
        <source>Copy Anthropic base URL</source>
        <translation>复制 Anthropic 基础 URL</translation>
    </message>
    <message>
        <source>Add Qwen account…</source>
        <translation>添加 Qwen 账号…</translation>
    </message>
    <message>
        <source>Add provider key…</source>
        <translation>添加服务商密钥…</translation>
    </message>
    <message>
        <source>Open Qwen Proxy</source>
        <translation>打开 Qwen Proxy</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>qp::TrayStatus</name>
    <message>
        <source>5 h</source>
        <translation>5 小时</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 小时</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 天</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 天</translation>
    </message>
    <message>
        <source>today (UTC)</source>
        <translation>今日 (UTC)</translation>
    </message>
    <message>
        <source>this week (UTC)</source>
        <translation>本周 (UTC)</translation>
    </message>
    <message>
        <source>this month (UTC)</source>
        <translation>本月 (UTC)</translation>
    </message>
    <message>
        <source>%1 / %2 requests</source>
        <translation>%1 / %2 次请求</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 Token</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>frees up in %1</source>
        <translation>%1后释放</translation>
    </message>
    <message>
        <source>resets in %1</source>
        <translation>%1后重置</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>%1 limit reached, frees up in %2</source>
        <translation>已达 %1 上限，%2后释放</translation>
    </message>
    <message>
        <source>%1 limit reached</source>
        <translation>已达 %1 上限</translation>
    </message>
    <message>
        <source>cooling down, back in %1</source>
        <translation>冷却中，%1后恢复</translation>
    </message>
    <message>
        <source>cooling down</source>
        <translation>冷却中</translation>
    </message>
    <message>
        <source>needs login</source>
        <translation>需要登录</translation>
    </message>
    <message>
        <source>parked: Qwen&apos;s free OAuth tier ended</source>
        <translation>已挂起：Qwen 免费 OAuth 服务已结束</translation>
    </message>
    <message>
        <source>parked</source>
        <translation>已挂起</translation>
    </message>
    <message>
        <source>parked: %1</source>
        <translation>已挂起：%1</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已禁用</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Serving on %1</source>
        <translation>正在 %1 上提供服务</translation>
    </message>
    <message>
        <source>serving</source>
        <translation>服务中</translation>
    </message>
    <message numerus="yes">
        <source>Serving on %1 · %n account(s) need attention</source>
        <translation>
            <numerusform>正在 %1 上提供服务 · %n 个账号需要处理</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s) need attention</source>
        <translation>
            <numerusform>%n 个账号需要处理</numerusform>
        </translation>
    </message>
    <message>
        <source>Listening on %1 · add an account to serve</source>
        <translation>正在监听 %1 · 添加账号后即可提供服务</translation>
    </message>
    <message>
        <source>no account yet</source>
        <translation>尚无账号</translation>
    </message>
    <message>
        <source>Listening on %1 · no account can serve now</source>
        <translation>正在监听 %1 · 当前没有可用账号</translation>
    </message>
    <message>
        <source>no usable account</source>
        <translation>没有可用账号</translation>
    </message>
    <message>
        <source>Server failed: %1</source>
        <translation>服务启动失败：%1</translation>
    </message>
    <message>
        <source>server failed</source>
        <translation>服务启动失败</translation>
    </message>
    <message>
        <source>Paused · not listening on %1</source>
        <translation>已暂停 · 未在 %1 上监听</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Today: %1 requests · %2 tokens</source>
        <translation>今日：%1 次请求 · %2 Token</translation>
    </message>
    <message>
        <source>Qwen Proxy: %1</source>
        <translation>Qwen Proxy：%1</translation>
    </message>
    <message>
        <source>Accounts: none</source>
        <translation>账号：无</translation>
    </message>
    <message>
        <source>Accounts: %1 of %2 usable</source>
        <translation>账号：%1 / %2 可用</translation>
    </message>
</context>
<context>
    <name>qp::UsagePage</name>
    <message numerus="yes">
        <source>Last %n days</source>
        <translation>
            <numerusform>最近 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <source>Input tokens</source>
        <translation>输入 Token</translation>
    </message>
    <message>
        <source>Output tokens</source>
        <translation>输出 Token</translation>
    </message>
    <message>
        <source>Per account</source>
        <translation>按账号</translation>
    </message>
    <message>
        <source>Per model</source>
        <translation>按模型</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>额度窗口</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>已用</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>Resets</source>
        <translation>重置时间</translation>
    </message>
    <message>
        <source>Days are UTC days, as in “qwen-proxy usage”; reset times are local.</source>
        <translation>日期按 UTC 计算，与“qwen-proxy usage”一致；重置时间为本地时间。</translation>
    </message>
    <message>
        <source>(unknown model)</source>
        <translation>（未知模型）</translation>
    </message>
    <message>
        <source>(no account)</source>
        <translation>（无账号）</translation>
    </message>
    <message>
        <source>No requests in these days.</source>
        <translation>这段时间内没有请求。</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2 in %n days</source>
        <translation>
            <numerusform>%n 天内%2：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 requests</source>
        <translation>%1 次请求</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 Token</translation>
    </message>
    <message>
        <source>No account has metered quota windows (Qwen OAuth and plain keys are unmetered unless a plan is set).</source>
        <translation>没有账号设有计量的额度窗口（除非设置了套餐，Qwen OAuth 和普通 API 密钥均不计量）。</translation>
    </message>
</context>
<context>
    <name>qp::ui</name>
    <message>
        <source>in %1m</source>
        <translation>%1 分钟后</translation>
    </message>
    <message>
        <source>in %1h %2m</source>
        <translation>%1 小时 %2 分钟后</translation>
    </message>
    <message>
        <source>in %1d %2h</source>
        <translation>%1 天 %2 小时后</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>Cooling down</source>
        <translation>冷却中</translation>
    </message>
    <message>
        <source>Needs login</source>
        <translation>需要登录</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>已挂起</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已禁用</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1/%2 req</source>
        <translation>%1/%2 次请求</translation>
    </message>
    <message>
        <source>%1/%2 tok</source>
        <translation>%1/%2 Token</translation>
    </message>
    <message>
        <source>nothing counted</source>
        <translation>尚无计数</translation>
    </message>
    <message>
        <source>resets %1 (%2)</source>
        <translation>%1 重置（%2）</translation>
    </message>
</context>
</TS>
