// qp-bench: what a hop through `qwen-proxy serve` costs, measured side by side with talking to the
// upstream directly, in one run. It forks a fast fake upstream (fakeupstream.cpp), starts the
// proxy as a child pointed at it, drives both with its own epoll load generator (loadclient.cpp)
// and prints a Markdown table for the README. When an nginx binary is found (PATH, /usr/sbin) or
// given with --nginx, it is a third target: a plain reverse proxy in front of the same upstream,
// configured by this program (startNginx), so every figure can be read as a ratio to nginx
// measured in the same run. The method (README, "Performance"): load generator pinned to one
// core, everything under test on the other, 2 KB JSON POSTs, a 588-byte completion, 20-event SSE
// bodies.
//
// Usage: qp-bench [--proxy PATH] [--nginx PATH] [--streams N] [--no-pin] [--quick]
//                 [--upstream-only] [--soak SECONDS [--sse] [--anthropic] [--burst N]]

#include "benchutil.h"
#include "fakeupstream.h"
#include "loadclient.h"

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sched.h>
#include <sstream>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace bench;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kMs = 1000000;
constexpr int64_t kSec = 1000000000;

struct Options {
    std::string proxy;
    std::string nginx; // empty: look for it on PATH and in /usr/sbin
    int streams = 1000;
    bool pin = true;
    bool quick = false;
    bool upstreamOnly = false;  // just serve the fake upstream (for curl, wrk or a profiler)
    int soakSeconds = 0;        // only load the proxy at 50 connections this long (for a profiler)
    bool soakSse = false;       // ... with the fixed-body SSE request instead of the non-stream one
    bool soakAnthropic = false; // ... sent to /v1/messages, which the proxy translates
    int soakBurst = 0;          // ... or bursts of N slow streams at once, each on new connections
    std::string commandLine;
};

[[noreturn]] void die(const std::string &msg)
{
    std::fprintf(stderr, "qp-bench: %s\n", msg.c_str());
    std::exit(1);
}

std::string defaultProxyPath()
{
    // qp-bench lives in <build>/tests/bench, the proxy in <build>/src/cli.
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return "qwen-proxy";
    return (self.parent_path() / "../../src/cli/qwen-proxy").lexically_normal().string();
}

Options parseOptions(int argc, char **argv)
{
    Options o;
    o.proxy = defaultProxyPath();
    for (int i = 0; i < argc; ++i)
        o.commandLine.append(i ? " " : "").append(argv[i]);
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--proxy" && i + 1 < argc)
            o.proxy = argv[++i];
        else if (a == "--nginx" && i + 1 < argc)
            o.nginx = argv[++i];
        else if (a == "--streams" && i + 1 < argc)
            o.streams = std::max(1, std::atoi(argv[++i]));
        else if (a == "--no-pin")
            o.pin = false;
        else if (a == "--quick")
            o.quick = true;
        else if (a == "--upstream-only")
            o.upstreamOnly = true;
        else if (a == "--soak" && i + 1 < argc)
            o.soakSeconds = std::max(1, std::atoi(argv[++i]));
        else if (a == "--sse")
            o.soakSse = true;
        else if (a == "--anthropic")
            o.soakAnthropic = true;
        else if (a == "--burst" && i + 1 < argc)
            o.soakBurst = std::max(1, std::atoi(argv[++i]));
        else
            die("usage: qp-bench [--proxy PATH] [--nginx PATH] [--streams N] [--no-pin] [--quick] "
                "[--upstream-only] [--soak SECONDS [--sse] [--anthropic] [--burst N]]");
    }
    return o;
}

void pinTo(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

// 1000 client sockets plus 1000 proxy->upstream sockets on each side; the children inherit it.
void raiseFileLimit(int needed)
{
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur >= rlim_t(needed))
        return;
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, rlim_t(std::max(needed, 65536)));
    if (rl.rlim_max < rlim_t(needed)) {
        rlimit want = {rlim_t(needed), rlim_t(needed)};
        if (setrlimit(RLIMIT_NOFILE, &want) == 0)
            return;
    }
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < rlim_t(needed))
        std::fprintf(stderr, "qp-bench: warning: RLIMIT_NOFILE is %llu, %d streams need ~%d\n",
                     static_cast<unsigned long long>(rl.rlim_cur), needed / 4, needed);
}

long procStatusKb(pid_t pid, const char *field)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    const size_t n = std::strlen(field);
    while (std::getline(f, line))
        if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
            return std::atol(line.c_str() + n + 1);
    return -1;
}

// User plus system CPU time the process has used so far.
double cpuSeconds(pid_t pid)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const size_t close = stat.rfind(')'); // the command name may contain spaces
    if (close == std::string::npos)
        return 0;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) { // fields 14 and 15 (1-based)
        if (i == 14)
            utime = std::atoll(field.c_str());
        if (i == 15)
            stime = std::atoll(field.c_str());
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// Resets VmHWM so the next reading is the peak of the next phase only.
void resetPeak(pid_t pid)
{
    std::ofstream f("/proc/" + std::to_string(pid) + "/clear_refs");
    f << "5";
}

struct Proxy {
    pid_t pid = -1;
    uint16_t port = 0;
    std::string errFile;
};

Proxy startProxy(const Options &o, const fs::path &tmp, uint16_t upstreamPort, int cpu)
{
    Proxy p;
    const fs::path home = tmp / "home", data = tmp / "data", qwen = tmp / "qwen";
    fs::create_directories(home);
    fs::create_directories(data);
    fs::create_directories(qwen);
    const std::string out = (tmp / "proxy.out").string();
    p.errFile = (tmp / "proxy.err").string();
    p.pid = fork();
    if (p.pid < 0)
        die("fork failed");
    if (p.pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (cpu >= 0)
            pinTo(cpu);
        std::freopen("/dev/null", "r", stdin);
        std::freopen(out.c_str(), "w", stdout);
        std::freopen(p.errFile.c_str(), "w", stderr);
        const std::string base = "http://127.0.0.1:" + std::to_string(upstreamPort) + "/v1";
        setenv("OPENAI_BASE_URL", base.c_str(), 1);
        setenv("OPENAI_API_KEY", "k", 1);
        setenv("LOG_LEVEL", "error", 1); // the per-request console line would be measured too
        setenv("HOME", home.c_str(), 1);
        setenv("QWEN_HOME", qwen.c_str(), 1);
        setenv("XDG_CONFIG_HOME", (home / ".config").c_str(), 1);
        setenv("XDG_DATA_HOME", (home / ".local/share").c_str(), 1);
        unsetenv("HTTP_PROXY");
        unsetenv("http_proxy");
        unsetenv("ALL_PROXY");
        unsetenv("all_proxy");
        const std::string dataDir = data.string();
        execl(o.proxy.c_str(), "qwen-proxy", "serve", "--port", "0", "--data-dir", dataDir.c_str(),
              static_cast<char *>(nullptr));
        std::fprintf(stderr, "exec %s: %s\n", o.proxy.c_str(), std::strerror(errno));
        _exit(127);
    }
    // The start-up line: "... OpenAI base URL http://127.0.0.1:PORT/v1 ...".
    const int64_t deadline = nowNs() + 20 * kSec;
    while (nowNs() < deadline) {
        std::ifstream f(out);
        std::string line;
        if (std::getline(f, line) && line.find("listening") != std::string::npos) {
            const size_t at = line.find("http://127.0.0.1:");
            if (at != std::string::npos) {
                p.port = uint16_t(std::atoi(line.c_str() + at + 17));
                return p;
            }
        }
        int status = 0;
        if (waitpid(p.pid, &status, WNOHANG) == p.pid) {
            std::ifstream e(p.errFile);
            std::stringstream ss;
            ss << e.rdbuf();
            die("the proxy exited during start-up:\n" + ss.str());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(p.pid, SIGKILL);
    die("the proxy printed no listening line within 20 s");
}

void stopChild(pid_t pid, int sig)
{
    if (pid <= 0)
        return;
    kill(pid, sig);
    for (int i = 0; i < 100; ++i) { // at most 2 s, then force
        if (waitpid(pid, nullptr, WNOHANG) == pid)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

// ---- nginx, the reference ------------------------------------------------------------------

// --nginx PATH if given (nothing if it is not executable), else the first nginx on PATH, else the
// usual places a package or a source build puts it.
std::string findNginx(const Options &o)
{
    if (!o.nginx.empty())
        return access(o.nginx.c_str(), X_OK) == 0 ? o.nginx : std::string();
    std::vector<std::string> candidates;
    if (const char *path = std::getenv("PATH")) {
        std::stringstream ss(path);
        std::string dir;
        while (std::getline(ss, dir, ':'))
            if (!dir.empty())
                candidates.push_back(dir + "/nginx");
    }
    for (const char *c :
         {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"})
        candidates.emplace_back(c);
    for (const std::string &c : candidates)
        if (access(c.c_str(), X_OK) == 0 && !fs::is_directory(c))
            return c;
    return {};
}

// "1.22.1" from `nginx -v` (which prints to stderr); empty if it cannot be run.
std::string nginxVersion(const std::string &bin)
{
    FILE *f = popen(("'" + bin + "' -v 2>&1").c_str(), "r");
    if (!f)
        return {};
    char buf[256] = {};
    const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    pclose(f);
    const std::string out(buf, n);
    const size_t at = out.find("nginx/");
    if (at == std::string::npos)
        return {};
    size_t end = at + 6;
    while (end < out.size() &&
           (std::isdigit(static_cast<unsigned char>(out[end])) || out[end] == '.'))
        ++end;
    return out.substr(at + 6, end - at - 6);
}

bool versionAtLeast(const std::string &v, int major, int minor, int patch)
{
    int a = 0, b = 0, c = 0;
    std::sscanf(v.c_str(), "%d.%d.%d", &a, &b, &c);
    return std::tie(a, b, c) >= std::tie(major, minor, patch);
}

uint16_t freePort()
{
    uint16_t port = 0;
    const int fd = makeListenSocket(&port);
    if (fd < 0)
        return 0;
    close(fd); // nginx binds it a moment later (SO_REUSEADDR)
    return port;
}

bool canConnect(uint16_t port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool ok = fd >= 0 && connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

struct Nginx {
    pid_t pid = -1;
    uint16_t port = 0;
    std::string version;
    std::string error; // why it did not start
};

// The whole config nginx runs with; @NAME@ are filled in per run. Everything that is not nginx's
// stock default is here and says why; the rest (tcp_nodelay on, keepalive_timeout 75s, no gzip,
// proxy_read_timeout 60s) is the default.
constexpr const char *kNginxConfig = R"(# Written by qp-bench for one run: nginx as a plain HTTP/1.1
# reverse proxy in front of the fake upstream, measured the same way as qwen-proxy.
daemon off;                 # a child of qp-bench, stopped by it
master_process off;         # one process doing all the work, pinned like qwen-proxy
worker_processes 1;
worker_rlimit_nofile @NOFILE@;
pid @DIR@/nginx.pid;
error_log @DIR@/error.log warn;
events {
    worker_connections @CONNS@;   # client plus upstream sockets of the largest stream run
}
http {
    access_log off;         # qwen-proxy runs with LOG_LEVEL=error: no per-request line either
    # Client keep-alive as the load generator uses it: one connection for a whole run, so no
    # limit on requests per connection (the default, 1000, would close it mid-run).
    keepalive_requests 1000000;
    client_body_temp_path @DIR@/client_body;
    proxy_temp_path @DIR@/proxy;
    fastcgi_temp_path @DIR@/fastcgi;
    uwsgi_temp_path @DIR@/uwsgi;
    scgi_temp_path @DIR@/scgi;
    upstream fake {
        server 127.0.0.1:@UPSTREAM@;
        keepalive 64;                 # idle upstream connections kept for reuse
        keepalive_requests 1000000;   # as the proxy's pool: reused until the upstream closes
    }
    server {
        listen 127.0.0.1:@PORT@ backlog=4096;   # as the fake upstream: many streams connect at once
        location / {
            proxy_pass http://fake;
            proxy_http_version 1.1;           # needed for upstream keep-alive
            proxy_set_header Connection "";   # ditto: no "Connection: close" to the upstream
            proxy_buffering off;              # relay each SSE event as it arrives
            proxy_request_buffering off;      # forward the body as it arrives, no spooling
        }
    }
}
)";

std::string nginxConfig(const fs::path &dir, uint16_t listenPort, uint16_t upstreamPort,
                        int maxConnections)
{
    std::string c = kNginxConfig;
    auto fill = [&c](const std::string &name, const std::string &value) {
        for (size_t at = c.find(name); at != std::string::npos;
             at = c.find(name, at + value.size()))
            c.replace(at, name.size(), value);
    };
    fill("@DIR@", dir.string());
    fill("@NOFILE@", std::to_string(2 * maxConnections + 64));
    fill("@CONNS@", std::to_string(maxConnections));
    fill("@UPSTREAM@", std::to_string(upstreamPort));
    fill("@PORT@", std::to_string(listenPort));
    return c;
}

Nginx startNginx(const std::string &bin, const fs::path &tmp, uint16_t upstreamPort, int cpu,
                 int maxConnections)
{
    Nginx n;
    n.version = nginxVersion(bin);
    const fs::path dir = tmp / "nginx";
    fs::create_directories(dir);
    n.port = freePort();
    if (n.port == 0) {
        n.error = "no free port";
        return n;
    }
    const std::string conf = (dir / "nginx.conf").string();
    {
        std::ofstream f(conf);
        f << nginxConfig(dir, n.port, upstreamPort, maxConnections);
    }
    const std::string errFile = (dir / "stderr.log").string();
    const std::string prefix = dir.string() + "/";
    // -e (1.19.5+) keeps nginx off the compiled-in error log before it has read the config.
    const bool hasE = n.version.empty() || versionAtLeast(n.version, 1, 19, 5);
    n.pid = fork();
    if (n.pid < 0)
        die("fork failed");
    if (n.pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (cpu >= 0)
            pinTo(cpu);
        std::freopen("/dev/null", "r", stdin);
        std::freopen(errFile.c_str(), "w", stdout);
        std::freopen(errFile.c_str(), "a", stderr);
        const std::string errLog = dir.string() + "/error.log";
        if (hasE)
            execl(bin.c_str(), "nginx", "-p", prefix.c_str(), "-c", conf.c_str(), "-e",
                  errLog.c_str(), static_cast<char *>(nullptr));
        else
            execl(bin.c_str(), "nginx", "-p", prefix.c_str(), "-c", conf.c_str(),
                  static_cast<char *>(nullptr));
        std::fprintf(stderr, "exec %s: %s\n", bin.c_str(), std::strerror(errno));
        _exit(127);
    }
    const int64_t deadline = nowNs() + 10 * kSec;
    while (nowNs() < deadline) {
        if (canConnect(n.port))
            return n;
        int status = 0;
        if (waitpid(n.pid, &status, WNOHANG) == n.pid) {
            std::ifstream e(errFile);
            std::stringstream ss;
            ss << e.rdbuf();
            std::ifstream l(dir / "error.log");
            ss << l.rdbuf();
            n.pid = -1;
            n.error = "nginx exited during start-up (status " +
                      std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
            if (!ss.str().empty())
                n.error += ": " + ss.str();
            return n;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stopChild(n.pid, SIGKILL);
    n.pid = -1;
    n.error = "nginx did not accept connections within 10 s";
    return n;
}

// ---- measurements -------------------------------------------------------------------------

LoadResult sequential(uint16_t port, const std::string &req, int count, bool scan)
{
    LoadSpec s;
    s.port = port;
    s.request = req;
    s.connections = 1;
    s.requestsPerConnection = count;
    s.deadlineNs = 30 * kSec;
    s.scanTimestamps = scan;
    return runLoad(s);
}

LoadResult concurrent(uint16_t port, const std::string &req, int conns, int64_t durationNs)
{
    LoadSpec s;
    s.port = port;
    s.request = req;
    s.connections = conns;
    s.durationNs = durationNs;
    s.deadlineNs = durationNs + 10 * kSec;
    return runLoad(s);
}

LoadResult streamsAtOnce(uint16_t port, const std::string &req, int streams)
{
    LoadSpec s;
    s.port = port;
    s.request = req;
    s.connections = streams;
    s.requestsPerConnection = 1;
    s.deadlineNs = 60 * kSec;
    s.scanTimestamps = true;
    return runLoad(s);
}

void append(LoadResult &into, const LoadResult &r)
{
    into.completed += r.completed;
    into.failed += r.failed;
    into.unfinished += r.unfinished;
    into.elapsedNs += r.elapsedNs;
    into.latency.insert(into.latency.end(), r.latency.begin(), r.latency.end());
    into.ttfb.insert(into.ttfb.end(), r.ttfb.begin(), r.ttfb.end());
    into.firstEvent.insert(into.firstEvent.end(), r.firstEvent.begin(), r.firstEvent.end());
    into.eventDelay.insert(into.eventDelay.end(), r.eventDelay.begin(), r.eventDelay.end());
    if (into.firstError.empty())
        into.firstError = r.firstError;
}

void checkClean(const char *what, const char *who, const LoadResult &r)
{
    if (r.failed || r.unfinished)
        std::fprintf(stderr, "  warning: %s %s: %lld failed, %lld unfinished (%s)\n", what, who,
                     static_cast<long long>(r.failed), static_cast<long long>(r.unfinished),
                     r.firstError.c_str());
}

// ---- formatting ---------------------------------------------------------------------------

std::string us(int64_t ns)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.0f µs", double(ns) / 1e3);
    return b;
}
std::string ms(int64_t ns)
{
    char b[32];
    std::snprintf(b, sizeof b, ns < 10 * kMs ? "%.2f ms" : "%.1f ms", double(ns) / 1e6);
    return b;
}
std::string pair(int64_t a, int64_t b, bool inMs = false)
{
    char buf[64];
    if (inMs)
        std::snprintf(buf, sizeof buf, "%.2f / %.2f ms", double(a) / 1e6, double(b) / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.0f / %.0f µs", double(a) / 1e3, double(b) / 1e3);
    return buf;
}
std::string signedUs(int64_t ns)
{
    char b[32];
    std::snprintf(b, sizeof b, "%+.0f µs", double(ns) / 1e3);
    return b;
}
std::string signedMs(int64_t ns)
{
    char b[32];
    std::snprintf(b, sizeof b, "%+.2f ms", double(ns) / 1e6);
    return b;
}
std::string num(double v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.0f", v);
    std::string s = b, out;
    for (size_t i = 0; i < s.size(); ++i) { // thousands separators, as in bench-anchors.md
        if (i && (s.size() - i) % 3 == 0)
            out += ',';
        out += s[i];
    }
    return out;
}
std::string mb(long kb)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.1f MB", double(kb) / 1024.0);
    return b;
}
std::string completion(const LoadResult &r, int n)
{
    const bool all = r.completed == n && r.failed == 0 && r.unfinished == 0;
    return std::string(all ? "yes"
                           : "NO (" + std::to_string(r.completed) + "/" + std::to_string(n) + ")") +
           " / " + ms(r.elapsedNs);
}
const char *verdict(bool ok)
{
    return ok ? "met" : "**missed**";
}
std::string ratio(double a, double b)
{
    if (a <= 0 || b <= 0)
        return "—";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f×", a / b);
    return buf;
}
// "value (+added)": a figure through a proxy and what it adds to the direct one.
std::string withAdded(const std::string &value, const std::string &added)
{
    return value + " (" + added + ")";
}

// One row of the report; the nginx and ratio cells are left out when nginx did not run.
struct Row {
    Row(std::string l, std::string d = {}, std::string n = {}, std::string p = {},
        std::string r = {}, std::string t = {})
        : label(std::move(l)), direct(std::move(d)), nginx(std::move(n)), proxy(std::move(p)),
          ratio(std::move(r)), target(std::move(t))
    {}
    std::string label, direct, nginx, proxy, ratio, target;
};

void printTable(const std::vector<Row> &rows, bool withNginx)
{
    if (withNginx) {
        std::printf(
            "\n| | direct to upstream | through nginx | through qwen-proxy | proxy / nginx | "
            "target |\n|---|---|---|---|---|---|\n");
        for (const Row &r : rows)
            std::printf("| %s | %s | %s | %s | %s | %s |\n", r.label.c_str(), r.direct.c_str(),
                        r.nginx.c_str(), r.proxy.c_str(), r.ratio.c_str(), r.target.c_str());
    } else {
        std::printf(
            "\n| | direct to upstream | through qwen-proxy | target |\n|---|---|---|---|\n");
        for (const Row &r : rows)
            std::printf("| %s | %s | %s | %s |\n", r.label.c_str(), r.direct.c_str(),
                        r.proxy.c_str(), r.target.c_str());
    }
}

// Resident memory of a process under test: idle before the first request, the peak of each phase
// (VmHWM, reset between phases) and the peak over the whole run.
struct Memory {
    pid_t pid = -1;
    long idle = 0;
    long peak = 0;
    void start()
    {
        if (pid > 0)
            idle = procStatusKb(pid, "VmRSS");
    }
    long phasePeak() // the peak since the last call; resets it
    {
        if (pid <= 0)
            return 0;
        const long hwm = procStatusKb(pid, "VmHWM");
        peak = std::max(peak, hwm);
        resetPeak(pid);
        return hwm;
    }
};

} // namespace

int main(int argc, char **argv)
{
    const Options opt = parseOptions(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    const int maxStreams = std::max(opt.streams, 200); // the 200-stream runs happen anyway
    raiseFileLimit(4 * maxStreams + 256);
    if (access(opt.proxy.c_str(), X_OK) != 0)
        die("no proxy executable at " + opt.proxy +
            " (build the qwen-proxy target or pass --proxy)");

    // Other work on the machine shows up as latency here; say how busy it was.
    double loadBefore = -1;
    if (getloadavg(&loadBefore, 1) == 1 && loadBefore > 0.5 * double(sysconf(_SC_NPROCESSORS_ONLN)))
        std::fprintf(stderr, "qp-bench: warning: load average %.2f; the figures will be noisy\n",
                     loadBefore);
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const bool pin = opt.pin && cpus >= 2;
    const int underTestCpu = pin ? int(cpus - 1) : -1;

    char tmpl[] = "/tmp/qp-bench-XXXXXX";
    if (!mkdtemp(tmpl))
        die("mkdtemp failed");
    const fs::path tmp = tmpl;

    uint16_t upstreamPort = 0;
    const int lfd = makeListenSocket(&upstreamPort);
    if (lfd < 0)
        die("cannot listen on 127.0.0.1");
    if (opt.upstreamOnly) {
        std::printf("fake upstream: OPENAI_BASE_URL=http://127.0.0.1:%u/v1\n", upstreamPort);
        std::fflush(stdout);
        runFakeUpstream(lfd);
    }
    const pid_t upstreamPid = fork();
    if (upstreamPid < 0)
        die("fork failed");
    if (upstreamPid == 0) {
        if (underTestCpu >= 0)
            pinTo(underTestCpu);
        runFakeUpstream(lfd);
    }
    close(lfd);

    const Proxy proxy = startProxy(opt, tmp, upstreamPort, underTestCpu);

    // nginx on the same CPU as the proxy, in front of the same upstream (not for --soak).
    const std::string nginxBin = opt.soakSeconds > 0 ? std::string() : findNginx(opt);
    Nginx nginx;
    std::string nginxNote;
    if (opt.soakSeconds == 0 && nginxBin.empty()) {
        nginxNote = (opt.nginx.empty() ? std::string("nginx not found")
                                       : "no nginx executable at " + opt.nginx) +
                    ": install it (apt-get install nginx-light or nginx; scripts/setup-deps.sh "
                    "--bench) for the nginx column";
    } else if (!nginxBin.empty()) {
        nginx = startNginx(nginxBin, tmp, upstreamPort, underTestCpu, 2 * maxStreams + 256);
        if (nginx.pid <= 0) {
            nginxNote =
                "nginx (" + nginxBin + ") did not start, so no nginx column: " + nginx.error;
            std::fprintf(stderr, "qp-bench: warning: %s\n", nginxNote.c_str());
        }
    }
    const bool hasNginx = nginx.pid > 0;

    if (pin)
        pinTo(0);
    // Idle: after start-up has settled, before the first request.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    Memory proxyMem{proxy.pid}, nginxMem{hasNginx ? nginx.pid : -1};
    proxyMem.start();
    nginxMem.start();

    // The targets. Anthropic (A) is the proxy again, sent POST /v1/messages: it translates to
    // the upstream's OpenAI API and back. nginx cannot translate; its figure for those rows is
    // the OpenAI pass-through one.
    enum { D, P, N, A, kTargets };
    struct Target {
        const char *name;
        uint16_t port;
        bool anthropic;
    };
    const Target targets[kTargets] = {{"direct", upstreamPort, false},
                                      {"qwen-proxy", proxy.port, false},
                                      {"nginx", nginx.port, false},
                                      {"qwen-proxy (Anthropic)", proxy.port, true}};
    std::vector<int> openai = {D, P};
    if (hasNginx)
        openai.push_back(N);
    std::vector<int> all = openai;
    all.push_back(A);
    auto request = [&](int i, bool stream, int intervalMs) {
        const Target &t = targets[i];
        return t.anthropic ? messagesRequest(t.port, stream, intervalMs, 20)
                           : chatRequest(t.port, stream, intervalMs, 20);
    };
    const int scale = opt.quick ? 4 : 1;

    std::fprintf(stderr,
                 "qp-bench: upstream 127.0.0.1:%u (pid %d), proxy 127.0.0.1:%u (pid %d), %s, %s\n",
                 upstreamPort, upstreamPid, proxy.port, proxy.pid,
                 hasNginx ? ("nginx " + nginx.version + " 127.0.0.1:" + std::to_string(nginx.port) +
                             " (pid " + std::to_string(nginx.pid) + ")")
                                .c_str()
                          : "no nginx",
                 pin ? "load generator on CPU 0, the rest on the last CPU" : "no pinning");

    auto stopAll = [&] {
        if (hasNginx)
            stopChild(nginx.pid, SIGTERM);
        stopChild(proxy.pid, SIGTERM);
        stopChild(upstreamPid, SIGKILL);
        std::error_code ec;
        fs::remove_all(tmp, ec);
    };

    // Sanity: one request of each kind through each path.
    for (int i : all) {
        for (bool stream : {false, true}) {
            LoadResult r = sequential(targets[i].port, request(i, stream, 0), 1, stream);
            if (r.completed != 1 || (stream && r.eventDelay.size() != 20)) {
                stopAll();
                die(std::string("sanity request (") + (stream ? "stream" : "non-stream") + ") to " +
                    targets[i].name + " failed: " + r.firstError +
                    " events=" + std::to_string(r.eventDelay.size()));
            }
        }
    }

    if (opt.soakSeconds > 0 && opt.soakBurst > 0) {
        // What a new stream costs: every stream is a new client connection and, all being open
        // at once, a new upstream connection too (the 1000-streams row, repeated).
        const double cpu0 = cpuSeconds(proxy.pid);
        const int64_t end = nowNs() + int64_t(opt.soakSeconds) * kSec;
        LoadResult all;
        int bursts = 0;
        do {
            append(all,
                   streamsAtOnce(proxy.port, chatRequest(proxy.port, true, 10, 20), opt.soakBurst));
            ++bursts;
        } while (nowNs() < end);
        const double cpu = cpuSeconds(proxy.pid) - cpu0;
        std::printf("soak: %d bursts of %d streams, proxy CPU %.1f µs per stream, first event "
                    "p50 %.1f ms, %lld failed, %s\n",
                    bursts, opt.soakBurst, all.completed ? cpu * 1e6 / double(all.completed) : 0.0,
                    double(percentile(all.firstEvent, .5)) / double(kMs), (long long)all.failed,
                    all.firstError.empty() ? "no errors" : all.firstError.c_str());
        stopAll();
        return 0;
    }
    if (opt.soakSeconds > 0) { // profiling aid: attach perf to the proxy pid printed above
        const double cpu0 = cpuSeconds(proxy.pid);
        const LoadResult r =
            concurrent(proxy.port,
                       opt.soakAnthropic ? messagesRequest(proxy.port, opt.soakSse, 0, 20)
                                         : chatRequest(proxy.port, opt.soakSse, 0, 20),
                       50, int64_t(opt.soakSeconds) * kSec);
        const double cpu = cpuSeconds(proxy.pid) - cpu0;
        std::printf("soak: %.0f req/s through the proxy, proxy CPU %.1f µs per request, %s\n",
                    r.requestsPerSecond(), r.completed ? cpu * 1e6 / double(r.completed) : 0.0,
                    r.firstError.empty() ? "no errors" : r.firstError.c_str());
        stopAll();
        return 0;
    }

    // Every phase runs the targets in turn (rounds interleaved), so a slow moment of the machine
    // is spread over all of them rather than landing on one.

    // 1. Non-stream, one connection, sequential: latency floor and what each hop adds.
    std::fprintf(stderr, "qp-bench: non-stream, 1 connection\n");
    LoadResult seq[kTargets];
    for (int i : all)
        sequential(targets[i].port, request(i, false, 0), 300 / scale, false); // warm-up
    for (int round = 0; round < 3; ++round)
        for (int i : all) {
            const LoadResult r =
                sequential(targets[i].port, request(i, false, 0), 1500 / scale, false);
            checkClean("non-stream 1 conn", targets[i].name, r);
            append(seq[i], r);
        }

    // 2. Throughput at 50 connections, non-stream and fixed-body SSE: median of 3 rounds.
    std::fprintf(stderr, "qp-bench: 50 connections\n");
    const int64_t runNs = opt.quick ? kSec / 2 : 2 * kSec;
    std::vector<int64_t> rps[kTargets], sseRps[kTargets];
    LoadResult c50[kTargets];
    // CPU per request of the process under test (the fake upstream's for "direct"): unlike
    // req/s on a shared CPU, it does not depend on how the scheduler splits the CPU between the
    // process and the upstream, so it compares the proxy with nginx more steadily from machine
    // to machine.
    const pid_t cpuOf[kTargets] = {upstreamPid, proxy.pid, hasNginx ? nginx.pid : -1, proxy.pid};
    double cpuJson[kTargets] = {}, cpuSse[kTargets] = {};
    int64_t doneJson[kTargets] = {}, doneSse[kTargets] = {};
    for (int round = 0; round < 3; ++round)
        for (int i : all) {
            double cpu0 = cpuSeconds(cpuOf[i]);
            LoadResult r = concurrent(targets[i].port, request(i, false, 0), 50, runNs);
            cpuJson[i] += cpuSeconds(cpuOf[i]) - cpu0;
            doneJson[i] += r.completed;
            checkClean("non-stream 50 conns", targets[i].name, r);
            rps[i].push_back(int64_t(r.requestsPerSecond()));
            append(c50[i], r);
            cpu0 = cpuSeconds(cpuOf[i]);
            r = concurrent(targets[i].port, request(i, true, 0), 50, runNs);
            cpuSse[i] += cpuSeconds(cpuOf[i]) - cpu0;
            doneSse[i] += r.completed;
            checkClean("SSE 50 conns", targets[i].name, r);
            sseRps[i].push_back(int64_t(r.requestsPerSecond()));
        }
    auto cpuPerRequestUs = [](double seconds, int64_t done) {
        return done > 0 ? seconds * 1e6 / double(done) : 0.0;
    };
    const long peakLoad = proxyMem.phasePeak(), nginxPeakLoad = nginxMem.phasePeak();

    // 3. Streams one at a time, events 10 ms apart: time to first byte and per-event delay.
    std::fprintf(stderr, "qp-bench: streams, 1 connection, events 10 ms apart\n");
    LoadResult slow[kTargets];
    for (int round = 0; round < 3; ++round)
        for (int i : openai) {
            const LoadResult r =
                sequential(targets[i].port, request(i, true, 10), 10 / scale + 1, true);
            checkClean("stream 1 conn", targets[i].name, r);
            append(slow[i], r);
        }

    // 4. Many concurrent slow streams (20 events 10 ms apart): 200 as in the anchors (both
    //    dialects), then N. The peak memory of each run is its own (VmHWM reset before).
    auto memoryOf = [&](int i) -> Memory * {
        return i == N ? &nginxMem : (i == P || i == A) ? &proxyMem : nullptr;
    };
    LoadResult many200[kTargets], manyN[kTargets];
    long peak200[kTargets] = {}, peakN[kTargets] = {};
    for (int i : all) {
        std::fprintf(stderr, "qp-bench: 200 concurrent streams, %s\n", targets[i].name);
        Memory *m = memoryOf(i);
        if (m)
            m->phasePeak();
        many200[i] = streamsAtOnce(targets[i].port, request(i, true, 10), 200);
        checkClean("200 streams", targets[i].name, many200[i]);
        if (m)
            peak200[i] = m->phasePeak();
    }
    for (int i : openai) {
        std::fprintf(stderr, "qp-bench: %d concurrent streams, %s\n", opt.streams, targets[i].name);
        Memory *m = memoryOf(i);
        if (m)
            m->phasePeak();
        manyN[i] = streamsAtOnce(targets[i].port, request(i, true, 10), opt.streams);
        checkClean("N streams", targets[i].name, manyN[i]);
        if (m)
            peakN[i] = m->phasePeak();
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const long afterRss = procStatusKb(proxy.pid, "VmRSS");
    const long afterThreads = procStatusKb(proxy.pid, "Threads");
    const long nginxAfterRss = hasNginx ? procStatusKb(nginx.pid, "VmRSS") : 0;
    proxyMem.phasePeak();
    nginxMem.phasePeak();
    stopAll();

    // ---- report ---------------------------------------------------------------------------
    auto p = [](const std::vector<int64_t> &v, double q) { return percentile(v, q); };
    const std::string noNginx = "— (no nginx)";
    const char *const pass = " (OpenAI pass-through)";
    std::vector<Row> rows;

    // What a hop adds to direct, at p50 and p99, of a latency sample.
    auto latencyCells = [&](Row &row, const LoadResult(&r)[kTargets], auto field, int proxyIdx,
                            bool inMs) {
        auto added = [&](int i) {
            const int64_t a50 = p(r[i].*field, .5) - p(r[D].*field, .5);
            const int64_t a99 = p(r[i].*field, .99) - p(r[D].*field, .99);
            return inMs ? signedMs(a50) + " / " + signedMs(a99)
                        : signedUs(a50) + " / " + signedUs(a99);
        };
        row.direct = pair(p(r[D].*field, .5), p(r[D].*field, .99), inMs);
        row.proxy = withAdded(pair(p(r[proxyIdx].*field, .5), p(r[proxyIdx].*field, .99), inMs),
                              added(proxyIdx));
        if (hasNginx) {
            row.nginx = withAdded(pair(p(r[N].*field, .5), p(r[N].*field, .99), inMs), added(N));
            row.ratio = ratio(double(p(r[proxyIdx].*field, .5)), double(p(r[N].*field, .5)));
        }
    };
    auto single = [&](Row &row, const LoadResult(&r)[kTargets], auto field, int proxyIdx,
                      bool inMs) {
        auto cell = [&](int i) { return inMs ? ms(p(r[i].*field, .5)) : us(p(r[i].*field, .5)); };
        auto added = [&](int i) {
            const int64_t a = p(r[i].*field, .5) - p(r[D].*field, .5);
            return inMs ? signedMs(a) : signedUs(a);
        };
        row.direct = cell(D);
        row.proxy = withAdded(cell(proxyIdx), added(proxyIdx));
        if (hasNginx) {
            row.nginx = withAdded(cell(N), added(N));
            row.ratio = ratio(double(p(r[proxyIdx].*field, .5)), double(p(r[N].*field, .5)));
        }
    };

    {
        Row r{"OpenAI JSON, 1 connection: p50 / p99 (added to direct)"};
        latencyCells(r, seq, &LoadResult::latency, P, false);
        const int64_t added = p(seq[P].latency, .5) - p(seq[D].latency, .5);
        r.target = std::string("added p50 ≤ +60 µs: ") + verdict(added <= 60000);
        rows.push_back(r);
    }
    {
        Row r{"Anthropic JSON (translating), 1 connection: p50 / p99 (added to direct OpenAI)"};
        latencyCells(r, seq, &LoadResult::latency, A, false);
        if (hasNginx)
            r.nginx += pass;
        rows.push_back(r);
    }
    const double rD = double(median(rps[D])), rP = double(median(rps[P]));
    const double rN = hasNginx ? double(median(rps[N])) : 0, rA = double(median(rps[A]));
    const double sD = double(median(sseRps[D])), sP = double(median(sseRps[P]));
    const double sN = hasNginx ? double(median(sseRps[N])) : 0, sA = double(median(sseRps[A]));
    auto rateTarget = [&](double proxyRate, double nginxRate, double share, const char *what) {
        char b[96];
        std::snprintf(b, sizeof b, "≥ %.1f× nginx%s: ", share, what);
        return std::string(b) + (hasNginx ? verdict(proxyRate >= share * nginxRate) : noNginx);
    };
    rows.push_back({"OpenAI JSON, 50 connections: req/s (median of 3)", num(rD),
                    hasNginx ? num(rN) : "", num(rP), ratio(rP, rN), rateTarget(rP, rN, 0.7, "")});
    {
        Row r{"OpenAI JSON, 50 connections: p50 / p99 (added)"};
        latencyCells(r, c50, &LoadResult::latency, P, true);
        rows.push_back(r);
    }
    rows.push_back({"OpenAI SSE (20 events at once), 50 connections: req/s (median of 3)", num(sD),
                    hasNginx ? num(sN) : "", num(sP), ratio(sP, sN), rateTarget(sP, sN, 0.5, "")});
    {
        // Lower is better here, so the ratio is proxy over nginx as in the latency rows.
        auto cpuRow = [&](const char *label, const double *cpu, const int64_t *done) {
            char d[32], n[32], px[32];
            const double uD = cpuPerRequestUs(cpu[D], done[D]);
            const double uN = hasNginx ? cpuPerRequestUs(cpu[N], done[N]) : 0;
            const double uP = cpuPerRequestUs(cpu[P], done[P]);
            std::snprintf(d, sizeof d, "%.1f µs (the upstream)", uD);
            std::snprintf(n, sizeof n, "%.1f µs", uN);
            std::snprintf(px, sizeof px, "%.1f µs", uP);
            rows.push_back({label, d, hasNginx ? n : "", px, hasNginx ? ratio(uP, uN) : "", ""});
        };
        cpuRow("OpenAI JSON, 50 connections: CPU per request (user + system, the process's own)",
               cpuJson, doneJson);
        cpuRow("OpenAI SSE, 50 connections: CPU per request (user + system, the process's own)",
               cpuSse, doneSse);
    }
    rows.push_back({"Anthropic JSON (translating), 50 connections: req/s", "—",
                    hasNginx ? num(rN) + pass : "", num(rA), ratio(rA, rN),
                    rateTarget(rA, rN, 0.3, " (pass-through)")});
    rows.push_back({"Anthropic SSE (translating, 20 events at once), 50 connections: req/s", "—",
                    hasNginx ? num(sN) + pass : "", num(sA), ratio(sA, sN), ""});
    {
        Row r{"OpenAI stream, 1 connection: time to first byte p50 (added)"};
        single(r, slow, &LoadResult::ttfb, P, false);
        rows.push_back(r);
    }
    {
        Row r{"OpenAI stream, 1 connection: first event p50 (added)"};
        single(r, slow, &LoadResult::firstEvent, P, false);
        rows.push_back(r);
    }
    {
        Row r{"OpenAI stream, events 10 ms apart: delay per event p50 / p99 (added; " +
              std::to_string(slow[P].eventDelay.size()) + " events)"};
        latencyCells(r, slow, &LoadResult::eventDelay, P, false);
        const int64_t ev99 = p(slow[P].eventDelay, .99) - p(slow[D].eventDelay, .99);
        r.target = std::string("added p99 ≤ 1 ms: ") + verdict(ev99 <= kMs);
        rows.push_back(r);
    }
    auto completionRow = [&](const std::string &label, const LoadResult(&r)[kTargets], int n,
                             int proxyIdx, bool passThrough) {
        Row row{label, proxyIdx == A ? "—" : completion(r[D], n)};
        row.proxy = completion(r[proxyIdx], n);
        if (proxyIdx != A)
            row.proxy += " (" + signedMs(r[proxyIdx].elapsedNs - r[D].elapsedNs) + ")";
        if (hasNginx) {
            row.nginx = completion(r[N], n);
            if (passThrough)
                row.nginx += pass;
            else
                row.nginx += " (" + signedMs(r[N].elapsedNs - r[D].elapsedNs) + ")";
            row.ratio = ratio(double(r[proxyIdx].elapsedNs), double(r[N].elapsedNs));
        }
        return row;
    };
    rows.push_back(
        completionRow("OpenAI, 200 concurrent slow streams: all complete / total time (added)",
                      many200, 200, P, false));
    {
        Row r{"OpenAI, 200 slow streams: first event p50 (added)"};
        single(r, many200, &LoadResult::firstEvent, P, true);
        rows.push_back(r);
    }
    const int64_t extra200P = p(many200[P].eventDelay, .5) - p(many200[D].eventDelay, .5);
    const int64_t extra200N =
        hasNginx ? p(many200[N].eventDelay, .5) - p(many200[D].eventDelay, .5) : 0;
    const int64_t extra200A = p(many200[A].eventDelay, .5) - p(many200[D].eventDelay, .5);
    {
        Row r{"OpenAI, 200 slow streams: delay per event p50 / p99 (extra per chunk)"};
        latencyCells(r, many200, &LoadResult::eventDelay, P, true);
        r.target = "extra p50 ≤ nginx + 1 ms: " +
                   (hasNginx ? signedMs(extra200P - extra200N) + " to nginx, " +
                                   verdict(extra200P <= extra200N + kMs)
                             : noNginx);
        rows.push_back(r);
    }
    rows.push_back(completionRow(
        "Anthropic (translating), 200 concurrent slow streams: all complete / total time", many200,
        200, A, true));
    {
        Row r{"Anthropic, 200 slow streams: delay per event p50 / p99 (extra per chunk, to direct "
              "OpenAI)"};
        latencyCells(r, many200, &LoadResult::eventDelay, A, true);
        if (hasNginx)
            r.nginx += pass;
        r.target = std::string("extra p50 ≤ +3 ms: ") + verdict(extra200A <= 3 * kMs);
        rows.push_back(r);
    }
    const bool allN =
        manyN[P].completed == opt.streams && manyN[P].failed == 0 && manyN[P].unfinished == 0;
    {
        Row r = completionRow("OpenAI, " + std::to_string(opt.streams) +
                                  " concurrent slow streams: all complete / total time (added)",
                              manyN, opt.streams, P, false);
        r.target = std::string("all complete: ") + verdict(allN);
        rows.push_back(r);
    }
    {
        Row r{"OpenAI, " + std::to_string(opt.streams) + " slow streams: first event p50 (added)"};
        single(r, manyN, &LoadResult::firstEvent, P, true);
        const int64_t added = p(manyN[P].firstEvent, .5) - p(manyN[D].firstEvent, .5);
        r.target = std::string("within 100 ms of direct: ") + verdict(added <= 100 * kMs);
        rows.push_back(r);
    }
    {
        Row r{"OpenAI, " + std::to_string(opt.streams) +
              " slow streams: delay per event p50 / p99 (extra per chunk)"};
        latencyCells(r, manyN, &LoadResult::eventDelay, P, true);
        rows.push_back(r);
    }
    {
        Row r{"RSS: idle at start-up / peak over the run / after the run", "—"};
        r.proxy = mb(proxyMem.idle) + " / " + mb(proxyMem.peak) + " / " + mb(afterRss) + " (" +
                  std::to_string(afterThreads) + " threads)";
        if (hasNginx) {
            r.nginx = mb(nginxMem.idle) + " / " + mb(nginxMem.peak) + " / " + mb(nginxAfterRss);
            r.ratio = ratio(double(proxyMem.idle), double(nginxMem.idle)) + " idle";
        }
        r.target = std::string("idle ≤ 25 MB: ") +
                   verdict(proxyMem.idle > 0 && proxyMem.idle <= 25 * 1024);
        rows.push_back(r);
    }
    {
        Row r{"peak RSS: 50-connection runs / 200 streams (Anthropic) / " +
                  std::to_string(opt.streams) + " streams",
              "—"};
        r.proxy =
            mb(peakLoad) + " / " + mb(peak200[P]) + " (" + mb(peak200[A]) + ") / " + mb(peakN[P]);
        if (hasNginx) {
            r.nginx = mb(nginxPeakLoad) + " / " + mb(peak200[N]) + " / " + mb(peakN[N]);
            r.ratio =
                ratio(double(peakN[P]), double(peakN[N])) + " at " + std::to_string(opt.streams);
        }
        r.target = std::to_string(opt.streams) +
                   " streams ≤ 100 MB: " + verdict(peakN[P] > 0 && peakN[P] <= 100 * 1024);
        rows.push_back(r);
    }
    printTable(rows, hasNginx);

    std::printf("\nCommand: `%s`%s; load average before the run %.2f.\n", opt.commandLine.c_str(),
                pin ? (hasNginx
                           ? " (load generator pinned to CPU 0, fake upstream, nginx and proxy "
                             "to the last CPU)"
                           : " (load generator pinned to CPU 0, fake upstream and proxy to "
                             "the last CPU)")
                    : "",
                loadBefore);
    std::printf(
        "Upstream: fake, epoll, %d-byte completion or 20 SSE events; requests: 2 KB JSON POST "
        "(OpenAI /v1/chat/completions, or Anthropic /v1/messages that the proxy translates).\n",
        completionBodySize());
    if (hasNginx)
        std::printf("nginx %s (%s): one process, HTTP/1.1 keep-alive to the client and to the "
                    "upstream (64 idle kept), proxy buffering and request buffering off; "
                    "\"proxy / nginx\" divides the first figure of the two cells.\n",
                    nginx.version.c_str(), nginxBin.c_str());
    else
        std::printf("%s.\n", nginxNote.c_str());
    return 0;
}
